import { ConnectorError, createKit } from '@connectorkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleConnector } from '../connector.js';
import { API_TOKEN, startApiServer } from '../test-fixtures/api-server.js';

const server = await startApiServer();
const kit = createKit({
  connectors: [exampleConnector],
  connections: { service: { connector: 'example', baseUrl: server.url, token: API_TOKEN } },
  logger: { level: 'silent' },
});

afterAll(async () => {
  await kit.close();
  await server.close();
});

describe('example.getItem', () => {
  it('reads an item', async () => {
    const item = await kit.invoke('example.getItem', { id: 'item-1' });
    expect(item).toEqual({ id: 'item-1', name: 'First item', createdAt: '2024-01-01T00:00:00.000Z' });
  });

  it('fails with NOT_FOUND, the status and the message of the API', async () => {
    const error = await kit.invoke('example.getItem', { id: 'nope' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, vendorCode: 'item_not_found' });
    expect((error as ConnectorError).message).toContain("item 'nope' does not exist");
  });

  it('rejects an empty id before calling the API', async () => {
    const error = await kit.invoke('example.getItem', { id: '' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.id' });
  });
});
