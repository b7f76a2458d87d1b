import {
  ConnectorError,
  type ErrorCode,
  fromHttpStatus,
  fromNetworkError,
  isConnectorError,
  toConnectorError,
} from '@connectorkit/core';

/** How one Salesforce `errorCode` surfaces. */
export interface SalesforceErrorRule {
  readonly code: ErrorCode;
  /** The HTTP status Salesforce answers with, kept on the error for diagnostics. */
  readonly status?: number;
  /** Overrides the code's default `retryable`. */
  readonly retryable?: boolean;
  /** How to fix it, appended to the message. */
  readonly hint?: string;
}

/**
 * Salesforce's `errorCode`s (the `[{ message, errorCode, fields }]` bodies of the REST API) by the
 * code a caller can act on. Codes not listed here become INTERNAL with the errorCode kept as
 * `vendorCode`.
 */
export const SALESFORCE_ERROR_RULES: Readonly<Record<string, SalesforceErrorRule>> = {
  // Credentials and permissions
  INVALID_SESSION_ID: {
    code: 'AUTH',
    status: 401,
    hint: 'the session expired or was revoked and could not be renewed — check `auth` of the connection',
  },
  INVALID_AUTH_HEADER: { code: 'AUTH', status: 401 },
  INVALID_LOGIN: { code: 'AUTH', hint: 'check the user name, password and security token' },
  INSUFFICIENT_ACCESS: { code: 'FORBIDDEN', hint: "the user's profile or permission sets do not allow it" },
  INSUFFICIENT_ACCESS_OR_READONLY: { code: 'FORBIDDEN', hint: 'the user may not change this record' },
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: {
    code: 'FORBIDDEN',
    hint: 'the user may not use a record this one refers to',
  },
  API_DISABLED_FOR_ORG: {
    code: 'FORBIDDEN',
    hint: "the org's edition or the user's profile has no API access",
  },
  API_CURRENTLY_DISABLED: { code: 'FORBIDDEN', hint: 'API access is switched off for the user' },
  FUNCTIONALITY_NOT_ENABLED: { code: 'FORBIDDEN' },
  // Throttling and outages
  REQUEST_LIMIT_EXCEEDED: {
    code: 'RATE_LIMITED',
    status: 403,
    hint: "the org's API request limit (rolling 24 hours) or concurrent request limit is spent",
  },
  TXN_SECURITY_METERING_ERROR: { code: 'RATE_LIMITED' },
  SERVER_UNAVAILABLE: { code: 'UNAVAILABLE', status: 503 },
  UNKNOWN_EXCEPTION: { code: 'UNAVAILABLE', status: 500 },
  QUERY_TIMEOUT: { code: 'TIMEOUT', hint: 'make the query selective (indexed fields in WHERE) or smaller' },
  UNABLE_TO_LOCK_ROW: {
    code: 'CONFLICT',
    retryable: true,
    hint: 'another transaction holds the record; trying again later usually works',
  },
  // Not found
  NOT_FOUND: { code: 'NOT_FOUND', status: 404 },
  ENTITY_IS_DELETED: { code: 'NOT_FOUND', hint: 'the record is in the recycle bin' },
  INVALID_QUERY_LOCATOR: {
    code: 'NOT_FOUND',
    hint: 'query locators expire (15 minutes of inactivity); run the query again',
  },
  // Conflicts
  DUPLICATE_VALUE: { code: 'CONFLICT', status: 400, hint: 'a record with this unique value exists' },
  DUPLICATES_DETECTED: { code: 'CONFLICT', hint: 'a duplicate rule of the org matched an existing record' },
  DUPLICATE_EXTERNAL_ID: { code: 'CONFLICT', hint: 'several records share this external id' },
  MULTIPLE_CHOICES: {
    code: 'CONFLICT',
    status: 300,
    hint: 'several records carry this external id value; make the field unique',
  },
  ENTITY_IS_LOCKED: { code: 'CONFLICT', hint: 'the record is locked (approval process)' },
  DELETE_FAILED: { code: 'CONFLICT', hint: 'other records depend on it' },
  // Invalid input
  MALFORMED_QUERY: { code: 'INVALID_INPUT', status: 400 },
  MALFORMED_SEARCH: { code: 'INVALID_INPUT', status: 400 },
  INVALID_SEARCH: { code: 'INVALID_INPUT', status: 400 },
  INVALID_FIELD: {
    code: 'INVALID_INPUT',
    status: 400,
    hint: 'check the field name (custom fields end with __c)',
  },
  INVALID_TYPE: {
    code: 'INVALID_INPUT',
    status: 400,
    hint: 'check the sObject name (custom objects end with __c)',
  },
  INVALID_QUERY_FILTER_OPERATOR: { code: 'INVALID_INPUT' },
  REQUIRED_FIELD_MISSING: { code: 'INVALID_INPUT', status: 400 },
  MALFORMED_ID: { code: 'INVALID_INPUT', status: 400, hint: 'Salesforce ids have 15 or 18 characters' },
  INVALID_ID_FIELD: { code: 'INVALID_INPUT' },
  INVALID_CROSS_REFERENCE_KEY: { code: 'INVALID_INPUT', hint: 'a referenced record does not exist' },
  INVALID_FIELD_FOR_INSERT_UPDATE: { code: 'INVALID_INPUT', hint: 'the field is read-only' },
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: { code: 'INVALID_INPUT', hint: 'use one of the picklist values' },
  INVALID_EMAIL_ADDRESS: { code: 'INVALID_INPUT' },
  INVALID_TYPE_ON_FIELD_IN_RECORD: { code: 'INVALID_INPUT' },
  STRING_TOO_LONG: { code: 'INVALID_INPUT' },
  NUMBER_OUTSIDE_VALID_RANGE: { code: 'INVALID_INPUT' },
  FIELD_CUSTOM_VALIDATION_EXCEPTION: {
    code: 'INVALID_INPUT',
    hint: 'a validation rule of the org rejected it',
  },
  FIELD_INTEGRITY_EXCEPTION: { code: 'INVALID_INPUT' },
  JSON_PARSER_ERROR: { code: 'INVALID_INPUT' },
  INVALID_BATCH_SIZE: { code: 'INVALID_INPUT' },
  EXCEEDED_ID_LIMIT: { code: 'INVALID_INPUT', hint: 'a collection request takes at most 200 records' },
  INVALIDJOB: { code: 'INVALID_INPUT' },
  INVALIDENTITY: { code: 'INVALID_INPUT' },
  ALL_OR_NONE_OPERATION_ROLLED_BACK: {
    code: 'CONFLICT',
    hint: 'another record of the all-or-none request failed, so this one was rolled back',
  },
  PROCESSING_HALTED: { code: 'CONFLICT', hint: 'an earlier subrequest failed' },
  METHOD_NOT_ALLOWED: { code: 'UNSUPPORTED', status: 405 },
};

