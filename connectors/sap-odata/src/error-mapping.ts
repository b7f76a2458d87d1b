import {
  ConnectorError,
  codeFromHttpStatus,
  type ErrorCode,
  fromHttpStatus,
  fromNetworkError,
  isConnectorError,
} from '@connectorkit/core';
import { childNamed, readXml } from './xml-reader.js';

/** What an OData error body says. */
export interface ODataErrorBody {
  /** The service's error code (`SY/530`, `SQLITE_CONSTRAINT_PRIMARYKEY`, `invalid_client` …). */
  readonly code?: string;
  readonly message?: string;
  /** Further messages (V4 `details`, V2 `innererror.errordetails`) that differ from the main one. */
  readonly details: readonly string[];
}

/**
 * Reads an error body in any of the forms OData services use: V4 JSON
 * (`error.message`), V2 JSON (`error.message.value`), JSON light (`odata.error`), XML
 * (`<error><code/><message/></error>`), an OAuth error (`error_description`), or plain text.
 */
export function parseErrorBody(text: string, contentType: string | null | undefined): ODataErrorBody {
  const trimmed = text.trim();
  if (trimmed === '') return { details: [] };
  if (trimmed.startsWith('{') || /json/i.test(contentType ?? '')) {
    try {
      return fromJson(JSON.parse(trimmed) as unknown);
    } catch {
      // not JSON after all: fall through to text
    }
  }
  if (trimmed.startsWith('<') && !/^<!doctype html|^<html/i.test(trimmed)) {
    try {
      const root = readXml(trimmed, { maxLength: 1024 * 1024 });
      if (root.name === 'error') {
        const code = childNamed(root, 'code')?.text.trim();
        const message = childNamed(root, 'message')?.text.trim();
        return { ...(code ? { code } : {}), ...(message ? { message } : {}), details: [] };
      }
    } catch {
      // not XML we understand
    }
  }
  const plain = trimmed
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain === ''
    ? { details: [] }
    : { message: plain.length > 300 ? `${plain.slice(0, 300)}…` : plain, details: [] };
}

function fromJson(body: unknown): ODataErrorBody {
  if (body === null || typeof body !== 'object') return { details: [] };
  const record = body as Record<string, unknown>;
  const error = record.error ?? record['odata.error'];
  if (typeof error === 'string') {
    // OAuth 2.0 token endpoint: { error: 'invalid_client', error_description: '…' }
    const description = record.error_description;
    return { code: error, ...(typeof description === 'string' ? { message: description } : {}), details: [] };
  }
  if (error === null || typeof error !== 'object') return { details: [] };
  const inner = error as Record<string, unknown>;
  const code = textOf(inner.code);
  const message = textOf(inner.message);
  const candidates: unknown[] = [];
  if (Array.isArray(inner.details)) candidates.push(...inner.details);
  const innerError = inner.innererror as { errordetails?: unknown } | undefined;
  if (Array.isArray(innerError?.errordetails)) candidates.push(...innerError.errordetails);
  const details = [
    ...new Set(
      candidates
        .map((detail) => textOf((detail as { message?: unknown } | null)?.message))
        .filter((detail): detail is string => detail !== undefined && detail !== message),
    ),
  ];
  return { ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message }), details };
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  if (value !== null && typeof value === 'object') return textOf((value as { value?: unknown }).value);
  return undefined;
}

/** A failed HTTP exchange, as the mapping sees it. */
export interface FailedResponse {
  readonly status: number;
  readonly statusText?: string;
  readonly headers: Pick<Headers, 'get'>;
  readonly body: string;
}

export interface RequestDescription {
  readonly method: string;
  /** The URL, or the part of it worth showing. */
  readonly url: string;
}

const DUPLICATE = /unique constraint|duplicate (key|entry)|already exists/i;

/** Hints appended to the service's message: what is probably wrong and how to fix it. */
const STATUS_HINTS: Readonly<Record<number, string>> = {
  401: 'the service rejected the credentials — check auth in the connection',
  403: 'the user is not authorized for this request',
  404: 'no such entity set, entity or operation — check the names and the key',
  405: 'the service does not allow this method here',
  412: 'the entity changed since its ETag was read — read it again and retry with the new etag',
  428: "the entity set uses optimistic concurrency — pass etag (from get or query, or '*' to overwrite whatever is there)",
  429: 'the service asks to slow down',
};

/**
 * Maps a failed OData response onto a `ConnectorError`: the code from the HTTP status (400 →
 * INVALID_INPUT, 401 → AUTH, 403 → FORBIDDEN, 404 → NOT_FOUND, 409/412/428 → CONFLICT, 429 →
 * RATE_LIMITED, 5xx → UNAVAILABLE …), a duplicate key (SQL unique constraint, "already
 * exists") as CONFLICT whatever the status, the service's error code as `vendorCode` and its
 * message in the text.
 */
export function errorFromResponse(response: FailedResponse, request: RequestDescription): ConnectorError {
  const parsed = parseErrorBody(response.body, response.headers.get('content-type'));
  const status = response.status;
  const serviceMessage = [parsed.message, ...parsed.details].filter(Boolean).join('; ');
  let hint = STATUS_HINTS[status];
  if (status === 403 && response.headers.get('x-csrf-token')?.toLowerCase() === 'required') {
    hint =
      'the CSRF token was rejected, even a freshly fetched one — does the service need session cookies a proxy drops?';
  }
  const duplicate = DUPLICATE.test(serviceMessage) || DUPLICATE.test(parsed.code ?? '');
  if (duplicate) hint = 'an entity with this key already exists';
  const text = [
    `${request.method} ${request.url} failed with ${status}${response.statusText ? ` ${response.statusText}` : ''}`,
    serviceMessage === '' ? undefined : serviceMessage,
    hint,
  ]
    .filter(Boolean)
    .join(' — ');
  const code: ErrorCode = duplicate ? 'CONFLICT' : codeFromHttpStatus(status);
  if (code !== codeFromHttpStatus(status)) {
    return new ConnectorError(code, text, {
      status,
      ...(parsed.code === undefined ? {} : { vendorCode: parsed.code }),
    });
  }
  return fromHttpStatus(status, text, {
    ...(parsed.code === undefined ? {} : { vendorCode: parsed.code }),
    retryAfter: response.headers.get('retry-after'),
  });
}

/**
 * Maps a failure of `fetch` itself: an abort is passed on as is (the kit turns it into TIMEOUT
 * or CANCELLED), a network failure becomes UNAVAILABLE/TIMEOUT with the Node error code,
 * anything else UNAVAILABLE naming the request.
 */
export function errorFromFetchFailure(
  error: unknown,
  request: RequestDescription,
  signal?: AbortSignal,
): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  if (isConnectorError(error)) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') return error;
  const network = fromNetworkError(error);
  if (network !== undefined) {
    return new ConnectorError(network.code, `${request.method} ${request.url}: ${network.message}`, {
      vendorCode: network.vendorCode,
      cause: error,
    });
  }
  const reason =
    error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return new ConnectorError('UNAVAILABLE', `${request.method} ${request.url} failed: ${reason}`, {
    cause: error,
  });
}
