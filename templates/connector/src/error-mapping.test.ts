import { ConnectorError, type ErrorCode } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import { ExampleApiError } from './client.js';
import { toExampleError } from './error-mapping.js';

const networkError = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const abortError = new DOMException('aborted', 'AbortError');

describe('toExampleError', () => {
  it.each<[string, unknown, ErrorCode]>([
    ['401', new ExampleApiError(401, 'invalid_auth', 'bad token'), 'AUTH'],
    ['403', new ExampleApiError(403, 'missing_scope', 'no access'), 'FORBIDDEN'],
    ['404', new ExampleApiError(404, 'item_not_found', 'no item'), 'NOT_FOUND'],
    ['409', new ExampleApiError(409, 'conflict', 'changed'), 'CONFLICT'],
    ['422', new ExampleApiError(422, 'invalid', 'bad field'), 'INVALID_INPUT'],
    ['429', new ExampleApiError(429, 'rate_limited', 'slow down', 2), 'RATE_LIMITED'],
    ['503', new ExampleApiError(503, 'unavailable', 'down'), 'UNAVAILABLE'],
    ['a refused connection', networkError, 'UNAVAILABLE'],
    ['an abort', abortError, 'CANCELLED'],
    ['anything else', new TypeError('undefined is not a function'), 'INTERNAL'],
  ])('maps %s to %s, keeping the cause', (_case, error, code) => {
    const mapped = toExampleError(error);
    expect(mapped).toBeInstanceOf(ConnectorError);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(error);
  });

  it('keeps the vendor code and turns the retry hint into retryAfterMs', () => {
    const mapped = toExampleError(new ExampleApiError(429, 'rate_limited', 'slow down', 2));
    expect(mapped).toMatchObject({ vendorCode: 'rate_limited', retryable: true, retryAfterMs: 2_000 });
  });
});
