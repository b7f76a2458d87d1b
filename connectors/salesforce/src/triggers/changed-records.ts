import {
  ConnectorError,
  defineTrigger,
  type Logger,
  sleep,
  type TriggerContext,
  Type,
} from '@connectorkit/core';
import { readPage } from '../actions/query.js';
import { salesforceConnection } from '../connection.js';
import type { SalesforceClient } from '../salesforce-client.js';
import { SalesforceRecord, SObjectName } from '../schemas.js';
import { bindSoql, dateTimeLiteral, SoqlParameters } from '../soql-parameters.js';

/**
 * Where polling stands: the newest timestamp handled (ISO, UTC, milliseconds), and every record
 * handled within the overlap window before it, as `id → timestamp`.
 */
export interface PollPosition {
  readonly timestamp?: string;
  readonly handled: Readonly<Record<string, string>>;
}

const POSITION = 'position';

/** The event of `changedRecords` and `newRecords`: one record. */
export const RecordEvent = Type.Object({
  sobject: Type.String(),
  id: Type.String({ description: 'The record id' }),
  timestamp: Type.String({ description: 'The value of the timestamp field (ISO 8601, UTC)' }),
  record: SalesforceRecord,
});

function pollingConfig(timestampField: 'configurable' | 'CreatedDate') {
  return Type.Object(
    {
      sobject: SObjectName,
      ...(timestampField === 'configurable'
        ? {
            timestampField: Type.Optional(
              Type.String({
                pattern: '^[A-Za-z][A-Za-z0-9_]{0,79}$',
                default: 'SystemModstamp',
                description:
                  'A datetime field that moves with every change: SystemModstamp (default, also set by system updates) or LastModifiedDate',
              }),
            ),
          }
        : {}),
      fields: Type.Optional(
        Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.]{0,250}$' }), {
          minItems: 1,
          description:
            'Fields of each record to return (relationship fields allowed); default every field of the object',
        }),
      ),
      where: Type.Optional(
        Type.String({
          minLength: 1,
          description: 'Only records matching this SOQL condition (with `:name` placeholders)',
        }),
      ),
      parameters: Type.Optional(SoqlParameters),
      intervalMs: Type.Optional(
        Type.Integer({ minimum: 50, default: 30_000, description: 'Pause between polls' }),
      ),
      pageSize: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 2000,
          default: 200,
          description: 'Records read per request',
        }),
      ),
      overlapMs: Type.Optional(
        Type.Integer({
          minimum: 0,
          default: 60_000,
          description:
            'How far each poll reaches back before the newest timestamp handled, for records committed late with an earlier timestamp; records seen twice are delivered once',
        }),
      ),
      startFrom: Type.Optional(
        Type.String({
          default: 'now',
          description:
            "Where to start without a stored position: 'now' (changes from now on), 'beginning' (every record) or an ISO timestamp",
        }),
      ),
    },
    { additionalProperties: false },
  );
}

interface PollingConfig {
  readonly sobject: string;
  readonly timestampField: string;
  readonly fields?: readonly string[] | undefined;
  readonly where?: string | undefined;
  readonly parameters?: Readonly<Record<string, unknown>> | undefined;
  readonly intervalMs: number;
  readonly pageSize: number;
  readonly overlapMs: number;
  readonly startFrom: string;
}

type RecordEventValue = typeof RecordEvent.static;

function withDefaults(
  config: Omit<PollingConfig, 'timestampField' | 'intervalMs' | 'pageSize' | 'overlapMs' | 'startFrom'> & {
    readonly intervalMs?: number | undefined;
    readonly pageSize?: number | undefined;
    readonly overlapMs?: number | undefined;
    readonly startFrom?: string | undefined;
  },
  timestampField: string,
): PollingConfig {
  return {
    ...config,
    timestampField,
    intervalMs: config.intervalMs ?? 30_000,
    pageSize: config.pageSize ?? 200,
    overlapMs: config.overlapMs ?? 60_000,
    startFrom: config.startFrom ?? 'now',
  };
}

/**
 * Polls `config.sobject` for records whose timestamp field is at or after the position minus
 * the overlap, oldest first with Id as the tie-breaker, and emits each one not handled before
 * (a record counts as handled at one timestamp: changed again, it is emitted again). The
 * position moves only after the flow handled the record; a failed flow stops the pass and the
 * next poll delivers the record again (at-least-once).
 */
