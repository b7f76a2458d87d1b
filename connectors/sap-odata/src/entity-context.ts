import { ConnectorError, Type } from '@connectorkit/core';
import { formatKeyPredicate, type KeyInput } from './literals.js';
import { type Entity, type NormalizeOptions, normalizeEntity, unwrapV2 } from './normalize-payload.js';
import type { ODataClient, ODataResponse } from './odata-client.js';
import {
  type EntitySetInfo,
  entitySetOf,
  entityTypeOf,
  type ODataVersion,
  type ServiceMetadata,
  type StructuredTypeInfo,
} from './service-metadata.js';

/** A record returned by the service: its properties, and `@odata.etag` when it has one. */
export const EntitySchema = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'An entity: its properties (expanded navigations nested), and @odata.etag when the service sends one',
});

export const KeySchema = Type.Union(
  [Type.String(), Type.Number(), Type.Record(Type.String(), Type.Unknown())],
  {
    description:
      "The entity's key: its value for a single key (1, 'P-001', a GUID), or an object for a composite key ({ order_ID: 1, position: 2 })",
  },
);

export const EtagSchema = Type.String({
  minLength: 1,
  description:
    "The ETag read with the entity (@odata.etag or get's etag), or '*' to write whatever version is there",
});

export const EntitySetNameSchema = Type.String({
  minLength: 1,
  description: "An entity set of the service, e.g. 'Orders'",
});

/** What an entity-set action needs: the metadata, the set and its type. */
export interface EntityContext {
  readonly metadata: ServiceMetadata;
  readonly version: ODataVersion;
  readonly set: EntitySetInfo;
  readonly type: StructuredTypeInfo;
  readonly normalize: NormalizeOptions;
}

/** Loads (or reuses) the metadata and looks the entity set up; INVALID_INPUT when it does not exist. */
export async function entityContext(
  client: ODataClient,
  entitySet: string,
  signal: AbortSignal,
  path = '$.entitySet',
): Promise<EntityContext> {
  const metadata = await client.metadata(signal);
  return contextOf(client, metadata, entitySet, path);
}

export function contextOf(
  client: ODataClient,
  metadata: ServiceMetadata,
  entitySet: string,
  path = '$.entitySet',
): EntityContext {
  const set = entitySetOf(metadata, entitySet, path);
  return {
    metadata,
    version: metadata.version,
    set,
    type: entityTypeOf(metadata, set),
    normalize: { metadata, version: metadata.version, preciseNumbers: client.options.preciseNumbers },
  };
}

/** `Orders(1)`, `OrderItems(order_ID=1,position=2)`. */
export function entityPath(context: EntityContext, key: KeyInput, path = '$.key'): string {
  return `${encodeURIComponent(context.set.name)}${formatKeyPredicate(key, context.type, context.version, path)}`;
}

/** The JSON body of a response; UNSUPPORTED when the service sent something else. */
export function jsonBody(response: ODataResponse): unknown {
  if (response.body.trim() === '') return undefined;
  try {
    return JSON.parse(response.body) as unknown;
  } catch (error) {
    const snippet = response.body.slice(0, 120).replace(/\s+/g, ' ');
    throw new ConnectorError(
      'UNSUPPORTED',
      `${response.url} answered ${response.status} with ${response.headers.get('content-type') ?? 'no content type'}, not JSON: ${snippet}`,
      { status: response.status, cause: error },
    );
  }
}

/** The single entity of a response (V2 `{ d: {...} }`, V4 the object itself), normalised. */
export function entityOf(response: ODataResponse, context: EntityContext): Entity | undefined {
  const body = jsonBody(response);
  if (body === undefined) return undefined;
  const payload = context.version === 'v2' ? unwrapV2(body) : body;
  return normalizeEntity(payload, context.type, context.normalize);
}

/** The ETag of a response: its header, else the entity's `@odata.etag`. */
export function etagOf(response: ODataResponse, entity: Entity | undefined): string | undefined {
  const header = response.headers.get('etag');
  if (header !== null && header !== '') return header;
  const fromBody = entity?.['@odata.etag'];
  return typeof fromBody === 'string' ? fromBody : undefined;
}

/** One page of a collection response. */
export interface CollectionPage {
  readonly items: readonly unknown[];
  readonly count?: number;
  /** The next page's URL as the service wrote it (absolute in V2, usually relative in V4). */
  readonly nextLink?: string;
}

/** Reads a collection: V2 `{ d: { results, __count, __next } }` (or `{ d: [...] }`), V4 `{ value, @odata.count, @odata.nextLink }`. */
export function collectionOf(body: unknown, version: ODataVersion, url: string): CollectionPage {
  if (body === null || typeof body !== 'object') {
    throw new ConnectorError('UNSUPPORTED', `${url} did not answer with a collection`);
  }
  if (version === 'v2') {
    const payload = unwrapV2(body);
    if (Array.isArray(payload)) return { items: payload };
    const record = (payload ?? {}) as { results?: unknown; __count?: unknown; __next?: unknown };
    if (!Array.isArray(record.results)) {
      throw new ConnectorError('UNSUPPORTED', `${url} did not answer with a V2 collection (d.results)`);
    }
    const count = record.__count === undefined ? undefined : Number(record.__count);
    return {
      items: record.results,
      ...(count === undefined || Number.isNaN(count) ? {} : { count }),
      ...(typeof record.__next === 'string' ? { nextLink: record.__next } : {}),
    };
  }
  const record = body as Record<string, unknown>;
  const value = record.value;
  if (!Array.isArray(value)) {
    throw new ConnectorError('UNSUPPORTED', `${url} did not answer with a V4 collection (value)`);
  }
  const count = record['@odata.count'] ?? record['@count'];
  const next = record['@odata.nextLink'] ?? record['@nextLink'];
  return {
    items: value,
    ...(count === undefined || Number.isNaN(Number(count)) ? {} : { count: Number(count) }),
    ...(typeof next === 'string' ? { nextLink: next } : {}),
  };
}