/** One entry of Salesforce's error array. */
export interface SalesforceErrorEntry {
  readonly message: string;
  readonly errorCode: string;
  readonly fields?: readonly string[];
}

/** What of a jsforce failure is kept as `cause`: the error entries, never the request. */
export class SalesforceApiError extends Error {
  override readonly name = 'SalesforceApiError';
  constructor(
    message: string,
    readonly errorCode: string,
    readonly errors: readonly SalesforceErrorEntry[],
  ) {
    super(message);
  }
}

interface JsforceFailure {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly errorCode?: unknown;
  readonly data?: unknown;
  readonly code?: unknown;
}

/** True when `error` is Salesforce's answer to a missing, unknown or expired session. */
export function isSessionInvalid(error: unknown): boolean {
  if (error === null || typeof error !== 'object' || isConnectorError(error)) return false;
  const failure = error as JsforceFailure;
  if (failure.errorCode === 'INVALID_SESSION_ID') return true;
  return entriesOf(failure).some((entry) => entry.errorCode === 'INVALID_SESSION_ID');
}

/**
 * Maps whatever jsforce throws onto a `ConnectorError`:
 * - a REST API error (`[{ message, errorCode, fields }]`) by its errorCode
 *   ({@link SALESFORCE_ERROR_RULES}), INTERNAL for codes it does not know, with the errorCode
 *   kept as `vendorCode` and the fields named in the message;
 * - an answer without an error body (`ERROR_HTTP_503` …) by its status (5xx → UNAVAILABLE);
 * - a network failure by its cause (UNAVAILABLE, TIMEOUT).
 */