export async function pollRecords(
  config: PollingConfig,
  ctx: TriggerContext<SalesforceClient, RecordEventValue>,
): Promise<() => Promise<void>> {
  const { client, signal, log, state } = ctx;
  const condition =
    config.where === undefined ? undefined : bindSoql(config.where, config.parameters ?? {}, '$.parameters');
  const fields = await selectFields(client, config, signal);
  let position = (await state.get<PollPosition>(POSITION)) ?? (await initialPosition(client, config, signal));
  await state.set(POSITION, position);

  const poll = async (): Promise<void> => {
    const handled = new Map(Object.entries(position.handled));
    let newest = position.timestamp;
    let unsaved = 0;
    // The position is written after each page, when a flow fails and when stopping — not per
    // record: with many changes inside the overlap window, per record meant rewriting a state
    // that grows with them, once for each. A crash redelivers what was handled since the last
    // write (at-least-once).
    const save = async (): Promise<void> => {
      if (unsaved === 0) return;
      position = positionOf(newest, handled, config.overlapMs);
      await state.set(POSITION, position);
      unsaved = 0;
    };
    const since =
      position.timestamp === undefined
        ? undefined
        : `${config.timestampField} >= ${dateTimeLiteral(new Date(Date.parse(position.timestamp) - config.overlapMs))}`;
    const where = [condition === undefined ? undefined : `(${condition})`, since].filter(
      (part) => part !== undefined,
    );
    const soql = `SELECT ${fields.join(', ')} FROM ${config.sobject}${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY ${config.timestampField} ASC, Id ASC`;
    let url: string | undefined = `/query?q=${encodeURIComponent(soql)}`;
    try {
      while (url !== undefined && !signal.aborted) {
        const pageUrl: string = url;
        const page = await client.call(
          'poll',
          (connection) => readPage(connection, pageUrl, config.pageSize),
          signal,
        );
        for (const record of page.records ?? []) {
          if (signal.aborted) return;
          const id = record.Id;
          const timestamp = isoTimestamp(record[config.timestampField]);
          if (typeof id !== 'string' || timestamp === undefined) continue;
          if (handled.get(id) === timestamp) continue;
          try {
            await ctx.emit({ sobject: config.sobject, id, timestamp, record });
          } catch (error) {
            // Not acknowledged: the position stays before it, and the next poll delivers it again.
            log.warn('a changed record was not handled; it will be delivered again', {
              sobject: config.sobject,
              id,
              code: (error as ConnectorError).code,
            });
            return;
          }
          handled.set(id, timestamp);
          if (newest === undefined || Date.parse(timestamp) > Date.parse(newest)) newest = timestamp;
          unsaved++;
        }
        await save();
        url =
          page.done === false && typeof page.nextRecordsUrl === 'string' ? page.nextRecordsUrl : undefined;
      }
    } finally {
      await save();
    }
  };

  const loop = (async () => {
    while (!signal.aborted) {
      try {
        await poll();
      } catch (error) {
        if (signal.aborted) break;
        warnPollFailed(log, config.sobject, error);
      }
      await sleep(config.intervalMs, signal).catch(() => undefined);
    }
  })();
  return () => loop;
}

/**
 * The position to store: the newest timestamp handled, and the records handled within the
 * overlap window before it (older ones are dropped from `handled`).
 */
export function positionOf(
  newest: string | undefined,
  handled: Map<string, string>,
  overlapMs: number,
): PollPosition {
  if (newest === undefined) return { handled: Object.fromEntries(handled) };
  const floor = Date.parse(newest) - overlapMs;
  for (const [id, at] of handled) if (Date.parse(at) < floor) handled.delete(id);
  return { timestamp: newest, handled: Object.fromEntries(handled) };
}

function warnPollFailed(log: Logger, sobject: string, error: unknown): void {
  log.warn('polling for changed records failed; trying again after the interval', {
    sobject,
    code: (error as ConnectorError).code,
    error: error instanceof Error ? error.message : String(error),
  });
}

