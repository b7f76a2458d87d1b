import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineQueue, type Expirable } from './deadlines.js';

interface Entry extends Expirable {
  readonly id: number;
}

function entry(id: number, expire: () => void): Entry {
  return { id, epoch: undefined, settled: false, newer: undefined, older: undefined, expire };
}

function entries(count: number, expired: number[], start = 0): Entry[] {
  return Array.from({ length: count }, (_, index) => entry(start + index, () => expired.push(start + index)));
}

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describe('DeadlineQueue with fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks a sixteenth of the duration, at most a second', () => {
    expect(new DeadlineQueue(160).tickMs).toBe(10);
    expect(new DeadlineQueue(30_000).tickMs).toBe(1_000);
    expect(new DeadlineQueue(5).tickMs).toBe(1);
  });

  it('expires an entry never before its duration and at most two ticks after it, in order', async () => {
    const queue = new DeadlineQueue(160);
    const expired: number[] = [];
    const [first, second] = entries(2, expired) as [Entry, Entry];
    await vi.advanceTimersByTimeAsync(3);
    queue.add(first);
    await vi.advanceTimersByTimeAsync(45);
    queue.add(second);
    // first was added at 3 ms: due at 163, expired by 183 (two ticks of 10 ms late at most).
    await vi.advanceTimersByTimeAsync(159 - 45);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(183 - 159);
    expect(expired).toEqual([0]);
    expect(first.settled).toBe(true);
    // second was added at 48 ms: not before 208, by 228.
    await vi.advanceTimersByTimeAsync(207 - 183);
    expect(expired).toEqual([0]);
    await vi.advanceTimersByTimeAsync(228 - 207);
    expect(expired).toEqual([0, 1]);
  });

  it('expires entries of one tick period together', async () => {
    const queue = new DeadlineQueue(50);
    const expired: number[] = [];
    for (const entry of entries(5, expired)) queue.add(entry);
    await vi.advanceTimersByTimeAsync(50 + 2 * queue.tickMs);
    expect(expired).toEqual([0, 1, 2, 3, 4]);
  });

  it('never expires a settled entry', async () => {
    const queue = new DeadlineQueue(100);
    const expired: number[] = [];
    const list = entries(4, expired);
    for (const entry of list) queue.add(entry);
    queue.settle(list[0] as Entry);
    queue.settle(list[2] as Entry);
    await vi.advanceTimersByTimeAsync(100 + 2 * queue.tickMs);
    expect(expired).toEqual([1, 3]);
  });

  it('keeps ticking for one duration after the last entry settled, then stops until the next one', async () => {
    const queue = new DeadlineQueue(160);
    const expired: number[] = [];
    const list = entries(3, expired);
    for (const entry of list) queue.add(entry);
    expect(vi.getTimerCount()).toBe(1);
    for (const entry of list.reverse()) queue.settle(entry);
    // Sequential calls reuse the running timer instead of making one each.
    const [next] = entries(1, expired, 3) as [Entry];
    queue.add(next);
    queue.settle(next);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(160 + queue.tickMs);
    expect(vi.getTimerCount()).toBe(0);
    expect(expired).toEqual([]);
    const [later] = entries(1, expired, 4) as [Entry];
    queue.add(later);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(160 + 2 * queue.tickMs);
    expect(expired).toEqual([4]);
  });

  it('ignores a second settle and a settle after expiry', async () => {
    const queue = new DeadlineQueue(16);
    const expired: number[] = [];
    const [first, second, third] = entries(3, expired) as [Entry, Entry, Entry];
    queue.add(first);
    queue.settle(first);
    queue.settle(first);
    queue.add(second);
    await vi.advanceTimersByTimeAsync(16 + 2 * queue.tickMs);
    expect(expired).toEqual([1]);
    queue.settle(second);
    // The queue still counts correctly: a new entry expires.
    queue.add(third);
    await vi.advanceTimersByTimeAsync(16 + 2 * queue.tickMs);
    expect(expired).toEqual([1, 2]);
  });

  it('takes an entry again once it finished, and refuses one still queued', async () => {
    const queue = new DeadlineQueue(16);
    const expired: number[] = [];
    const [entry, other] = entries(2, expired) as [Entry, Entry];
    queue.add(entry);
    queue.settle(entry);
    queue.add(entry);
    expect(queue.size).toBe(1);
    queue.settle(entry);
    expect(queue.size).toBe(0);
    await vi.advanceTimersByTimeAsync(16 + 2 * queue.tickMs);
    expect(expired).toEqual([]);
    queue.add(entry);
    queue.add(other);
    expect(() => queue.add(entry)).toThrow(/already in the queue/);
    expect(() => queue.add(other)).toThrow(/already in the queue/);
    await vi.advanceTimersByTimeAsync(16 + 2 * queue.tickMs);
    expect(expired).toEqual([0, 1]);
    // Expired entries may run again, and expire again.
    queue.add(entry);
    await vi.advanceTimersByTimeAsync(16 + 2 * queue.tickMs);
    expect(expired).toEqual([0, 1, 0]);
    expect(queue.size).toBe(0);
  });

  it('lets an expiring entry settle another one, which then never expires', async () => {
    const queue = new DeadlineQueue(16);
    const expired: number[] = [];
    const [, second, third] = entries(3, expired) as [Entry, Entry, Entry];
    const first = entry(0, () => {
      expired.push(0);
      queue.settle(second);
    });
    for (const entry of [first, second, third]) queue.add(entry);
    await vi.advanceTimersByTimeAsync(16 + 2 * queue.tickMs);
    expect(expired).toEqual([0, 2]);
    expect(queue.size).toBe(0);
  });

  it('handles an entry added while another expires', async () => {
    const queue = new DeadlineQueue(16);
    const expired: number[] = [];
    const late = entries(1, expired, 1)[0] as Entry;
    const first = entry(0, () => {
      expired.push(0);
      queue.add(late);
    });
    queue.add(first);
    await vi.advanceTimersByTimeAsync(16 + 2 * queue.tickMs);
    expect(expired).toEqual([0]);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(16 + 2 * queue.tickMs);
    expect(expired).toEqual([0, 1]);
  });

  it('forgets entries settled out of order behind a slow one at once, and still expires correctly', async () => {
    const queue = new DeadlineQueue(160);
    const expired: number[] = [];
    const list = entries(5_000, expired);
    for (const entry of list) queue.add(entry);
    // Everything but the first (slow) entry and every 1000th finishes, newest first.
    for (const entry of [...list].reverse()) {
      if (entry.id % 1_000 !== 0) queue.settle(entry);
    }
    expect(queue.size).toBe(5);
    // A settled entry holds no link into the queue, and the queue none to it.
    expect(list.filter((entry) => entry.settled && (entry.newer ?? entry.older) !== undefined)).toEqual([]);
    expect(linked(queue).map((entry) => entry.id)).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
    await vi.advanceTimersByTimeAsync(80);
    const more = entries(3, expired, 5_000);
    for (const entry of more) queue.add(entry);
    queue.settle(more[1] as Entry);
    await vi.advanceTimersByTimeAsync(80 + 2 * queue.tickMs);
    expect(expired).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
    await vi.advanceTimersByTimeAsync(80);
    expect(expired).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000, 5_002]);
    expect(queue.size).toBe(0);
  });
});

