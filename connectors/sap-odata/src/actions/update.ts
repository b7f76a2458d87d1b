import { defineAction, Type } from '@connectorkit/core';
import { sapODataConnection } from '../connection.js';
import {
  EntitySchema,
  EntitySetNameSchema,
  EtagSchema,
  entityContext,
  entityOf,
  entityPath,
  etagOf,
  KeySchema,
} from '../entity-context.js';
import { toWireEntity } from '../normalize-payload.js';

export const update = defineAction({
  connection: sapODataConnection,
  title: 'Update entity',
  description:
    "Changes an entity: a partial update (PATCH in V4, MERGE in V2) or, with replace: true, a full one (PUT). Pass the entity's etag for optimistic concurrency: a stale one fails with CONFLICT.",
  input: Type.Object(
    {
      entitySet: EntitySetNameSchema,
      key: KeySchema,
      data: Type.Record(Type.String(), Type.Unknown(), { description: 'The properties to change' }),
      etag: Type.Optional(EtagSchema),
      replace: Type.Optional(
        Type.Boolean({ description: 'Replace the whole entity (PUT) instead of merging' }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    entity: Type.Optional(EntitySchema),
    etag: Type.Optional(Type.String({ description: 'The new ETag, when the service sends it' })),
  }),
  examples: [
    {
      title: 'Ship an order read before',
      input: {
        entitySet: 'Orders',
        key: 1,
        data: { status: 'shipped' },
        etag: 'W/"2024-02-01T10:00:00.000Z"',
      },
    },
  ],
  run: async (input, { client, signal }) => {
    const context = await entityContext(client, input.entitySet, signal);
    const method = input.replace === true ? 'PUT' : context.version === 'v2' ? 'MERGE' : 'PATCH';
    const response = await client.request({
      method,
      path: entityPath(context, input.key),
      headers: {
        'content-type': 'application/json',
        ...(input.etag === undefined ? {} : { 'if-match': input.etag }),
        ...(context.version === 'v4' ? { prefer: 'return=representation' } : {}),
      },
      body: JSON.stringify(toWireEntity(input.data, context.type, context, '$.data')),
      signal,
    });
    const entity = entityOf(response, context);
    const etag = etagOf(response, entity);
    return { ...(entity === undefined ? {} : { entity }), ...(etag === undefined ? {} : { etag }) };
  },
});
