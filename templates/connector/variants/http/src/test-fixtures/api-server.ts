import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Item, ItemEvent } from '../schemas.js';

/** The token the test server accepts. */
export const API_TOKEN = 'test-token';

/**
 * A local stand-in for the service's HTTP API, for the tests: bearer auth, items, an event
 * feed paginated by cursor, and the item `slow`, which answers after ten seconds unless the
 * request is aborted. Replace it with recorded responses of the real API as the connector grows.
 */
export interface ApiServer {
  /** Base URL of the API (`http://127.0.0.1:<port>/v1`). */
  readonly url: string;
  /** Adds an item, as another user of the service would, and returns it. */
  createItem(name: string): Item;
  close(): Promise<void>;
}

const PAGE_SIZE = 2;

export async function startApiServer(): Promise<ApiServer> {
  const first = { id: 'item-1', name: 'First item', createdAt: '2024-01-01T00:00:00.000Z' };
  const items = new Map<string, Item>([[first.id, first]]);
  const events: ItemEvent[] = [];

  const server = createServer((request, response) => {
    // Closing each connection leaves no idle keep-alive socket behind after a test.
    response.setHeader('connection', 'close');
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.headers.authorization !== `Bearer ${API_TOKEN}`) {
      send(response, 401, { error: 'invalid_auth', message: 'the token was rejected' });
      return;
    }
    const itemPath = /^\/v1\/items\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && url.pathname === '/v1/me') {
      send(response, 200, { id: 'me' });
    } else if (request.method === 'GET' && itemPath?.[1] !== undefined) {
      const id = decodeURIComponent(itemPath[1]);
      const item = items.get(id);
      if (id === 'slow') {
        const timer = setTimeout(() => send(response, 200, first), 10_000);
        request.on('close', () => clearTimeout(timer));
      } else if (item === undefined) {
        send(response, 404, { error: 'item_not_found', message: `item '${id}' does not exist` });
      } else {
        send(response, 200, item);
      }
    } else if (request.method === 'GET' && url.pathname === '/v1/events') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const offset = Number(url.searchParams.get('cursor') ?? 0);
      const newer = events.filter((event) => event.sequence > after);
      const page = newer.slice(offset, offset + PAGE_SIZE);
      const nextCursor = offset + PAGE_SIZE < newer.length ? String(offset + PAGE_SIZE) : null;
      send(response, 200, { events: page, nextCursor });
    } else {
      send(response, 404, { error: 'not_found', message: `no route ${request.method} ${url.pathname}` });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    createItem: (name) => {
      const sequence = events.length + 1;
      const item = { id: `item-${sequence + 1}`, name, createdAt: new Date().toISOString() };
      items.set(item.id, item);
      events.push({ sequence, item });
      return item;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
