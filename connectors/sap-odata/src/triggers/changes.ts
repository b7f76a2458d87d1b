import { ConnectorError, defineTrigger, sleep, Type } from '@connectorkit/core';
import { sapODataConnection } from '../connection.js';
import {
  collectionOf,
  type EntityContext,
  EntitySchema,
  EntitySetNameSchema,
  entityContext,
  jsonBody,
} from '../entity-context.js';
import { buildFilter, FilterSchema, withFilterDefinitions } from '../filter.js';
import { type Entity, normalizeEntity } from '../normalize-payload.js';
import type { ODataClient } from '../odata-client.js';
import { buildQueryOptions } from '../query-options.js';
import { shortName } from '../service-metadata.js';

/** Where polling stands: the newest timestamp handled, and the keys handled at exactly that timestamp. */
interface Position {
  readonly timestamp?: string;
  readonly seen: readonly string[];
}

const POSITION = 'position';
const TIMESTAMP_TYPES = new Set(['Edm.DateTimeOffset', 'Edm.DateTime', 'Edm.Date']);

export const changes = defineTrigger({
  connection: sapODataConnection,
  title: 'Changed entities',
  description:
    'Polls an entity set for entities whose timestamp property (modifiedAt, LastChangeDateTime …) is newer than the last one handled, and emits them oldest first. The position advances only after the flow handled the entity, so a crash or a failed flow means redelivery (at-least-once).',
  config: Type.Object(
    {
      entitySet: EntitySetNameSchema,
      timestampProperty: Type.String({
        default: 'modifiedAt',
        minLength: 1,
        description: 'The property that changes with every change (Edm.DateTimeOffset or Edm.DateTime)',
      }),
      filter: Type.Optional(FilterSchema('Only entities matching this filter')),
      select: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), { description: 'Properties to return' }),
      ),
      expand: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), { description: 'Navigation properties to expand' }),
      ),
      intervalMs: Type.Integer({
        minimum: 50,
        default: 30_000,
        description: 'Pause between polls when nothing is pending',
      }),
      pageSize: Type.Integer({
        minimum: 1,
        maximum: 5000,
        default: 100,
        description: 'Entities read per request',
      }),
      startFrom: Type.String({
        default: 'now',
        description:
          "Where to start without a stored position: 'now' (changes from now on), 'beginning' (every entity) or an ISO timestamp",
      }),
    },
    withFilterDefinitions({ additionalProperties: false }),
  ),
  event: Type.Object({
    entitySet: Type.String(),
    key: Type.Record(Type.String(), Type.Unknown({ description: 'The key properties of the entity' })),
    timestamp: Type.String({ description: 'The value of the timestamp property' }),
    entity: EntitySchema,
  }),
  delivery: 'at-least-once',
  start: async (config, ctx) => {
    const { client, signal, log, state } = ctx;
    const context = await entityContext(client, config.entitySet, signal);
    const timestampProperty = context.type.properties.get(config.timestampProperty);
    if (timestampProperty === undefined || !TIMESTAMP_TYPES.has(timestampProperty.type)) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        timestampProperty === undefined
          ? `${shortName(context.type.name)} has no property '${config.timestampProperty}' — set timestampProperty to its change timestamp`
          : `'${config.timestampProperty}' is ${timestampProperty.type}, not a timestamp — set timestampProperty to an Edm.DateTimeOffset or Edm.DateTime property`,
        { path: '$.timestampProperty' },
      );
    }
    let position =
      (await state.get<Position>(POSITION)) ?? (await initialPosition(client, context, config, signal));
    await state.set(POSITION, position);

    const poll = async (): Promise<boolean> => {
      const seen = new Set(position.seen);
      const since = buildFilter(
        position.timestamp === undefined
          ? { property: config.timestampProperty, operator: 'ne', value: null }
          : { property: config.timestampProperty, operator: 'ge', value: position.timestamp },
        context,
      );
      const own = config.filter === undefined ? undefined : buildFilter(config.filter, context);
      const top = config.pageSize + seen.size;
      const response = await client.request({
        method: 'GET',
        path: encodeURIComponent(context.set.name),
        query: buildQueryOptions(
          {
            filter: own === undefined ? since : `(${own}) and ${since}`,
            ...(config.select === undefined
              ? {}
              : { select: withKeys(config.select, context, config.timestampProperty) }),
            ...(config.expand === undefined ? {} : { expand: config.expand }),
            orderBy: [config.timestampProperty, ...context.type.keys],
            top,
          },
          context,
        ),
        signal,
      });
      const page = collectionOf(jsonBody(response), context.version, response.url);
      for (const item of page.items) {
        if (signal.aborted) return false;
        const entity = normalizeEntity(item, context.type, context.normalize);
        const timestamp = entity[config.timestampProperty];
        if (typeof timestamp !== 'string') continue;
        const key = keyOf(entity, context);
        const identity = JSON.stringify(key);
        if (timestamp === position.timestamp && seen.has(identity)) continue;
        try {
          await ctx.emit({ entitySet: context.set.name, key, timestamp, entity });
        } catch (error) {
          // Not acknowledged: the position stays, and the next poll delivers it again.
          log.warn('a changed entity was not handled; it will be delivered again', {
            entitySet: context.set.name,
            key: identity,
            code: (error as ConnectorError).code,
          });
          return false;
        }
        position =
          timestamp === position.timestamp
            ? { timestamp, seen: [...position.seen, identity] }
            : { timestamp, seen: [identity] };
        seen.add(identity);
        await state.set(POSITION, position);
      }
      // A full page means more may be waiting: poll again at once.
      return page.items.length >= top;
    };

    const loop = (async () => {
      while (!signal.aborted) {
        let more = false;
        try {
          more = await poll();
        } catch (error) {
          if (signal.aborted) break;
          log.warn('polling for changes failed; trying again after the interval', {
            entitySet: config.entitySet,
            error: error instanceof Error ? error.message : String(error),
          });
        }
        if (!more) await sleep(config.intervalMs, signal).catch(() => undefined);
      }
    })();
    return () => loop;
  },
});

