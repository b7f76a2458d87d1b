import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors.js';
import { createHttpClient, type HttpClient } from './http-client.js';
import {
  collectItems,
  paginateByCursor,
  paginateByNextLink,
  paginateByPage,
  parseLinkHeader,
} from './pagination.js';

const ITEMS = Array.from({ length: 7 }, (_, index) => ({ id: index + 1 }));

let server: Server;
let client: HttpClient;
let requests: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    response.setHeader('connection', 'close');
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(`${url.pathname}${url.search}`);
    const json = (body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(200, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const size = 3;
    if (url.pathname === '/v1/cursor') {
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const next = start + size < ITEMS.length ? String(start + size) : null;
      json({ items: ITEMS.slice(start, start + size), next_cursor: next });
    } else if (url.pathname === '/v1/loop') {
      json({ items: [ITEMS[0]], next_cursor: 'same' });
    } else if (url.pathname === '/v1/pages') {
      const page = Number(url.searchParams.get('page'));
      json(ITEMS.slice((page - 1) * size, page * size));
    } else if (url.pathname === '/v1/linked') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const links = [`</v1/linked?page=${page + 1}>; rel="next"`, '</v1/linked?page=3>; rel="last"'];
      json(
        ITEMS.slice((page - 1) * size, page * size),
        page * size < ITEMS.length ? { link: links.join(', ') } : {},
      );
    } else if (url.pathname === '/v1/elsewhere') {
      json([ITEMS[0]], { link: '<http://attacker.invalid/v1/steal>; rel="next"' });
    } else {
      response.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  client = createHttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` });
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

interface CursorPage {
  items: { id: number }[];
  next_cursor: string | null;
}

const cursorPages = (path = '/cursor') =>
  paginateByCursor({
    fetchPage: (cursor) => client.get<CursorPage>(path, { query: { cursor } }),
    items: (page) => page.items,
    nextCursor: (page) => page.next_cursor,
  });

describe('paginateByCursor', () => {
  it('follows the cursor to the last page', async () => {
    requests = [];
    expect(await collectItems(cursorPages())).toEqual(ITEMS);
    expect(requests).toEqual(['/v1/cursor', '/v1/cursor?cursor=3', '/v1/cursor?cursor=6']);
  });

  it('fetches no further page than the consumer reads', async () => {
    requests = [];
    expect(await collectItems(cursorPages(), 4)).toHaveLength(4);
    expect(requests).toHaveLength(2);
  });

  it('stops with an error when the service repeats a cursor', async () => {
    await expect(collectItems(cursorPages('/loop'))).rejects.toThrow(/cursor 'same' twice/);
  });

  it('stops at maxPages with an error instead of walking forever', async () => {
    const pages = paginateByCursor({
      fetchPage: async (cursor) => ({ cursor: Number(cursor ?? 0) }),
      items: (page) => [page.cursor],
      nextCursor: (page) => String(page.cursor + 1),
      maxPages: 5,
    });
    const error = await collectItems(pages).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).message).toContain('stopped after 5 pages');
  });

  it('stops between pages when the signal aborts', async () => {
    const controller = new AbortController();
    const pages = paginateByCursor({
      fetchPage: async (cursor) => {
        if (cursor === '1') controller.abort();
        return { cursor: Number(cursor ?? 0) };
      },
      items: (page) => [page.cursor],
      nextCursor: (page) => String(page.cursor + 1),
      signal: controller.signal,
    });
    const error = await collectItems(pages).catch((caught: unknown) => caught);
    expect((error as ConnectorError).code).toBe('CANCELLED');
  });
});

describe('paginateByPage', () => {
  it('reads pages until one is empty', async () => {
    requests = [];
    const items = paginateByPage({
      fetchPage: (page) => client.get<{ id: number }[]>('/pages', { query: { page } }),
      items: (page) => page,
    });
    expect(await collectItems(items)).toEqual(ITEMS);
    expect(requests).toEqual([
      '/v1/pages?page=1',
      '/v1/pages?page=2',
      '/v1/pages?page=3',
      '/v1/pages?page=4',
    ]);
  });

  it('saves the last request when hasMore says a short page was the last', async () => {
    requests = [];
    const items = paginateByPage({
      fetchPage: (page) => client.get<{ id: number }[]>('/pages', { query: { page } }),
      items: (page) => page,
      hasMore: (_page, pageItems) => pageItems.length === 3,
    });
    expect(await collectItems(items)).toEqual(ITEMS);
    expect(requests).toHaveLength(3);
  });
});

describe('paginateByNextLink', () => {
  it('follows Link rel="next" headers', async () => {
    requests = [];
    const items = paginateByNextLink<{ id: number }[], { id: number }>(
      client,
      { path: '/linked' },
      { items: (body) => body },
    );
    expect(await collectItems(items)).toEqual(ITEMS);
    expect(requests).toEqual(['/v1/linked', '/v1/linked?page=2', '/v1/linked?page=3']);
  });

  it('refuses a next link to another origin', async () => {
    const items = paginateByNextLink<{ id: number }[], { id: number }>(
      client,
      { path: '/elsewhere' },
      { items: (body) => body },
    );
    const error = await collectItems(items).catch((caught: unknown) => caught);
    expect((error as ConnectorError).code).toBe('INVALID_INPUT');
    expect((error as ConnectorError).message).toContain(
      'refusing to send a request to http://attacker.invalid',
    );
  });
});

describe('parseLinkHeader', () => {
  it('reads every relation, quoted or not, and several names in one rel', () => {
    expect(
      parseLinkHeader(
        '<https://api/x?page=2>; rel="next", <https://api/x?page=9>; rel=last, <https://api/a>; rel="prev first"',
      ),
    ).toEqual({
      next: 'https://api/x?page=2',
      last: 'https://api/x?page=9',
      prev: 'https://api/a',
      first: 'https://api/a',
    });
    expect(parseLinkHeader(null)).toEqual({});
    expect(parseLinkHeader('<https://api/x>; title="no rel"')).toEqual({});
  });
});
