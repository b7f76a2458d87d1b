import { ConnectorError, fromHttpStatus, fromNetworkError, isConnectorError } from '../errors.js';
import { Redacted } from '../redaction.js';
import { backoffDelay, type RetryPolicy, resolveRetry, sleep } from '../retry.js';

/**
 * How a client proves who it is. Every credential is a `Redacted`, so that a client (or a
 * request option) printed in a log or an error shows `<redacted>`.
 */
export type HttpAuth =
  | { readonly type: 'none' }
  /** `Authorization: Bearer <token>` — API tokens and OAuth 2 access tokens. */
  | { readonly type: 'bearer'; readonly token: Redacted }
  /** `Authorization: Basic base64(username:password)`. */
  | { readonly type: 'basic'; readonly username: string; readonly password: Redacted }
  /** An API key in a header of its own (`X-API-Key: <value>`), optionally after a prefix (`Token `). */
  | { readonly type: 'header'; readonly name: string; readonly value: Redacted; readonly prefix?: string }
  /** An API key in the query string (`?api_key=<value>`); never shown in error messages. */
  | { readonly type: 'query'; readonly name: string; readonly value: Redacted };

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export type QueryValue = string | number | boolean;

/**
 * How the response body is read: `auto` parses JSON content types, reads `text/*` as a string
 * and anything else as bytes; an empty body is `undefined` whatever the choice.
 */
export type HttpResponseType = 'auto' | 'json' | 'text' | 'bytes';

export interface HttpClientOptions {
  /** Every request path is resolved below it: `https://api.acme.com/v2` + `/items` → `…/v2/items`. */
  readonly baseUrl: string;
  /** Credentials sent with every request (a request can override them). Default: none. */
  readonly auth?: HttpAuth;
  /** Headers sent with every request: API version, User-Agent … */
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborts every request of the client, e.g. when its connection closes. */
  readonly signal?: AbortSignal;
  /** Time limit of one request, in milliseconds; 0 disables it. Default 30 000. */
  readonly timeoutMs?: number;
  /**
   * Retries of one request on retryable failures (429, 502-504, network errors), waiting at
   * least the service's `Retry-After`. Off by default: the kit already retries whole
   * idempotent actions, so this is for loops that should not restart from the beginning — a
   * pagination walk, a batch. Applies to idempotent methods only unless a request asks.
   */
  readonly retry?: Partial<RetryPolicy> | number;
  /** The fetch implementation; global `fetch` by default. */
  readonly fetch?: typeof fetch;
}

export interface HttpRequest {
  /** Default GET. */
  readonly method?: HttpMethod;
  /**
   * Path below the base URL with `{name}` placeholders filled from `params` (`/items/{id}`),
   * or an absolute URL on the base URL's origin (a next-page link).
   */
  readonly path: string;
  /** Values of the path's `{name}` placeholders, URL-encoded. */
  readonly params?: Readonly<Record<string, QueryValue>>;
  /** Query parameters; arrays repeat the name (`?tag=a&tag=b`), `undefined` and `null` are left out. */
  readonly query?: Readonly<Record<string, QueryValue | readonly QueryValue[] | null | undefined>>;
  /** Extra headers; `undefined` values are left out. */
  readonly headers?: Readonly<Record<string, QueryValue | undefined>>;
  /**
   * The request body: sent as JSON unless it is a string, bytes, `URLSearchParams`, `FormData`
   * or a `Blob`, which fetch sends as they are.
   */
  readonly body?: unknown;
  readonly responseType?: HttpResponseType;
  /** Cancels this request: pass the action's `ctx.signal`. */
  readonly signal?: AbortSignal;
  /** Overrides the client's time limit for this request. */
  readonly timeoutMs?: number;
  /** Overrides the client's credentials for this request (`{ type: 'none' }` for public endpoints). */
  readonly auth?: HttpAuth;
  /** Overrides the client's retry policy for this request; `false` disables it. */
  readonly retry?: Partial<RetryPolicy> | number | false;
}

/** Options of the shorthand methods (`get`, `post` …). */
export type HttpCallOptions = Omit<HttpRequest, 'method' | 'path' | 'body'>;

export interface HttpResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly body: T;
}

/** A small JSON-over-HTTP client whose every failure is a `ConnectorError`. */
export interface HttpClient {
  readonly baseUrl: string;
  /** Sends a request; resolves for 2xx and 3xx statuses, rejects with a `ConnectorError` otherwise. */
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
  get<T = unknown>(path: string, options?: HttpCallOptions): Promise<T>;
  delete<T = unknown>(path: string, options?: HttpCallOptions): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, options?: HttpCallOptions): Promise<T>;
  put<T = unknown>(path: string, body?: unknown, options?: HttpCallOptions): Promise<T>;
  patch<T = unknown>(path: string, body?: unknown, options?: HttpCallOptions): Promise<T>;
}

const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const DEFAULT_TIMEOUT_MS = 30_000;
const MESSAGE_LIMIT = 300;

