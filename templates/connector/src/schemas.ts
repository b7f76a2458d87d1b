import { type Static, Type } from '@connectorkit/core';

export const Item = Type.Object({
  id: Type.String({ description: 'Unique id of the item' }),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time', description: 'When the item was created' }),
});
export type Item = Static<typeof Item>;

export const ItemEvent = Type.Object({
  sequence: Type.Integer({ minimum: 1, description: 'Position of the event in the feed' }),
  item: Item,
});
export type ItemEvent = Static<typeof ItemEvent>;
