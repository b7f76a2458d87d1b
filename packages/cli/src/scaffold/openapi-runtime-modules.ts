// Modules a generated connector gets as they are when its document needs them, each with its
// test. scaffolded-package.test.ts builds, lints and tests them in a generated package;
// openapi-connector.test.ts runs them against a local HTTP peer.

/** src/oauth2.ts: an HTTP client that gets its access token with the OAuth 2 client credentials grant. */
export const OAUTH2_MODULE = `import {
  ConnectorError,
  createHttpClient,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  httpClientFrom,
  isConnectorError,
  Redacted,
} from '@connectorkit/core';

/** The connection settings of an API secured with the OAuth 2 client credentials grant. */
export interface OAuth2ClientConfig {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** The token endpoint: asked for an access token with the client's id and secret. */
  readonly tokenUrl: string;
  readonly scopes: readonly string[];
  readonly clientId?: string;
  readonly clientSecret?: Redacted;
  /** A token obtained elsewhere: sent as it is, the token endpoint is never asked. */
  readonly accessToken?: Redacted;
}

interface TokenResponse {
  readonly access_token?: unknown;
  readonly expires_in?: unknown;
}

/** A new token is fetched this long before the current one expires, so none lapses in flight. */
const EXPIRY_MARGIN_MS = 30_000;
/** How long a token without \`expires_in\` is kept. */
const DEFAULT_LIFETIME_MS = 3_600_000;

/**
 * An HTTP client whose requests carry \`Authorization: Bearer <access token>\`. The token comes
 * from the token endpoint (RFC 6749 §4.4: client id and secret with HTTP basic authentication),
 * on the first request; it is reused until shortly before it expires, and fetched again after
 * the API rejected it. A request with an \`auth\` of its own (\`{ type: 'none' }\`) is sent as it is.
 */
export function createOAuth2Client(config: OAuth2ClientConfig): HttpClient {
  const api = createHttpClient({ baseUrl: config.baseUrl, timeoutMs: config.timeoutMs });
  const tokens = tokenSource(config);

  const request = async <T>(request: HttpRequest): Promise<HttpResponse<T>> => {
    if (request.auth !== undefined) return api.request<T>(request);
    const token = await tokens.current();
    try {
      return await api.request<T>({ ...request, auth: { type: 'bearer', token } });
    } catch (error) {
      if (isConnectorError(error) && error.code === 'AUTH') tokens.forget(token);
      throw error;
    }
  };

  return httpClientFrom(api.baseUrl, request);
}

function tokenSource(config: OAuth2ClientConfig): {
  current(): Promise<Redacted>;
  forget(token: Redacted): void;
} {
  const { accessToken, clientId, clientSecret } = config;
  if (accessToken !== undefined) return { current: async () => accessToken, forget: () => {} };
  if (clientId === undefined || clientSecret === undefined) {
    throw new ConnectorError(
      'INVALID_CONFIG',
      'the connection needs clientId and clientSecret (OAuth 2 client credentials), or an accessToken — set them in connectorkit.yaml',
      { path: clientId === undefined ? '$.clientId' : '$.clientSecret' },
    );
  }
  const endpoint = createHttpClient({ baseUrl: config.tokenUrl, timeoutMs: config.timeoutMs });
  let cached: { readonly token: Redacted; readonly expiresAt: number } | undefined;
  let pending: Promise<Redacted> | undefined;

  const fetchToken = async (): Promise<Redacted> => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (config.scopes.length > 0) form.set('scope', config.scopes.join(' '));
    const response = await endpoint.request<TokenResponse | undefined>({
      method: 'POST',
      path: config.tokenUrl,
      body: form,
      auth: { type: 'basic', username: clientId, password: clientSecret },
    });
    const token = response.body?.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new ConnectorError(
        'AUTH',
        \`POST \${new URL(config.tokenUrl).pathname}: the token endpoint answered without an access_token — check tokenUrl\`,
      );
    }
    // Some token endpoints send expires_in as a string.
    const expiresIn = Number(response.body?.expires_in ?? Number.NaN);
    const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_LIFETIME_MS;
    const keptMs = Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2);
    cached = { token: Redacted.make(token), expiresAt: Date.now() + keptMs };
    return cached.token;
  };

  return {
    current: async () => {
      if (cached !== undefined && Date.now() < cached.expiresAt) return cached.token;
      // Concurrent requests share one token request.
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    forget: (token) => {
      if (cached?.token === token) cached = undefined;
    },
  };
}
`;

/** src/oauth2.test.ts: the grant against a local token endpoint and API. */
export const OAUTH2_TEST_MODULE = `import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redacted } from '@connectorkit/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createOAuth2Client, type OAuth2ClientConfig } from './oauth2.js';

interface Received {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

// A token endpoint and an API in one local server: each token it issues is \`token-<n>\`.
const received: Received[] = [];
let issued = 0;
let rejectNextCall = false;
const server = createServer(async (request: IncomingMessage, response) => {
  response.setHeader('connection', 'close');
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const path = request.url ?? '/';
  received.push({
    path,
    authorization: request.headers.authorization,
    body: Buffer.concat(chunks).toString(),
  });
  if (path === '/oauth/token') {
    issued += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ access_token: \`token-\${issued}\`, token_type: 'Bearer', expires_in: 3600 }));
    return;
  }
  const status = rejectNextCall ? 401 : 200;
  rejectNextCall = false;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(status === 200 ? { ok: true } : { message: 'token revoked' }));
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const origin = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`;
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

beforeEach(() => {
  received.length = 0;
});

