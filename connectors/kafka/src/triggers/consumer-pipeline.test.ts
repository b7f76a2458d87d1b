import { silentLogger } from '@connectorkit/core';
import type { KafkaMessage as RawKafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { SourceMessage } from '../kafka-message.js';
import { ConsumerPipeline, type PipelineConsumer, type PipelineOptions } from './consumer-pipeline.js';

/** Records what the pipeline asks of kafkajs. */
class FakeConsumer implements PipelineConsumer {
  readonly paused = new Set<string>();
  readonly pauses: string[] = [];
  readonly resumes: string[] = [];
  readonly commits: { topic: string; partition: number; offset: string }[][] = [];
  failCommits = 0;

  pause(topicPartitions: { topic: string; partitions: number[] }[]): void {
    for (const { topic, partitions } of topicPartitions) {
      for (const partition of partitions) {
        this.paused.add(`${topic}/${partition}`);
        this.pauses.push(`${topic}/${partition}`);
      }
    }
  }

  resume(topicPartitions: { topic: string; partitions: number[] }[]): void {
    for (const { topic, partitions } of topicPartitions) {
      for (const partition of partitions) {
        this.paused.delete(`${topic}/${partition}`);
        this.resumes.push(`${topic}/${partition}`);
      }
    }
  }

  async commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void> {
    await Promise.resolve();
    if (this.failCommits > 0) {
      this.failCommits--;
      throw new Error('REBALANCE_IN_PROGRESS');
    }
    this.commits.push(offsets);
  }

  /** The last committed offset of a partition. */
  committed(topic: string, partition: number): string | undefined {
    let found: string | undefined;
    for (const commit of this.commits) {
      for (const entry of commit)
        if (entry.topic === topic && entry.partition === partition) found = entry.offset;
    }
    return found;
  }
}

function records(from: number, count: number): RawKafkaMessage[] {
  return Array.from({ length: count }, (_, index) => ({
    key: null,
    value: Buffer.from(String(from + index)),
    timestamp: '0',
    attributes: 0,
    offset: String(from + index),
    headers: {},
  }));
}

/** A promise whose settling the test controls. */
function gate(): { promise: Promise<void>; open: () => void; fail: (error: Error) => void } {
  let open = (): void => undefined;
  let fail = (_error: Error): void => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await tick(2);
  }
}

function pipeline(
  consumer: FakeConsumer,
  handle: PipelineOptions['handle'],
  options: Partial<Omit<PipelineOptions, 'consumer' | 'handle'>> = {},
): ConsumerPipeline {
  return new ConsumerPipeline({
    consumer,
    handle,
    maxInFlight: 1_000,
    concurrency: 1,
    batchSize: 1,
    commitIntervalMs: 10,
    retryDelayMs: 5,
    log: silentLogger,
    ...options,
  });
}

const offsetsOf = (batch: readonly SourceMessage[]) => batch.map((source) => Number(source.message.offset));

