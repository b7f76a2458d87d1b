import { Type } from '@connectorkit/core';
import { defineTwitterAction } from '../define-twitter-action.js';

export const apiCall = defineTwitterAction({
  title: 'Call API v2 endpoint',
  description:
    "Calls any other API v2 endpoint with the connection's credentials, rate-limit handling and error mapping — for what the named actions do not cover. Not retried automatically.",
  input: Type.Object(
    {
      method: Type.Union([
        Type.Literal('GET'),
        Type.Literal('POST'),
        Type.Literal('PUT'),
        Type.Literal('PATCH'),
        Type.Literal('DELETE'),
      ]),
      path: Type.String({
        pattern: '^(?!.*(\\.\\.|//))[a-z0-9_][A-Za-z0-9_/.:-]*$',
        description:
          'Endpoint relative to the API base, without /2/: e.g. users/me or lists/123/members (no `..`, no absolute URLs)',
      }),
      query: Type.Optional(
        Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
          description: 'Query parameters (tweet.fields, max_results …)',
        }),
      ),
      body: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'JSON body' })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    status: Type.Integer(),
    body: Type.Unknown({ description: 'The response body (`data`, `includes`, `meta`, `errors`)' }),
    rateLimit: Type.Optional(
      Type.Object({
        limit: Type.Number(),
        remaining: Type.Number(),
        reset: Type.Number({ description: 'Epoch seconds' }),
      }),
    ),
  }),
  examples: [{ input: { method: 'GET', path: 'users/me', query: { 'user.fields': 'created_at' } } }],
  run: async (input, { client, signal }) => {
    const query = Object.fromEntries(
      Object.entries(input.query ?? {}).map(([key, value]) => [key, String(value)]),
    );
    const response = await client.call(`${input.method} ${input.path}`, signal, (v2) => {
      switch (input.method) {
        case 'GET':
          return v2.get(input.path, query, { fullResponse: true });
        case 'DELETE':
          return v2.delete(input.path, query, { fullResponse: true });
        case 'POST':
          return v2.post(input.path, input.body, { fullResponse: true, query });
        case 'PUT':
          return v2.put(input.path, input.body, { fullResponse: true, query });
        case 'PATCH':
          return v2.patch(input.path, input.body, { fullResponse: true, query });
      }
    });
    const rateLimit = response.rateLimit;
    return {
      status: 200,
      body: response.data,
      ...(rateLimit === undefined
        ? {}
        : { rateLimit: { limit: rateLimit.limit, remaining: rateLimit.remaining, reset: rateLimit.reset } }),
    };
  },
});
