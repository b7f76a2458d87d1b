import { Type } from '@connectorkit/core';
import { defineSlackAction } from '../define-slack-action.js';

export const apiCall = defineSlackAction({
  title: 'Call Web API method',
  description:
    "Calls any Slack Web API method with the connection's token, rate-limit handling and error mapping — for what the named actions do not cover. Not retried automatically.",
  input: Type.Object(
    {
      method: Type.String({
        pattern: '^[a-zA-Z][a-zA-Z0-9]*(\\.[a-zA-Z][a-zA-Z0-9]*)+$',
        description: 'Method name, e.g. pins.add or chat.getPermalink',
      }),
      args: Type.Optional(
        Type.Record(Type.String(), Type.Unknown(), {
          description: "The method's arguments, as Slack names them (snake_case); objects are sent as JSON",
        }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    response: Type.Record(Type.String(), Type.Unknown(), {
      description: "Slack's response body (`ok: true` and the result)",
    }),
  }),
  examples: [
    {
      input: { method: 'chat.getPermalink', args: { channel: 'C0123ABCD', message_ts: '1712345678.000100' } },
    },
  ],
  run: async (input, { client, signal }) => {
    const response = await client.call(input.method, input.args ?? {}, signal);
    return { response: { ...response } };
  },
});
