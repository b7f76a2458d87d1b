import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesforceEmulator } from './salesforce/salesforce-emulator.js';
import { slackEmulator } from './slack/slack-emulator.js';
import { type Sandbox, startEmulator } from './start-emulator.js';
import { twitterEmulator } from './twitter/twitter-emulator.js';

// A body the emulator cannot decode gets the vendor's own answer, as the SDKs expect it.
const sandboxes: Sandbox[] = [];
let salesforce: Sandbox<typeof salesforceEmulator>;
let slack: Sandbox<typeof slackEmulator>;
let twitter: Sandbox<typeof twitterEmulator>;

beforeAll(async () => {
  salesforce = await startEmulator(salesforceEmulator);
  slack = await startEmulator(slackEmulator);
  twitter = await startEmulator(twitterEmulator);
  sandboxes.push(salesforce, slack, twitter);
});

afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
});

const NOT_JSON = '{"Name": "Acme",';

async function post(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: NOT_JSON,
  });
  return { status: response.status, body: await response.json() };
}

describe('a body that is not JSON', () => {
  it('Salesforce answers 400 with a JSON_PARSER_ERROR error array', async () => {
    const { instanceUrl, accessToken, apiVersion } = salesforce.credentials;
    const answer = await post(`${instanceUrl}/services/data/v${apiVersion}/sobjects/Account`, accessToken);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual([{ errorCode: 'JSON_PARSER_ERROR', message: expect.any(String) }]);
  });

  it('Slack answers 200 with ok: false and invalid_json', async () => {
    const { apiUrl, botToken } = slack.credentials;
    const answer = await post(`${apiUrl}chat.postMessage`, botToken);
    expect(answer).toEqual({ status: 200, body: { ok: false, error: 'invalid_json' } });
  });

  it('Twitter answers 400 with an invalid-request problem', async () => {
    const { apiUrl, bearerToken } = twitter.credentials;
    const answer = await post(`${apiUrl}tweets`, bearerToken);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      title: 'Invalid Request',
      type: 'https://api.twitter.com/2/problems/invalid-request',
      status: 400,
    });
  });
});
