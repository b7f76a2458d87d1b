import { defineAction, Type } from '@connectorkit/core';
import { sapODataConnection } from '../connection.js';
import { describeMetadata, entitySetOf } from '../service-metadata.js';

const Property = Type.Object({
  name: Type.String(),
  type: Type.String(),
  nullable: Type.Boolean(),
  maxLength: Type.Optional(Type.Number()),
  precision: Type.Optional(Type.Number()),
  scale: Type.Optional(Type.Number()),
  displayFormat: Type.Optional(Type.String()),
});

export const metadata = defineAction({
  connection: sapODataConnection,
  title: 'Describe service',
  description:
    "The service's $metadata as the connector reads it (cached after the first read): version, entity sets with keys, properties, types and navigation, and functions and actions with their parameters.",
  input: Type.Object(
    {
      entitySet: Type.Optional(Type.String({ minLength: 1, description: 'Only this entity set' })),
      refresh: Type.Optional(
        Type.Boolean({ description: 'Read $metadata again instead of using the cached copy' }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    version: Type.Union([Type.Literal('v2'), Type.Literal('v4')]),
    namespaces: Type.Array(Type.String()),
    entitySets: Type.Array(
      Type.Object({
        name: Type.String(),
        entityType: Type.String(),
        keys: Type.Array(Type.String()),
        etag: Type.Boolean({ description: 'Writes need an ETag (If-Match)' }),
        properties: Type.Array(Property),
        navigation: Type.Array(
          Type.Object({
            name: Type.String(),
            targetType: Type.String(),
            collection: Type.Boolean(),
            targetEntitySet: Type.Optional(Type.String()),
          }),
        ),
      }),
    ),
    operations: Type.Array(
      Type.Object({
        name: Type.String(),
        kind: Type.Union([Type.Literal('function'), Type.Literal('action')]),
        httpMethod: Type.Union([Type.Literal('GET'), Type.Literal('POST')]),
        bound: Type.Boolean(),
        bindingType: Type.Optional(Type.String()),
        parameters: Type.Array(
          Type.Object({ name: Type.String(), type: Type.String(), nullable: Type.Boolean() }),
        ),
        returnType: Type.Optional(Type.String()),
      }),
    ),
  }),
  idempotent: true,
  examples: [{ title: 'One entity set', input: { entitySet: 'Orders' } }],
  run: async (input, { client, signal }) => {
    const service = await client.metadata(signal, input.refresh === true);
    if (input.entitySet !== undefined) entitySetOf(service, input.entitySet);
    return describeMetadata(service, input.entitySet);
  },
});
