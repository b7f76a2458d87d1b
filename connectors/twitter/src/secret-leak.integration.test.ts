import { type ConnectionConfig, createKit } from '@connectorkit/core';
import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { CANARY_SECRET, failureOf, secretLeaks } from '@connectorkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twitterConnector } from './twitter-connector.js';

// A rejected credential must not travel with the error the kit returns, however the caller prints
// it: not in the SDK error kept as `cause`, nor in the request or response objects it holds.

let twitter: Sandbox<EmulatorFor<'twitter'>>;

beforeAll(async () => {
  twitter = await startSandbox('twitter');
});

afterAll(async () => {
  await twitter.close();
});

function kitFor(connection: Readonly<Record<string, unknown>>) {
  return createKit({
    connectors: [twitterConnector],
    connections: {
      x: { connector: 'twitter', baseUrl: twitter.credentials.apiUrl, ...connection } as ConnectionConfig,
    },
    logger: { level: 'silent' },
  });
}

describe('credentials the API rejects', () => {
  it('a bearer token shows in no printed form of the error of an action', async () => {
    await using kit = kitFor({ bearerToken: CANARY_SECRET });
    const error = await failureOf(kit.invoke('twitter.getUserByUsername', { username: 'alice' }));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });

  it('a user access token shows in no printed form of the error of the connection check', async () => {
    await using kit = kitFor({ userAccessToken: CANARY_SECRET });
    const error = await failureOf(kit.check('x'));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });

  it('OAuth 1.0a secrets show in no printed form of the error', async () => {
    await using kit = kitFor({
      appKey: twitter.credentials.appKey,
      appSecret: CANARY_SECRET,
      accessToken: twitter.credentials.accessToken,
      accessSecret: CANARY_SECRET,
    });
    const error = await failureOf(kit.invoke('twitter.getUserByUsername', { username: 'alice' }));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });
});
