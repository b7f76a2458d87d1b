import { ConnectorError, defineAction, Type } from '@connectorkit/core';
import { sapODataConnection } from '../connection.js';
import { encodeQueryValue } from '../filter.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'MERGE', 'DELETE'] as const;
/** Headers the connection owns: set through its configuration, never per call. */
const RESERVED_HEADERS = new Set(['authorization', 'cookie', 'x-csrf-token', 'host']);

export const apiCall = defineAction({
  connection: sapODataConnection,
  title: 'API call',
  description:
    "Sends any other request to the service (a path relative to the service root, or an absolute URL on the same host) with the connection's authentication, headers and CSRF handling; returns status, headers and body (JSON parsed when it is JSON).",
  input: Type.Object(
    {
      method: Type.Union(
        METHODS.map((method) => Type.Literal(method)),
        { default: 'GET' },
      ),
      path: Type.String({
        description:
          "Relative to the service root ('Orders/$count', '$metadata'), or an absolute URL of the same origin",
      }),
      query: Type.Optional(
        Type.Record(Type.String(), Type.String(), {
          description: 'Query parameters (values are URL-encoded here)',
        }),
      ),
      headers: Type.Optional(
        Type.Record(Type.String(), Type.String(), { description: 'Extra request headers' }),
      ),
      body: Type.Optional(Type.Unknown({ description: 'A string is sent as is; anything else as JSON' })),
      failOnError: Type.Optional(
        Type.Boolean({
          description: 'Fail with a ConnectorError on a 4xx/5xx status (default true); false returns it',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    status: Type.Integer(),
    headers: Type.Record(Type.String(), Type.String()),
    body: Type.Unknown({ description: 'Parsed JSON, or text' }),
  }),
  examples: [
    { title: 'Count the orders', input: { method: 'GET', path: 'Orders/$count' } },
    {
      title: 'The raw $metadata',
      input: { method: 'GET', path: '$metadata', headers: { accept: 'application/xml' } },
    },
  ],
  run: async (input, { client, signal }) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(input.headers ?? {})) {
      if (RESERVED_HEADERS.has(name.toLowerCase())) {
        throw new ConnectorError(
          'INVALID_INPUT',
          `header '${name}' is managed by the connection (auth, CSRF, cookies) — configure it there instead`,
          { path: `$.headers.${name}` },
        );
      }
      headers[name.toLowerCase()] = value;
    }
    let body: string | undefined;
    if (input.body !== undefined && input.body !== null) {
      if (typeof input.body === 'string') body = input.body;
      else {
        body = JSON.stringify(input.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    const query = Object.entries(input.query ?? {}).map(
      ([name, value]) => [encodeURIComponent(name).replace(/%24/g, '$'), encodeQueryValue(value)] as const,
    );
    const response = await client.request({
      method: input.method ?? 'GET',
      path: input.path,
      query,
      headers,
      ...(body === undefined ? {} : { body }),
      signal,
      ...(headers.accept === undefined ? {} : { accept: headers.accept }),
      allowFailure: input.failOnError === false,
    });
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown = response.body;
    if (/json/i.test(contentType) && response.body.trim() !== '') {
      try {
        parsed = JSON.parse(response.body) as unknown;
      } catch {
        parsed = response.body;
      }
    }
    // Session cookies and CSRF tokens belong to the connection, not to the caller.
    const responseHeaders = Object.fromEntries(
      [...response.headers].filter(([name]) => name !== 'set-cookie' && name !== 'x-csrf-token'),
    );
    return { status: response.status, headers: responseHeaders, body: parsed };
  },
});
