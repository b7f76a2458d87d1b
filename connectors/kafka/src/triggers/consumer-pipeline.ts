import type { Logger } from '@connectorkit/core';
import type { KafkaMessage as RawKafkaMessage } from 'kafkajs';
import type { SourceMessage } from '../kafka-message.js';

/** The part of a kafkajs consumer the pipeline drives. */
export interface PipelineConsumer {
  pause(topicPartitions: { topic: string; partitions: number[] }[]): void;
  resume(topicPartitions: { topic: string; partitions: number[] }[]): void;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
}

export interface PipelineOptions {
  readonly consumer: PipelineConsumer;
  /**
   * Handles consecutive messages of one partition (one message in `each` mode). Resolves when
   * they are done with — handled, or parked in the dead-letter topic — so they may be
   * committed. Rejects when they must be delivered again: the partition waits and retries.
   */
  readonly handle: (messages: readonly SourceMessage[], signal: AbortSignal) => Promise<void>;
  /**
   * Called when `handle` rejected with `error`: resolves when the messages are done with anyway
   * (parked in a dead-letter topic), rejects when they must be delivered again. Kept apart from
   * `handle` so that a message handled at once costs no failure handler of its own. Without it,
   * a rejection of `handle` means "deliver again".
   */
  readonly fallback?: (
    messages: readonly SourceMessage[],
    error: unknown,
    signal: AbortSignal,
  ) => Promise<void>;
  /** Messages received and not yet done with, across partitions; `accept` takes no more. */
  readonly maxInFlight: number;
  /** Partitions handled at the same time (each one always in order). */
  readonly concurrency: number;
  /** Most messages per `handle` call. */
  readonly batchSize: number;
  /** How long finished offsets may wait before they are committed while a partition is busy. */
  readonly commitIntervalMs: number;
  /** First wait before retrying a failed `handle`; doubles up to `maxRetryDelayMs`. */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs?: number;
  readonly log: Logger;
}

/** What `accept` took of a fetched batch. */
export interface Accepted {
  /** The last offset taken or skipped as already taken: kafkajs fetches on after it. */
  readonly resolvedOffset: string | undefined;
  /** Index of the first message not taken; the batch length when all were. */
  readonly next: number;
  /**
   * Why the rest was not taken: `full` — wait for `room()` and offer it again; `paused` — the
   * partition is paused (its handler is failing) and kafkajs fetches the rest after it resumes;
   * `stopped` — the pipeline is stopping or the partition was revoked.
   */
  readonly blocked: 'full' | 'paused' | 'stopped' | undefined;
}

/** The work of one assigned partition: a queue handled strictly in offset order. */
class PartitionWork {
  readonly key: string;
  private items: SourceMessage[] = [];
  private head = 0;
  /** The highest offset taken into the queue (to skip what kafkajs fetches again). */
  lastAccepted: bigint | undefined;
  /** The offset of the last message done with (the commit is one past it). */
  finished: string | undefined;
  /** The last `finished` offset committed. */
  committed: string | undefined;
  running: Promise<void> | undefined;
  paused = false;
  revoked = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    this.key = partitionKey(topic, partition);
  }

  get queued(): number {
    return this.items.length - this.head;
  }

  push(item: SourceMessage): void {
    this.items.push(item);
  }

  take(count: number): SourceMessage[] {
    const taken = this.items.slice(this.head, this.head + count);
    this.head += taken.length;
    if (this.head >= this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  /** Drops what is queued and not started; returns how many. */
  drop(): number {
    const dropped = this.queued;
    this.items = [];
    this.head = 0;
    return dropped;
  }
}

/** The offset after `offset` (offsets are 64-bit: kept as text, added as bigint). */
function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Counts free handling slots; waiters are served first come, first served. */
class Slots {
  private waiters: (() => void)[] = [];

  constructor(private free: number) {}

  tryAcquire(): boolean {
    if (this.free === 0) return false;
    this.free--;
    return true;
  }

  acquire(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next === undefined) this.free++;
    else next();
  }
}

