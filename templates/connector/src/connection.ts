import { defineConnection, Redacted, Secret, type Static, Type } from '@connectorkit/core';
import { ExampleClient } from './client.js';
import { toExampleError } from './error-mapping.js';

/** Configuration of a connection, as written in connectorkit.yaml. */
export const ExampleConnectionConfig = Type.Object(
  {
    token: Secret({ description: 'API token, read from an environment variable in connectorkit.yaml' }),
    endpoint: Type.String({
      format: 'uri',
      default: 'https://api.example.com',
      description: 'URL of the service',
    }),
  },
  { additionalProperties: false },
);
export type ExampleConnectionConfig = Static<typeof ExampleConnectionConfig>;

/** One client per named connection, pooled by the kit; `check` is "test connection". */
export const exampleConnection = defineConnection({
  config: ExampleConnectionConfig,
  connect: (config) =>
    new ExampleClient({
      token: Redacted.reveal(config.token),
      endpoint: config.endpoint,
    }),
  disconnect: (client) => client.close(),
  check: async (client, { signal }) => {
    try {
      await client.ping({ signal });
    } catch (error) {
      throw toExampleError(error);
    }
  },
});
