import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAction, defineConnection, defineConnector } from './define.js';
import { ConnectorError } from './errors.js';
import { createKit } from './kit.js';
import { Redacted, Secret } from './redaction.js';

// Through the kit, end to end: a connector whose HTTP client fails the way SDKs do, keeping its
// config, the request and the response on the error, and a caller who prints that error in full.

const CANARY = 'ck-canary-41b7e0-http-token';

/** Like an HTTP SDK's client: one config object, shared by every request it sends. */
class HttpClient {
  readonly config: { baseUrl: string; headers: Record<string, string> };

  constructor(baseUrl: string, token: string) {
    this.config = { baseUrl, headers: { Authorization: `Bearer ${token}`, 'User-Agent': 'sample/1.0' } };
  }

  get(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        `${this.config.baseUrl}${path}`,
        { headers: this.config.headers },
        (response: IncomingMessage) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => {
            if (response.statusCode === 200) return resolve(body);
            // The SDK error keeps everything it had at hand, credentials included.
            reject(
              Object.assign(new Error(`Request failed with status code ${response.statusCode}`), {
                config: this.config,
                request,
                response: {
                  status: response.statusCode,
                  headers: response.headers,
                  data: body,
                  raw: response,
                },
              }),
            );
          });
        },
      );
      request.on('error', reject);
      request.end();
    });
  }
}

const connection = defineConnection({
  config: Type.Object({ baseUrl: Type.String(), token: Secret() }),
  connect: (config) => new HttpClient(config.baseUrl, Redacted.reveal(config.token)),
  check: async (client) => {
    try {
      await client.get('/me');
    } catch (error) {
      throw new ConnectorError('AUTH', 'the service rejected the token', { status: 401, cause: error });
    }
  },
});

const sdkConnector = defineConnector({
  contract: 1,
  name: 'http-sample',
  title: 'HTTP sample',
  description: 'An HTTP service whose client errors carry their request.',
  version: '1.0.0',
  connection,
  actions: {
    me: defineAction({
      connection,
      description: 'Reads the signed-in user.',
      input: Type.Object({}),
      output: Type.Object({ body: Type.String() }),
      run: async (_input, { client }) => ({ body: await client.get('/me') }),
      mapError: (error) =>
        new ConnectorError('AUTH', 'the service rejected the token', { status: 401, cause: error }),
    }),
  },
});

let baseUrl: string;
const seen: (string | undefined)[] = [];
const server = createServer((request, response) => {
  seen.push(request.headers.authorization);
  response.writeHead(401, { 'content-type': 'application/json', 'set-cookie': `session=${CANARY}` });
  response.end(JSON.stringify({ error: 'invalid_token' }));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function kit() {
  return createKit({
    connectors: [sdkConnector],
    connections: { api: { connector: 'http-sample', baseUrl, token: CANARY } },
    logger: { level: 'silent' },
  });
}

/** Every printed form of the error that contains the canary or its encodings. */
function leaks(error: unknown): string[] {
  const forms = [CANARY, encodeURIComponent(CANARY), Buffer.from(CANARY).toString('base64')];
  const printed: string[] = [
    inspect(error, { depth: null, showHidden: true }),
    JSON.stringify(error),
    String((error as Error).stack),
  ];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    printed.push(String(current.stack), inspect(current, { depth: null, showHidden: true }));
  }
  return printed.flatMap((text) => forms.filter((form) => text.includes(form)));
}

describe('an SDK error that keeps its config, request and response', () => {
  it('leaves no secret in the error of an action, mapped by the connector', async () => {
    await using subject = kit();
    const error = await subject
      .invoke('http-sample.me', {}, { retry: false })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(leaks(error)).toEqual([]);
    const cause = (error as ConnectorError).cause as Record<string, unknown>;
    expect(cause.config).toEqual({
      baseUrl,
      headers: { Authorization: '<redacted>', 'User-Agent': 'sample/1.0' },
    });
    expect(cause.request).toMatchObject({
      method: 'GET',
      path: '/me',
      headers: { authorization: '<redacted>' },
    });
    expect(cause.response).toMatchObject({
      status: 401,
      data: '{"error":"invalid_token"}',
      headers: { 'set-cookie': '<redacted>' },
      raw: { statusCode: 401 },
    });
  });

  it('leaves no secret in the error of the connection check, and the client keeps working', async () => {
    await using subject = kit();
    const first = await subject.check('api').catch((caught: unknown) => caught);
    expect(first).toBeInstanceOf(ConnectorError);
    expect(leaks(first)).toEqual([]);
    // The client's own config was not edited: the next request still carries the token.
    seen.length = 0;
    await subject.check('api').catch(() => undefined);
    expect(seen).toEqual([`Bearer ${CANARY}`]);
  });
});
