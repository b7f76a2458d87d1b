/**
 * Settles with `promise`, or rejects with the signal's reason as soon as `signal` aborts —
 * after running `onAbort`, which releases what the call owns (a consumer, a connection).
 * kafkajs takes no AbortSignal, so this is how a timeout or a cancel ends the real work.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal, onAbort?: () => unknown): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    runQuietly(onAbort);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      runQuietly(onAbort);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

function runQuietly(callback: (() => unknown) | undefined): void {
  if (callback === undefined) return;
  try {
    Promise.resolve(callback()).catch(() => undefined);
  } catch {
    // Releasing is best effort; the caller already gets the abort reason.
  }
}
