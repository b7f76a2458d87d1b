import { describe, expect, it } from 'vitest';
import { signSlackRequest, slackSignatureHeaders } from './slack-signature.js';

describe('signSlackRequest', () => {
  it("produces the signature of Slack's documented example", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('builds both headers, with the current time by default', () => {
    const headers = slackSignatureHeaders('secret', '{}');
    expect(Math.abs(Number(headers['x-slack-request-timestamp']) - Date.now() / 1000)).toBeLessThan(2);
    expect(headers['x-slack-signature']).toBe(
      signSlackRequest('secret', headers['x-slack-request-timestamp'] ?? '', '{}'),
    );
  });
});