const config = (overrides: Partial<OAuth2ClientConfig> = {}): OAuth2ClientConfig => ({
  baseUrl: \`\${origin}/api\`,
  timeoutMs: 5000,
  tokenUrl: \`\${origin}/oauth/token\`,
  scopes: ['read', 'write'],
  clientId: 'client-1',
  clientSecret: Redacted.make('secret-1'),
  ...overrides,
});

describe('createOAuth2Client', () => {
  it('asks the token endpoint once with the client credentials, then sends the token with every call', async () => {
    const client = createOAuth2Client(config());
    expect(await client.get('/things')).toEqual({ ok: true });
    expect(await client.request({ method: 'POST', path: '/things', body: { name: 'a' } })).toMatchObject({
      status: 200,
    });
    expect(received.map((request) => request.path)).toEqual(['/oauth/token', '/api/things', '/api/things']);
    const [token, first, second] = received;
    expect(token?.authorization).toBe(\`Basic \${Buffer.from('client-1:secret-1').toString('base64')}\`);
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'read write',
    });
    expect(first?.authorization).toBe(second?.authorization);
    expect(first?.authorization).toMatch(/^Bearer token-\\d+$/);
  });

  it('asks for a new token after the API rejected the current one', async () => {
    const client = createOAuth2Client(config());
    await client.get('/things');
    rejectNextCall = true;
    await expect(client.get('/things')).rejects.toMatchObject({ code: 'AUTH' });
    await client.get('/things');
    const calls = received.filter((request) => request.path === '/api/things');
    expect(received.filter((request) => request.path === '/oauth/token')).toHaveLength(2);
    expect(calls[2]?.authorization).not.toBe(calls[0]?.authorization);
  });

  it('sends a given access token as it is, and nothing to a request that asks for no credentials', async () => {
    const client = createOAuth2Client(config({ accessToken: Redacted.make('given-token') }));
    await client.get('/things');
    await client.get('/things', { auth: { type: 'none' } });
    expect(received.map((request) => [request.path, request.authorization])).toEqual([
      ['/api/things', 'Bearer given-token'],
      ['/api/things', undefined],
    ]);
  });

  it('needs a client id and secret, or an access token', () => {
    const { clientId: _clientId, ...withoutId } = config();
    expect(() => createOAuth2Client(withoutId)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
`;

/** src/form-data.ts: multipart/form-data and application/x-www-form-urlencoded bodies from an input. */
export const FORM_DATA_MODULE = `/** A file in a multipart/form-data body. */
export interface FilePart {
  /** The file's bytes, base64-encoded. */
  readonly content: string;
  readonly filename?: string;
  readonly contentType?: string;
}

/**
 * A multipart/form-data body from an action's input: the fields named in \`files\` are files
 * (\`FilePart\`s, or arrays of them), other arrays repeat their field, objects are sent as JSON
 * text and missing values are left out.
 */
export function toFormData(fields: Readonly<Record<string, unknown>>, files: readonly string[]): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      if (files.includes(name)) {
        const file = item as FilePart;
        const blob = new Blob([Buffer.from(file.content, 'base64')], {
          type: file.contentType ?? 'application/octet-stream',
        });
        form.append(name, blob, file.filename ?? name);
      } else {
        form.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
      }
    }
  }
  return form;
}

/** An application/x-www-form-urlencoded body from an action's input, by the same rules as \`toFormData\`. */
export function toSearchParams(fields: Readonly<Record<string, unknown>>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      form.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
  return form;
}
`;

/** src/form-data.test.ts: the bodies encoded and read back. */
export const FORM_DATA_TEST_MODULE = `import { describe, expect, it } from 'vitest';
import { toFormData, toSearchParams } from './form-data.js';

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('toFormData', () => {
  it('sends fields as text, objects as JSON, arrays as repeated fields and files with their name and type', async () => {
    const form = toFormData(
      {
        name: 'Rex',
        age: 3,
        tags: ['small', 'brown'],
        owner: { id: 1 },
        nickname: undefined,
        photo: { content: base64('PNG bytes'), filename: 'rex.png', contentType: 'image/png' },
      },
      ['photo'],
    );
    // Encoded and read back as the API reads it.
    const received = await new Response(form).formData();
    expect(received.get('name')).toBe('Rex');
    expect(received.get('age')).toBe('3');
    expect(received.getAll('tags')).toEqual(['small', 'brown']);
    expect(received.get('owner')).toBe('{"id":1}');
    expect(received.has('nickname')).toBe(false);
    const photo = received.get('photo');
    expect(photo).toBeInstanceOf(Blob);
    expect((photo as File).name).toBe('rex.png');
    expect((photo as File).type).toBe('image/png');
    expect(await (photo as File).text()).toBe('PNG bytes');
  });

  it('names a file after its field, types it application/octet-stream and repeats a list of files', async () => {
    const received = await new Response(
      toFormData({ files: [{ content: base64('one') }, { content: base64('two') }] }, ['files']),
    ).formData();
    const files = received.getAll('files') as File[];
    expect(files.map((file) => [file.name, file.type])).toEqual([
      ['files', 'application/octet-stream'],
      ['files', 'application/octet-stream'],
    ]);
    expect(await Promise.all(files.map((file) => file.text()))).toEqual(['one', 'two']);
  });
});

describe('toSearchParams', () => {
  it('encodes fields by the same rules', () => {
    expect(
      toSearchParams({ q: 'a b', page: 2, tags: ['x', 'y'], filter: { on: true }, empty: null }).toString(),
    ).toBe('q=a+b&page=2&tags=x&tags=y&filter=%7B%22on%22%3Atrue%7D');
  });
});
`;
