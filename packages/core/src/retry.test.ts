import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectorError } from './errors.js';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy, resolveRetry, sleep } from './retry.js';

const policy: RetryPolicy = {
  attempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 1_000,
  factor: 2,
  maxRetryAfterMs: 10_000,
};
const highest = (): number => 1 - Number.EPSILON;
const lowest = (): number => 0;

describe('backoffDelay', () => {
  it('grows by the factor from one retry to the next', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(policy, retry, undefined, highest))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it('is capped at maxDelayMs', () => {
    expect(backoffDelay(policy, 5, undefined, highest)).toBe(1_000);
    expect(backoffDelay(policy, 30, undefined, highest)).toBe(1_000);
  });

  it('keeps half of the delay fixed and jitters the other half', () => {
    expect(backoffDelay(policy, 1, undefined, lowest)).toBe(50);
    expect(backoffDelay(policy, 1, undefined, () => 0.5)).toBe(75);
    expect(backoffDelay(policy, 3, undefined, lowest)).toBe(200);
    for (let sample = 0; sample < 200; sample++) {
      const delay = backoffDelay(policy, 3);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });

  it('never waits less than the service asked for', () => {
    expect(backoffDelay(policy, 1, 5_000, highest)).toBe(5_000);
    expect(backoffDelay(policy, 1, 60, lowest)).toBe(60);
    expect(backoffDelay(policy, 4, 10, lowest)).toBe(400);
  });
});

describe('resolveRetry', () => {
  it('uses the base policy when none is given', () => {
    expect(resolveRetry(undefined)).toBe(DEFAULT_RETRY);
    expect(resolveRetry(undefined, policy)).toBe(policy);
  });

  it('takes a number as the attempt count', () => {
    expect(resolveRetry(7, policy)).toEqual({ ...policy, attempts: 7 });
  });

  it('merges a partial policy onto the base', () => {
    expect(resolveRetry({ initialDelayMs: 5 }, policy)).toEqual({ ...policy, initialDelayMs: 5 });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects %s attempts with INVALID_INPUT', (attempts) => {
    expect(() => resolveRetry(attempts)).toThrow(ConnectorError);
    expect(() => resolveRetry({ attempts })).toThrow(/retry\.attempts must be an integer ≥ 1/);
    try {
      resolveRetry(attempts);
    } catch (error) {
      expect((error as ConnectorError).code).toBe('INVALID_INPUT');
    }
  });

  it.each<[string, Partial<RetryPolicy>]>([
    ['a negative initial delay', { initialDelayMs: -1 }],
    ['a negative maximum delay', { maxDelayMs: -5 }],
    ['a factor below 1', { factor: 0.5 }],
    ['a negative maxRetryAfterMs', { maxRetryAfterMs: -1 }],
    ['a delay that is not a number', { initialDelayMs: Number.NaN }],
  ])('rejects %s with INVALID_INPUT', (_label, partial) => {
    expect(() => resolveRetry(partial)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves after the delay', async () => {
    vi.useFakeTimers();
    let done = false;
    const sleeping = sleep(1_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(done).toBe(true);
  });

  it('rejects with the reason when the signal aborts, and clears its timer', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once when the signal has already aborted', async () => {
    vi.useFakeTimers();
    const reason = new Error('already');
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops listening to the signal once it resolved', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const sleeping = sleep(10, controller.signal);
    await vi.advanceTimersByTimeAsync(10);
    await expect(sleeping).resolves.toBeUndefined();
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
  });
});
