import { createHttpClient, defineConnection, Secret, type Static, Type } from '@connectorkit/core';

/** Configuration of a connection, as written in connectorkit.yaml. */
export const ExampleConnectionConfig = Type.Object(
  {
    baseUrl: Type.String({
      format: 'uri',
      default: 'https://api.example.com/v1',
      description: 'Base URL of the API',
    }),
    token: Secret({ description: 'API token, read from an environment variable in connectorkit.yaml' }),
    timeoutMs: Type.Integer({ minimum: 1, default: 30_000, description: 'Time limit of one request' }),
  },
  { additionalProperties: false },
);
export type ExampleConnectionConfig = Static<typeof ExampleConnectionConfig>;

/**
 * One HTTP client per named connection, pooled by the kit. It maps every failure onto a
 * `ConnectorError` (statuses, `Retry-After`, network errors), so actions need no mapping.
 */
export const exampleConnection = defineConnection({
  config: ExampleConnectionConfig,
  connect: (config) =>
    createHttpClient({
      baseUrl: config.baseUrl,
      auth: { type: 'bearer', token: config.token },
      timeoutMs: config.timeoutMs,
    }),
  check: async (client, { signal }) => {
    await client.get('/me', { signal });
  },
});
