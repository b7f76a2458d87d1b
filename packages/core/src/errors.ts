/**
 * The closed set of error codes every connector maps its failures onto.
 * `retryable` says whether trying the same call again may succeed.
 */
export const ERROR_CODES = {
  INVALID_INPUT: { retryable: false, description: 'the input does not match the action schema' },
  INVALID_OUTPUT: {
    retryable: false,
    description: 'the connector returned data that breaks its output schema',
  },
  INVALID_CONFIG: { retryable: false, description: 'a connection or trigger configuration is wrong' },
  AUTH: { retryable: false, description: 'the credentials were rejected' },
  FORBIDDEN: { retryable: false, description: 'the credentials lack a permission' },
  NOT_FOUND: { retryable: false, description: 'the addressed resource does not exist' },
  CONFLICT: { retryable: false, description: 'the resource changed or already exists' },
  RATE_LIMITED: { retryable: true, description: 'the service asked the caller to slow down' },
  TIMEOUT: { retryable: true, description: 'the call did not finish in time' },
  UNAVAILABLE: { retryable: true, description: 'the service could not be reached or is overloaded' },
  CANCELLED: { retryable: false, description: 'the caller aborted the call' },
  UNSUPPORTED: { retryable: false, description: 'the operation or contract version is not supported' },
  INTERNAL: { retryable: false, description: 'an unexpected failure inside a connector or the kit' },
} as const satisfies Record<string, { retryable: boolean; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Marks errors of every copy of core in the process (see `isConnectorError`). */
const BRAND = Symbol.for('connectorkit.error');

export const errorCodes = Object.keys(ERROR_CODES) as ErrorCode[];

/** One problem found when validating a value against a schema. */
export interface ValidationIssue {
  /** Where the problem is, as a JSONPath (`$.items[0].name`). */
  readonly path: string;
  /** What was expected there. */
  readonly message: string;
}

export interface ConnectorErrorOptions {
  /** The connector whose action or connection failed. */
  connector?: string | undefined;
  /** The action or trigger that failed. */
  action?: string | undefined;
  /** The named connection used. */
  connection?: string | undefined;
  /** For input/config errors: where in the value the (first) problem is, as a JSONPath. */
  path?: string | undefined;
  /** For input/config errors: every problem found. */
  issues?: readonly ValidationIssue[] | undefined;
  /** Overrides the default `retryable` of the code. */
  retryable?: boolean | undefined;
  /** The service's hint on when to try again. */
  retryAfterMs?: number | undefined;
  /** HTTP status or vendor error string, for diagnostics. */
  status?: number | undefined;
  vendorCode?: string | undefined;
  /** The original failure. */
  cause?: unknown;
}

/**
 * The one error type of Connector Kit. Every failure reaching a caller — bad input,
 * a rejected credential, a server that is down — is a `ConnectorError` with a code.
 *
 * @example
 * throw new ConnectorError('NOT_FOUND', `channel '${name}' does not exist`, { vendorCode: 'channel_not_found' });
 */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly connector: string | undefined;
  readonly action: string | undefined;
  readonly connection: string | undefined;
  readonly path: string | undefined;
  readonly issues: readonly ValidationIssue[] | undefined;
  readonly status: number | undefined;
  readonly vendorCode: string | undefined;

  constructor(code: ErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.connector = options.connector;
    this.action = options.action;
    this.connection = options.connection;
    this.path = options.path ?? options.issues?.[0]?.path;
    this.issues = options.issues;
    this.status = options.status;
    this.vendorCode = options.vendorCode;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** `slack.postMessage` or `slack`, whichever is known. */
  get where(): string | undefined {
    if (this.connector === undefined) return this.action;
    return this.action === undefined ? this.connector : `${this.connector}.${this.action}`;
  }

  /** A copy carrying where the error happened, keeping what is already known. */
  withContext(context: Pick<ConnectorErrorOptions, 'connector' | 'action' | 'connection'>): ConnectorError {
    if (
      (this.connector ?? context.connector) === this.connector &&
      (this.action ?? context.action) === this.action &&
      (this.connection ?? context.connection) === this.connection
    ) {
      return this;
    }
    const copy = new ConnectorError(this.code, this.message, {
      ...this.options(),
      connector: this.connector ?? context.connector,
      action: this.action ?? context.action,
      connection: this.connection ?? context.connection,
    });
    if (this.stack !== undefined) copy.stack = this.stack;
    return copy;
  }

  /** A plain, serialisable view for run records, `--json` output and logs. */
  toJSON(): SerializedConnectorError {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.connector === undefined ? {} : { connector: this.connector }),
      ...(this.action === undefined ? {} : { action: this.action }),
      ...(this.connection === undefined ? {} : { connection: this.connection }),
      ...(this.path === undefined ? {} : { path: this.path }),
      ...(this.issues === undefined ? {} : { issues: this.issues }),
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.vendorCode === undefined ? {} : { vendorCode: this.vendorCode }),
    };
  }

  private options(): ConnectorErrorOptions {
    return {
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      path: this.path,
      issues: this.issues,
      status: this.status,
      vendorCode: this.vendorCode,
      cause: this.cause,
    };
  }
}

