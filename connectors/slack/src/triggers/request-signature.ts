import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a request failed verification. */
export type SignatureProblem = 'missing' | 'malformed' | 'stale' | 'mismatch';

export interface SignatureCheck {
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly body: Buffer;
  readonly signingSecret: string;
  /** Largest accepted age (and clock skew) of the timestamp. Slack recommends 5 minutes. */
  readonly maxAgeSeconds: number;
  /** Current time in epoch seconds (injectable for tests). */
  readonly now?: number;
}

/**
 * Verifies Slack's request signature (version 0): `X-Slack-Signature` must equal `v0=` and the
 * hex HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}` keyed with the signing secret,
 * compared in constant time; a timestamp older (or newer) than `maxAgeSeconds` is a replay.
 * Returns the problem, or `undefined` for a genuine request.
 */
export function verifySlackSignature(check: SignatureCheck): SignatureProblem | undefined {
  const { signature, timestamp } = check;
  if (signature === undefined || timestamp === undefined || signature === '' || timestamp === '')
    return 'missing';
  if (!/^\d+$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) return 'malformed';
  const now = check.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > check.maxAgeSeconds) return 'stale';
  const expected = createHmac('sha256', check.signingSecret)
    .update(`v0:${timestamp}:`)
    .update(check.body)
    .digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'mismatch';
}
