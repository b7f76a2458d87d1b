import { describe, expect, it } from 'vitest';
import { verifySlackSignature } from './request-signature.js';

// The worked example of Slack's "Verifying requests from Slack" guide.
const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const timestamp = '1531420618';
const body = Buffer.from(
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
);
const signature = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const check = { signature, timestamp, body, signingSecret: secret, maxAgeSeconds: 300, now: 1531420618 + 10 };

describe('verifySlackSignature', () => {
  it("accepts Slack's documented example", () => {
    expect(verifySlackSignature(check)).toBeUndefined();
  });

  it('rejects a changed body, another secret, or a changed timestamp', () => {
    expect(verifySlackSignature({ ...check, body: Buffer.concat([body, Buffer.from('x')]) })).toBe(
      'mismatch',
    );
    expect(verifySlackSignature({ ...check, signingSecret: 'another' })).toBe('mismatch');
    expect(verifySlackSignature({ ...check, timestamp: '1531420619' })).toBe('mismatch');
  });

  it('rejects requests outside the replay window, in both directions', () => {
    expect(verifySlackSignature({ ...check, now: 1531420618 + 301 })).toBe('stale');
    expect(verifySlackSignature({ ...check, now: 1531420618 - 301 })).toBe('stale');
    expect(verifySlackSignature({ ...check, now: 1531420618 + 300 })).toBeUndefined();
  });

  it('rejects missing and malformed headers', () => {
    expect(verifySlackSignature({ ...check, signature: undefined })).toBe('missing');
    expect(verifySlackSignature({ ...check, timestamp: '' })).toBe('missing');
    expect(verifySlackSignature({ ...check, signature: 'v1=abc' })).toBe('malformed');
    expect(verifySlackSignature({ ...check, timestamp: '12.5' })).toBe('malformed');
  });
});
