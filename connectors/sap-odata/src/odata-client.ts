import { ConnectorError, type Logger, Redacted } from '@connectorkit/core';
import { CookieJar } from './cookie-jar.js';
import { errorFromFetchFailure, errorFromResponse } from './error-mapping.js';
import type { PreciseNumbers } from './normalize-payload.js';
import { abortable, type OAuthClientCredentials, OAuthTokenSource } from './oauth-token-source.js';
import type { QueryOption } from './query-options.js';
import { type ODataVersion, parseMetadata, type ServiceMetadata } from './service-metadata.js';

/** How the connector authenticates. */
export type ODataAuthentication =
  | { readonly type: 'none' }
  | { readonly type: 'basic'; readonly username: string; readonly password: Redacted }
  | ({ readonly type: 'oauth2' } & OAuthClientCredentials);

export interface ODataClientOptions {
  /** The service root, e.g. `https://host/sap/opu/odata/sap/API_BUSINESS_PARTNER`. */
  readonly serviceUrl: string;
  /** `auto` reads the version from `$metadata`. */
  readonly version: ODataVersion | 'auto';
  readonly auth: ODataAuthentication;
  /** Sent with every request to the service (`sap-client`, `APIKey` …); secret values stay wrapped until sent. */
  readonly headers?: Readonly<Record<string, string | Redacted>>;
  /** Added to every request URL (`sap-client=100`), after those of the service URL. */
  readonly queryParameters?: Readonly<Record<string, string>>;
  /** `Accept-Language` of every request (the SAP logon language). */
  readonly language: string;
  /** Fetch and send `X-CSRF-Token` for modifying requests. */
  readonly csrf: boolean;
  readonly preciseNumbers: PreciseNumbers;
  /** The fetch to use; global `fetch` by default (tests pass a fake). */
  readonly fetch?: typeof fetch;
  readonly log?: Logger;
}

export interface ODataRequest {
  readonly method: string;
  /** Relative to the service root (`Orders(1)`, `$batch`), or an absolute URL of the same origin. */
  readonly path: string;
  readonly query?: readonly QueryOption[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal: AbortSignal;
  /** Default: JSON of the service's version. */
  readonly accept?: string;
  /** Return a failed response instead of throwing (for `apiCall`). Default: false. */
  readonly allowFailure?: boolean;
}

export interface ODataResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: string;
  /** The URL requested (for messages). */
  readonly url: string;
}

const MODIFYING = new Set(['POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']);
const METADATA_TIMEOUT_MS = 120_000;

/**
 * One connection to an OData service: authentication (basic or OAuth 2.0 client credentials),
 * CSRF tokens with their session cookies, the cached `$metadata`, and requests that fail as
 * `ConnectorError`s.
 */
export class ODataClient {
  /** The service root, ending with `/`, without query. */
  readonly serviceRoot: string;
  private readonly origin: string;
  private readonly defaultQuery: readonly QueryOption[];
  private readonly fetchFunction: typeof fetch;
  private readonly cookies = new CookieJar();
  private readonly tokens: OAuthTokenSource | undefined;
  private readonly closing = new AbortController();
  private csrfToken: string | undefined;
  /** The service issued no token when asked: do not ask again until a write is refused. */
  private csrfNotIssued = false;
  private csrfPending: Promise<string | undefined> | undefined;
  private cachedMetadata: ServiceMetadata | undefined;
  private metadataPending: Promise<ServiceMetadata> | undefined;
  /** Requests sent, CSRF token fetches (for diagnostics and tests). */
  readonly counters = { requests: 0, csrfFetches: 0 };

