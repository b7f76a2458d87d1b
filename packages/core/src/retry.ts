import { ConnectorError } from './errors.js';

/** How often and how patiently a retryable failure is tried again. */
export interface RetryPolicy {
  /** Total tries including the first. 1 means no retry. */
  readonly attempts: number;
  /** Delay before the first retry. */
  readonly initialDelayMs: number;
  /** Upper bound of the computed backoff. */
  readonly maxDelayMs: number;
  /** Growth factor between retries. */
  readonly factor: number;
  /**
   * A service's `retryAfterMs` longer than this is not waited for: the error is returned to
   * the caller instead of blocking it.
   */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
  factor: 2,
  maxRetryAfterMs: 30_000,
};

/** Normalises a partial policy (or a plain attempt count) onto the defaults. */
export function resolveRetry(
  policy: Partial<RetryPolicy> | number | undefined,
  base: RetryPolicy = DEFAULT_RETRY,
): RetryPolicy {
  if (policy === undefined) return base;
  const merged = typeof policy === 'number' ? { ...base, attempts: policy } : { ...base, ...policy };
  if (!Number.isInteger(merged.attempts) || merged.attempts < 1) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `retry.attempts must be an integer ≥ 1, got ${String(merged.attempts)}`,
    );
  }
  for (const key of ['initialDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    if (!(merged[key] >= 0)) {
      throw new ConnectorError(
        'INVALID_INPUT',
        `retry.${key} must be a number ≥ 0, got ${String(merged[key])}`,
      );
    }
  }
  if (!(merged.factor >= 1)) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `retry.factor must be a number ≥ 1, got ${String(merged.factor)}`,
    );
  }
  return merged;
}

/**
 * The wait before retry number `retry` (1 = first retry): exponential backoff with "equal
 * jitter" (half fixed, half random), never shorter than the service's `retryAfterMs`.
 */
export function backoffDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs?: number,
  random = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (retry - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
