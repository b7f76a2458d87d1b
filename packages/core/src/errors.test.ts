import { describe, expect, it } from 'vitest';
import {
  ConnectorError,
  codeFromHttpStatus,
  ERROR_CODES,
  type ErrorCode,
  errorCodes,
  fromHttpStatus,
  fromNetworkError,
  isConnectorError,
  isErrorCode,
  networkErrorCode,
  parseRetryAfter,
  TLS_CERTIFICATE_CODES,
  toConnectorError,
} from './errors.js';

function nodeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('ERROR_CODES', () => {
  it.each<[ErrorCode, boolean]>([
    ['INVALID_INPUT', false],
    ['INVALID_OUTPUT', false],
    ['INVALID_CONFIG', false],
    ['AUTH', false],
    ['FORBIDDEN', false],
    ['NOT_FOUND', false],
    ['CONFLICT', false],
    ['RATE_LIMITED', true],
    ['TIMEOUT', true],
    ['UNAVAILABLE', true],
    ['CANCELLED', false],
    ['UNSUPPORTED', false],
    ['INTERNAL', false],
  ])('%s is retryable: %s, and a new error follows it', (code, retryable) => {
    expect(ERROR_CODES[code].retryable).toBe(retryable);
    expect(ERROR_CODES[code].description).not.toBe('');
    expect(new ConnectorError(code, 'failed').retryable).toBe(retryable);
  });

  it('lists every code once in errorCodes', () => {
    expect(errorCodes).toEqual(Object.keys(ERROR_CODES));
    expect(errorCodes).toHaveLength(13);
  });

  it('tells codes from other strings', () => {
    expect(isErrorCode('TIMEOUT')).toBe(true);
    expect(isErrorCode('timeout')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});

describe('ConnectorError', () => {
  it('carries its code, context and cause', () => {
    const cause = new Error('socket hang up');
    const error = new ConnectorError('UNAVAILABLE', 'the service is down', {
      connector: 'sample',
      action: 'get',
      connection: 'main',
      status: 503,
      vendorCode: 'down',
      retryAfterMs: 1_000,
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConnectorError');
    expect(error.message).toBe('the service is down');
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.where).toBe('sample.get');
    expect(error.stack?.split('\n')[0]).toBe('ConnectorError: the service is down');
  });

  it('lets the caller override retryable', () => {
    expect(new ConnectorError('UNAVAILABLE', 'x', { retryable: false }).retryable).toBe(false);
    expect(new ConnectorError('CONFLICT', 'x', { retryable: true }).retryable).toBe(true);
  });

  it('takes its path from the first issue when none is given', () => {
    const error = new ConnectorError('INVALID_INPUT', 'bad', {
      issues: [
        { path: '$.a', message: 'is required' },
        { path: '$.b', message: 'is required' },
      ],
    });
    expect(error.path).toBe('$.a');
    expect(new ConnectorError('INVALID_INPUT', 'bad', { path: '$.c', issues: [] }).path).toBe('$.c');
  });

  it('names where it happened from what is known', () => {
    expect(new ConnectorError('INTERNAL', 'x').where).toBeUndefined();
    expect(new ConnectorError('INTERNAL', 'x', { connector: 'sample' }).where).toBe('sample');
    expect(new ConnectorError('INTERNAL', 'x', { action: 'get' }).where).toBe('get');
  });

  it('has no cause property when none was given', () => {
    expect(Object.hasOwn(new ConnectorError('INTERNAL', 'x'), 'cause')).toBe(false);
  });

  describe('withContext', () => {
    it('returns the same error when the context adds nothing', () => {
      const error = new ConnectorError('AUTH', 'denied', { connector: 'sample' });
      expect(error.withContext({ connector: 'other' })).toBe(error);
      expect(error.withContext({})).toBe(error);
    });

    it('returns a copy that keeps every field, the stack and the cause', () => {
      const cause = new Error('root');
      const error = new ConnectorError('RATE_LIMITED', 'slow down', {
        connector: 'sample',
        retryAfterMs: 500,
        status: 429,
        vendorCode: 'ratelimited',
        issues: [{ path: '$.x', message: 'is required' }],
        retryable: false,
        cause,
      });
      const copy = error.withContext({ connector: 'other', action: 'put', connection: 'main' });
      expect(copy).not.toBe(error);
      expect(copy.toJSON()).toEqual({ ...error.toJSON(), action: 'put', connection: 'main' });
      expect(copy.connector).toBe('sample');
      expect(copy.cause).toBe(cause);
      expect(copy.stack).toBe(error.stack);
    });
  });

  describe('toJSON', () => {
    it('holds only the fields that are set', () => {
      expect(new ConnectorError('NOT_FOUND', 'no such note').toJSON()).toEqual({
        name: 'ConnectorError',
        code: 'NOT_FOUND',
        message: 'no such note',
        retryable: false,
      });
    });

    it('holds every field, and never the cause', () => {
      const error = new ConnectorError('RATE_LIMITED', 'slow down', {
        connector: 'sample',
        action: 'put',
        connection: 'main',
        issues: [{ path: '$.key', message: 'is required' }],
        retryAfterMs: 2_000,
        status: 429,
        vendorCode: 'ratelimited',
        cause: new Error('secret detail'),
      });
      const json = error.toJSON();
      expect(json).toEqual({
        name: 'ConnectorError',
        code: 'RATE_LIMITED',
        message: 'slow down',
        retryable: true,
        retryAfterMs: 2_000,
        connector: 'sample',
        action: 'put',
        connection: 'main',
        path: '$.key',
        issues: [{ path: '$.key', message: 'is required' }],
        status: 429,
        vendorCode: 'ratelimited',
      });
      expect(JSON.stringify(error)).toBe(JSON.stringify(json));
      expect(JSON.stringify(error)).not.toContain('secret detail');
    });
  });
});

describe('isConnectorError', () => {
  it('recognises ConnectorErrors, also from another copy of core', () => {
    expect(isConnectorError(new ConnectorError('INTERNAL', 'x'))).toBe(true);
    const foreign = Object.assign(new Error('x'), { code: 'AUTH' });
    expect(isConnectorError(foreign)).toBe(false);
    Object.defineProperty(foreign, Symbol.for('connectorkit.error'), { value: true });
    expect(isConnectorError(foreign)).toBe(true);
    expect(isConnectorError({ code: 'AUTH', message: 'x' })).toBe(false);
    expect(isConnectorError(undefined)).toBe(false);
  });
});

describe('codeFromHttpStatus', () => {
  it.each<[number, ErrorCode]>([
    [400, 'INVALID_INPUT'],
    [401, 'AUTH'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [408, 'TIMEOUT'],
    [409, 'CONFLICT'],
    [410, 'NOT_FOUND'],
    [412, 'CONFLICT'],
    [405, 'UNSUPPORTED'],
    [413, 'INVALID_INPUT'],
    [415, 'INVALID_INPUT'],
    [422, 'INVALID_INPUT'],
    [428, 'CONFLICT'],
    [429, 'RATE_LIMITED'],
    [499, 'CANCELLED'],
    [500, 'UNAVAILABLE'],
    [501, 'UNSUPPORTED'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'TIMEOUT'],
    [599, 'UNAVAILABLE'],
    // what it does not recognise
    [302, 'INTERNAL'],
    [304, 'INTERNAL'],
    [418, 'INTERNAL'],
    [200, 'INTERNAL'],
  ])('%i → %s', (status, code) => {
    expect(codeFromHttpStatus(status)).toBe(code);
  });
});

describe('fromHttpStatus', () => {
  it('builds an error with the status and a Retry-After in seconds', () => {
    const error = fromHttpStatus(429, 'too many requests', { retryAfter: '3', connector: 'sample' });
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(3_000);
    expect(error.connector).toBe('sample');
  });

  it('takes a Retry-After in milliseconds as a number, and none at all', () => {
    expect(fromHttpStatus(503, 'down', { retryAfter: 250 }).retryAfterMs).toBe(250);
    expect(fromHttpStatus(503, 'down', { retryAfter: null }).retryAfterMs).toBeUndefined();
    expect(fromHttpStatus(503, 'down').retryAfterMs).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it.each<[string | number | null | undefined, number | undefined]>([
    ['120', 120_000],
    [' 2 ', 2_000],
    ['1.5', 1_500],
    ['0', 0],
    [1_500, 1_500],
    [0, 0],
    [-1, undefined],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['Wednesday, 01-Jan-25 00:00:10 GMT', 10_000],
    ['Wed Jan  1 00:00:05 2025', 5_000],
    ['soon', undefined],
    ['-1', undefined],
    ['foo 2', undefined],
    ['2 minutes', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('networkErrorCode and fromNetworkError', () => {
  it.each<[string, ErrorCode, string]>([
    ['ECONNREFUSED', 'UNAVAILABLE', 'connection refused'],
    ['ECONNRESET', 'UNAVAILABLE', 'reset'],
    ['ETIMEDOUT', 'TIMEOUT', 'did not answer in time'],
    ['ENOTFOUND', 'UNAVAILABLE', 'could not be resolved'],
    ['EAI_AGAIN', 'UNAVAILABLE', 'DNS'],
    ['UND_ERR_CONNECT_TIMEOUT', 'TIMEOUT', 'network failure'],
    ['EPIPE', 'UNAVAILABLE', 'network failure'],
  ])('%s → %s', (nodeCode, code, hint) => {
    const cause = nodeError(`connect ${nodeCode} 127.0.0.1:1`, nodeCode);
    expect(networkErrorCode(cause)).toBe(nodeCode);
    const error = fromNetworkError(cause, { connector: 'sample', connection: 'main' });
    expect(error?.code).toBe(code);
    expect(error?.vendorCode).toBe(nodeCode);
    expect(error?.message).toContain(nodeCode);
    expect(error?.message).toContain(hint);
    expect(error?.cause).toBe(cause);
    expect(error?.connector).toBe('sample');
    expect(error?.connection).toBe('main');
  });

  it.each(['SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    'an untrusted TLS certificate (%s) is AUTH, not retried, and says what to give',
    (nodeCode) => {
      expect(TLS_CERTIFICATE_CODES.has(nodeCode)).toBe(true);
      const error = fromNetworkError(nodeError('self-signed certificate in certificate chain', nodeCode));
      expect(error).toMatchObject({ code: 'AUTH', retryable: false, vendorCode: nodeCode });
      expect(error?.message).toContain('TLS certificate is not trusted');
      expect(error?.message).toContain('the CA that signed it');
    },
  );

  it('finds the code in a nested cause', () => {
    const error = new TypeError('fetch failed', {
      cause: new Error('outer', { cause: nodeError('getaddrinfo ENOTFOUND nowhere', 'ENOTFOUND') }),
    });
    expect(networkErrorCode(error)).toBe('ENOTFOUND');
    expect(fromNetworkError(error)?.code).toBe('UNAVAILABLE');
  });

  it('finds the code among the errors of an AggregateError', () => {
    const error = new AggregateError(
      [new Error('not this one'), nodeError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')],
      'all attempts failed',
    );
    expect(networkErrorCode(error)).toBe('ECONNREFUSED');
    expect(networkErrorCode(new Error('x', { cause: error }))).toBe('ECONNREFUSED');
  });

  it('keeps an explicit vendorCode given by the caller, and the node code otherwise', () => {
    const cause = nodeError('reset', 'ECONNRESET');
    expect(fromNetworkError(cause, { vendorCode: 'custom' })?.vendorCode).toBe('custom');
    expect(fromNetworkError(cause, { vendorCode: undefined })?.vendorCode).toBe('ECONNRESET');
  });

  it('returns undefined for what is not a network failure', () => {
    expect(networkErrorCode(new Error('plain'))).toBeUndefined();
    expect(networkErrorCode(nodeError('no such file', 'ENOENT'))).toBeUndefined();
    expect(networkErrorCode('ECONNREFUSED')).toBeUndefined();
    expect(networkErrorCode(null)).toBeUndefined();
    expect(fromNetworkError(new Error('plain'))).toBeUndefined();
  });

  it('stops on a cause chain that loops', () => {
    const a: { code: string; cause?: unknown } = { code: 'NOPE' };
    a.cause = a;
    expect(networkErrorCode(a)).toBeUndefined();
  });
});

describe('toConnectorError', () => {
  it('keeps a ConnectorError and adds the missing context', () => {
    const original = new ConnectorError('NOT_FOUND', 'no note', { action: 'get' });
    const mapped = toConnectorError(original, { connector: 'sample', action: 'put', connection: 'main' });
    expect(mapped.code).toBe('NOT_FOUND');
    expect(mapped.message).toBe('no note');
    expect(mapped.connector).toBe('sample');
    expect(mapped.action).toBe('get');
    expect(mapped.connection).toBe('main');
    expect(toConnectorError(original)).toBe(original);
  });

  it('rebuilds a ConnectorError made by another copy of core', () => {
    const cause = new Error('root');
    const foreign = Object.assign(new Error('denied', { cause }), {
      code: 'AUTH',
      status: 401,
      retryable: false,
      toJSON() {
        return { code: 'AUTH', message: 'denied', status: 401, retryable: false };
      },
    });
    Object.defineProperty(foreign, Symbol.for('connectorkit.error'), { value: true });
    const mapped = toConnectorError(foreign, { connector: 'sample' });
    expect(mapped).toBeInstanceOf(ConnectorError);
    expect(mapped.code).toBe('AUTH');
    expect(mapped.status).toBe(401);
    expect(mapped.connector).toBe('sample');
    expect(mapped.cause).toBe(cause);
    expect(mapped.stack).toBe(foreign.stack);
  });

  it('does not take a library error that is merely named AbortError for a cancellation', () => {
    const lost = Object.assign(new Error('Command aborted due to connection close'), { name: 'AbortError' });
    expect(toConnectorError(lost).code).toBe('INTERNAL');
    const nodeAbort = Object.assign(new Error('The operation was aborted'), {
      name: 'AbortError',
      code: 'ABORT_ERR',
    });
    expect(toConnectorError(nodeAbort).code).toBe('CANCELLED');
  });

  it('maps an AbortError to CANCELLED', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    const mapped = toConnectorError(abort, { connector: 'sample', action: 'wait' });
    expect(mapped.code).toBe('CANCELLED');
    expect(mapped.retryable).toBe(false);
    expect(mapped.cause).toBe(abort);
    expect(mapped.where).toBe('sample.wait');
  });

  it('maps a TimeoutError to TIMEOUT', () => {
    const timeout = new DOMException('The operation timed out', 'TimeoutError');
    const mapped = toConnectorError(timeout);
    expect(mapped.code).toBe('TIMEOUT');
    expect(mapped.retryable).toBe(true);
    expect(mapped.cause).toBe(timeout);
  });

  it('maps a network failure by its code', () => {
    const mapped = toConnectorError(nodeError('connect ECONNREFUSED', 'ECONNREFUSED'), {
      connection: 'main',
    });
    expect(mapped.code).toBe('UNAVAILABLE');
    expect(mapped.connection).toBe('main');
  });

  it('maps a plain Error to INTERNAL, keeping its message and the cause', () => {
    const error = new RangeError('index out of range');
    const mapped = toConnectorError(error, { connector: 'sample' });
    expect(mapped.code).toBe('INTERNAL');
    expect(mapped.message).toBe('index out of range');
    expect(mapped.cause).toBe(error);
    expect(mapped.connector).toBe('sample');
  });

  it('maps a thrown string to INTERNAL with the string as message', () => {
    const mapped = toConnectorError('it broke');
    expect(mapped.code).toBe('INTERNAL');
    expect(mapped.message).toBe('it broke');
    expect(mapped.cause).toBe('it broke');
  });

  it.each([
    ['an Error without a message', new Error('')],
    ['an empty string', ''],
    ['a number', 42],
    ['undefined', undefined],
    ['a plain object', { oops: true }],
  ])('maps %s to INTERNAL "unknown failure"', (_label, thrown) => {
    const mapped = toConnectorError(thrown);
    expect(mapped.code).toBe('INTERNAL');
    expect(mapped.message).toBe('unknown failure');
  });
});
