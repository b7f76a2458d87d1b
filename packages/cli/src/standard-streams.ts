/**
 * The exit status of a writer whose reader went away: 128 + SIGPIPE, what a shell reports for
 * `cat big.log | head -1` (with `pipefail`). Node ignores SIGPIPE, so `ck` exits with it itself.
 */
export const BROKEN_PIPE_EXIT_CODE = 141;

/** What `guardStandardStreams` learnt about standard output and error. */
export interface StandardStreamsGuard {
  /** The exit code a failed write decided (141 for a closed pipe, 1 otherwise); undefined while none failed. */
  readonly exitCode: number | undefined;
}

export interface GuardOptions {
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
  /** Ends the process at once (default `process.exit`). */
  readonly exit?: (code: number) => void;
}

const stopHandlers = new Set<() => void>();

/**
 * Lets a long-running command stop gracefully when a write to standard output or error fails,
 * instead of the process exiting at once. Returns the function that unregisters `stop`: call it
 * once the command has cleaned up.
 */
export function whenOutputFails(stop: () => void): () => void {
  const handler = () => stop();
  stopHandlers.add(handler);
  return () => stopHandlers.delete(handler);
}

/**
 * Turns a failed write to standard output or error into a quiet end instead of an unhandled
 * 'error' event with a stack trace. A closed pipe (`ck list --json | head -c 50`) ends `ck`
 * silently with exit code 141, as Unix tools do; any other failure on standard output prints
 * one line on standard error and exits 1. A long-running command is stopped the way it always
 * stops instead of being cut short: `ck start` through `whenOutputFails`, a command of another
 * package that waits for SIGTERM (`ck sandbox start`) through that event; the caller then exits
 * with `exitCode`.
 */
export function guardStandardStreams(options: GuardOptions = {}): StandardStreamsGuard {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let exitCode: number | undefined;
  const onError = (stream: 'stdout' | 'stderr') => (error: NodeJS.ErrnoException) => {
    // process.stdout is never destroyed: after a closed pipe every later write fails again.
    if (exitCode !== undefined) return;
    const brokenPipe = error.code === 'EPIPE';
    exitCode = brokenPipe ? BROKEN_PIPE_EXIT_CODE : 1;
    if (!brokenPipe && stream === 'stdout') {
      stderr.write(`ck: error INTERNAL: cannot write to standard output: ${error.message}\n`);
    }
    if (stopHandlers.size > 0) {
      for (const stop of [...stopHandlers]) stop();
    } else if (process.listenerCount('SIGTERM') > 0) {
      process.emit('SIGTERM', 'SIGTERM');
    } else {
      exit(exitCode);
    }
  };
  stdout.on('error', onError('stdout'));
  stderr.on('error', onError('stderr'));
  return {
    get exitCode() {
      return exitCode;
    },
  };
}
