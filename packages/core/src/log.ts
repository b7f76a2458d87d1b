import type { Redactor } from './redaction.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Readonly<Record<LogLevel | 'silent', number>> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

/** Structured fields attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger. Lines passed through the kit are redacted before they are written. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** One log line as it reaches a sink, already redacted. */
export interface LogRecord {
  level: LogLevel;
  message: string;
  time: string;
  fields: Record<string, unknown>;
}

export type LogSink = (record: LogRecord) => void;

/** Writes one JSON object per line to standard error. */
export const stderrSink: LogSink = (record) => {
  process.stderr.write(
    `${JSON.stringify({ level: record.level, time: record.time, msg: record.message, ...record.fields })}\n`,
  );
};

export interface LoggerOptions {
  level?: LogLevel | 'silent';
  sink?: LogSink;
  redactor?: Redactor;
}

/**
 * A logger that redacts every message and field (secret values, `Redacted` wrappers and
 * credential-named keys) before the sink sees them.
 */
export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const sink = options.sink ?? stderrSink;
  const redactor = options.redactor;
  const write = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (LEVELS[level] < threshold) return;
    const merged = fields === undefined ? bound : { ...bound, ...fields };
    sink({
      level,
      time: new Date().toISOString(),
      message: redactor === undefined ? message : redactor.text(message),
      fields: (redactor === undefined ? merged : redactor.value(merged)) as Record<string, unknown>,
    });
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/**
 * Wraps a logger the kit was given, so that it too only sees redacted messages and fields —
 * what actions write through `ctx.log` included.
 */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  const fieldsOf = (fields: LogFields | undefined): LogFields | undefined =>
    fields === undefined ? undefined : (redactor.value(fields) as LogFields);
  return {
    debug: (message, fields) => logger.debug(redactor.text(message), fieldsOf(fields)),
    info: (message, fields) => logger.info(redactor.text(message), fieldsOf(fields)),
    warn: (message, fields) => logger.warn(redactor.text(message), fieldsOf(fields)),
    error: (message, fields) => logger.error(redactor.text(message), fieldsOf(fields)),
    child: (fields) => redactingLogger(logger.child(redactor.value(fields) as LogFields), redactor),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger({ level: 'silent' });

export function isLogLevel(value: unknown): value is LogLevel | 'silent' {
  return typeof value === 'string' && Object.hasOwn(LEVELS, value);
}
