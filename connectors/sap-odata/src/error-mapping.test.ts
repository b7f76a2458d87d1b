import { ConnectorError, type ErrorCode } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import { errorFromFetchFailure, errorFromResponse, parseErrorBody } from './error-mapping.js';

const request = { method: 'GET', url: 'https://sap.example/sap/opu/odata/sap/API_SALES/Orders(1)' };

const v4 = (code: string, message: string) => JSON.stringify({ error: { code, message } });
const v2 = (code: string, message: string) =>
  JSON.stringify({
    error: {
      code,
      message: { lang: 'en', value: message },
      innererror: {
        errordetails: [
          { code, message: { lang: 'en', value: message } },
          { code: 'X', message: 'detail two' },
        ],
      },
    },
  });

describe('errorFromResponse', () => {
  // What the service answers → what the caller gets. Every row is a wire format seen from
  // SAP Gateway, SAP CAP or a proxy in front of them.
  it.each<[string, number, Record<string, string>, string, ErrorCode, string | undefined, RegExp]>([
    [
      'V4 bad request',
      400,
      {},
      v4('400', 'Property "x" does not exist'),
      'INVALID_INPUT',
      '400',
      /Property "x" does not exist/,
    ],
    [
      'V2 bad request with details',
      400,
      {},
      v2('SY/530', 'Invalid key'),
      'INVALID_INPUT',
      'SY/530',
      /Invalid key; detail two/,
    ],
    [
      'V2 XML error body',
      400,
      { 'content-type': 'application/xml' },
      '<?xml version="1.0"?><error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><code>/IWBEP/CM_MGW_RT/020</code><message xml:lang="en">Resource not found for segment</message></error>',
      'INVALID_INPUT',
      '/IWBEP/CM_MGW_RT/020',
      /Resource not found for segment/,
    ],
    [
      'JSON light (odata.error)',
      400,
      {},
      JSON.stringify({ 'odata.error': { code: 'E1', message: { value: 'bad' } } }),
      'INVALID_INPUT',
      'E1',
      /bad/,
    ],
    [
      'unauthorized, plain text',
      401,
      { 'www-authenticate': 'Basic realm="SAP"' },
      'Unauthorized',
      'AUTH',
      undefined,
      /401.*Unauthorized.*check auth/,
    ],
    [
      'forbidden',
      403,
      {},
      v4('403', 'Not authorized'),
      'FORBIDDEN',
      '403',
      /not authorized for this request/,
    ],
    [
      'CSRF still refused',
      403,
      { 'x-csrf-token': 'Required' },
      'CSRF token validation failed',
      'FORBIDDEN',
      undefined,
      /CSRF token was rejected/,
    ],
    ['not found', 404, {}, v2('404', 'Not Found'), 'NOT_FOUND', '404', /no such entity set/],
    ['conflict', 409, {}, v4('409', 'order 2 has shipped'), 'CONFLICT', '409', /order 2 has shipped/],
    [
      'stale ETag',
      412,
      {},
      v4('412', 'Precondition Failed'),
      'CONFLICT',
      '412',
      /read it again and retry with the new etag/,
    ],
    ['missing ETag', 428, {}, v2('428', 'Precondition Required'), 'CONFLICT', '428', /pass etag/],
    [
      'duplicate key as SQL 500',
      500,
      {},
      v4('SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: Products.code'),
      'CONFLICT',
      'SQLITE_CONSTRAINT_PRIMARYKEY',
      /already exists/,
    ],
    [
      'duplicate key as SAP 400',
      400,
      {},
      v2('/IWBEP/CX_MGW_BUSI_EXCEPTION', 'Business partner 17 already exists'),
      'CONFLICT',
      '/IWBEP/CX_MGW_BUSI_EXCEPTION',
      /already exists/,
    ],
    ['rate limited', 429, { 'retry-after': '7' }, '', 'RATE_LIMITED', undefined, /slow down/],
    [
      'gateway down, HTML page',
      503,
      { 'content-type': 'text/html' },
      '<html><body><h1>Service Unavailable</h1></body></html>',
      'UNAVAILABLE',
      undefined,
      /Service Unavailable/,
    ],
    ['gateway timeout', 504, {}, '', 'TIMEOUT', undefined, /504/],
    [
      'internal error',
      500,
      {},
      v2('SY/002', 'Dump in the backend'),
      'UNAVAILABLE',
      'SY/002',
      /Dump in the backend/,
    ],
    [
      'not implemented',
      501,
      {},
      v4('501', 'Only query parameter "json" is allowed'),
      'UNSUPPORTED',
      '501',
      /json/,
    ],
    ['unknown 4xx (fallback)', 418, {}, 'I am a teapot', 'INTERNAL', undefined, /418.*teapot/],
  ])('%s: %i → %s', (_name, status, headers, body, code, vendorCode, message) => {
    const error = errorFromResponse({ status, headers: new Headers(headers), body }, request);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.vendorCode).toBe(vendorCode);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`GET ${request.url} failed with ${status}`);
  });

  it('keeps Retry-After', () => {
    const error = errorFromResponse(
      { status: 429, headers: new Headers({ 'retry-after': '7' }), body: '' },
      request,
    );
    expect(error.retryAfterMs).toBe(7000);
    expect(error.retryable).toBe(true);
  });
});

describe('parseErrorBody', () => {
  it('reads OAuth errors and trims long plain text', () => {
    expect(
      parseErrorBody('{"error":"invalid_client","error_description":"bad secret"}', 'application/json'),
    ).toEqual({
      code: 'invalid_client',
      message: 'bad secret',
      details: [],
    });
    expect(parseErrorBody('x'.repeat(500), 'text/plain').message).toHaveLength(301);
    expect(parseErrorBody('', null)).toEqual({ details: [] });
  });

  it('does not resolve entities of an XML error body', () => {
    const hostile =
      '<!DOCTYPE error [<!ENTITY x SYSTEM "file:///etc/passwd">]><error><message>&x;</message></error>';
    expect(parseErrorBody(hostile, 'application/xml').message).not.toContain('root:');
  });
});

describe('errorFromFetchFailure', () => {
  it.each<[string, unknown, ErrorCode, RegExp]>([
    [
      'connection refused',
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      }),
      'UNAVAILABLE',
      /ECONNREFUSED: connection refused/,
    ],
    [
      'unknown host',
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND sap.invalid'), { code: 'ENOTFOUND' }),
      }),
      'UNAVAILABLE',
      /ENOTFOUND/,
    ],
    [
      'connect timeout',
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }),
      }),
      'TIMEOUT',
      /UND_ERR_CONNECT_TIMEOUT/,
    ],
    [
      'anything else (fallback)',
      new TypeError('fetch failed', { cause: new Error('unexpected TLS alert') }),
      'UNAVAILABLE',
      /unexpected TLS alert/,
    ],
  ])('%s → %s', (_name, thrown, code, message) => {
    const error = errorFromFetchFailure(thrown, request) as ConnectorError;
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.cause).toBe(thrown);
  });

  it('passes an abort on as it is, for the kit to turn into TIMEOUT or CANCELLED', () => {
    const controller = new AbortController();
    const reason = new DOMException('timed out', 'TimeoutError');
    controller.abort(reason);
    expect(errorFromFetchFailure(new DOMException('aborted', 'AbortError'), request, controller.signal)).toBe(
      reason,
    );
  });
});
