import type { LogFields, Logger } from '@connectorkit/core';

/** A logger that forwards to `log` until `close()`: the late noise of a consumer being torn down is dropped. */
export interface GatedLogger extends Logger {
  close(): void;
}

export function gatedLogger(log: Logger): GatedLogger {
  let open = true;
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      if (open) log[level](message, fields);
    };
  return {
    debug: forward('debug'),
    info: forward('info'),
    warn: forward('warn'),
    error: forward('error'),
    child: (fields) => log.child(fields),
    close: () => {
      open = false;
    },
  };
}
