import { randomUUID } from 'node:crypto';
import { ConnectorError, defineAction, type Static, Type } from '@connectorkit/core';
import {
  type BatchRequestEntry,
  type BatchRequestPart,
  type BatchResponsePart,
  buildBatchBody,
  parseBatchResponse,
} from '../batch-payload.js';
import { sapODataConnection } from '../connection.js';
import {
  collectionOf,
  contextOf,
  type EntityContext,
  EntitySchema,
  EntitySetNameSchema,
  EtagSchema,
  entityOf,
  entityPath,
  etagOf,
  jsonBody,
  KeySchema,
} from '../entity-context.js';
import { errorFromResponse } from '../error-mapping.js';
import { FilterSchema, withFilterDefinitions } from '../filter.js';
import { type Entity, normalizeEntity, toWireEntity } from '../normalize-payload.js';
import type { ODataResponse } from '../odata-client.js';
import { buildQueryOptions, OrderBySchema, queryString } from '../query-options.js';

const Names = Type.Array(Type.String({ minLength: 1 }));

const GetOperation = Type.Object(
  {
    operation: Type.Literal('get'),
    entitySet: EntitySetNameSchema,
    key: KeySchema,
    select: Type.Optional(Names),
    expand: Type.Optional(Names),
  },
  { additionalProperties: false },
);
const QueryOperation = Type.Object(
  {
    operation: Type.Literal('query'),
    entitySet: EntitySetNameSchema,
    filter: Type.Optional(FilterSchema()),
    select: Type.Optional(Names),
    expand: Type.Optional(Names),
    orderBy: Type.Optional(OrderBySchema),
    top: Type.Optional(Type.Integer({ minimum: 0 })),
    skip: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const CreateOperation = Type.Object(
  {
    operation: Type.Literal('create'),
    entitySet: EntitySetNameSchema,
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
const UpdateOperation = Type.Object(
  {
    operation: Type.Literal('update'),
    entitySet: EntitySetNameSchema,
    key: KeySchema,
    data: Type.Record(Type.String(), Type.Unknown()),
    etag: Type.Optional(EtagSchema),
    replace: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const DeleteOperation = Type.Object(
  {
    operation: Type.Literal('delete'),
    entitySet: EntitySetNameSchema,
    key: KeySchema,
    etag: Type.Optional(EtagSchema),
  },
  { additionalProperties: false },
);
const WriteOperation = Type.Union([CreateOperation, UpdateOperation, DeleteOperation]);
const Changeset = Type.Object(
  {
    changeset: Type.Array(WriteOperation, {
      minItems: 1,
      description: 'Writes that succeed together or not at all',
    }),
  },
  { additionalProperties: false },
);

type Operation = Static<typeof GetOperation> | Static<typeof QueryOperation> | Static<typeof WriteOperation>;

const BatchResult = Type.Object({
  request: Type.Integer({ description: 'Index in requests' }),
  operation: Type.Optional(Type.Integer({ description: 'Index in the change set' })),
  status: Type.Integer({ description: 'HTTP status of the operation; 0 when the service did not run it' }),
  ok: Type.Boolean(),
  entity: Type.Optional(EntitySchema),
  value: Type.Optional(Type.Array(EntitySchema)),
  etag: Type.Optional(Type.String()),
  error: Type.Optional(
    Type.Object({
      code: Type.String(),
      message: Type.String(),
      vendorCode: Type.Optional(Type.String()),
    }),
  ),
});
type BatchResult = Static<typeof BatchResult>;

export const batch = defineAction({
  connection: sapODataConnection,
  title: 'Batch',
  description:
    'Sends several operations in one $batch request (multipart/mixed, V2 and V4): reads (get, query) and writes (create, update, delete); writes grouped in a changeset succeed together or are all rolled back. Returns one result per operation, in order.',
  input: Type.Object(
    {
      requests: Type.Array(
        Type.Union([
          GetOperation,
          QueryOperation,
          CreateOperation,
          UpdateOperation,
          DeleteOperation,
          Changeset,
        ]),
        {
          minItems: 1,
          maxItems: 1000,
          description:
            'Operations ({ operation: get|query|create|update|delete, … }) and change sets ({ changeset: [writes] })',
        },
      ),
      continueOnError: Type.Optional(
        Type.Boolean({
          description:
            'Keep running the requests after a failed one (V4 Prefer: odata.continue-on-error). Default true',
        }),
      ),
    },
    withFilterDefinitions({ additionalProperties: false }),
  ),
  output: Type.Object({
    ok: Type.Boolean({ description: 'True when every operation succeeded' }),
    results: Type.Array(BatchResult),
  }),
  examples: [
    {
      title: 'Read one order; create an order and its item all-or-none',
      input: {
        requests: [
          { operation: 'get', entitySet: 'Orders', key: 1 },
          {
            changeset: [
              { operation: 'create', entitySet: 'Orders', data: { ID: 200, status: 'open' } },
              {
                operation: 'create',
                entitySet: 'OrderItems',
                data: { order_ID: 200, position: 1, quantity: 2 },
              },
            ],
          },
        ],
      },
    },
  ],
  run: async (input, { client, signal }) => {
    const metadata = await client.metadata(signal);
    const version = metadata.version;
    let contentId = 0;
    const planned: { operation: Operation; context: EntityContext; part: BatchRequestPart }[][] = [];
    const entries: BatchRequestEntry[] = input.requests.map((request, index) => {
      if ('changeset' in request) {
        const parts = request.changeset.map((operation, position) => {
          const context = contextOf(
            client,
            metadata,
            operation.entitySet,
            `$.requests[${index}].changeset[${position}].entitySet`,
          );
          contentId++;
          return {
            operation,
            context,
            part: partOf(
              operation,
              context,
              `$.requests[${index}].changeset[${position}]`,
              String(contentId),
            ),
          };
        });
        planned.push(parts);
        return { kind: 'changeset', parts: parts.map((entry) => entry.part) };
      }
      const context = contextOf(client, metadata, request.entitySet, `$.requests[${index}].entitySet`);
      const part = partOf(request, context, `$.requests[${index}]`, undefined);
      planned.push([{ operation: request, context, part }]);
      return { kind: 'request', part };
    });
    const boundary = `batch_${randomUUID()}`;
    const response = await client.request({
      method: 'POST',
      path: '$batch',
      headers: {
        'content-type': `multipart/mixed; boundary=${boundary}`,
        ...(version === 'v4' && input.continueOnError !== false ? { prefer: 'odata.continue-on-error' } : {}),
      },
      accept: 'multipart/mixed',
      body: buildBatchBody(entries, boundary, (index) => `changeset_${index}_${randomUUID()}`),
      signal,
    });
    const answered = parseBatchResponse(response.body, response.headers.get('content-type'));
    const results: BatchResult[] = [];
    planned.forEach((operations, index) => {
      const entry = answered[index];
      const changeset = entries[index]?.kind === 'changeset';
      operations.forEach(({ operation, context, part }, position) => {
        const base = { request: index, ...(changeset ? { operation: position } : {}) };
        let answer: BatchResponsePart | undefined;
        if (entry?.kind === 'response') answer = entry.response;
        else if (entry?.kind === 'changeset') {
          answer =
            entry.responses.find(
              (candidate) => part.contentId !== undefined && candidate.contentId === part.contentId,
            ) ?? entry.responses[position];
        }
        results.push({ ...base, ...resultOf(operation, context, part, answer, response) });
      });
    });
    return { ok: results.every((result) => result.ok), results };
  },
});

function partOf(
  operation: Operation,
  context: EntityContext,
  path: string,
  contentId: string | undefined,
): BatchRequestPart {
  const set = encodeURIComponent(context.set.name);
  const accept = { accept: 'application/json' };
  const writeHeaders = (etag?: string): Record<string, string> => ({
    ...accept,
    'content-type': 'application/json',
    ...(etag === undefined ? {} : { 'if-match': etag }),
    ...(context.version === 'v4' ? { prefer: 'return=representation' } : {}),
  });
  const withId = contentId === undefined ? {} : { contentId };
  switch (operation.operation) {
    case 'get': {
      const query = queryString(
        buildQueryOptions({ select: operation.select, expand: operation.expand }, context, path),
      );
      return {
        method: 'GET',
        url: `${entityPath(context, operation.key, `${path}.key`)}${query === '' ? '' : `?${query}`}`,
        headers: accept,
        ...withId,
      };
    }
    case 'query': {
      const query = queryString(buildQueryOptions(operation, context, path));
      return { method: 'GET', url: `${set}${query === '' ? '' : `?${query}`}`, headers: accept, ...withId };
    }
    case 'create':
      return {
        method: 'POST',
        url: set,
        headers: writeHeaders(),
        body: JSON.stringify(toWireEntity(operation.data, context.type, context, `${path}.data`)),
        ...withId,
      };
    case 'update':
      return {
        method: operation.replace === true ? 'PUT' : context.version === 'v2' ? 'MERGE' : 'PATCH',
        url: entityPath(context, operation.key, `${path}.key`),
        headers: writeHeaders(operation.etag),
        body: JSON.stringify(toWireEntity(operation.data, context.type, context, `${path}.data`)),
        ...withId,
      };
    case 'delete':
      return {
        method: 'DELETE',
        url: entityPath(context, operation.key, `${path}.key`),
        headers: operation.etag === undefined ? accept : { ...accept, 'if-match': operation.etag },
        ...withId,
      };
  }
}

function resultOf(
  operation: Operation,
  context: EntityContext,
  part: BatchRequestPart,
  answer: BatchResponsePart | undefined,
  batchResponse: ODataResponse,
): Omit<BatchResult, 'request' | 'operation'> {
  if (answer === undefined) {
    return {
      status: 0,
      ok: false,
      error: {
        code: 'CANCELLED',
        message: 'not run: the service stopped processing the batch after an earlier failure',
      },
    };
  }
  const url = new URL(part.url, batchResponse.url).href;
  if (answer.status >= 400) {
    const error = errorFromResponse(answer, { method: part.method, url });
    return {
      status: answer.status,
      ok: false,
      error: {
        code: error.code,
        message: error.message,
        ...(error.vendorCode === undefined ? {} : { vendorCode: error.vendorCode }),
      },
    };
  }
  const asResponse: ODataResponse = { ...answer, url };
  try {
    if (operation.operation === 'query') {
      const page = collectionOf(jsonBody(asResponse), context.version, url);
      return {
        status: answer.status,
        ok: true,
        value: page.items.map((item) => normalizeEntity(item, context.type, context.normalize)),
      };
    }
    const entity: Entity | undefined =
      operation.operation === 'delete' ? undefined : entityOf(asResponse, context);
    const etag = etagOf(asResponse, entity);
    return {
      status: answer.status,
      ok: true,
      ...(entity === undefined ? {} : { entity }),
      ...(etag === undefined ? {} : { etag }),
    };
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return { status: answer.status, ok: false, error: { code: error.code, message: error.message } };
  }
}