  constructor(readonly options: ODataClientOptions) {
    let url: URL;
    try {
      url = new URL(options.serviceUrl);
    } catch (error) {
      throw new ConnectorError('INVALID_CONFIG', `serviceUrl '${options.serviceUrl}' is not a URL`, {
        path: '$.serviceUrl',
        cause: error,
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConnectorError('INVALID_CONFIG', `serviceUrl must be http or https, not ${url.protocol}`, {
        path: '$.serviceUrl',
      });
    }
    if (url.username !== '' || url.password !== '') {
      throw new ConnectorError(
        'INVALID_CONFIG',
        'serviceUrl must not carry credentials — set auth: { type: basic, username, password } instead',
        { path: '$.serviceUrl' },
      );
    }
    // Query parameters of the service URL (`?sap-client=100`) go with every request.
    const fromUrl: QueryOption[] = [...url.searchParams].map(([name, value]) => [
      encodeURIComponent(name),
      encodeURIComponent(value),
    ]);
    const configured: QueryOption[] = Object.entries(options.queryParameters ?? {}).map(([name, value]) => [
      encodeURIComponent(name),
      encodeURIComponent(value),
    ]);
    this.defaultQuery = [...fromUrl, ...configured];
    url.search = '';
    url.hash = '';
    this.serviceRoot = url.href.endsWith('/') ? url.href : `${url.href}/`;
    this.origin = url.origin;
    this.fetchFunction = options.fetch ?? fetch;
    this.tokens =
      options.auth.type === 'oauth2'
        ? new OAuthTokenSource(options.auth, this.fetchFunction, this.closing.signal)
        : undefined;
  }

  /** The version: as configured, or as read from `$metadata` (loading it if needed). */
  async version(signal: AbortSignal): Promise<ODataVersion> {
    if (this.options.version !== 'auto') return this.options.version;
    return (await this.metadata(signal)).version;
  }

  /** The service's `$metadata`, read once and cached. `refresh` reads it again. */
  metadata(signal: AbortSignal, refresh = false): Promise<ServiceMetadata> {
    if (refresh) this.cachedMetadata = undefined;
    if (this.cachedMetadata !== undefined) return Promise.resolve(this.cachedMetadata);
    // Shared by concurrent callers, so it runs on its own signal: one caller giving up does
    // not fail the others.
    this.metadataPending ??= this.loadMetadata().finally(() => {
      this.metadataPending = undefined;
    });
    return abortable(this.metadataPending, signal);
  }

  private async loadMetadata(): Promise<ServiceMetadata> {
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(METADATA_TIMEOUT_MS)]);
    const response = await this.request({
      method: 'GET',
      path: '$metadata',
      accept: 'application/xml',
      signal,
    });
    const metadata = parseMetadata(response.body);
    const configured = this.options.version;
    if (configured !== 'auto' && configured !== metadata.version) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `the connection says version ${configured}, but ${this.serviceRoot}$metadata describes an OData ${metadata.version === 'v4' ? '4.0' : '2.0'} service — set version: ${metadata.version} (or auto)`,
        { path: '$.version' },
      );
    }
    this.cachedMetadata = metadata;
    this.options.log?.debug('read $metadata', {
      version: metadata.version,
      entitySets: metadata.entitySets.size,
      operations: metadata.operations.size,
    });
    return metadata;
  }

  /** The absolute URL of a path, refusing other origins (the connection's credentials go with it). */
  resolve(path: string): URL {
    const url = new URL(path, this.serviceRoot);
    if (url.origin !== this.origin) {
      throw new ConnectorError(
        'INVALID_INPUT',
        `refusing to send the connection's credentials to ${url.origin}: only ${this.origin} is allowed`,
      );
    }
    return url;
  }

  /**
   * Sends a request with the connection's authentication, headers and query parameters. A
   * modifying request carries a CSRF token (fetched first, with its cookies); a 403 with
   * `x-csrf-token: Required` fetches a new one and retries once, and so does a 401 with a
   * cached OAuth token. Fails with a `ConnectorError` unless `allowFailure`.
   */
  async request(request: ODataRequest): Promise<ODataResponse> {
    if (this.closing.signal.aborted) throw new ConnectorError('CANCELLED', 'the OData connection is closed');
    const method = request.method.toUpperCase();
    const modifying = MODIFYING.has(method);
    const url = this.urlOf(request);
    let csrfRetried = false;
    let authRetried = false;
    for (;;) {
      const headers = await this.headersFor(request, modifying);
      const response = await this.send(method, url, headers, request);
      if (
        modifying &&
        this.options.csrf &&
        !csrfRetried &&
        response.status === 403 &&
        response.headers.get('x-csrf-token')?.toLowerCase() === 'required'
      ) {
        csrfRetried = true;
        this.csrfToken = undefined;
        this.csrfNotIssued = false;
        this.options.log?.debug('CSRF token refused; fetching a new one', { url });
        continue;
      }
      if (
        response.status === 401 &&
        this.tokens !== undefined &&
        !authRetried &&
        headers.token?.fresh === false
      ) {
        authRetried = true;
        this.tokens.invalidate(headers.token.value);
        this.options.log?.debug('access token refused; fetching a new one', { url });
        continue;
      }
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        throw new ConnectorError(
          'AUTH',
          `${method} ${url} was redirected (${response.status}) to ${response.headers.get('location') ?? 'another address'} — SAP systems redirect to a logon page when the credentials are missing or not accepted; check auth (and serviceUrl)`,
          { status: response.status },
        );
      }
      if (response.status >= 400 && request.allowFailure !== true) {
        throw errorFromResponse(response, { method, url });
      }
      return response;
    }
  }

  private urlOf(request: ODataRequest): string {
    const url = this.resolve(request.path);
    const present = new Set([...url.searchParams.keys()].map((name) => encodeURIComponent(name)));
    const options = [...(request.query ?? []), ...this.defaultQuery.filter(([name]) => !present.has(name))];
    const extra = options.map(([name, value]) => `${name}=${value}`).join('&');
    if (extra === '') return url.href;
    return `${url.href}${url.search === '' ? '?' : '&'}${extra}`;
  }

  private async headersFor(
    request: ODataRequest,
    modifying: boolean,
  ): Promise<{ values: Record<string, string>; token?: { value: string; fresh: boolean } }> {
    const version = this.options.version === 'auto' ? this.cachedMetadata?.version : this.options.version;
    const values: Record<string, string> = {
      accept:
        request.accept ??
        (version === 'v4'
          ? 'application/json;odata.metadata=minimal;IEEE754Compatible=true'
          : 'application/json'),
      // Without it Node's fetch sends `Accept-Language: *`, which some services choke on.
      'accept-language': this.options.language,
    };
    if (version === 'v2') {
      values.dataserviceversion = '2.0';
      values.maxdataserviceversion = '2.0';
    } else if (version === 'v4') {
      values['odata-version'] = '4.0';
      values['odata-maxversion'] = '4.0';
    }
    addConfiguredHeaders(values, this.options.headers);
    for (const [name, value] of Object.entries(request.headers ?? {})) values[name.toLowerCase()] = value;
    let token: { value: string; fresh: boolean } | undefined;
    const auth = this.options.auth;
    if (auth.type === 'basic') {
      const pair = `${auth.username}:${Redacted.reveal(auth.password)}`;
      values.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else if (this.tokens !== undefined) {
      token = await this.tokens.token(request.signal);
      values.authorization = `Bearer ${token.value}`;
    }
    if (modifying && this.options.csrf) {
      const csrf = await this.csrf(request.signal, values.authorization);
      if (csrf !== undefined) values['x-csrf-token'] = csrf;
    }
    const cookie = this.cookies.header();
    if (cookie !== undefined) values.cookie = cookie;
    return token === undefined ? { values } : { values, token };
  }

  /** The CSRF token for writes: the cached one, or a fresh one (`X-CSRF-Token: Fetch`). */
  private csrf(signal: AbortSignal, authorization: string | undefined): Promise<string | undefined> {
    if (this.csrfToken !== undefined || this.csrfNotIssued) return Promise.resolve(this.csrfToken);
    this.csrfPending ??= this.fetchCsrfToken(authorization).finally(() => {
      this.csrfPending = undefined;
    });
    return abortable(this.csrfPending, signal);
  }

  private async fetchCsrfToken(authorization: string | undefined): Promise<string | undefined> {
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(METADATA_TIMEOUT_MS)]);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'accept-language': this.options.language,
      'x-csrf-token': 'Fetch',
    };
    addConfiguredHeaders(headers, this.options.headers);
    if (authorization !== undefined) headers.authorization = authorization;
    const cookie = this.cookies.header();
    if (cookie !== undefined) headers.cookie = cookie;
    this.counters.csrfFetches++;
    const url = this.urlOf({ method: 'GET', path: '', signal });
    const response = await this.send('GET', url, { values: headers }, { signal });
    const token = response.headers.get('x-csrf-token');
    if (response.status === 401 || response.status === 403) {
      throw errorFromResponse(response, { method: 'GET (X-CSRF-Token: Fetch)', url });
    }
    if (token === null || token === '' || token.toLowerCase() === 'required') {
      this.csrfNotIssued = true;
      this.options.log?.debug('the service issued no CSRF token; writes go without one', { url });
      return undefined;
    }
    this.csrfToken = token;
    return token;
  }

  private async send(
    method: string,
    url: string,
    headers: { values: Record<string, string> },
    request: Pick<ODataRequest, 'body' | 'signal'>,
  ): Promise<ODataResponse> {
    this.counters.requests++;
    const signal = AbortSignal.any([request.signal, this.closing.signal]);
    try {
      const response = await this.fetchFunction(url, {
        method,
        headers: headers.values,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal,
        redirect: 'manual',
      });
      const body = await response.text();
      this.cookies.store(response.headers.getSetCookie?.() ?? []);
      return {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        body,
        url,
      };
    } catch (error) {
      throw errorFromFetchFailure(error, { method, url }, request.signal);
    }
  }

  /** Forgets tokens, cookies and metadata, and aborts requests in flight. */
  close(): void {
    this.closing.abort(new ConnectorError('CANCELLED', 'the OData connection was closed'));
    this.cookies.clear();
    this.csrfToken = undefined;
    this.cachedMetadata = undefined;
  }
}

function addConfiguredHeaders(
  target: Record<string, string>,
  headers: Readonly<Record<string, string | Redacted>> | undefined,
): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    target[name.toLowerCase()] = Redacted.is(value) ? Redacted.reveal(value) : value;
  }
}
