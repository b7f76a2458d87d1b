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
 * The timer ticks while entries run (holding the process open) and for one more duration after
 * the last one settled (unref'd: it does not keep the process alive), then stops; the next
 * entry starts it again.
 */
export class DeadlineQueue {
  /** Length of a tick period. */
  readonly tickMs: number;
  private items: Expirable[] = [];
  private head = 0;
  private live = 0;
  private timer: NodeJS.Timeout | undefined;
  private epoch: Epoch = { end: Number.NaN };
  private idleTicks = 0;

  constructor(readonly durationMs: number) {
    this.tickMs = Math.max(1, Math.min(MAX_TICK_MS, Math.ceil(durationMs / TICKS_PER_DURATION)));
  }

  add(item: Expirable): void {
    item.epoch = this.epoch;
    this.items.push(item);
    if (this.live++ > 0) return;
    this.idleTicks = 0;
    if (this.timer === undefined) this.timer = setInterval(() => this.onTick(), this.tickMs);
    else this.timer.ref();
  }

  /** Marks an entry finished. */
  settle(item: Expirable): void {
    if (item.settled) return;
    item.settled = true;
    this.live--;
    if (this.live === 0) {
      // Everything is settled: skip it all; a short array is reused rather than emptied.
      this.head = this.items.length;
      if (this.head > 1024) {
        this.items = [];
        this.head = 0;
      }
      this.timer?.unref();
      return;
    }
    while (this.head < this.items.length && this.items[this.head]?.settled === true) this.head++;
    // Entries finished out of order pile up behind a slow one; keep the queue proportional to live work.
    if (this.items.length - this.head > 2 * this.live + 1024) this.compact();
    // Under steady load the queue is never empty: drop the settled prefix now and then, so
    // that finished work is not kept alive by the array.
    else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  private compact(): void {
    this.items = this.items.slice(this.head).filter((item) => !item.settled);
    this.head = 0;
  }

  private onTick(): void {
    const now = performance.now();
    // The period ends now: everything stamped with it was added before this moment.
    this.epoch.end = now;
    this.epoch = { end: Number.NaN };
    while (this.head < this.items.length) {
      const item = this.items[this.head] as Expirable;
      if (item.settled) {
        this.head++;
        continue;
      }
      // NaN (the current period) compares false: not due.
      if (!((item.epoch?.end ?? Number.NaN) + this.durationMs <= now)) break;
      this.head++;
      item.settled = true;
      this.live--;
      item.expire();
    }
    if (this.head >= this.items.length) {
      this.items = [];
      this.head = 0;
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