/** Salesforce's `2026-01-01T09:30:00.000+0000` as ISO UTC with milliseconds; undefined when not a date-time. */
export function isoTimestamp(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = Date.parse(normalized);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

async function selectFields(
  client: SalesforceClient,
  config: PollingConfig,
  signal: AbortSignal,
): Promise<string[]> {
  if (config.fields !== undefined) return [...new Set(['Id', config.timestampField, ...config.fields])];
  const description = await client.call(
    `describe ${config.sobject}`,
    (connection) =>
      connection.request<{ fields?: { name?: unknown; type?: unknown }[] }>(
        `/sobjects/${config.sobject}/describe`,
      ),
    signal,
  );
  const described = (description.fields ?? []).filter(
    (field): field is { name: string; type?: unknown } =>
      typeof field.name === 'string' && field.type !== 'address' && field.type !== 'location',
  );
  const timestamp = described.find((field) => field.name === config.timestampField);
  if (timestamp === undefined || timestamp.type !== 'datetime') {
    throw new ConnectorError(
      'INVALID_CONFIG',
      timestamp === undefined
        ? `${config.sobject} has no field '${config.timestampField}' — set timestampField to a datetime field such as SystemModstamp`
        : `'${config.timestampField}' of ${config.sobject} is ${String(timestamp.type)}, not datetime — set timestampField to SystemModstamp or LastModifiedDate`,
      { path: '$.timestampField' },
    );
  }
  return [...new Set(['Id', config.timestampField, ...described.map((field) => field.name)])];
}

async function initialPosition(
  client: SalesforceClient,
  config: PollingConfig,
  signal: AbortSignal,
): Promise<PollPosition> {
  if (config.startFrom === 'beginning') return { handled: {} };
  if (config.startFrom !== 'now') {
    const time = /^\d{4}-\d{2}-\d{2}/.test(config.startFrom) ? Date.parse(config.startFrom) : Number.NaN;
    if (Number.isNaN(time)) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `startFrom '${config.startFrom}' is not 'now', 'beginning' or an ISO timestamp (2026-03-01T00:00:00Z)`,
        { path: '$.startFrom' },
      );
    }
    // Records at exactly this time count as new: nothing is handled yet, and the overlap starts there.
    return { timestamp: new Date(time).toISOString(), handled: {} };
  }
  // 'now' on Salesforce's clock: the newest timestamp there; every record in the overlap window before it counts as handled.
  const field = config.timestampField;
  const newest = await client.call(
    'poll',
    (connection) =>
      readPage(
        connection,
        `/query?q=${encodeURIComponent(`SELECT Id, ${field} FROM ${config.sobject} ORDER BY ${field} DESC, Id DESC LIMIT 1`)}`,
        undefined,
      ),
    signal,
  );
  const latest = isoTimestamp(newest.records?.[0]?.[field]);
  if (latest === undefined) return { handled: {} };
  const floor = dateTimeLiteral(new Date(Date.parse(latest) - config.overlapMs));
  const handled: Record<string, string> = {};
  let url: string | undefined =
    `/query?q=${encodeURIComponent(`SELECT Id, ${field} FROM ${config.sobject} WHERE ${field} >= ${floor}`)}`;
  while (url !== undefined) {
    const pageUrl: string = url;
    const page = await client.call('poll', (connection) => readPage(connection, pageUrl, 2000), signal);
    for (const record of page.records ?? []) {
      const at = isoTimestamp(record[field]);
      if (typeof record.Id === 'string' && at !== undefined) handled[record.Id] = at;
    }
    url = page.done === false && typeof page.nextRecordsUrl === 'string' ? page.nextRecordsUrl : undefined;
  }
  return { timestamp: latest, handled };
}

export const changedRecords = defineTrigger({
  connection: salesforceConnection,
  title: 'Changed records',
  description:
    'Polls an sObject for records created or changed since the last one handled (SystemModstamp, or another datetime field, then Id), oldest first; each record starts one flow run. An overlap window catches records committed late with an earlier timestamp, without delivering a record twice for the same change. The position moves only past records the flow handled; it is saved after each page, when a flow fails and on stop, so a failed flow or a crash means redelivery (at-least-once).',
  config: pollingConfig('configurable'),
  event: RecordEvent,
  delivery: 'at-least-once',
  start: (config, ctx) => pollRecords(withDefaults(config, config.timestampField ?? 'SystemModstamp'), ctx),
});

export const newRecords = defineTrigger({
  connection: salesforceConnection,
  title: 'New records',
  description:
    'Polls an sObject for records created since the last one handled (CreatedDate, then Id), oldest first; each record starts one flow run, at least once (see `changedRecords`).',
  config: pollingConfig('CreatedDate'),
  event: RecordEvent,
  delivery: 'at-least-once',
  start: (config, ctx) => pollRecords(withDefaults(config, 'CreatedDate'), ctx),
});
