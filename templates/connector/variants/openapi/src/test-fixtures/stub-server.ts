import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the stub received it, relative to the base URL. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: [string, string][];
  readonly headers: Record<string, string | string[] | undefined>;
  /** JSON as its value, a multipart/form-data body as its `FormEntry` list, anything else as text; null when empty. */
  readonly body: unknown;
}

/** A file of a multipart/form-data body as the stub received it. */
export interface ReceivedFile {
  readonly filename: string;
  readonly contentType: string;
  /** The file's bytes, base64-encoded. */
  readonly content: string;
}

/** One part of a multipart/form-data body, in the order sent: a text field's value, or a file. */
export type FormEntry = [name: string, value: string | ReceivedFile];

/** What the stub answers; a JSON body is sent as JSON, a bytes body is given in base64. */
export interface StubResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

/** operations.gen.json: one call per operation of the OpenAPI document, with its expected request. */
export interface OperationsFixture {
  /** A working connection configuration, but for `baseUrl`. */
  readonly connection: Record<string, unknown>;
  /** How the credentials of `connection` arrive (`in`: header or query), or null for an API without auth. */
  readonly auth: { readonly in: string; readonly name: string; readonly value: string } | null;
  readonly operations: readonly {
    readonly action: string;
    readonly input: unknown;
    /** False for operations the document marks as needing no credentials. */
    readonly authenticated: boolean;
    readonly request: {
      readonly method: string;
      readonly path: string;
      readonly query: readonly (readonly string[])[];
      readonly headers: Record<string, string>;
      readonly body: unknown;
    };
    readonly response: StubResponse;
    readonly output: unknown;
  }[];
  /** Operations left without a test (no valid sample could be made), and why; the README lists them too. */
  readonly skipped: readonly { readonly action: string; readonly reason: string }[];
}

export interface StubServer {
  /** The base URL to configure the connection with. */
  readonly url: string;
  /** Requests received since the last `respondWith`. */
  readonly received: ReceivedRequest[];
  /** Answers every following request with `response`; before the first call the stub answers 404. */
  respondWith(response: StubResponse): void;
  close(): Promise<void>;
}

const BASE_PATH = '/api';

/** Starts a local HTTP server standing in for the API in the tests. */
export async function startStubServer(): Promise<StubServer> {
  const received: ReceivedRequest[] = [];
  let answer: StubResponse | undefined;
  const server = createServer(async (request, response) => {
    // Closing each connection leaves no idle keep-alive socket behind after a test.
    response.setHeader('connection', 'close');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://localhost');
    received.push({
      method: request.method ?? 'GET',
      path: url.pathname.startsWith(BASE_PATH) ? url.pathname.slice(BASE_PATH.length) : url.pathname,
      query: [...url.searchParams.entries()],
      headers: request.headers,
      body: await readBody(Buffer.concat(chunks), request.headers['content-type'] ?? ''),
    });
    if (answer === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'the stub has no answer for this request' }));
      return;
    }
    const headers = answer.contentType === null ? {} : { 'content-type': answer.contentType };
    response.writeHead(answer.status, headers);
    if (answer.body === null || answer.contentType === null) response.end();
    else if (/json/.test(answer.contentType)) response.end(JSON.stringify(answer.body));
    else if (/^text\//.test(answer.contentType)) response.end(String(answer.body));
    else response.end(Buffer.from(String(answer.body), 'base64'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    received,
    respondWith: (response) => {
      answer = response;
      received.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A request body as the tests compare it; a multipart body's boundary differs on every call, its entries do not. */
async function readBody(bytes: Buffer, contentType: string): Promise<unknown> {
  if (bytes.byteLength === 0) return null;
  if (/json/.test(contentType)) return JSON.parse(bytes.toString('utf8'));
  if (!/^multipart\/form-data/i.test(contentType)) return bytes.toString('utf8');
  // Parsed as a server would, with the boundary of this request's content-type.
  const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  const entries: FormEntry[] = [];
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      entries.push([name, value]);
    } else {
      const content = Buffer.from(await value.arrayBuffer()).toString('base64');
      entries.push([name, { filename: value.name, contentType: value.type, content }]);
    }
  }
  return entries;
}
