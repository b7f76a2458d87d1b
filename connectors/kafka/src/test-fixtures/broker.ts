// Helpers for the integration tests: the real broker of scripts/services/kafka.
import { randomUUID } from 'node:crypto';
import {
  type ConnectionConfig,
  ConnectorError,
  createKit,
  type Kit,
  type LoggerOptions,
} from '@connectorkit/core';
import { type Admin, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { expect } from 'vitest';
import kafka from '../index.js';

/** The broker the integration tests use (`KAFKA_BROKERS`, comma-separated, to point elsewhere). */
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

const HOW_TO_START = 'run `scripts/services/kafka start` (from the repository root) and run the tests again';

/**
 * Fails — never skips — when no broker answers: a missing broker must not pass as green.
 */
export function requireBroker(): Promise<void> {
  return probeListener('Kafka broker', BROKERS, {}, HOW_TO_START);
}

/**
 * Fails — never skips — unless a kafkajs client with `security` can talk to the listener at
 * `brokers`; the error names `what` and says how to start the broker.
 */
export async function probeListener(
  what: string,
  brokers: readonly string[],
  security: Pick<KafkaConfig, 'ssl' | 'sasl'>,
  howToStart: string,
): Promise<void> {
  const admin = new Kafka({
    brokers: [...brokers],
    clientId: 'connectorkit-test-probe',
    connectionTimeout: 2_000,
    retry: { retries: 1 },
    logLevel: logLevel.NOTHING,
    ...security,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    throw new Error(
      `No ${what} at ${brokers.join(', ')} (${error instanceof Error ? error.message : String(error)}) — ${howToStart}.`,
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** What `promise` rejected with, which must be a ConnectorError. */
export async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

/** A name no other test run uses: topics and groups of concurrent runs never collide. */
export function uniqueName(label: string): string {
  return `ck-test-${label}-${randomUUID().slice(0, 8)}`;
}

export type KafkaKit = Kit<readonly [typeof kafka]>;

/** A kit with the Kafka connector and one connection named `events`. */
export function createKafkaKit(
  connection: Partial<Record<string, unknown>> = {},
  logger: LoggerOptions = { level: 'silent' },
): KafkaKit {
  return createKit({
    connectors: [kafka] as const,
    connections: { events: { connector: 'kafka', brokers: BROKERS, ...connection } as ConnectionConfig },
    logger,
  });
}

/** A raw kafkajs admin for checks the connector itself does not offer. */
export async function rawAdmin(): Promise<Admin> {
  const admin = new Kafka({
    brokers: BROKERS,
    clientId: 'connectorkit-test',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  return admin;
}

/** Deletes topics a test created; missing ones are fine. */
export async function deleteTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((topic) => existing.has(topic));
  if (present.length > 0) await admin.deleteTopics({ topics: present });
}

/** Polls `condition` until it holds, failing with `what` after `timeoutMs`. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One message of test data; an object value is written as JSON. */
export interface TestMessage {
  readonly key?: string;
  readonly value?: unknown;
  readonly headers?: Record<string, string>;
  readonly partition?: number;
}

/**
 * Writes test data with kafkajs's idempotent producer: a request retried under load (a
 * request timeout, a partition not yet known right after createTopic) is written once, so
 * tests may count offsets exactly. The connector's `produce` action is tested on its own.
 */
export async function produceOnce(topic: string, messages: readonly TestMessage[]): Promise<void> {
  const producer = new Kafka({
    brokers: BROKERS,
    clientId: 'connectorkit-test-data',
    logLevel: logLevel.NOTHING,
  }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let start = 0; start < messages.length; start += 500) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(start, start + 500).map((message) => ({
          key: message.key ?? null,
          value: typeof message.value === 'string' ? message.value : JSON.stringify(message.value ?? null),
          ...(message.headers === undefined ? {} : { headers: message.headers }),
          ...(message.partition === undefined ? {} : { partition: message.partition }),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}