/**
 * Creates a client for a JSON HTTP API: base URL, credentials, time limits and the mapping
 * of statuses and network failures onto `ConnectorError` codes (`Retry-After` becomes
 * `retryAfterMs`, so the kit's retries wait as long as the service asked).
 *
 * @example
 * export const acmeConnection = defineConnection({
 *   config: Type.Object({ baseUrl: Type.String({ default: 'https://api.acme.com/v1' }), token: Secret() }),
 *   connect: (config) => createHttpClient({ baseUrl: config.baseUrl, auth: { type: 'bearer', token: config.token } }),
 * });
 * // in an action: await ctx.client.get<Item>('/items/{id}', { params: { id }, signal: ctx.signal });
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const baseUrl = parseBaseUrl(options.baseUrl);
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  const clientRetry = options.retry === undefined ? undefined : resolveRetry(options.retry);

  const request = async <T>(request: HttpRequest): Promise<HttpResponse<T>> => {
    const method = request.method ?? 'GET';
    const policy =
      request.retry === false
        ? undefined
        : request.retry !== undefined
          ? resolveRetry(request.retry)
          : IDEMPOTENT_METHODS.has(method)
            ? clientRetry
            : undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return await send<T>(request, method);
      } catch (error) {
        const failure = error as ConnectorError;
        const retry =
          policy !== undefined &&
          attempt < policy.attempts &&
          failure.retryable &&
          request.signal?.aborted !== true &&
          options.signal?.aborted !== true &&
          (failure.retryAfterMs ?? 0) <= policy.maxRetryAfterMs;
        if (!retry) throw failure;
        await sleep(backoffDelay(policy, attempt, failure.retryAfterMs), request.signal).catch(
          (reason: unknown) => {
            throw cancelled(`${method} ${describePath(request.path)}`, reason);
          },
        );
      }
    }
  };

  const send = async <T>(request: HttpRequest, method: HttpMethod): Promise<HttpResponse<T>> => {
    let where = `${method} ${describePath(request.path)}`;
    const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signals = [request.signal, options.signal, timeout].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
    try {
      const url = buildUrl(baseUrl, request);
      where = `${method} ${url.pathname}`;
      const headers = new Headers({ accept: 'application/json, text/plain;q=0.9, */*;q=0.8' });
      for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
      for (const [name, value] of Object.entries(request.headers ?? {})) {
        if (value !== undefined) headers.set(name, String(value));
      }
      applyAuth(request.auth ?? options.auth ?? { type: 'none' }, headers, url);
      const body = encodeBody(request.body, headers, where);
      const response = await fetchImplementation(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        ...(signal === undefined ? {} : { signal }),
      });
      if (!response.ok) throw await statusError(response, where);
      const parsed = await readBody(response, method, request.responseType ?? 'auto', where);
      return { status: response.status, headers: response.headers, url: response.url, body: parsed as T };
    } catch (error) {
      if (isConnectorError(error)) throw error;
      if (timeout?.aborted === true) {
        throw new ConnectorError('TIMEOUT', `${where}: no response within ${timeoutMs} ms`, { cause: error });
      }
      if (signal?.aborted === true) throw cancelled(where, signal.reason);
      const network = fromNetworkError(error);
      if (network !== undefined) {
        throw new ConnectorError(network.code, `${where}: ${network.message}`, {
          vendorCode: network.vendorCode,
          cause: error,
        });
      }
      throw new ConnectorError('UNAVAILABLE', `${where}: the request failed — ${messageOf(error)}`, {
        cause: error,
      });
    }
  };

  return httpClientFrom(baseUrl.href, request);
}

/**
 * An `HttpClient` around a `request` function: `get`, `post` … send through it. For a client
 * that wraps another one (adds a token per request, say) without repeating the shortcuts.
 */
export function httpClientFrom(
  baseUrl: string,
  request: <T>(request: HttpRequest) => Promise<HttpResponse<T>>,
): HttpClient {
  return {
    baseUrl,
    request,
    get: async (path, callOptions) => (await request({ ...callOptions, method: 'GET', path })).body as never,
    delete: async (path, callOptions) =>
      (await request({ ...callOptions, method: 'DELETE', path })).body as never,
    post: async (path, body, callOptions) =>
      (await request({ ...callOptions, method: 'POST', path, body })).body as never,
    put: async (path, body, callOptions) =>
      (await request({ ...callOptions, method: 'PUT', path, body })).body as never,
    patch: async (path, body, callOptions) =>
      (await request({ ...callOptions, method: 'PATCH', path, body })).body as never,
  };
}

function parseBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `baseUrl '${value}' is not an absolute URL — expected e.g. https://api.acme.com/v1`,
      { path: '$.baseUrl' },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `baseUrl must start with http:// or https://, got ${url.protocol}//`,
      {
        path: '$.baseUrl',
      },
    );
  }
  // A trailing slash makes relative paths land below the base path, not beside it.
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

