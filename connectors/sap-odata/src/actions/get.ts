import { ConnectorError, defineAction, Type } from '@connectorkit/core';
import { sapODataConnection } from '../connection.js';
import {
  EntitySchema,
  EntitySetNameSchema,
  entityContext,
  entityOf,
  entityPath,
  etagOf,
  KeySchema,
} from '../entity-context.js';
import { buildQueryOptions } from '../query-options.js';

export const get = defineAction({
  connection: sapODataConnection,
  title: 'Get entity',
  description:
    'Reads one entity by its key (single or composite, checked against $metadata), with optional $select and $expand; returns it with its ETag for a later update or delete.',
  input: Type.Object(
    {
      entitySet: EntitySetNameSchema,
      key: KeySchema,
      select: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), { description: 'Properties to return' }),
      ),
      expand: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), { description: 'Navigation properties to expand' }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    entity: EntitySchema,
    etag: Type.Optional(Type.String({ description: 'The ETag to pass to update or delete' })),
  }),
  idempotent: true,
  examples: [
    { title: 'An order with its items', input: { entitySet: 'Orders', key: 1, expand: ['items'] } },
    { title: 'A composite key', input: { entitySet: 'OrderItems', key: { order_ID: 1, position: 2 } } },
  ],
  run: async (input, { client, signal }) => {
    const context = await entityContext(client, input.entitySet, signal);
    const response = await client.request({
      method: 'GET',
      path: entityPath(context, input.key),
      query: buildQueryOptions({ select: input.select, expand: input.expand }, context),
      signal,
    });
    const entity = entityOf(response, context);
    if (entity === undefined) {
      throw new ConnectorError('NOT_FOUND', `${response.url} answered ${response.status} without an entity`, {
        status: response.status,
      });
    }
    const etag = etagOf(response, entity);
    return { entity, ...(etag === undefined ? {} : { etag }) };
  },
});
