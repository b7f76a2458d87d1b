import { createKit } from '@connectorkit/core';
import { describe, expectTypeOf, it } from 'vitest';
import kafka, { type KafkaBatch, type KafkaMessage, type MessageEvent } from './index.js';

const kit = createKit({
  connectors: [kafka],
  connections: { events: { connector: 'kafka', brokers: ['127.0.0.1:9092'] } },
});

describe('kafka connector types', () => {
  it('is named kafka and carries its actions', () => {
    expectTypeOf(kafka.name).toEqualTypeOf<'kafka'>();
    expectTypeOf(kafka.actions).toHaveProperty('produce');
    expectTypeOf(kafka.actions).toHaveProperty('resetOffsets');
  });

  it('types produce input and output', () => {
    const produced = kit.invoke('kafka.produce', {
      topic: 'orders',
      messages: [{ key: 'k', value: { id: 1 }, headers: { a: 'b' }, partition: 0, timestamp: 1 }],
      acks: 'all',
      compression: 'gzip',
    });
    expectTypeOf(produced).resolves.toEqualTypeOf<{
      topic: string;
      partitions: { partition: number; baseOffset: string | null }[];
      count: number;
    }>();
    // @ts-expect-error acks is 'all' | 'leader' | 'none'
    void kit.invoke('kafka.produce', { topic: 'orders', messages: [{ value: 'x' }], acks: 2 });
    // @ts-expect-error the topic is required
    void kit.invoke('kafka.produce', { messages: [{ value: 'x' }] });
    // @ts-expect-error every message needs a value (null for a tombstone)
    void kit.invoke('kafka.produce', { topic: 'orders', messages: [{ key: 'k' }] });
    // @ts-expect-error only gzip compression is offered
    void kit.invoke('kafka.produce', { topic: 'orders', messages: [{ value: 'x' }], compression: 'zstd' });
  });

  it('lets callers leave out fields with defaults', () => {
    void kit.invoke('kafka.createTopic', { topic: 'orders' });
    void kit.invoke('kafka.fetchMessages', { topic: 'orders' });
    // @ts-expect-error partitions is a number
    void kit.invoke('kafka.createTopic', { topic: 'orders', partitions: '3' });
    // @ts-expect-error decode is 'string' | 'json' | 'base64'
    void kit.invoke('kafka.fetchMessages', { topic: 'orders', decode: 'avro' });
    // @ts-expect-error not an action of the connector
    void kit.invoke('kafka.consume', {});
  });

  it('types the fetched messages and the admin outputs', () => {
    expectTypeOf(kit.invoke('kafka.fetchMessages', { topic: 'orders' }))
      .resolves.toHaveProperty('messages')
      .toEqualTypeOf<KafkaMessage[]>();
    expectTypeOf<KafkaMessage['offset']>().toEqualTypeOf<string>();
    expectTypeOf<KafkaMessage['key']>().toEqualTypeOf<string | null>();
    expectTypeOf<KafkaMessage['value']>().toEqualTypeOf<unknown>();
    expectTypeOf(kit.invoke('kafka.groupOffsets', { groupId: 'g' }))
      .resolves.toHaveProperty('totalLag')
      .toEqualTypeOf<number>();
    void kit.invoke('kafka.resetOffsets', {
      groupId: 'g',
      topic: 'orders',
      to: { offsets: [{ partition: 0, offset: '5' }] },
    });
    // @ts-expect-error `to` is 'earliest', 'latest', { timestamp } or { offsets }
    void kit.invoke('kafka.resetOffsets', { groupId: 'g', topic: 'orders', to: 'beginning' });
  });

  it('hands the trigger handler a message or a batch', async () => {
    await kit.startTrigger(
      'kafka.message',
      { groupId: 'g', topics: ['orders'] },
      {
        handler: async (event) => {
          expectTypeOf(event).toEqualTypeOf<MessageEvent>();
          if ('messages' in event) expectTypeOf(event).toEqualTypeOf<KafkaBatch>();
          else expectTypeOf(event).toEqualTypeOf<KafkaMessage>();
        },
      },
    );
  });
});
