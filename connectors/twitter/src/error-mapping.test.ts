import type { ClientRequest, IncomingMessage } from 'node:http';
import { ConnectorError, type ErrorCode } from '@connectorkit/core';
import { CANARY_SECRET } from '@connectorkit/testing';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { fromPartialErrors, toTwitterError } from './error-mapping.js';

// The request the SDK keeps on its errors carries the credentials: the mapping must drop it.
const request = {
  getHeader: () => `Bearer ${CANARY_SECRET}`,
  headers: { authorization: `Bearer ${CANARY_SECRET}` },
} as unknown as ClientRequest;
const response = {} as IncomingMessage;
const NOW = 1_700_000_000_000;

/** An ApiRequestError as the SDK's request handler builds it: the network error under `error`. */
function requestFailure(error: Error): ApiRequestError {
  return new ApiRequestError('Request failed.', { request, error });
}

function responseError(code: number, data: Record<string, unknown>, reset?: number): ApiResponseError {
  return new ApiResponseError(`Request failed with code ${code}`, {
    code,
    request,
    response,
    headers: {},
    data: data as never,
    ...(reset === undefined ? {} : { rateLimit: { limit: 450, remaining: 0, reset } }),
  });
}

const problems = 'https://api.twitter.com/2/problems';

const cases: readonly [string, unknown, ErrorCode, string | undefined][] = [
  [
    '401 unauthorized',
    responseError(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }),
    'AUTH',
    'http_401',
  ],
  [
    '403 app-only token on a user endpoint',
    responseError(403, {
      title: 'Unsupported Authentication',
      type: `${problems}/unsupported-authentication`,
      status: 403,
    }),
    'FORBIDDEN',
    'unsupported-authentication',
  ],
  [
    '403 duplicate content',
    responseError(403, {
      title: 'Forbidden',
      detail: 'You are not allowed to create a Tweet with duplicate content.',
      type: 'about:blank',
    }),
    'FORBIDDEN',
    'http_403',
  ],
  [
    '404 resource not found',
    responseError(404, { title: 'Not Found Error', type: `${problems}/resource-not-found` }),
    'NOT_FOUND',
    'resource-not-found',
  ],
  [
    '400 invalid request',
    responseError(400, {
      title: 'Invalid Request',
      type: `${problems}/invalid-request`,
      errors: [{ parameters: { max_results: ['1000'] }, message: 'not between 10 and 100' }],
    }),
    'INVALID_INPUT',
    'invalid-request',
  ],
  [
    '409 conflict',
    responseError(409, { title: 'Conflict', type: `${problems}/conflict` }),
    'CONFLICT',
    'conflict',
  ],
  [
    '429 too many requests',
    responseError(429, { title: 'Too Many Requests', type: 'about:blank' }, NOW / 1000 + 30),
    'RATE_LIMITED',
    'too-many-requests',
  ],
  ['500 server error', responseError(500, { title: 'Internal Server Error' }), 'UNAVAILABLE', 'http_500'],
  ['503 unavailable', responseError(503, { title: 'Service Unavailable' }), 'UNAVAILABLE', 'http_503'],
  ['504 gateway timeout', responseError(504, { title: 'Gateway Timeout' }), 'TIMEOUT', 'http_504'],
  [
    'connection refused',
    requestFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    'UNAVAILABLE',
    'ECONNREFUSED',
  ],
  [
    'aborted request',
    requestFailure(
      Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }),
    ),
    'CANCELLED',
    undefined,
  ],
  [
    'response cut short',
    new ApiPartialResponseError('Response has been interrupted', {
      request,
      response,
      responseError: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      rawContent: '',
    }),
    'UNAVAILABLE',
    'ECONNRESET',
  ],
  ['anything else', new TypeError('boom'), 'INTERNAL', undefined],
];

describe('toTwitterError', () => {
  it.each(cases)('maps %s', (_name, error, code, vendorCode) => {
    const mapped = toTwitterError(error, 'getTweet', false, NOW);
    expect(mapped).toBeInstanceOf(ConnectorError);
    expect(mapped.code).toBe(code);
    expect(mapped.vendorCode).toBe(vendorCode);
    expect(mapped.message).not.toContain(CANARY_SECRET);
    expect(JSON.stringify(mapped)).not.toContain(CANARY_SECRET);
    expect(JSON.stringify(mapped.cause ?? null)).not.toContain(CANARY_SECRET);
  });

  it('takes retryAfterMs of a 429 from x-rate-limit-reset', () => {
    const mapped = toTwitterError(responseError(429, {}, NOW / 1000 + 30), 'searchRecent', false, NOW);
    expect(mapped.retryAfterMs).toBe(30_000);
    expect(mapped.retryable).toBe(true);
  });

  it('points an invalid parameter at its input path and names the operation', () => {
    const mapped = toTwitterError(cases[4]?.[1], 'searchRecent');
    expect(mapped.path).toBe('$.max_results');
    expect(mapped.message).toContain('Twitter/X searchRecent: HTTP 400');
    expect(mapped.message).toContain('not between 10 and 100');
  });

  it('says how to start the emulator when a sandbox connection is refused', () => {
    const mapped = toTwitterError(cases[10]?.[1], 'getUser', true);
    expect(mapped.message).toContain('ck sandbox start twitter');
  });

  it('keeps a ConnectorError as it is', () => {
    const original = new ConnectorError('TIMEOUT', 'late');
    expect(toTwitterError(original)).toBe(original);
  });
});

describe('fromPartialErrors', () => {
  it('maps the errors of a 200 answer without data', () => {
    const mapped = fromPartialErrors(
      {
        errors: [
          {
            title: 'Not Found Error',
            detail: 'Could not find tweet with id: [1].',
            type: `${problems}/resource-not-found`,
          },
        ],
      },
      'getTweet',
    );
    expect(mapped).toMatchObject({ code: 'NOT_FOUND', vendorCode: 'resource-not-found' });
    expect(mapped.message).toContain('Could not find tweet with id: [1].');
  });

  it('falls back to INTERNAL for an error type it does not know', () => {
    expect(fromPartialErrors({ errors: [{ type: `${problems}/something-new` }] }, 'getTweet').code).toBe(
      'INTERNAL',
    );
  });
});
