/** A tick period of a `DeadlineQueue`; `end` is set (from NaN) when the next period begins. */
export interface Epoch {
  end: number;
}

/** Something that can run out of time. */
export interface Expirable {
  /** Set by the queue: the tick period in which the entry was added. */
  epoch: Epoch | undefined;
  /** Set when the work finished; the queue then forgets it. */
  settled: boolean;
  /** The queue's links: entries are kept in the order they were added, without an array. */
  newer: Expirable | undefined;
  older: Expirable | undefined;
  expire(): void;
}

/** Tick periods per duration: an entry expires at most two periods late (an eighth of the duration, unless the 1 ms floor or the 1 s cap applies). */
const TICKS_PER_DURATION = 16;
const MAX_TICK_MS = 1_000;

/**
 * Deadlines of one fixed duration share a single ticking timer, and adding an entry reads no
 * clock: an entry is stamped with the current tick period, and a period's end is the time of
 * the tick that closes it. An entry expires at the first tick at least `durationMs` after the
 * end of its period — never early, and at most two tick periods (`tickMs`, a sixteenth of the
 * duration, 1 s at the most) late. A `setTimeout`/`clearTimeout` pair or a clock read per call
 * would cost the invocation pipeline more than the rest of its bookkeeping.
 *
 * Entries are linked oldest to newest through their own fields (`older`/`newer`): adding and
 * settling touch a few fields, and a settled entry is unlinked at once, so the queue never
 * keeps finished work alive (an array of entries would, until it is compacted, and the
 * garbage collector would copy every one of them it found still referenced).
 *
 * The timer ticks while entries run (holding the process open) and for one more duration after
 * the last one settled (unref'd: it does not keep the process alive), then stops; the next
 * entry starts it again.
 */
export class DeadlineQueue {
  /** Length of a tick period. */
  readonly tickMs: number;
  /** Running entries: the oldest is due first. */
  private oldest: Expirable | undefined = undefined;
  private newest: Expirable | undefined = undefined;
  private live = 0;
  private timer: NodeJS.Timeout | undefined;
  private epoch: Epoch = { end: Number.NaN };
  private idleTicks = 0;

  constructor(readonly durationMs: number) {
    this.tickMs = Math.max(1, Math.min(MAX_TICK_MS, Math.ceil(durationMs / TICKS_PER_DURATION)));
  }

  /** Entries running now. */
  get size(): number {
    return this.live;
  }

  /** Adds a running entry; one that finished (settled or expired) may be added again. */
  add(item: Expirable): void {
    if (item === this.newest || item.newer !== undefined) {
      throw new Error('DeadlineQueue.add: the entry is already in the queue');
    }
    item.settled = false;
    item.epoch = this.epoch;
    item.newer = undefined;
    item.older = this.newest;
    if (this.newest === undefined) this.oldest = item;
    else this.newest.newer = item;
    this.newest = item;
    if (this.live++ > 0) return;
    this.idleTicks = 0;
    if (this.timer === undefined) this.timer = setInterval(() => this.onTick(), this.tickMs);
    else this.timer.ref();
  }

  /** Marks an entry finished. */
  settle(item: Expirable): void {
    if (item.settled) return;
    item.settled = true;
    this.unlink(item);
    if (--this.live === 0) this.timer?.unref();
  }

  private unlink(item: Expirable): void {
    const { older, newer } = item;
    if (older === undefined) this.oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.newest = older;
    else newer.older = older;
    item.older = undefined;
    item.newer = undefined;
  }

  private onTick(): void {
    const now = performance.now();
    // The period ends now: everything stamped with it was added before this moment.
    this.epoch.end = now;
    this.epoch = { end: Number.NaN };
    for (let item = this.oldest; item !== undefined; item = this.oldest) {
      // NaN (the current period) compares false: not due.
      if (!((item.epoch?.end ?? Number.NaN) + this.durationMs <= now)) break;
      item.settled = true;
      this.unlink(item);
      this.live--;
      item.expire();
    }
    if (this.live > 0) {
      this.idleTicks = 0;
      return;
    }
    this.timer?.unref();
    if (++this.idleTicks < TICKS_PER_DURATION) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
