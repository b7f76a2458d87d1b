import { Type } from '@connectorkit/core';
import { defineSalesforceAction, invalidInput } from '../define-salesforce-action.js';

export const apiCall = defineSalesforceAction({
  title: 'Call any REST resource',
  description:
    "Calls a REST resource the other actions do not cover (limits, composite requests, tooling, Apex REST …) with the connection's session and API version. A path starting with /services/ is taken as is; any other path is relative to /services/data/vXX.X.",
  input: Type.Object(
    {
      method: Type.Union(
        [
          Type.Literal('GET'),
          Type.Literal('POST'),
          Type.Literal('PATCH'),
          Type.Literal('PUT'),
          Type.Literal('DELETE'),
        ],
        { default: 'GET' },
      ),
      path: Type.String({
        pattern: '^/',
        description: "/limits, /composite, /services/apexrest/… — on the connection's instance only",
      }),
      query: Type.Optional(
        Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
          description: 'Query string parameters, encoded for you',
        }),
      ),
      body: Type.Optional(Type.Unknown({ description: 'A JSON body' })),
      headers: Type.Optional(
        Type.Record(Type.String({ pattern: '^(?![Aa]uthorization$)[A-Za-z0-9-]+$' }), Type.String(), {
          description:
            'Extra request headers (Sforce-Query-Options …); Authorization is always the connection’s',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    body: Type.Optional(Type.Unknown({ description: 'The JSON answer; absent for 204 No Content' })),
  }),
  run: async (input, { client, signal }) => {
    if (input.path.startsWith('//') || /(^|\/)\.\.?(\/|$)/.test(input.path) || /[?#]/.test(input.path)) {
      throw invalidInput(
        `'${input.path}' is not a resource path — give a path such as /limits (no host, no '..', query parameters in \`query\`)`,
        '$.path',
      );
    }
    const search = new URLSearchParams(
      Object.entries(input.query ?? {}).map(([key, value]): [string, string] => [key, String(value)]),
    ).toString();
    const url = search === '' ? input.path : `${input.path}?${search}`;
    const body = await client.call(
      `${input.method} ${input.path}`,
      (connection) =>
        connection.request(
          {
            method: input.method,
            url,
            headers: {
              ...(input.headers ?? {}),
              ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
          },
          { noContentResponse: null },
        ),
      signal,
    );
    return body === null || body === undefined || body === '' ? {} : { body };
  },
});