function buildUrl(baseUrl: URL, request: HttpRequest): URL {
  const path = request.path.replace(/\{([^{}]+)\}/g, (_placeholder, name: string) => {
    const value = request.params?.[name];
    if (value === undefined) {
      throw new ConnectorError(
        'INVALID_INPUT',
        `path ${request.path} needs a value for {${name}} — pass it in params`,
      );
    }
    return encodeURIComponent(String(value));
  });
  let url: URL;
  if (/^https?:\/\//i.test(path)) {
    url = new URL(path);
    // Credentials go to the API's origin only, never to a host named by a response.
    if (url.origin !== baseUrl.origin) {
      throw new ConnectorError(
        'INVALID_INPUT',
        `refusing to send a request to ${url.origin}: only ${baseUrl.origin} (the baseUrl) is allowed`,
      );
    }
  } else {
    url = new URL(path.replace(/^\/+/, ''), baseUrl);
  }
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value as readonly QueryValue[]) url.searchParams.append(name, String(item));
    } else {
      url.searchParams.append(name, String(value));
    }
  }
  return url;
}

function applyAuth(auth: HttpAuth, headers: Headers, url: URL): void {
  switch (auth.type) {
    case 'none':
      return;
    case 'bearer':
      headers.set('authorization', `Bearer ${Redacted.reveal(auth.token)}`);
      return;
    case 'basic': {
      const credentials = `${auth.username}:${Redacted.reveal(auth.password)}`;
      headers.set('authorization', `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`);
      return;
    }
    case 'header':
      headers.set(auth.name, `${auth.prefix ?? ''}${Redacted.reveal(auth.value)}`);
      return;
    case 'query':
      url.searchParams.set(auth.name, Redacted.reveal(auth.value));
      return;
  }
}

function encodeBody(body: unknown, headers: Headers, where: string): RequestInit['body'] {
  if (body === undefined) return undefined;
  if (
    typeof body === 'string' ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    body instanceof URLSearchParams ||
    body instanceof FormData ||
    body instanceof Blob
  ) {
    return body as RequestInit['body'];
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `${where}: the body cannot be sent as JSON — ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
}

async function readBody(
  response: Response,
  method: HttpMethod,
  responseType: HttpResponseType,
  where: string,
): Promise<unknown> {
  if (method === 'HEAD' || response.status === 204 || response.status === 205) {
    await response.body?.cancel();
    return undefined;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength === 0) return undefined;
  const contentType = response.headers.get('content-type') ?? '';
  const kind = responseType === 'auto' ? kindOf(contentType) : responseType;
  if (kind === 'bytes') return bytes;
  const text = new TextDecoder().decode(bytes);
  if (kind === 'text') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConnectorError(
      'INTERNAL',
      `${where}: the response is not valid JSON (content-type '${contentType || 'none'}'): ${excerpt(text)}`,
      { status: response.status, cause: error },
    );
  }
}

function kindOf(contentType: string): 'json' | 'text' | 'bytes' {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === '' || type.startsWith('text/')) return 'text';
  return 'bytes';
}

async function statusError(response: Response, where: string): Promise<ConnectorError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The status alone still says what went wrong.
  }
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const detail = parsed === undefined ? excerpt(text) : (serviceMessage(parsed) ?? excerpt(text));
  const statusText = response.statusText === '' ? '' : ` ${response.statusText}`;
  const vendorCode = serviceCode(parsed);
  return fromHttpStatus(
    response.status,
    `${where} → ${response.status}${statusText}${detail === '' ? '' : `: ${detail}`}`,
    {
      retryAfter: response.headers.get('retry-after'),
      ...(vendorCode === undefined ? {} : { vendorCode }),
    },
  );
}

/** The human message of a JSON error body, in the shapes APIs commonly use. */
function serviceMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return excerpt(body);
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['message', 'error_description', 'detail', 'title', 'error']) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') return excerpt(value);
    if (key === 'error' && value !== null && typeof value === 'object') return serviceMessage(value);
  }
  const errors = record.errors;
  if (Array.isArray(errors) && errors.length > 0) return serviceMessage(errors[0]);
  return undefined;
}

function serviceCode(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['code', 'error_code', 'errorCode', 'error']) {
    const value = record[key];
    if (typeof value === 'string' && value !== '' && value.length <= 100) return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

function excerpt(text: string): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length <= MESSAGE_LIMIT ? single : `${single.slice(0, MESSAGE_LIMIT - 1)}…`;
}

function cancelled(where: string, reason: unknown): ConnectorError {
  if (isConnectorError(reason)) return reason;
  const isTimeout = (reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
  return new ConnectorError(
    isTimeout ? 'TIMEOUT' : 'CANCELLED',
    `${where}: ${isTimeout ? 'timed out' : 'cancelled by the caller'}`,
    { cause: reason },
  );
}

function describePath(path: string): string {
  return path.split('?')[0] ?? path;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