export interface SerializedConnectorError {
  name: 'ConnectorError';
  code: ErrorCode;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  connector?: string;
  action?: string;
  connection?: string;
  path?: string;
  issues?: readonly ValidationIssue[];
  status?: number;
  vendorCode?: string;
}

/**
 * An INVALID_INPUT error for what an input schema cannot express (e.g. "text or blocks"),
 * pointing at the field by its JSON path.
 */
export function invalidInput(message: string, path: string): ConnectorError {
  return new ConnectorError('INVALID_INPUT', message, { path, issues: [{ path, message }] });
}

/** True for a `ConnectorError`, also one made by another copy of @connectorkit/core in the process. */
export function isConnectorError(value: unknown): value is ConnectorError {
  return (
    value instanceof ConnectorError ||
    (value instanceof Error && (value as { [BRAND]?: unknown })[BRAND] === true)
  );
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** Maps an HTTP status to the code a caller can act on. */
export function codeFromHttpStatus(status: number): ErrorCode {
  if (status === 400 || status === 413 || status === 414 || status === 415 || status === 422)
    return 'INVALID_INPUT';
  if (status === 401) return 'AUTH';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 409 || status === 412 || status === 428) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status === 499) return 'CANCELLED';
  if (status === 405 || status === 501) return 'UNSUPPORTED';
  if (status === 502 || status === 503) return 'UNAVAILABLE';
  if (status >= 500) return 'UNAVAILABLE';
  return 'INTERNAL';
}

/**
 * Builds a `ConnectorError` from an HTTP response status. `retryAfter` accepts the raw
 * `Retry-After` header (seconds or an HTTP date) or milliseconds as a number.
 */
export function fromHttpStatus(
  status: number,
  message: string,
  options: Omit<ConnectorErrorOptions, 'status' | 'retryAfterMs'> & {
    retryAfter?: string | number | null;
  } = {},
): ConnectorError {
  const { retryAfter, ...rest } = options;
  return new ConnectorError(codeFromHttpStatus(status), message, {
    ...rest,
    status,
    retryAfterMs: parseRetryAfter(retryAfter),
  });
}

/** Parses a `Retry-After` header value (delta-seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(
  value: string | number | null | undefined,
  now = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // Date.parse accepts almost anything ("foo 2" is a date in 2001): only HTTP dates count.
  if (!HTTP_DATE.test(trimmed)) return undefined;
  // asctime dates carry no zone; HTTP dates are always GMT, not the machine's local time.
  const date = Date.parse(/GMT$/.test(trimmed) ? trimmed : `${trimmed} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** IMF-fixdate, RFC 850 and asctime, the three forms of an HTTP date (RFC 9110 §5.6.7). */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? .*\b\d{1,2}:\d{2}:\d{2}\b/;

const NETWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  ECONNREFUSED: 'UNAVAILABLE',
  ECONNRESET: 'UNAVAILABLE',
  ECONNABORTED: 'UNAVAILABLE',
  EPIPE: 'UNAVAILABLE',
  EHOSTUNREACH: 'UNAVAILABLE',
  ENETUNREACH: 'UNAVAILABLE',
  ENOTFOUND: 'UNAVAILABLE',
  EAI_AGAIN: 'UNAVAILABLE',
  ETIMEDOUT: 'TIMEOUT',
  ESOCKETTIMEDOUT: 'TIMEOUT',
  UND_ERR_CONNECT_TIMEOUT: 'TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'TIMEOUT',
  UND_ERR_SOCKET: 'UNAVAILABLE',
};

/**
 * Node's TLS verification failures: the server answered, but the client does not trust its
 * certificate (unknown CA, expired, for another host …). Trying again cannot help, so AUTH.
 */
export const TLS_CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NETWORK_HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused — is the server running and the host/port right?',
  ECONNRESET: 'the connection was reset by the server',
  ENOTFOUND: 'the host name could not be resolved — check the host in the connection',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS)',
  ETIMEDOUT: 'the server did not answer in time',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

/** The Node error code (`ECONNREFUSED`, …) of an error or of any error in its cause chain. */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (Object.hasOwn(NETWORK_CODES, code) || TLS_CERTIFICATE_CODES.has(code))) {
      return code;
    }
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      for (const inner of errors) {
        const innerCode = networkErrorCode(inner);
        if (innerCode !== undefined) return innerCode;
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps a Node network failure onto a `ConnectorError`, or returns `undefined` if it is not one. */
export function fromNetworkError(
  error: unknown,
  options: ConnectorErrorOptions = {},
): ConnectorError | undefined {
  const nodeCode = networkErrorCode(error);
  if (nodeCode === undefined) return undefined;
  const tls = TLS_CERTIFICATE_CODES.has(nodeCode);
  const code = tls ? 'AUTH' : (NETWORK_CODES[nodeCode] ?? 'UNAVAILABLE');
  const hint = tls
    ? "the server's TLS certificate is not trusted (unknown CA, expired, or for another host) — give the connection the CA that signed it"
    : (NETWORK_HINTS[nodeCode] ?? 'network failure');
  return new ConnectorError(code, `${nodeCode}: ${hint}`, {
    ...options,
    vendorCode: options.vendorCode ?? nodeCode,
    cause: error,
  });
}

/**
 * Turns anything thrown into a `ConnectorError`: kept as is if it already is one, mapped if it
 * is an abort or a network failure, `INTERNAL` otherwise. The original is kept as `cause`.
 */
export function toConnectorError(error: unknown, context: ConnectorErrorOptions = {}): ConnectorError {
  if (error instanceof ConnectorError) return error.withContext(context);
  if (isConnectorError(error)) {
    // Made by another copy of core: rebuild it as ours, keeping every field.
    const foreign = error as ConnectorError;
    const rebuilt = new ConnectorError(
      isErrorCode(foreign.code) ? foreign.code : 'INTERNAL',
      foreign.message,
      {
        ...foreign.toJSON(),
        cause: foreign.cause,
      },
    );
    if (foreign.stack !== undefined) rebuilt.stack = foreign.stack;
    return rebuilt.withContext(context);
  }
  if (isAbortError(error)) {
    const isTimeout = (error as { name?: unknown }).name === 'TimeoutError';
    return new ConnectorError(
      isTimeout ? 'TIMEOUT' : 'CANCELLED',
      isTimeout ? 'the call timed out' : 'the call was cancelled',
      {
        ...context,
        cause: error,
      },
    );
  }
  const network = fromNetworkError(error, context);
  if (network !== undefined) return network;
  const message =
    error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown failure';
  return new ConnectorError('INTERNAL', message || 'unknown failure', { ...context, cause: error });
}

/**
 * An abort by an `AbortSignal`: a `DOMException` (fetch, `AbortSignal.timeout`) or Node's own
 * `AbortError` (code `ABORT_ERR`). Libraries reuse the name for other failures — ioredis calls
 * a command lost with its connection an `AbortError` — so the name alone does not decide.
 */
function isAbortError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name !== 'AbortError' && name !== 'TimeoutError') return false;
  return error instanceof DOMException || code === 'ABORT_ERR';
}
