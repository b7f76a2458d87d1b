/** Something that can run out of time. */
export interface Expirable {
  /** Absolute time (performance.now()) after which `expire` is called. */
  deadline: number;
  /** Set when the work finished; the queue then forgets it. */
  settled: boolean;
  expire(): void;
}

/**
 * Deadlines of one fixed duration share a single timer: entries arrive in deadline order, so
 * a FIFO queue with one timer for its head replaces a `setTimeout`/`clearTimeout` pair per
 * call — the invocation pipeline's hot path allocates no timer at all.
 *
 * When the last entry settles the timer is not cleared but unref'd: it no longer keeps the
 * process alive, and the next entry only refs it again. Calls made one after another (a
 * sequential loop, a flow's steps) so cost no timer insert and removal each; the idle timer
 * fires at most once more, finds nothing due, and is gone.
 */
export class DeadlineQueue {
  private items: Expirable[] = [];
  private head = 0;
  private live = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly durationMs: number) {}

  add(item: Expirable): void {
    item.deadline = performance.now() + this.durationMs;
    this.items.push(item);
    if (this.live++ > 0) return;
    // The idle timer fires no later than this deadline (it was armed for an earlier one).
    if (this.timer === undefined) this.schedule(this.durationMs);
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

  private schedule(delayMs: number): void {
    // An entry added from inside `expire` has already scheduled a timer: keep only one.
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onTimer(), Math.max(1, Math.ceil(delayMs)));
  }

  private onTimer(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.items.length) {
      const item = this.items[this.head] as Expirable;
      if (item.settled) {
        this.head++;
        continue;
      }
      if (item.deadline > now) break;
      this.head++;
      item.settled = true;
      this.live--;
      item.expire();
    }
    const next = this.items[this.head];
    if (next === undefined) {
      this.items = [];
      this.head = 0;
      return;
    }
    this.schedule(next.deadline - now);
  }
}
