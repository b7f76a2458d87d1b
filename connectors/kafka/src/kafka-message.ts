import { ConnectorError, type Static, Type } from '@connectorkit/core';
import type { IHeaders, KafkaMessage as RawKafkaMessage } from 'kafkajs';

/** How a message value is turned into the `value` of an event or a fetched message. */
export const ValueDecoding = Type.Union(
  [Type.Literal('string'), Type.Literal('json'), Type.Literal('base64')],
  {
    description:
      'string: UTF-8 text; json: parsed JSON (a value that is not JSON fails with INVALID_INPUT); base64: the raw bytes as base64',
    default: 'string',
  },
);
export type ValueDecoding = Static<typeof ValueDecoding>;

/** Header values as text; a header sent several times under one key is an array. */
export const MessageHeaders = Type.Record(
  Type.String(),
  Type.Union([Type.String(), Type.Array(Type.String())]),
  {
    description: 'Headers, UTF-8 decoded; a key sent several times maps to an array',
  },
);

/** One Kafka record as actions and triggers hand it out. */
export const KafkaMessage = Type.Object({
  topic: Type.String(),
  partition: Type.Integer({ minimum: 0 }),
  offset: Type.String({ pattern: '^\\d+$', description: 'The offset (a 64-bit integer, as text)' }),
  key: Type.Union([Type.String(), Type.Null()], { description: 'The key as UTF-8 text, or null' }),
  value: Type.Unknown({ description: 'The value, decoded as configured; null for a tombstone' }),
  headers: MessageHeaders,
  timestamp: Type.String({ description: 'The record timestamp (ISO 8601)' }),
});
export type KafkaMessage = Static<typeof KafkaMessage>;

/** A raw record of kafkajs with where it came from. */
export interface SourceMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: RawKafkaMessage;
}

export function decodeHeaders(headers: IHeaders | undefined): Record<string, string | string[]> {
  const decoded: Record<string, string | string[]> = {};
  if (headers === undefined) return decoded;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    decoded[key] = Array.isArray(value) ? value.map((item) => item.toString()) : value.toString();
  }
  return decoded;
}

export function decodeValue(
  value: Buffer | null,
  decoding: ValueDecoding,
  where: { topic: string; partition: number; offset: string },
): unknown {
  if (value === null) return null;
  if (decoding === 'base64') return value.toString('base64');
  const text = value.toString('utf8');
  if (decoding === 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `the value at ${where.topic}/${where.partition}@${where.offset} is not JSON (${(error as Error).message}) — consume with decode 'string' to read it as text`,
      { cause: error },
    );
  }
}

const DAY_MS = 86_400_000;
let cachedDay = Number.NaN;
let cachedDayPrefix = '';
let cachedMillis = Number.NaN;
let cachedIso = '';

const two = (value: number): string => (value < 10 ? `0${value}` : String(value));
const three = (value: number): string =>
  value < 10 ? `00${value}` : value < 100 ? `0${value}` : String(value);

/**
 * `new Date(ms).toISOString()` costs about a microsecond, as much as the rest of decoding a
 * message; records of one batch share a day (and often a millisecond), so the date part is cached.
 */
export function isoTimestamp(millis: number): string {
  if (millis === cachedMillis) return cachedIso;
  if (!Number.isFinite(millis) || millis < 0 || millis >= 253_402_300_800_000) {
    return new Date(Number.isFinite(millis) && millis >= 0 ? Math.min(millis, 8.64e15) : 0).toISOString();
  }
  const day = Math.floor(millis / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rest = millis - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1_000);
  cachedMillis = millis;
  cachedIso = `${cachedDayPrefix}${two(hours)}:${two(minutes)}:${two(seconds)}.${three(rest - seconds * 1_000)}Z`;
  return cachedIso;
}

/** Turns a kafkajs record into a `KafkaMessage`; throws INVALID_INPUT when the value cannot be decoded. */
export function decodeMessage(
  { topic, partition, message }: SourceMessage,
  decoding: ValueDecoding,
): KafkaMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: decodeValue(message.value, decoding, { topic, partition, offset: message.offset }),
    headers: decodeHeaders(message.headers),
    timestamp: isoTimestamp(Number(message.timestamp)),
  };
}