async function initialPosition(
  client: ODataClient,
  context: EntityContext,
  config: { timestampProperty: string; startFrom: string },
  signal: AbortSignal,
): Promise<Position> {
  if (config.startFrom === 'beginning') return { seen: [] };
  if (config.startFrom !== 'now') {
    const time = /^\d{4}-\d{2}-\d{2}/.test(config.startFrom) ? Date.parse(config.startFrom) : Number.NaN;
    if (Number.isNaN(time)) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `startFrom '${config.startFrom}' is not 'now', 'beginning' or an ISO timestamp (2024-03-01T00:00:00Z)`,
        { path: '$.startFrom' },
      );
    }
    return { timestamp: new Date(time).toISOString(), seen: [] };
  }
  // 'now' on the service's clock: the newest timestamp there, and every entity carrying it.
  const newest = await client.request({
    method: 'GET',
    path: encodeURIComponent(context.set.name),
    query: buildQueryOptions(
      {
        filter: { property: config.timestampProperty, operator: 'ne', value: null },
        select: withKeys([config.timestampProperty], context, config.timestampProperty),
        orderBy: [`${config.timestampProperty} desc`],
        top: 1,
      },
      context,
    ),
    signal,
  });
  const [latest] = collectionOf(jsonBody(newest), context.version, newest.url).items;
  if (latest === undefined) return { seen: [] };
  const timestamp = normalizeEntity(latest, context.type, context.normalize)[config.timestampProperty];
  if (typeof timestamp !== 'string') return { seen: [] };
  const sameTime = await client.request({
    method: 'GET',
    path: encodeURIComponent(context.set.name),
    query: buildQueryOptions(
      {
        filter: { property: config.timestampProperty, operator: 'eq', value: timestamp },
        select: withKeys([config.timestampProperty], context, config.timestampProperty),
        top: 5000,
      },
      context,
    ),
    signal,
  });
  const seen = collectionOf(jsonBody(sameTime), context.version, sameTime.url).items.map((item) =>
    JSON.stringify(keyOf(normalizeEntity(item, context.type, context.normalize), context)),
  );
  return { timestamp, seen };
}

function keyOf(entity: Entity, context: EntityContext): Record<string, unknown> {
  return Object.fromEntries(context.type.keys.map((name) => [name, entity[name]]));
}

/** A $select that still returns what the trigger needs: the keys and the timestamp. */
function withKeys(select: readonly string[], context: EntityContext, timestampProperty: string): string[] {
  return [...new Set([...select, ...context.type.keys, timestampProperty])];
}
