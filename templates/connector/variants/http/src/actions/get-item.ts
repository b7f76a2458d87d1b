import { defineAction, Type } from '@connectorkit/core';
import { exampleConnection } from '../connection.js';
import { Item } from '../schemas.js';

export const getItem = defineAction({
  connection: exampleConnection,
  title: 'Get item',
  description: 'Reads one item by its id; fails with NOT_FOUND when there is none.',
  input: Type.Object({
    id: Type.String({ minLength: 1, description: 'Id of the item' }),
  }),
  output: Item,
  idempotent: true,
  examples: [
    {
      title: 'Read the demo item',
      input: { id: 'item-1' },
      output: { id: 'item-1', name: 'First item', createdAt: '2024-01-01T00:00:00.000Z' },
    },
  ],
  run: ({ id }, { client, signal }) => client.get<Item>('/items/{id}', { params: { id }, signal }),
});
