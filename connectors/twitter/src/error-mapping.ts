import {
  ConnectorError,
  type ErrorCode,
  fromHttpStatus,
  fromNetworkError,
  isConnectorError,
  toConnectorError,
} from '@connectorkit/core';

/** API v2 problem types (the last segment of `type`) by the code a caller can act on. */
export const TWITTER_PROBLEM_CODES: Readonly<Record<string, ErrorCode>> = {
  'resource-not-found': 'NOT_FOUND',
  'not-authorized-for-resource': 'FORBIDDEN',
  'not-authorized-for-field': 'FORBIDDEN',
  'unsupported-authentication': 'FORBIDDEN',
  'client-forbidden': 'FORBIDDEN',
  'usage-capped': 'RATE_LIMITED',
  'invalid-request': 'INVALID_INPUT',
  'disallowed-resource': 'FORBIDDEN',
  'resource-unavailable': 'UNAVAILABLE',
  conflict: 'CONFLICT',
  'duplicate-rules': 'CONFLICT',
  'rule-cap': 'CONFLICT',
  'operational-disconnect': 'UNAVAILABLE',
  'streaming-connection': 'UNAVAILABLE',
};

/** How to fix what a status says, appended to the message. */
const HINTS: Readonly<Record<number, string>> = {
  401: 'X does not accept the credentials — check `bearerToken`, `userAccessToken` or the OAuth 1.0a keys of the connection',
  403: 'the credentials may not do this',
};

/** What of an SDK failure is kept as `cause`: never the request (its headers carry the credentials). */
export class TwitterSdkError extends Error {
  override readonly name = 'TwitterSdkError';
  constructor(
    message: string,
    /** HTTP status of a response error. */
    readonly status: number | undefined,
    /** The response body (`errors`, `title`, `detail`, `type`). */
    readonly data: unknown,
    /** The rate-limit headers of the response. */
    readonly rateLimit:
      | { readonly limit: number; readonly remaining: number; readonly reset: number }
      | undefined,
  ) {
    super(message);
  }
}

interface SdkFailure {
  readonly type?: unknown;
  readonly code?: unknown;
  readonly data?: unknown;
  readonly rateLimit?: unknown;
  readonly requestError?: unknown;
  readonly responseError?: unknown;
  readonly message?: unknown;
  /** Where the SDK's request handler leaves the network error (its `requestError` getter reads another field). */
  readonly _options?: { readonly error?: unknown };
}

interface ProblemBody {
  readonly title?: unknown;
  readonly detail?: unknown;
  readonly type?: unknown;
  readonly errors?: readonly {
    readonly message?: unknown;
    readonly detail?: unknown;
    readonly type?: unknown;
    readonly parameters?: unknown;
  }[];
}

function problemType(type: unknown): string | undefined {
  if (typeof type !== 'string' || type === 'about:blank') return undefined;
  return type.split('/').at(-1);
}

/** A readable sentence from an API v2 error body. */
export function describeProblem(body: unknown): {
  text: string;
  vendorCode: string | undefined;
  parameter: string | undefined;
} {
  const problem = (body ?? {}) as ProblemBody;
  const first = problem.errors?.[0];
  const parameters = (first?.parameters ?? {}) as Record<string, unknown>;
  const parameter = Object.keys(parameters)[0];
  const parts = [problem.title, problem.detail, first?.message ?? first?.detail].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  const unique = parts.filter((part, index) => parts.indexOf(part) === index);
  return {
    text: unique.join(': ') || 'no details',
    vendorCode: problemType(problem.type) ?? problemType(first?.type),
    parameter,
  };
}

/**
 * Maps whatever twitter-api-v2 throws onto a `ConnectorError`:
 * - a response error by its problem type, else by its HTTP status (401 AUTH, 403 FORBIDDEN,
 *   404 NOT_FOUND, 400 INVALID_INPUT, 409 CONFLICT, 5xx UNAVAILABLE, 504 TIMEOUT);
 * - 429 to RATE_LIMITED with `retryAfterMs` until `x-rate-limit-reset`;
 * - a request error by its network cause (UNAVAILABLE, TIMEOUT; CANCELLED when aborted).
 *
 * The SDK error is kept as `cause` without its request, so that no credential travels with it.
 */
