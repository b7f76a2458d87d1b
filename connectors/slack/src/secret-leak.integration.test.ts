import { type ConnectionConfig, createKit } from '@connectorkit/core';
import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { CANARY_SECRET, failureOf, secretLeaks } from '@connectorkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackConnector } from './slack-connector.js';

// A rejected token must not travel with the error the kit returns, however the caller prints it:
// not in the SDK error kept as `cause`, nor in the request, config or response objects it holds.

let slack: Sandbox<EmulatorFor<'slack'>>;

beforeAll(async () => {
  slack = await startSandbox('slack');
});

afterAll(async () => {
  await slack.close();
});

function rejectedKit() {
  return createKit({
    connectors: [slackConnector],
    connections: {
      slack: {
        connector: 'slack',
        token: CANARY_SECRET,
        baseUrl: slack.credentials.apiUrl,
      } as ConnectionConfig,
    },
    logger: { level: 'silent' },
  });
}

describe('a token Slack rejects', () => {
  it('shows in no printed form of the error of an action', async () => {
    await using kit = rejectedKit();
    const error = await failureOf(kit.invoke('slack.postMessage', { channel: 'general', text: 'x' }));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });

  it('shows in no printed form of the error of the connection check', async () => {
    await using kit = rejectedKit();
    const error = await failureOf(kit.check('slack'));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });
});