/**
 * The at-least-once engine of the `message` trigger, kept apart from kafkajs so that it can be
 * tested alone. kafkajs fetches; `accept` queues what it fetched per partition, at most
 * `maxInFlight` messages in all (the caller waits for `room()` before offering more, which
 * holds kafkajs' fetch loop); one loop per partition hands messages to `handle` in order; an
 * offset is committed only once `handle` resolved for it and for everything before it. A
 * partition whose handler fails is paused (kafkajs fetches nothing more of it) until the
 * message that failed is done with.
 */
export class ConsumerPipeline {
  private readonly partitions = new Map<string, PartitionWork>();
  /** Loops of revoked partitions still finishing a batch; a new owner loop waits for them. */
  private readonly revokedLoops = new Map<string, Promise<void>>();
  private roomWaiters: (() => void)[] = [];
  private readonly slots: Slots;
  private readonly stopController = new AbortController();
  private inFlightCount = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private commitAgain = false;
  private stopped: Promise<void> | undefined;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly options: PipelineOptions) {
    this.slots = new Slots(options.concurrency);
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  }

  /** Messages received and not yet done with. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Partitions currently assigned, by topic. */
  assignedPartitions(): { topic: string; partitions: number[] }[] {
    const byTopic = new Map<string, number[]>();
    for (const work of this.partitions.values()) {
      const list = byTopic.get(work.topic) ?? [];
      list.push(work.partition);
      byTopic.set(work.topic, list);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  }

  /**
   * Takes the messages of a fetched batch from index `from`, in order, skipping those already
   * taken, while fewer than `maxInFlight` are in flight.
   */
  accept(topic: string, partition: number, messages: readonly RawKafkaMessage[], from = 0): Accepted {
    if (this.stopped !== undefined) return { resolvedOffset: undefined, next: from, blocked: 'stopped' };
    const key = partitionKey(topic, partition);
    let work = this.partitions.get(key);
    if (work === undefined) {
      work = new PartitionWork(topic, partition);
      this.partitions.set(key, work);
    }
    let resolvedOffset: string | undefined;
    let taken = 0;
    let blocked: Accepted['blocked'];
    let index = from;
    // kafkajs fetches again from the committed offset after a rebalance; what is already taken
    // is skipped. Offsets ascend within a batch, so a batch starting after the last one taken
    // needs no comparison per message.
    let seen = work.lastAccepted;
    const first = messages[from];
    if (seen !== undefined && first !== undefined && BigInt(first.offset) > seen) seen = undefined;
    for (; index < messages.length; index++) {
      const message = messages[index] as RawKafkaMessage;
      if (seen !== undefined && BigInt(message.offset) <= seen) {
        resolvedOffset = message.offset;
        continue;
      }
      seen = undefined;
      if (work.paused) {
        blocked = 'paused';
        break;
      }
      if (this.inFlightCount >= this.options.maxInFlight) {
        blocked = 'full';
        break;
      }
      work.push({ topic, partition, message });
      this.inFlightCount++;
      taken++;
      resolvedOffset = message.offset;
    }
    if (taken > 0) work.lastAccepted = BigInt(resolvedOffset as string);
    if (taken > 0 && work.running === undefined) this.startLoop(work, this.revokedLoops.get(key));
    return { resolvedOffset, next: index, blocked };
  }

  /**
   * Resolves once in-flight work fell to half of `maxInFlight` (or the pipeline stops): the
   * caller then offers the rest of its batch again.
   */
  room(): Promise<void> {
    if (this.stopped !== undefined || this.inFlightCount <= this.options.maxInFlight / 2)
      return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * A new assignment (after a rebalance): partitions no longer assigned are dropped — their
   * queued messages go to the new owner, their unfinished work is not committed.
   */
  assign(assignment: Readonly<Record<string, readonly number[]>>): void {
    for (const [key, work] of this.partitions) {
      if (assignment[work.topic]?.includes(work.partition) === true) continue;
      this.revoke(key, work);
    }
  }

  /** Drops every partition (the consumer crashed and rejoins from the committed offsets). */
  revokeAll(): void {
    for (const [key, work] of this.partitions) this.revoke(key, work);
  }

  private revoke(key: string, work: PartitionWork): void {
    work.revoked = true;
    this.inFlightCount -= work.drop();
    this.partitions.delete(key);
    const running = work.running;
    if (running !== undefined) {
      this.revokedLoops.set(key, running);
      void running.finally(() => {
        if (this.revokedLoops.get(key) === running) this.revokedLoops.delete(key);
      });
    }
    if (work.paused) {
      work.paused = false;
      this.resume(work);
    }
    this.wakeIfRoom();
  }

  /**
   * Stops taking messages, drops those not started, waits for the started ones to be done with,
   * then commits. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopController.abort();
      for (const work of this.partitions.values()) this.inFlightCount -= work.drop();
      for (const wake of this.roomWaiters.splice(0)) wake();
      await Promise.all([
        ...[...this.partitions.values()].map((work) => work.running),
        ...this.revokedLoops.values(),
      ]);
      clearTimeout(this.commitTimer);
      this.commitTimer = undefined;
      await this.commit();
      while (this.committing !== undefined) await this.committing;
    })();
    return this.stopped;
  }

  private startLoop(work: PartitionWork, previous: Promise<void> | undefined): void {
    work.running = this.loop(work, previous).finally(() => {
      work.running = undefined;
      // Messages may have arrived between the loop's last check and its end.
      if (work.queued > 0 && !work.revoked && this.stopped === undefined) this.startLoop(work, undefined);
    });
  }

  private async loop(work: PartitionWork, previous: Promise<void> | undefined): Promise<void> {
    if (previous !== undefined) await previous;
    const signal = this.stopController.signal;
    while (work.queued > 0 && !work.revoked && !signal.aborted) {
      if (!this.slots.tryAcquire()) await this.slots.acquire();
      const batch = work.take(this.options.batchSize);
      if (batch.length === 0 || work.revoked || signal.aborted) {
        this.slots.release();
        this.inFlightCount -= batch.length;
        break;
      }
      let done = false;
      try {
        try {
          await this.options.handle(batch, signal);
          done = true;
          if (work.paused) this.unpause(work);
        } catch (error) {
          done = await this.recover(work, batch, signal, error);
        }
      } finally {
        this.slots.release();
        this.inFlightCount -= batch.length;
      }
      if (!done || work.revoked) break;
      work.finished = (batch[batch.length - 1] as SourceMessage).message.offset;
      this.wakeIfRoom();
      this.scheduleCommit(work.queued === 0);
    }
  }

  /** After `handle` failed: the fallback's verdict, and when it fails too, `retry`. */
  private async recover(
    work: PartitionWork,
    batch: readonly SourceMessage[],
    signal: AbortSignal,
    error: unknown,
  ): Promise<boolean> {
    try {
      await this.fallback(batch, error, signal);
    } catch (failure) {
      return this.retry(work, batch, signal, failure);
    }
    if (work.paused) this.unpause(work);
    return true;
  }

  /** `handle`, then the fallback when it fails: one delivery of a batch. */
  private async deliver(batch: readonly SourceMessage[], signal: AbortSignal): Promise<void> {
    try {
      await this.options.handle(batch, signal);
    } catch (error) {
      await this.fallback(batch, error, signal);
    }
  }

  /** Hands a failure to the fallback; without one, the failure stands (deliver again). */
  private fallback(batch: readonly SourceMessage[], error: unknown, signal: AbortSignal): Promise<void> {
    if (this.options.fallback === undefined) return Promise.reject(error);
    return this.options.fallback(batch, error, signal);
  }

  /**
   * Delivers a batch again after `handle` failed with `error`, waiting longer each time, until
   * it succeeds (true) or the pipeline stops or the partition is revoked (false: the batch stays
   * uncommitted). Meanwhile the partition is paused: a failing partition takes nothing new, so it
   * does not fill the in-flight budget the others need.
   */
  private async retry(
    work: PartitionWork,
    batch: readonly SourceMessage[],
    signal: AbortSignal,
    error: unknown,
  ): Promise<boolean> {
    let failure = error;
    let delay = this.options.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted || work.revoked) return false;
      if (!work.paused) this.pause(work);
      const first = batch[0] as SourceMessage;
      this.options.log.warn('handling failed; the messages will be delivered again', {
        topic: work.topic,
        partition: work.partition,
        offset: first.message.offset,
        count: batch.length,
        attempt,
        retryInMs: delay,
        code: (failure as { code?: unknown }).code,
        error: failure instanceof Error ? failure.message : String(failure),
      });
      if (!(await pause(delay, signal)) || work.revoked) return false;
      delay = Math.min(delay * 2, this.maxRetryDelayMs);
      try {
        await this.deliver(batch, signal);
        if (work.paused) this.unpause(work);
        return true;
      } catch (next) {
        failure = next;
      }
    }
  }

  private unpause(work: PartitionWork): void {
    if (work.revoked) return;
    work.paused = false;
    this.resume(work);
  }

  private pause(work: PartitionWork): void {
    work.paused = true;
    try {
      this.options.consumer.pause([{ topic: work.topic, partitions: [work.partition] }]);
    } catch (error) {
      this.options.log.debug('could not pause a partition', { error: String(error) });
    }
  }

  private resume(work: PartitionWork): void {
    try {
      this.options.consumer.resume([{ topic: work.topic, partitions: [work.partition] }]);
    } catch (error) {
      this.options.log.debug('could not resume a partition', { error: String(error) });
    }
  }

  /** Wakes the callers of `room()` once in-flight work fell to half the limit. */
  private wakeIfRoom(): void {
    if (this.roomWaiters.length === 0 || this.inFlightCount > this.options.maxInFlight / 2) return;
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  private scheduleCommit(now: boolean): void {
    // Stopping makes one last commit of its own.
    if (this.stopped !== undefined) return;
    if (now) {
      clearTimeout(this.commitTimer);
      this.commitTimer = undefined;
      void this.commit();
      return;
    }
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      void this.commit();
    }, this.options.commitIntervalMs);
  }

  /**
   * Commits every partition's finished offset that is ahead of its committed one. One commit
   * runs at a time; asking while one runs makes it go round once more.
   */
  commit(): Promise<void> {
    this.commitAgain = true;
    this.committing ??= this.commitLoop().finally(() => {
      this.committing = undefined;
      // Asked for after the loop's last look: go again.
      if (this.commitAgain) void this.commit();
    });
    return this.committing;
  }

  private async commitLoop(): Promise<void> {
    while (this.commitAgain) {
      this.commitAgain = false;
      const pending = [...this.partitions.values()].filter(
        (work) => !work.revoked && work.finished !== undefined && work.finished !== work.committed,
      );
      if (pending.length === 0) continue;
      const finished = pending.map((work) => work.finished as string);
      const offsets = pending.map((work, index) => ({
        topic: work.topic,
        partition: work.partition,
        offset: nextOffset(finished[index] as string),
      }));
      try {
        await this.options.consumer.commitOffsets(offsets);
        for (const [index, work] of pending.entries()) work.committed = finished[index];
      } catch (error) {
        // Not fatal: the offsets stay pending and go with a later commit; a rebalance before
        // that means redelivery (at-least-once), never loss.
        this.options.log.warn('offset commit failed; retrying later', {
          error: error instanceof Error ? error.message : String(error),
        });
        this.commitAgain = false;
        this.scheduleCommit(false);
        return;
      }
    }
  }
}

/** Waits `ms`; false when `signal` aborted first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