describe('DeadlineQueue under steady load', () => {
  it('does not keep entries settled in order alive while others still run', () => {
    const queue = new DeadlineQueue(60_000);
    const list = entries(10_001, []);
    queue.add(list[0] as Entry);
    for (let index = 1; index < list.length; index++) {
      // One entry always runs: the queue is never empty.
      queue.add(list[index] as Entry);
      queue.settle(list[index - 1] as Entry);
      expect(queue.size).toBe(1);
    }
    expect(linked(queue)).toEqual([list[10_000]]);
    expect(list.filter((entry) => entry.settled && (entry.newer ?? entry.older) !== undefined)).toEqual([]);
    queue.settle(list[10_000] as Entry);
    expect(linked(queue)).toEqual([]);
  });
});

/** The entries the queue still holds, oldest first. */
function linked(queue: DeadlineQueue): Entry[] {
  const found: Entry[] = [];
  for (let entry = Reflect.get(queue, 'oldest') as Entry | undefined; entry !== undefined; ) {
    found.push(entry);
    entry = entry.newer as Entry | undefined;
  }
  return found;
}

describe('DeadlineQueue with real timers', () => {
  // Counts are compared within one synchronous stretch, so that timers of the test runner
  // coming and going meanwhile cannot change them.
  it('holds the process open only while an entry is running', () => {
    const queue = new DeadlineQueue(60_000);
    const before = activeTimeouts();
    const list = entries(10, []);
    for (const entry of list) queue.add(entry);
    expect(activeTimeouts()).toBe(before + 1);
    for (const entry of list.slice(3)) queue.settle(entry);
    expect(activeTimeouts()).toBe(before + 1);
    for (const entry of list.slice(0, 3)) queue.settle(entry);
    expect(activeTimeouts()).toBe(before);
  });

  it('lets the process go once every entry has expired', async () => {
    const queue = new DeadlineQueue(20);
    const expired: number[] = [];
    const list = entries(10, expired);
    for (const entry of list) queue.add(entry);
    for (const entry of list.slice(0, 5)) queue.settle(entry);
    await vi.waitFor(() => expect(expired).toEqual([5, 6, 7, 8, 9]));
    const before = activeTimeouts();
    const [next] = entries(1, expired, 10) as [Entry];
    queue.add(next);
    expect(activeTimeouts()).toBe(before + 1);
    queue.settle(next);
    expect(activeTimeouts()).toBe(before);
  });
});
