import { type ConnectionConfig, createKit } from '@connectorkit/core';
import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { CANARY_SECRET, failureOf, secretLeaks } from '@connectorkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesforceConnector } from './salesforce-connector.js';

// A rejected credential must not travel with the error the kit returns, however the caller prints
// it: not in the jsforce error kept as `cause`, nor in the request or response objects it holds.

let salesforce: Sandbox<EmulatorFor<'salesforce'>>;

beforeAll(async () => {
  salesforce = await startSandbox('salesforce');
});

afterAll(async () => {
  await salesforce.close();
});

function kitFor(connection: Readonly<Record<string, unknown>>) {
  return createKit({
    connectors: [salesforceConnector],
    connections: { crm: { connector: 'salesforce', ...connection } as ConnectionConfig },
    logger: { level: 'silent' },
  });
}

describe('credentials Salesforce rejects', () => {
  it('a client secret shows in no printed form of the error of the connection check', async () => {
    await using kit = kitFor({
      loginUrl: salesforce.credentials.loginUrl,
      auth: {
        type: 'clientCredentials',
        clientId: salesforce.credentials.clientId,
        clientSecret: CANARY_SECRET,
      },
    });
    const error = await failureOf(kit.check('crm'));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });

  it('a session id shows in no printed form of the error of an action', async () => {
    await using kit = kitFor({
      instanceUrl: salesforce.credentials.instanceUrl,
      auth: { type: 'accessToken', accessToken: CANARY_SECRET },
    });
    const error = await failureOf(kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Account' }));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });

  it('a password and security token show in no printed form of the error', async () => {
    const { credentials } = salesforce;
    await using kit = kitFor({
      loginUrl: credentials.loginUrl,
      auth: {
        type: 'password',
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        username: credentials.username,
        password: CANARY_SECRET,
        securityToken: CANARY_SECRET,
      },
    });
    const error = await failureOf(kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Account' }));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET, `${CANARY_SECRET}${CANARY_SECRET}`])).toEqual([]);
  });
});
