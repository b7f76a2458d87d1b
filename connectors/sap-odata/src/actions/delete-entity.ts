import { defineAction, Type } from '@connectorkit/core';
import { sapODataConnection } from '../connection.js';
import { EntitySetNameSchema, EtagSchema, entityContext, entityPath, KeySchema } from '../entity-context.js';

export const deleteEntity = defineAction({
  connection: sapODataConnection,
  title: 'Delete entity',
  description:
    "Deletes an entity by its key. Pass the entity's etag (or '*') where the service uses optimistic concurrency: a stale one fails with CONFLICT, a missing entity with NOT_FOUND.",
  input: Type.Object(
    {
      entitySet: EntitySetNameSchema,
      key: KeySchema,
      etag: Type.Optional(EtagSchema),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ deleted: Type.Literal(true) }),
  examples: [
    { title: 'Delete an order item', input: { entitySet: 'OrderItems', key: { order_ID: 1, position: 2 } } },
  ],
  run: async (input, { client, signal }) => {
    const context = await entityContext(client, input.entitySet, signal);
    await client.request({
      method: 'DELETE',
      path: entityPath(context, input.key),
      headers: input.etag === undefined ? {} : { 'if-match': input.etag },
      signal,
    });
    return { deleted: true as const };
  },
});
