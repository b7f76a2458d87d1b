import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createLogger,
  isLogLevel,
  type Logger,
  type LogRecord,
  redactingLogger,
  silentLogger,
  stderrSink,
} from './log.js';
import { REDACTED, Redacted, Redactor } from './redaction.js';

const CANARY = 'canary-log-secret-31';

function recorder(): { lines: LogRecord[]; sink: (record: LogRecord) => void } {
  const lines: LogRecord[] = [];
  return { lines, sink: (record) => lines.push(record) };
}

function redactor(): Redactor {
  const result = new Redactor();
  result.add(CANARY);
  return result;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createLogger', () => {
  it('writes lines at or above its level', () => {
    const log = recorder();
    const logger = createLogger({ level: 'warn', sink: log.sink });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(log.lines.map((line) => [line.level, line.message])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });

  it('logs at info and above by default', () => {
    const log = recorder();
    const logger = createLogger({ sink: log.sink });
    logger.debug('d');
    logger.info('i');
    expect(log.lines.map((line) => line.message)).toEqual(['i']);
  });

  it('writes nothing when silent', () => {
    const log = recorder();
    const logger = createLogger({ level: 'silent', sink: log.sink });
    logger.error('e');
    silentLogger.error('e');
    expect(log.lines).toEqual([]);
  });

  it('adds the fields of a child to every line, the line’s own fields winning', () => {
    const log = recorder();
    const logger = createLogger({ level: 'debug', sink: log.sink }).child({ connection: 'a', attempt: 1 });
    logger.child({ attempt: 2 }).info('retry', { code: 'TIMEOUT' });
    logger.debug('plain');
    expect(log.lines.map((line) => line.fields)).toEqual([
      { connection: 'a', attempt: 2, code: 'TIMEOUT' },
      { connection: 'a', attempt: 1 },
    ]);
    expect(Number.isNaN(Date.parse(log.lines[0]?.time ?? ''))).toBe(false);
  });

  it('redacts messages, fields, credential-named keys and Redacted values', () => {
    const log = recorder();
    const logger = createLogger({ level: 'debug', sink: log.sink, redactor: redactor() });
    logger.child({ token: 'anything' }).info(`connecting with ${CANARY}`, {
      url: `https://x.test/?key=${CANARY}`,
      secret: Redacted.make('another'),
      error: new Error(`failed: ${CANARY}`),
    });
    expect(log.lines[0]?.message).toBe(`connecting with ${REDACTED}`);
    expect(log.lines[0]?.fields).toEqual({
      token: REDACTED,
      url: `https://x.test/?key=${REDACTED}`,
      secret: REDACTED,
      error: { name: 'Error', message: `failed: ${REDACTED}` },
    });
  });

  it('writes JSON lines to standard error by default', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    createLogger({ level: 'info' }).info('hello', { connection: 'a' });
    expect(write).toHaveBeenCalledTimes(1);
    const line = String(write.mock.calls[0]?.[0]);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toMatchObject({ level: 'info', msg: 'hello', connection: 'a' });
    stderrSink({ level: 'error', message: 'direct', time: 't', fields: {} });
    expect(JSON.parse(String(write.mock.calls[1]?.[0]))).toEqual({
      level: 'error',
      time: 't',
      msg: 'direct',
    });
  });
});

describe('redactingLogger', () => {
  it('redacts what reaches a logger it wraps, children included', () => {
    const calls: unknown[][] = [];
    const target: Logger = {
      debug: (...args) => calls.push(['debug', ...args]),
      info: (...args) => calls.push(['info', ...args]),
      warn: (...args) => calls.push(['warn', ...args]),
      error: (...args) => calls.push(['error', ...args]),
      child: (fields) => {
        calls.push(['child', fields]);
        return target;
      },
    };
    const logger = redactingLogger(target, redactor());
    logger.debug(`a ${CANARY}`);
    logger.info('b', { password: 'x' });
    logger.warn('c', { note: CANARY });
    logger.error('d');
    logger.child({ apiKey: 'k', region: 'eu' }).info(CANARY);
    expect(calls).toEqual([
      ['debug', `a ${REDACTED}`, undefined],
      ['info', 'b', { password: REDACTED }],
      ['warn', 'c', { note: REDACTED }],
      ['error', 'd', undefined],
      ['child', { apiKey: REDACTED, region: 'eu' }],
      ['info', REDACTED, undefined],
    ]);
  });
});

describe('isLogLevel', () => {
  it.each([
    ['debug', true],
    ['silent', true],
    ['verbose', false],
    [3, false],
  ])('%j → %s', (value, expected) => {
    expect(isLogLevel(value)).toBe(expected);
  });
});