export function toTwitterError(
  error: unknown,
  operation?: string,
  sandbox = false,
  now = Date.now(),
): ConnectorError {
  if (isConnectorError(error)) return error;
  if (error === null || typeof error !== 'object') return toConnectorError(error);
  const failure = error as SdkFailure;
  const what = operation === undefined ? 'Twitter/X' : `Twitter/X ${operation}`;
  if (failure.type === 'response' && typeof failure.code === 'number') {
    const status = failure.code;
    const rateLimit = failure.rateLimit as TwitterSdkError['rateLimit'];
    const { text, vendorCode, parameter } = describeProblem(failure.data);
    const cause = new TwitterSdkError(`HTTP ${status}: ${text}`, status, failure.data, rateLimit);
    if (status === 429) {
      const retryAfterMs = rateLimit === undefined ? undefined : Math.max(0, rateLimit.reset * 1000 - now);
      return new ConnectorError(
        'RATE_LIMITED',
        `${what}: rate limited (HTTP 429)${retryAfterMs === undefined ? '' : ` — the window resets in ${Math.ceil(retryAfterMs / 1000)} s`}`,
        { status, vendorCode: vendorCode ?? 'too-many-requests', retryAfterMs, cause },
      );
    }
    const mapped = vendorCode === undefined ? undefined : TWITTER_PROBLEM_CODES[vendorCode];
    const hint = HINTS[status];
    const message = `${what}: HTTP ${status} — ${text}${hint === undefined ? '' : ` (${hint})`}`;
    if (mapped !== undefined && status < 500) {
      return new ConnectorError(mapped, message, {
        status,
        vendorCode,
        cause,
        ...(mapped === 'INVALID_INPUT' && parameter !== undefined ? { path: `$.${parameter}` } : {}),
      });
    }
    return fromHttpStatus(status, message, { vendorCode: vendorCode ?? `http_${status}`, cause });
  }
  if (failure.type === 'request' || failure.type === 'partial-response') {
    const requestError = (failure.requestError ?? failure.responseError ?? failure._options?.error) as
      | { name?: unknown; code?: unknown; message?: unknown }
      | undefined;
    const cause = new TwitterSdkError(
      typeof requestError?.message === 'string'
        ? requestError.message
        : String(failure.message ?? 'request failed'),
      undefined,
      undefined,
      undefined,
    );
    if (requestError?.name === 'AbortError' || requestError?.code === 'ABORT_ERR') {
      return new ConnectorError('CANCELLED', `${what}: the request was cancelled`, { cause });
    }
    const network = fromNetworkError(requestError, { cause });
    if (network !== undefined) {
      const start =
        sandbox && network.code === 'UNAVAILABLE'
          ? ' — is the emulator running? `ck sandbox start twitter`'
          : '';
      return new ConnectorError(network.code, `${what}: ${network.message}${start}`, {
        vendorCode: network.vendorCode,
        cause,
      });
    }
    return new ConnectorError('UNAVAILABLE', `${what}: the request failed — ${cause.message}`, { cause });
  }
  return toConnectorError(error);
}

/**
 * The `errors` of a 200 answer without `data` (a lookup of a tweet or user that does not exist
 * or cannot be seen) as a `ConnectorError`.
 */
export function fromPartialErrors(body: unknown, what: string): ConnectorError {
  const { text, vendorCode, parameter } = describeProblem(body);
  const code = (vendorCode === undefined ? undefined : TWITTER_PROBLEM_CODES[vendorCode]) ?? 'INTERNAL';
  return new ConnectorError(code, `Twitter/X ${what}: ${text}`, {
    status: 200,
    vendorCode,
    ...(code === 'INVALID_INPUT' && parameter !== undefined ? { path: `$.${parameter}` } : {}),
  });
}
