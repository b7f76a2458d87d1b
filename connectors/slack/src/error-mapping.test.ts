import { ConnectorError, type ErrorCode } from '@connectorkit/core';
import { CANARY_SECRET, errorTexts } from '@connectorkit/testing';
import { ErrorCode as SdkCode } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SLACK_ERROR_RULES, toSlackError } from './error-mapping.js';

/** Errors shaped exactly as @slack/web-api 7 builds them (src/errors.ts). */
const platform = (error: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`An API error occurred: ${error}`), {
    code: SdkCode.PlatformError,
    data: { ok: false, error, ...extra, response_metadata: {} },
  });
const rateLimited = (seconds: number): Error =>
  Object.assign(
    new Error(`A rate-limit has been reached, you may retry this request in ${seconds} seconds`),
    {
      code: SdkCode.RateLimitedError,
      retryAfter: seconds,
    },
  );
const http = (status: number, headers: Record<string, string> = {}): Error =>
  Object.assign(new Error(`An HTTP protocol error occurred: statusCode = ${status}`), {
    code: SdkCode.HTTPError,
    statusCode: status,
    statusMessage: 'x',
    headers,
    body: '<html>',
  });
const request = (original: Record<string, unknown>): Error =>
  Object.assign(new Error(`A request error occurred: ${String(original.message)}`), {
    code: SdkCode.RequestError,
    original: Object.assign(new Error(String(original.message)), original),
  });

interface Row {
  readonly name: string;
  readonly error: unknown;
  readonly code: ErrorCode;
  readonly vendorCode?: string;
  readonly retryAfterMs?: number;
  readonly retryable?: boolean;
  readonly message?: RegExp;
}

const table: readonly Row[] = [
  {
    name: 'invalid_auth',
    error: platform('invalid_auth'),
    code: 'AUTH',
    vendorCode: 'invalid_auth',
    message: /check `token`/,
  },
  { name: 'not_authed', error: platform('not_authed'), code: 'AUTH', vendorCode: 'not_authed' },
  {
    name: 'token_revoked',
    error: platform('token_revoked'),
    code: 'AUTH',
    vendorCode: 'token_revoked',
    message: /reinstall/,
  },
  {
    name: 'account_inactive',
    error: platform('account_inactive'),
    code: 'AUTH',
    vendorCode: 'account_inactive',
  },
  {
    name: 'missing_scope names the scope',
    error: platform('missing_scope', { needed: 'users:read.email', provided: 'chat:write' }),
    code: 'FORBIDDEN',
    vendorCode: 'missing_scope',
    message: /needs the scope 'users:read\.email' \(it has: chat:write\)/,
  },
  {
    name: 'not_in_channel',
    error: platform('not_in_channel'),
    code: 'FORBIDDEN',
    vendorCode: 'not_in_channel',
    message: /invite it/,
  },
  {
    name: 'cant_update_message',
    error: platform('cant_update_message'),
    code: 'FORBIDDEN',
    vendorCode: 'cant_update_message',
  },
  {
    name: 'channel_not_found',
    error: platform('channel_not_found'),
    code: 'NOT_FOUND',
    vendorCode: 'channel_not_found',
  },
  {
    name: 'users_not_found',
    error: platform('users_not_found'),
    code: 'NOT_FOUND',
    vendorCode: 'users_not_found',
  },
  {
    name: 'message_not_found',
    error: platform('message_not_found'),
    code: 'NOT_FOUND',
    vendorCode: 'message_not_found',
  },
  {
    name: 'thread_not_found',
    error: platform('thread_not_found'),
    code: 'NOT_FOUND',
    vendorCode: 'thread_not_found',
  },
  { name: 'name_taken', error: platform('name_taken'), code: 'CONFLICT', vendorCode: 'name_taken' },
  {
    name: 'already_reacted',
    error: platform('already_reacted'),
    code: 'CONFLICT',
    vendorCode: 'already_reacted',
  },
  { name: 'is_archived', error: platform('is_archived'), code: 'CONFLICT', vendorCode: 'is_archived' },
  {
    name: 'invalid_cursor',
    error: platform('invalid_cursor'),
    code: 'INVALID_INPUT',
    vendorCode: 'invalid_cursor',
  },
  { name: 'no_text', error: platform('no_text'), code: 'INVALID_INPUT', vendorCode: 'no_text' },
  {
    name: 'invalid_name_specials',
    error: platform('invalid_name_specials'),
    code: 'INVALID_INPUT',
    vendorCode: 'invalid_name_specials',
  },
  {
    name: 'time_in_past',
    error: platform('time_in_past'),
    code: 'INVALID_INPUT',
    vendorCode: 'time_in_past',
  },
  {
    name: 'ratelimited in a body',
    error: platform('ratelimited'),
    code: 'RATE_LIMITED',
    vendorCode: 'ratelimited',
    retryable: true,
  },
  {
    name: 'fatal_error',
    error: platform('fatal_error'),
    code: 'UNAVAILABLE',
    vendorCode: 'fatal_error',
    retryable: true,
  },
  {
    name: 'request_timeout',
    error: platform('request_timeout'),
    code: 'TIMEOUT',
    vendorCode: 'request_timeout',
    retryable: true,
  },
  {
    name: 'an error string Slack adds later falls back to INTERNAL, keeping the string',
    error: platform('brand_new_error'),
    code: 'INTERNAL',
    vendorCode: 'brand_new_error',
    retryable: false,
  },
  {
    name: 'HTTP 429 (rejectRateLimitedCalls) carries Retry-After',
    error: rateLimited(30),
    code: 'RATE_LIMITED',
    vendorCode: 'ratelimited',
    retryAfterMs: 30_000,
    retryable: true,
  },
  { name: 'HTTP 500', error: http(500), code: 'UNAVAILABLE', vendorCode: 'http_500', retryable: true },
  {
    name: 'HTTP 503 with Retry-After',
    error: http(503, { 'retry-after': '2' }),
    code: 'UNAVAILABLE',
    vendorCode: 'http_503',
    retryAfterMs: 2000,
  },
  { name: 'HTTP 504', error: http(504), code: 'TIMEOUT', vendorCode: 'http_504' },
  {
    name: 'connection refused',
    error: request({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }),
    code: 'UNAVAILABLE',
    vendorCode: 'ECONNREFUSED',
  },
  {
    name: 'socket timeout',
    error: request({ code: 'ETIMEDOUT', message: 'timeout' }),
    code: 'TIMEOUT',
    vendorCode: 'ETIMEDOUT',
  },
  {
    name: 'aborted request',
    error: request({ code: 'ERR_CANCELED', message: 'canceled' }),
    code: 'CANCELLED',
  },
  {
    name: 'request error of unknown cause',
    error: request({ message: 'socket hang up' }),
    code: 'UNAVAILABLE',
  },
  {
    name: 'upload arguments',
    error: Object.assign(new Error('Either a file or content field is required'), {
      code: SdkCode.FileUploadInvalidArgumentsError,
    }),
    code: 'INVALID_INPUT',
  },
  { name: 'anything else', error: new TypeError('boom'), code: 'INTERNAL' },
  { name: 'a thrown string', error: 'boom', code: 'INTERNAL' },
];

