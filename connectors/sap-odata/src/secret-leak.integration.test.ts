import { type ConnectionConfig, createKit } from '@connectorkit/core';
import { type ODataTestServer, startODataServer } from '@connectorkit/test-odata-server';
import { CANARY_SECRET, failureOf, secretLeaks } from '@connectorkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sapOData from './index.js';

// A rejected credential must not travel with the error the kit returns, however the caller prints
// it: not in the failure kept as `cause`, nor in the request or response objects it holds.
let server: ODataTestServer;

beforeAll(async () => {
  server = await startODataServer();
});

afterAll(async () => {
  await server?.stop();
});

function kitFor(connection: Readonly<Record<string, unknown>>) {
  return createKit({
    connectors: [sapOData],
    connections: { sales: { connector: 'sap-odata', ...connection } as ConnectionConfig },
    logger: { level: 'silent' },
  });
}

describe.each(['v4', 'v2'] as const)('OData %s: credentials the service rejects', (version) => {
  const serviceUrl = (): string => (version === 'v4' ? server.v4 : server.v2);

  it('a basic-auth password shows in no printed form of the error', async () => {
    const username = server.user.username;
    await using kit = kitFor({
      serviceUrl: serviceUrl(),
      auth: { type: 'basic', username, password: CANARY_SECRET },
    });
    const error = await failureOf(kit.invoke('sap-odata.query', { entitySet: 'Orders', top: 1 }));
    expect(error.code).toBe('AUTH');
    // The Authorization header carries base64 of `user:password`, not of the password alone.
    expect(secretLeaks(error, [CANARY_SECRET, `${username}:${CANARY_SECRET}`])).toEqual([]);
  });

  it('an OAuth client secret shows in no printed form of the error', async () => {
    const clientId = server.oauthClient.clientId;
    await using kit = kitFor({
      serviceUrl: serviceUrl(),
      auth: { type: 'oauth2', tokenUrl: server.tokenUrl, clientId, clientSecret: CANARY_SECRET },
    });
    const error = await failureOf(kit.invoke('sap-odata.query', { entitySet: 'Orders', top: 1 }));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET, `${clientId}:${CANARY_SECRET}`])).toEqual([]);
  });

  it('a basic-auth password shows in no printed form of the error of the connection check', async () => {
    const username = server.user.username;
    await using kit = kitFor({
      serviceUrl: serviceUrl(),
      auth: { type: 'basic', username, password: CANARY_SECRET },
    });
    const error = await failureOf(kit.check('sales'));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET, `${username}:${CANARY_SECRET}`])).toEqual([]);
  });
});
