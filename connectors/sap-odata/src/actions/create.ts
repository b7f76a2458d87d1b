import { defineAction, Type } from '@connectorkit/core';
import { sapODataConnection } from '../connection.js';
import { EntitySchema, EntitySetNameSchema, entityContext, entityOf, etagOf } from '../entity-context.js';
import { toWireEntity } from '../normalize-payload.js';

export const create = defineAction({
  connection: sapODataConnection,
  title: 'Create entity',
  description:
    'Creates an entity (POST to the entity set), with deep inserts through navigation properties; property names are checked against $metadata and values converted to the wire form of the version.',
  input: Type.Object(
    {
      entitySet: EntitySetNameSchema,
      data: Type.Record(Type.String(), Type.Unknown(), { description: 'The new entity: its properties' }),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    entity: EntitySchema,
    etag: Type.Optional(Type.String()),
    location: Type.Optional(Type.String({ description: 'URL of the new entity, when the service says' })),
  }),
  examples: [
    {
      title: 'A new order',
      input: {
        entitySet: 'Orders',
        data: { ID: 100, status: 'open', total: '99.90', currency: 'EUR', orderedAt: '2024-05-01T10:00:00Z' },
      },
    },
  ],
  run: async (input, { client, signal }) => {
    const context = await entityContext(client, input.entitySet, signal);
    const body = toWireEntity(input.data, context.type, context, '$.data');
    const response = await client.request({
      method: 'POST',
      path: encodeURIComponent(context.set.name),
      headers: {
        'content-type': 'application/json',
        ...(context.version === 'v4' ? { prefer: 'return=representation' } : {}),
      },
      body: JSON.stringify(body),
      signal,
    });
    const entity = entityOf(response, context) ?? {};
    const etag = etagOf(response, entity);
    const location = response.headers.get('location');
    return {
      entity,
      ...(etag === undefined ? {} : { etag }),
      ...(location === null ? {} : { location: client.resolve(location).href }),
    };
  },
});