describe('toSlackError', () => {
  it.each(table)('$name → $code', (row) => {
    const mapped = toSlackError(row.error, 'chat.postMessage');
    expect(mapped).toBeInstanceOf(ConnectorError);
    expect(mapped.code).toBe(row.code);
    // A row without `vendorCode` expects none: a mapping that drops the vendor code fails here.
    expect(mapped.vendorCode).toBe(row.vendorCode);
    if (row.retryAfterMs !== undefined) expect(mapped.retryAfterMs).toBe(row.retryAfterMs);
    if (row.retryable !== undefined) expect(mapped.retryable).toBe(row.retryable);
    if (row.message !== undefined) expect(mapped.message).toMatch(row.message);
    expect(mapped.cause).toBeDefined();
  });

  it('names the method in the message', () => {
    expect(toSlackError(platform('channel_not_found'), 'conversations.history').message).toMatch(
      /^Slack conversations\.history failed: channel_not_found — /,
    );
  });

  it('keeps a ConnectorError as it is', () => {
    const error = new ConnectorError('NOT_FOUND', 'x');
    expect(toSlackError(error)).toBe(error);
  });

  it('drops the request of an SDK error: its Authorization header would leak the token', () => {
    const original = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      config: { headers: { Authorization: `Bearer ${CANARY_SECRET}` } },
      request: { _header: `POST /api/auth.test HTTP/1.1\r\nAuthorization: Bearer ${CANARY_SECRET}\r\n` },
    });
    const sdkError = Object.assign(new Error('A request error occurred: connect ECONNREFUSED'), {
      code: SdkCode.RequestError,
      original,
    });
    const mapped = toSlackError(sdkError, 'auth.test');
    for (const text of errorTexts(mapped)) expect(text).not.toContain(CANARY_SECRET);
  });

  it('has a rule for every error string the emulator and the actions rely on', () => {
    for (const name of [
      'invalid_auth',
      'not_authed',
      'missing_scope',
      'not_in_channel',
      'channel_not_found',
      'ratelimited',
    ]) {
      expect(SLACK_ERROR_RULES[name], name).toBeDefined();
    }
  });
});
