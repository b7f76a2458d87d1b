import { createHmac } from 'node:crypto';

/**
 * Slack's request signature, version 0: `v0=` and the hex HMAC-SHA256 of
 * `v0:{timestamp}:{body}` keyed with the app's signing secret — the value of `X-Slack-Signature`.
 *
 * @example
 * const timestamp = Math.floor(Date.now() / 1000);
 * const headers = { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signSlackRequest(secret, timestamp, body) };
 */
export function signSlackRequest(
  signingSecret: string,
  timestamp: number | string,
  body: string | Buffer,
): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

/** The headers Slack sends with a signed request (timestamp in epoch seconds, now unless given). */
export function slackSignatureHeaders(
  signingSecret: string,
  body: string | Buffer,
  timestamp: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
  };
}
