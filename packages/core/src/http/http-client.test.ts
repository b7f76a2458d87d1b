import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors.js';
import { Redacted } from '../redaction.js';
import { createHttpClient, type HttpClient } from './http-client.js';

const CANARY = 'ck-canary-http-31c9';

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

type Route = (request: Received, response: ServerResponse) => void | Promise<void>;

let server: Server;
let baseUrl: string;
let received: Received[] = [];
const routes = new Map<string, Route>();

const json = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer(async (request, response) => {
    // Closing each connection keeps the test free of idle keep-alive sockets.
    response.setHeader('connection', 'close');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const entry: Received = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    received.push(entry);
    const route = routes.get(`${entry.method} ${entry.path}`) ?? routes.get(`* ${entry.path}`);
    if (route === undefined) {
      json(response, 404, { message: `no route ${entry.method} ${entry.path}` });
      return;
    }
    await route(entry, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  received = [];
  routes.clear();
});

const client = (options: Partial<Parameters<typeof createHttpClient>[0]> = {}): HttpClient =>
  createHttpClient({ baseUrl, timeoutMs: 2_000, ...options });

const failure = async (promise: Promise<unknown>): Promise<ConnectorError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
};

describe('createHttpClient: requests', () => {
  it('resolves paths below the base URL, fills {placeholders} and encodes the query', async () => {
    routes.set('GET /api/v1/items/a%2Fb', (_request, response) => json(response, 200, { id: 'a/b' }));
    const item = await client().get<{ id: string }>('/items/{id}', {
      params: { id: 'a/b' },
      query: { tag: ['x', 'y'], limit: 2, missing: undefined, none: null },
    });
    expect(item).toEqual({ id: 'a/b' });
    const [request] = received;
    expect(request?.query.getAll('tag')).toEqual(['x', 'y']);
    expect(request?.query.get('limit')).toBe('2');
    expect(request?.query.has('missing')).toBe(false);
    expect(request?.query.has('none')).toBe(false);
  });

  it('sends JSON bodies with a content type, and strings and form data as they are', async () => {
    routes.set('POST /api/v1/items', (request, response) =>
      json(response, 201, { contentType: request.headers['content-type'], body: request.body }),
    );
    const api = client();
    expect(await api.post('/items', { name: 'widget' })).toEqual({
      contentType: 'application/json',
      body: '{"name":"widget"}',
    });
    expect(await api.post('/items', new URLSearchParams({ name: 'widget' }))).toEqual({
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: 'name=widget',
    });
    expect(await api.post('/items', 'plain', { headers: { 'content-type': 'text/plain' } })).toEqual({
      contentType: 'text/plain',
      body: 'plain',
    });
  });

  it('reads JSON, text, bytes and empty bodies', async () => {
    routes.set('GET /api/v1/text', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('hello');
    });
    routes.set('GET /api/v1/bytes', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(Buffer.from([1, 2, 3]));
    });
    routes.set('GET /api/v1/problem', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/problem+json' });
      response.end('{"ok":true}');
    });
    routes.set('DELETE /api/v1/items/1', (_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const api = client();
    expect(await api.get('/text')).toBe('hello');
    expect(await api.get('/bytes')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await api.get('/problem')).toEqual({ ok: true });
    expect(await api.delete('/items/1')).toBeUndefined();
    const response = await api.request({ path: '/text', responseType: 'bytes' });
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(response.body as Uint8Array)).toBe('hello');
  });

  it('sends client headers and request headers, leaving undefined ones out', async () => {
    routes.set('GET /api/v1/echo', (request, response) => json(response, 200, request.headers));
    const headers = await client({ headers: { 'x-api-version': '2024-01-01' } }).get<Record<string, string>>(
      '/echo',
      { headers: { 'x-request-id': 7, 'x-absent': undefined } },
    );
    expect(headers['x-api-version']).toBe('2024-01-01');
    expect(headers['x-request-id']).toBe('7');
    expect(headers).not.toHaveProperty('x-absent');
  });

  it('refuses absolute URLs on another origin, so credentials never leave the API', async () => {
    const error = await failure(
      client({ auth: { type: 'bearer', token: Redacted.make(CANARY) } }).get('http://169.254.169.254/latest'),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(received).toHaveLength(0);
  });

  it('rejects a base URL that is not absolute http(s) with INVALID_CONFIG', () => {
    expect(() => createHttpClient({ baseUrl: 'api.acme.com' })).toThrow(/not an absolute URL/);
    expect(() => createHttpClient({ baseUrl: 'ftp://acme.com' })).toThrow(/http:\/\/ or https:\/\//);
  });

  it('names a missing path parameter', async () => {
    const error = await failure(client().get('/items/{id}'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('{id}');
  });
});

describe('createHttpClient: credentials', () => {
  beforeEach(() => {
    routes.set('GET /api/v1/whoami', (request, response) =>
      json(response, 200, {
        authorization: request.headers.authorization ?? null,
        key: request.headers['x-api-key'] ?? null,
        query: request.query.get('api_key'),
      }),
    );
  });

  it.each([
    [{ type: 'bearer', token: Redacted.make('t0k') } as const, { authorization: 'Bearer t0k' }],
    [
      { type: 'basic', username: 'ada', password: Redacted.make('pw') } as const,
      { authorization: `Basic ${Buffer.from('ada:pw').toString('base64')}` },
    ],
    [{ type: 'header', name: 'X-API-Key', value: Redacted.make('k1') } as const, { key: 'k1' }],
    [{ type: 'query', name: 'api_key', value: Redacted.make('k2') } as const, { query: 'k2' }],
    [{ type: 'none' } as const, { authorization: null, key: null, query: null }],
  ])('sends %o', async (auth, expected) => {
    expect(await client({ auth }).get('/whoami')).toMatchObject(expected);
  });

  it('lets a request override the client credentials', async () => {
    const api = client({ auth: { type: 'bearer', token: Redacted.make('t0k') } });
    expect(await api.get('/whoami', { auth: { type: 'none' } })).toMatchObject({ authorization: null });
  });

  it('never shows a credential: not in the client, not in error messages (query keys included)', async () => {
    routes.set('GET /api/v1/denied', (_request, response) => json(response, 401, { error: 'invalid_auth' }));
    const auth = { type: 'query', name: 'api_key', value: Redacted.make(CANARY) } as const;
    const api = client({ auth });
    expect(inspect(api, { depth: 5 })).not.toContain(CANARY);
    expect(JSON.stringify(auth)).not.toContain(CANARY);
    const error = await failure(api.get('/denied'));
    expect(error.code).toBe('AUTH');
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(CANARY);
  });
});

describe('createHttpClient: failures', () => {
  it.each([
    [400, 'INVALID_INPUT'],
    [401, 'AUTH'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [422, 'INVALID_INPUT'],
    [429, 'RATE_LIMITED'],
    [500, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'TIMEOUT'],
  ])('maps status %i to %s, with the method, path and the service message', async (status, code) => {
    routes.set('GET /api/v1/fail', (_request, response) =>
      json(response, status, { error: { message: `failed with ${status}`, code: 'E42' } }),
    );
    const error = await failure(client().get('/fail'));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toMatch(new RegExp(`^GET /api/v1/fail → ${status}.*: failed with ${status}$`));
  });

  it('reads the error code and message from common body shapes, or the text', async () => {
    routes.set('GET /api/v1/slack', (_request, response) =>
      json(response, 400, { ok: false, error: 'channel_not_found' }),
    );
    routes.set('GET /api/v1/problem', (_request, response) =>
      json(response, 409, { title: 'Conflict', detail: 'version 3 is stale' }),
    );
    routes.set('GET /api/v1/html', (_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>  Bad   gateway </html>');
    });
    const api = client();
    const slack = await failure(api.get('/slack'));
    expect(slack.vendorCode).toBe('channel_not_found');
    expect(slack.message).toContain('channel_not_found');
    expect((await failure(api.get('/problem'))).message).toContain('version 3 is stale');
    expect((await failure(api.get('/html'))).message).toContain('<html> Bad gateway </html>');
  });

  it('turns Retry-After (seconds or an HTTP date) into retryAfterMs', async () => {
    routes.set('GET /api/v1/seconds', (_request, response) =>
      json(response, 429, { message: 'slow down' }, { 'retry-after': '3' }),
    );
    routes.set('GET /api/v1/date', (_request, response) =>
      json(response, 503, {}, { 'retry-after': new Date(Date.now() + 10_000).toUTCString() }),
    );
    const api = client();
    const seconds = await failure(api.get('/seconds'));
    expect(seconds).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 3_000 });
    const date = await failure(api.get('/date'));
    expect(date.retryAfterMs).toBeGreaterThan(5_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(10_000);
  });

  it('maps a refused connection to UNAVAILABLE (retryable)', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    const error = await failure(createHttpClient({ baseUrl: `http://127.0.0.1:${port}` }).get('/x'));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true, vendorCode: 'ECONNREFUSED' });
    expect(error.message).toMatch(/^GET \/x: ECONNREFUSED/);
    expect(error.cause).toBeDefined();
  });

  it('ends a slow request at its time limit with TIMEOUT', async () => {
    routes.set('GET /api/v1/slow', () => undefined);
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 150 }).get('/slow'));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('no response within 150 ms');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('ends a request when its signal aborts, with CANCELLED', async () => {
    routes.set('GET /api/v1/slow', () => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(client().get('/slow', { signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
  });

  it('keeps a ConnectorError given as the abort reason (the kit aborts with its own)', async () => {
    routes.set('GET /api/v1/slow', () => undefined);
    const reason = new ConnectorError('TIMEOUT', 'the kit timed out');
    const error = await failure(client().get('/slow', { signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
  });

  it('reports a JSON content type with a body that is not JSON', async () => {
    routes.set('GET /api/v1/broken', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{not json');
    });
    const error = await failure(client().get('/broken'));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain('not valid JSON');
  });
});

describe('createHttpClient: retries inside one request', () => {
  it('does not retry by default (the kit retries idempotent actions)', async () => {
    routes.set('GET /api/v1/flaky', (_request, response) => json(response, 503, {}));
    await failure(client().get('/flaky'));
    expect(received).toHaveLength(1);
  });

  it('retries idempotent methods when configured, honouring Retry-After', async () => {
    let calls = 0;
    routes.set('* /api/v1/flaky', (_request, response) => {
      calls++;
      if (calls < 3) json(response, 429, {}, { 'retry-after': '0.05' });
      else json(response, 200, { calls });
    });
    const api = client({ retry: { attempts: 3, initialDelayMs: 1 } });
    const started = Date.now();
    expect(await api.get('/flaky')).toEqual({ calls: 3 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    calls = 0;
    await failure(api.post('/flaky', {}));
    expect(calls).toBe(1);
    calls = 0;
    expect(await api.post('/flaky', {}, { retry: { attempts: 3, initialDelayMs: 1 } })).toEqual({ calls: 3 });
  });

  it('does not wait for a Retry-After longer than the policy allows', async () => {
    routes.set('GET /api/v1/later', (_request, response) =>
      json(response, 429, {}, { 'retry-after': '120' }),
    );
    const error = await failure(client({ retry: 3 }).get('/later'));
    expect(error.retryAfterMs).toBe(120_000);
    expect(received).toHaveLength(1);
  });
});
