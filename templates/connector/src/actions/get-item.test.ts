import { ConnectorError, createKit } from '@connectorkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_DEMO_TOKEN } from '../client.js';
import { exampleConnector } from '../connector.js';

const kit = createKit({
  connectors: [exampleConnector],
  connections: { service: { connector: 'example', token: EXAMPLE_DEMO_TOKEN } },
  logger: { level: 'silent' },
});

afterAll(() => kit.close());

describe('example.getItem', () => {
  it('reads an item', async () => {
    const item = await kit.invoke('example.getItem', { id: 'item-1' });
    expect(item).toEqual({ id: 'item-1', name: 'First item', createdAt: '2024-01-01T00:00:00.000Z' });
  });

  it('fails with NOT_FOUND naming the item', async () => {
    const error = await kit.invoke('example.getItem', { id: 'nope' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', connector: 'example', action: 'getItem' });
    expect((error as ConnectorError).message).toContain("item 'nope' does not exist");
  });

  it('rejects an empty id before calling the service', async () => {
    const error = await kit.invoke('example.getItem', { id: '' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.id' });
  });
});
