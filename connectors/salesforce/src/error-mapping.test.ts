import { ConnectorError, type ErrorCode } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import { errorEntries, fromSalesforceErrors, isSessionInvalid, toSalesforceError } from './error-mapping.js';

/** A failure shaped as jsforce's HttpApiError: name and errorCode from the body, the entry as data. */
function apiError(errorCode: string, message = 'Salesforce says no', fields?: string[]): Error {
  const data = { errorCode, message, ...(fields === undefined ? {} : { fields }) };
  return Object.assign(new Error(message), { name: errorCode, errorCode, data });
}

describe('toSalesforceError', () => {
  const table: ReadonlyArray<readonly [string, ErrorCode, boolean]> = [
    ['INVALID_SESSION_ID', 'AUTH', false],
    ['REQUEST_LIMIT_EXCEEDED', 'RATE_LIMITED', true],
    ['NOT_FOUND', 'NOT_FOUND', false],
    ['ENTITY_IS_DELETED', 'NOT_FOUND', false],
    ['DUPLICATE_VALUE', 'CONFLICT', false],
    ['MULTIPLE_CHOICES', 'CONFLICT', false],
    ['UNABLE_TO_LOCK_ROW', 'CONFLICT', true],
    ['MALFORMED_QUERY', 'INVALID_INPUT', false],
    ['INVALID_FIELD', 'INVALID_INPUT', false],
    ['INVALID_TYPE', 'INVALID_INPUT', false],
    ['REQUIRED_FIELD_MISSING', 'INVALID_INPUT', false],
    ['MALFORMED_ID', 'INVALID_INPUT', false],
    ['STRING_TOO_LONG', 'INVALID_INPUT', false],
    ['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'INVALID_INPUT', false],
    ['INSUFFICIENT_ACCESS_OR_READONLY', 'FORBIDDEN', false],
    ['API_DISABLED_FOR_ORG', 'FORBIDDEN', false],
    ['SERVER_UNAVAILABLE', 'UNAVAILABLE', true],
    ['UNKNOWN_EXCEPTION', 'UNAVAILABLE', true],
    ['QUERY_TIMEOUT', 'TIMEOUT', true],
    ['METHOD_NOT_ALLOWED', 'UNSUPPORTED', false],
    ['SOMETHING_NEW_FROM_SALESFORCE', 'INTERNAL', false],
  ];

  it.each(table)('%s → %s', (errorCode, code, retryable) => {
    const error = toSalesforceError(apiError(errorCode), 'query');
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code, retryable, vendorCode: errorCode });
    expect(error.message).toContain(`Salesforce query failed: ${errorCode}: Salesforce says no`);
  });

  it('names the fields of the error and points the issues at them', () => {
    const error = toSalesforceError(
      apiError('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', ['LastName']),
      'create Contact',
    );
    expect(error.message).toContain('(fields: LastName)');
    expect(error.issues).toEqual([
      { path: '$.LastName', message: 'Required fields are missing: [LastName]' },
    ]);
    expect(error.path).toBe('$.LastName');
  });

  it('maps answers without an error body by their status: 5xx is a retryable UNAVAILABLE', () => {
    const unavailable = toSalesforceError(
      Object.assign(new Error('<html>Down for maintenance</html>'), { errorCode: 'ERROR_HTTP_503' }),
    );
    expect(unavailable).toMatchObject({ code: 'UNAVAILABLE', retryable: true, status: 503 });
    expect(unavailable.message).toContain('Down for maintenance');
    expect(unavailable.message).not.toContain('<html>');
    expect(toSalesforceError(Object.assign(new Error(''), { errorCode: 'ERROR_HTTP_500' })).code).toBe(
      'UNAVAILABLE',
    );
    expect(toSalesforceError(Object.assign(new Error(''), { errorCode: 'ERROR_HTTP_404' })).code).toBe(
      'NOT_FOUND',
    );
  });

  it('maps several errors at once by the first one, naming them all', () => {
    const failure = Object.assign(new Error('Multiple errors returned.'), {
      errorCode: 'MULTIPLE_API_ERRORS',
      data: [
        { errorCode: 'INVALID_FIELD', message: "No such column 'Nmae'", fields: ['Nmae'] },
        { errorCode: 'STRING_TOO_LONG', message: 'Name: data value too large', fields: ['Name'] },
      ],
    });
    const error = toSalesforceError(failure);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', vendorCode: 'INVALID_FIELD' });
    expect(error.message).toContain('INVALID_FIELD');
    expect(error.message).toContain('STRING_TOO_LONG');
  });

  it('maps network failures by their cause', () => {
    const refused = toSalesforceError(
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      }),
    );
    expect(refused).toMatchObject({ code: 'UNAVAILABLE', vendorCode: 'ECONNREFUSED', retryable: true });
  });

  it('keeps a ConnectorError as it is, and falls back to INTERNAL for anything else', () => {
    const original = new ConnectorError('CANCELLED', 'stopped');
    expect(toSalesforceError(original)).toBe(original);
    expect(toSalesforceError(new Error('surprise')).code).toBe('INTERNAL');
    expect(toSalesforceError('text').code).toBe('INTERNAL');
  });
});

describe('save results', () => {
  it('reads statusCode (collections) as well as errorCode (REST bodies)', () => {
    expect(
      errorEntries([
        { statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found', fields: ['Number__c'] },
        { errorCode: 'MALFORMED_ID', message: 'bad id' },
        { message: 'no code' },
        null,
      ]),
    ).toEqual([
      { errorCode: 'DUPLICATE_VALUE', message: 'duplicate value found', fields: ['Number__c'] },
      { errorCode: 'MALFORMED_ID', message: 'bad id' },
    ]);
  });

  it('maps an all-or-none failure by the record that failed, not the rolled-back ones', () => {
    const error = fromSalesforceErrors([
      { errorCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back' },
      {
        errorCode: 'REQUIRED_FIELD_MISSING',
        message: 'Required fields are missing: [Company]',
        fields: ['Company'],
      },
    ]);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', vendorCode: 'REQUIRED_FIELD_MISSING' });
  });
});

describe('isSessionInvalid', () => {
  it('recognises INVALID_SESSION_ID only', () => {
    expect(isSessionInvalid(apiError('INVALID_SESSION_ID'))).toBe(true);
    expect(isSessionInvalid(apiError('NOT_FOUND'))).toBe(false);
    expect(isSessionInvalid(new ConnectorError('AUTH', 'x', { vendorCode: 'INVALID_SESSION_ID' }))).toBe(
      false,
    );
    expect(isSessionInvalid(undefined)).toBe(false);
  });
});
