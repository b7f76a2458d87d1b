import { type ODataTestServer, startODataServer } from '@connectorkit/test-odata-server';
import { CANARY_SECRET, describeConformance } from '@connectorkit/testing';
import { afterAll, beforeAll } from 'vitest';
import sapOData from './index.js';

// The suite reads these when its tests run, after the server below has started.
const connection: Record<string, unknown> = {};
const badCredentials: Record<string, unknown> = {};
let server: ODataTestServer | undefined;

beforeAll(async () => {
  server = await startODataServer();
  Object.assign(connection, {
    serviceUrl: server.v4,
    auth: { type: 'basic', username: server.user.username, password: server.user.password },
  });
  Object.assign(badCredentials, {
    serviceUrl: server.v2,
    auth: { type: 'basic', username: server.user.username, password: CANARY_SECRET },
  });
});

afterAll(async () => {
  await server?.stop();
});

describeConformance({
  connector: sapOData,
  connection,
  badCredentials,
  failing: { action: 'get', input: { entitySet: 'Orders', key: 999_999 }, code: 'NOT_FOUND' },
  slow: { action: 'callFunction', input: { name: 'slow', parameters: { milliseconds: 5_000 } } },
});
