import { type ActionInput, type ActionOutput, createKit } from '@connectorkit/core';
import { describe, expectTypeOf, it } from 'vitest';
import { exampleConnector } from '../connector.js';
import type { getItem } from './get-item.js';

describe('getItem types', () => {
  it('infers input and output from the schemas', () => {
    expectTypeOf<ActionInput<typeof getItem>>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<ActionOutput<typeof getItem>['createdAt']>().toEqualTypeOf<string>();
  });

  it('rejects wrong input at compile time', () => {
    const kit = createKit({ connectors: [exampleConnector] });
    // @ts-expect-error: id must be a string
    void kit.invoke('example.getItem', { id: 1 });
    // @ts-expect-error: the connector has no such action
    void kit.invoke('example.deleteItem', { id: 'item-1' });
  });
});