describe('ConsumerPipeline', () => {
  it('handles each partition in order and commits one past the last message done with', async () => {
    const consumer = new FakeConsumer();
    const handled: string[] = [];
    const subject = pipeline(
      consumer,
      async (batch) => {
        await tick(Math.random() * 2);
        for (const source of batch) handled.push(`${source.partition}:${source.message.offset}`);
      },
      { concurrency: 2 },
    );
    subject.accept('t', 0, records(0, 20));
    subject.accept('t', 1, records(0, 20));
    await until(() => consumer.committed('t', 0) === '20' && consumer.committed('t', 1) === '20');
    for (const partition of [0, 1]) {
      const order = handled
        .filter((entry) => entry.startsWith(`${partition}:`))
        .map((entry) => Number(entry.slice(2)));
      expect(order).toEqual(Array.from({ length: 20 }, (_, index) => index));
    }
    await subject.stop();
  });

  it('commits what the fallback took after handle failed, and delivers again what it could not take', async () => {
    const consumer = new FakeConsumer();
    const handled: number[] = [];
    const parked: number[] = [];
    let fallbackFailures = 1;
    const subject = pipeline(
      consumer,
      async (batch) => {
        const [offset] = offsetsOf(batch);
        handled.push(offset as number);
        if (offset === 1 || offset === 3) throw new Error(`flow failed on ${offset}`);
      },
      {
        fallback: async (batch, error) => {
          expect(error).toBeInstanceOf(Error);
          const [offset] = offsetsOf(batch);
          if (offset === 3 && fallbackFailures-- > 0) throw new Error('dead-letter topic unavailable');
          parked.push(offset as number);
        },
      },
    );
    subject.accept('t', 0, records(0, 5));
    await until(() => consumer.committed('t', 0) === '5');
    // 1 is parked at once; 3 is delivered again after its fallback failed, then parked.
    expect(handled).toEqual([0, 1, 2, 3, 3, 4]);
    expect(parked).toEqual([1, 3]);
    await subject.stop();
  });

  it('never commits an offset before the handler finished it', async () => {
    const consumer = new FakeConsumer();
    const gates = [gate(), gate(), gate()];
    let calls = 0;
    const subject = pipeline(consumer, async () => {
      await gates[calls++]?.promise;
    });
    subject.accept('t', 0, records(0, 3));
    await tick(20);
    expect(consumer.commits).toEqual([]);
    gates[0]?.open();
    await until(() => consumer.committed('t', 0) === '1');
    await tick(20);
    expect(consumer.committed('t', 0)).toBe('1');
    gates[1]?.open();
    gates[2]?.open();
    await until(() => consumer.committed('t', 0) === '3');
    await subject.stop();
  });

  it('skips messages kafkajs fetches again (after a rebalance keeps the partition)', async () => {
    const consumer = new FakeConsumer();
    const handled: number[] = [];
    const subject = pipeline(consumer, async (batch) => {
      handled.push(...offsetsOf(batch));
    });
    expect(subject.accept('t', 0, records(0, 5))).toEqual({
      resolvedOffset: '4',
      next: 5,
      blocked: undefined,
    });
    expect(subject.accept('t', 0, records(3, 5)).resolvedOffset).toBe('7');
    await until(() => consumer.committed('t', 0) === '8');
    expect(handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await subject.stop();
  });

  it('takes no more than maxInFlight messages and makes room at half', async () => {
    const consumer = new FakeConsumer();
    const release = gate();
    const subject = pipeline(
      consumer,
      async () => {
        await release.promise;
      },
      { maxInFlight: 10 },
    );
    expect(subject.accept('t', 0, records(0, 25))).toEqual({
      resolvedOffset: '9',
      next: 10,
      blocked: 'full',
    });
    expect(subject.inFlight).toBe(10);
    expect(subject.accept('t', 1, records(0, 5))).toEqual({
      resolvedOffset: undefined,
      next: 0,
      blocked: 'full',
    });
    let room = false;
    const waiting = subject.room().then(() => {
      room = true;
    });
    await tick(10);
    expect(room).toBe(false);
    release.open();
    await waiting;
    expect(subject.inFlight).toBeLessThanOrEqual(5);
    // The trigger offers the rest of its batch again after each `room()`, as kafkajs' eachBatch.
    let peak = 0;
    const offer = async (partition: number, batch: RawKafkaMessage[]) => {
      let from = 0;
      for (;;) {
        const accepted = subject.accept('t', partition, batch, from);
        peak = Math.max(peak, subject.inFlight);
        if (accepted.blocked !== 'full') return;
        from = accepted.next;
        await subject.room();
      }
    };
    await offer(0, records(10, 15));
    await offer(1, records(0, 5));
    await until(() => consumer.committed('t', 0) === '25' && consumer.committed('t', 1) === '5');
    expect(peak).toBeLessThanOrEqual(10);
    // Backpressure holds the caller; no partition had to be paused.
    expect(consumer.pauses).toEqual([]);
    await subject.stop();
  });

  it('pauses a partition while its handler fails and resumes it once the message is done with', async () => {
    const consumer = new FakeConsumer();
    let failures = 0;
    const failing = gate();
    const subject = pipeline(consumer, async (batch) => {
      if (offsetsOf(batch)[0] === 1 && failures < 2) {
        failures++;
        if (failures === 2) await failing.promise;
        throw new Error('flow failed');
      }
    });
    subject.accept('t', 0, records(0, 3));
    await until(() => failures === 2);
    expect(consumer.paused.has('t/0')).toBe(true);
    // kafkajs may still deliver a batch it had fetched: nothing new is taken while paused.
    expect(subject.accept('t', 0, records(3, 2))).toEqual({
      resolvedOffset: undefined,
      next: 0,
      blocked: 'paused',
    });
    failing.open();
    await until(() => consumer.committed('t', 0) === '3');
    expect(consumer.paused.has('t/0')).toBe(false);
    expect(consumer.resumes).toEqual(['t/0']);
    expect(subject.accept('t', 0, records(3, 2)).blocked).toBeUndefined();
    await until(() => consumer.committed('t', 0) === '5');
    await subject.stop();
  });

  it('handles at most `concurrency` partitions at once', async () => {
    const consumer = new FakeConsumer();
    let active = 0;
    let peak = 0;
    const subject = pipeline(
      consumer,
      async () => {
        active++;
        peak = Math.max(peak, active);
        await tick(3);
        active--;
      },
      { concurrency: 2 },
    );
    for (let partition = 0; partition < 4; partition++) subject.accept('t', partition, records(0, 5));
    await until(() => [0, 1, 2, 3].every((partition) => consumer.committed('t', partition) === '5'));
    expect(peak).toBe(2);
    await subject.stop();
  });

  it('groups consecutive messages up to batchSize', async () => {
    const consumer = new FakeConsumer();
    const batches: number[][] = [];
    const subject = pipeline(
      consumer,
      async (batch) => {
        batches.push(offsetsOf(batch));
      },
      { batchSize: 4 },
    );
    subject.accept('t', 0, records(0, 10));
    await until(() => consumer.committed('t', 0) === '10');
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    await subject.stop();
  });

  it('delivers a failed message again, blocking its partition until it succeeds', async () => {
    const consumer = new FakeConsumer();
    const attempts = new Map<number, number>();
    const handled: number[] = [];
    const subject = pipeline(consumer, async (batch) => {
      const offset = offsetsOf(batch)[0] as number;
      const attempt = (attempts.get(offset) ?? 0) + 1;
      attempts.set(offset, attempt);
      if (offset === 1 && attempt < 3) throw new Error('flow failed');
      handled.push(offset);
    });
    subject.accept('t', 0, records(0, 4));
    await until(() => consumer.committed('t', 0) === '4');
    expect(handled).toEqual([0, 1, 2, 3]);
    expect(attempts.get(1)).toBe(3);
    await subject.stop();
  });

  it('drops a revoked partition: its queued messages are not handled, its offsets not committed', async () => {
    const consumer = new FakeConsumer();
    const first = gate();
    const handled: string[] = [];
    const subject = pipeline(consumer, async (batch) => {
      const source = batch[0] as SourceMessage;
      if (source.partition === 0 && source.message.offset === '0') await first.promise;
      handled.push(`${source.partition}:${source.message.offset}`);
    });
    subject.accept('t', 0, records(0, 5));
    await tick(5);
    subject.assign({ t: [1] });
    expect(subject.inFlight).toBe(1);
    first.open();
    subject.accept('t', 1, records(0, 2));
    await until(() => consumer.committed('t', 1) === '2');
    await tick(20);
    expect(handled).toEqual(['0:0', '1:0', '1:1']);
    expect(consumer.committed('t', 0)).toBeUndefined();
    await subject.stop();
  });

  it('stop waits for started work, drops the rest and commits what finished', async () => {
    const consumer = new FakeConsumer();
    const slow = gate();
    const handled: number[] = [];
    const subject = pipeline(consumer, async (batch) => {
      const offset = offsetsOf(batch)[0] as number;
      if (offset === 2) await slow.promise;
      handled.push(offset);
    });
    subject.accept('t', 0, records(0, 10));
    await until(() => handled.length === 2);
    const stopping = subject.stop();
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await tick(10);
    expect(stopped).toBe(false);
    slow.open();
    await stopping;
    expect(handled).toEqual([0, 1, 2]);
    expect(consumer.committed('t', 0)).toBe('3');
    expect(subject.inFlight).toBe(0);
    expect(subject.accept('t', 0, records(10, 1))).toEqual({
      resolvedOffset: undefined,
      next: 0,
      blocked: 'stopped',
    });
  });

  it('stop ends the wait before a redelivery and leaves the failed message uncommitted', async () => {
    const consumer = new FakeConsumer();
    const subject = pipeline(
      consumer,
      async (batch) => {
        if (offsetsOf(batch)[0] === 1) throw new Error('always fails');
      },
      { retryDelayMs: 60_000 },
    );
    subject.accept('t', 0, records(0, 3));
    await until(() => consumer.committed('t', 0) === '1');
    const started = Date.now();
    await subject.stop();
    // Far below the 60 s retry delay: stop does not wait it out.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(consumer.committed('t', 0)).toBe('1');
  });

  it('keeps offsets whose commit failed and commits them later', async () => {
    const consumer = new FakeConsumer();
    consumer.failCommits = 2;
    const subject = pipeline(consumer, async () => undefined, { commitIntervalMs: 30 });
    subject.accept('t', 0, records(0, 1));
    await tick(10);
    expect(consumer.committed('t', 0)).toBeUndefined();
    await until(() => consumer.committed('t', 0) === '1');
    expect(consumer.failCommits).toBe(0);
    await subject.stop();
  });
});
