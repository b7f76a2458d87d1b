import { PassThrough } from 'node:stream';
import type { LogRecord } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import type { CommandIo, GlobalFlags } from './command.js';
import { cliLogSink } from './project.js';

function capture(flags: Partial<GlobalFlags>): { sink: (record: LogRecord) => void; text: () => string } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const io = { stdout: new PassThrough(), stderr, stdin: new PassThrough(), cwd: '.', env: {} } as CommandIo;
  const all: GlobalFlags = {
    json: undefined,
    verbose: undefined,
    config: undefined,
    help: undefined,
    ...flags,
  };
  return { sink: cliLogSink(io, all), text: () => text };
}

const record = (
  level: LogRecord['level'],
  message: string,
  fields: Record<string, unknown> = {},
): LogRecord => ({
  level,
  message,
  time: '2026-11-29T00:00:00.000Z',
  fields,
});

describe('ck log lines', () => {
  it('show warnings and progress, not other info, without --verbose', () => {
    const { sink, text } = capture({});
    sink(record('info', 'connected', { connection: 'crm' }));
    sink(
      record('info', 'bulk ingest job', {
        progress: true,
        state: 'InProgress',
        processed: 4000,
        total: 10000,
      }),
    );
    sink(record('warn', 'slow answer', { ms: 900 }));
    sink(record('debug', 'details'));
    expect(text()).toBe(
      'info: bulk ingest job  state=InProgress processed=4000 total=10000\nwarn: slow answer  ms=900\n',
    );
  });

  it('show every info and debug line with --verbose, and JSON lines with --json', () => {
    const verbose = capture({ verbose: true });
    verbose.sink(record('info', 'connected'));
    verbose.sink(record('debug', 'details'));
    expect(verbose.text()).toBe('info: connected\ndebug: details\n');
    const json = capture({ json: true });
    json.sink(record('info', 'bulk query job', { progress: true, records: 2000 }));
    expect(JSON.parse(json.text())).toEqual({ level: 'info', msg: 'bulk query job', records: 2000 });
  });
});