export function toSalesforceError(error: unknown, what?: string): ConnectorError {
  if (isConnectorError(error)) return error;
  if (error === null || typeof error !== 'object') return toConnectorError(error);
  const failure = error as JsforceFailure;
  const where = what === undefined ? 'Salesforce' : `Salesforce ${what}`;
  const network = fromNetworkError(error);
  if (network !== undefined) {
    return new ConnectorError(network.code, `${where}: ${network.message}`, {
      vendorCode: network.vendorCode,
      cause: error,
    });
  }
  const errorCode = typeof failure.errorCode === 'string' ? failure.errorCode : undefined;
  if (errorCode === undefined) return toConnectorError(error);
  const http = /^ERROR_HTTP_(\d{3})$/.exec(errorCode);
  if (http !== null) {
    const status = Number(http[1]);
    return fromHttpStatus(status, `${where}: HTTP ${status}${excerpt(failure.message)}`, {
      vendorCode: errorCode,
      cause: new SalesforceApiError(`HTTP ${status}`, errorCode, []),
    });
  }
  const entries = entriesOf(failure);
  if (entries.length === 0) {
    entries.push({ message: typeof failure.message === 'string' ? failure.message : errorCode, errorCode });
  }
  return fromSalesforceErrors(entries, where, errorCode);
}

/**
 * Maps Salesforce's error entries (as found in a REST error body, or in a failed record of a
 * collection or composite answer). The first entry decides the code; every entry is named.
 */
export function fromSalesforceErrors(
  entries: readonly SalesforceErrorEntry[],
  where = 'Salesforce',
  errorCode = entries[0]?.errorCode ?? 'UNKNOWN',
): ConnectorError {
  const first =
    entries.find((entry) => entry.errorCode !== 'ALL_OR_NONE_OPERATION_ROLLED_BACK') ?? entries[0];
  const primary = first?.errorCode ?? errorCode;
  const rule = SALESFORCE_ERROR_RULES[primary];
  const described = entries.map(describeEntry).join('; ');
  const fields = [...new Set(entries.flatMap((entry) => entry.fields ?? []))];
  const issues =
    rule?.code === 'INVALID_INPUT' && fields.length > 0
      ? fields.map((field) => ({ path: `$.${field}`, message: first?.message ?? primary }))
      : undefined;
  return new ConnectorError(
    rule?.code ?? 'INTERNAL',
    `${where} failed: ${described}${rule?.hint === undefined ? '' : ` — ${rule.hint}`}`,
    {
      vendorCode: primary,
      status: rule?.status,
      retryable: rule?.retryable,
      issues,
      cause: new SalesforceApiError(described, primary, entries),
    },
  );
}

function describeEntry(entry: SalesforceErrorEntry): string {
  const fields =
    entry.fields !== undefined && entry.fields.length > 0 ? ` (fields: ${entry.fields.join(', ')})` : '';
  return `${entry.errorCode}: ${entry.message}${fields}`;
}

function entriesOf(failure: JsforceFailure): SalesforceErrorEntry[] {
  const data = failure.data;
  return errorEntries(Array.isArray(data) ? data : data !== null && typeof data === 'object' ? [data] : []);
}

/**
 * Salesforce's error entries from a raw list: REST error bodies name the code `errorCode`,
 * save results of collections and composite requests name it `statusCode`; both are read.
 */
export function errorEntries(raw: readonly unknown[]): SalesforceErrorEntry[] {
  const entries: SalesforceErrorEntry[] = [];
  for (const item of raw) {
    if (item === null || typeof item !== 'object') continue;
    const { message, fields } = item as Record<string, unknown>;
    const record = item as Record<string, unknown>;
    const errorCode = typeof record.errorCode === 'string' ? record.errorCode : record.statusCode;
    if (typeof errorCode !== 'string') continue;
    entries.push({
      errorCode,
      message: typeof message === 'string' ? message : errorCode,
      ...(Array.isArray(fields)
        ? { fields: fields.filter((field): field is string => typeof field === 'string') }
        : {}),
    });
  }
  return entries;
}

function excerpt(message: unknown): string {
  if (typeof message !== 'string' || message.trim() === '') return '';
  const text = message
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? '' : ` — ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}
