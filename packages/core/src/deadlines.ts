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
    this.live++;
    if (this.timer === undefined) this.schedule(this.durationMs);
  }

  /** Marks an entry finished. */
  settle(item: Expirable): void {
    if (item.settled) return;
    item.settled = true;
    this.live--;
    if (this.live === 0) {
      this.items = [];
      this.head = 0;
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      return;
    }
    while (this.head < this.items.length && this.items[this.head]?.settled === true) this.head++;
    // Entries finished out of order pile up behind a slow one; keep the queue proportional to live work.
    if (this.items.length - this.head > 2 * this.live + 1024) this.compact();
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
