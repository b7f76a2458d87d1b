import { ConnectorError, type ErrorCode, Redacted } from '@connectorkit/core';
import { errorFromFetchFailure, parseErrorBody } from './error-mapping.js';

/** OAuth 2.0 client credentials (RFC 6749 §4.4) as the connection configures them. */
export interface OAuthClientCredentials {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: Redacted;
  readonly scope?: string | undefined;
  /** Extra form parameters of the token request (`resource`, `audience` …). */
  readonly tokenParameters?: Readonly<Record<string, string>> | undefined;
  /** `basic`: HTTP Basic with the client id and secret (default); `body`: both in the form. */
  readonly clientAuthentication?: 'basic' | 'body' | undefined;
}

export interface AccessToken {
  readonly value: string;
  /** True when the token was fetched for this call (a 401 with it is not worth a retry). */
  readonly fresh: boolean;
}

/** Token requests give up after this long, whoever waits for them. */
const TOKEN_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * Fetches access tokens with the client-credentials grant and caches each until shortly
 * before it expires. Concurrent callers share one token request.
 */
export class OAuthTokenSource {
  private cached: { value: string; expiresAt: number } | undefined;
  private pending: Promise<{ value: string; expiresAt: number }> | undefined;
  /** Token requests made so far (for diagnostics and tests). */
  requests = 0;

  constructor(
    private readonly credentials: OAuthClientCredentials,
    private readonly fetchFunction: typeof fetch,
    private readonly closed: AbortSignal,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid access token: the cached one, or a new one. */
  async token(signal: AbortSignal): Promise<AccessToken> {
    const cached = this.cached;
    if (cached !== undefined && cached.expiresAt > this.now()) return { value: cached.value, fresh: false };
    this.pending ??= this.request().finally(() => {
      this.pending = undefined;
    });
    const token = await abortable(this.pending, signal);
    return { value: token.value, fresh: true };
  }

  /** Forgets a token the service rejected, so that the next call fetches a new one. */
  invalidate(value: string): void {
    if (this.cached?.value === value) this.cached = undefined;
  }

  private async request(): Promise<{ value: string; expiresAt: number }> {
    const { tokenUrl, clientId, clientSecret, scope, tokenParameters, clientAuthentication } =
      this.credentials;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope !== undefined && scope !== '') form.set('scope', scope);
    for (const [name, value] of Object.entries(tokenParameters ?? {})) form.set(name, value);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (clientAuthentication === 'body') {
      form.set('client_id', clientId);
      form.set('client_secret', Redacted.reveal(clientSecret));
    } else {
      // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
      const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(Redacted.reveal(clientSecret))}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    }
    const signal = AbortSignal.any([this.closed, AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS)]);
    const request = { method: 'POST', url: tokenUrl };
    this.requests++;
    let response: Response;
    let body: string;
    try {
      response = await this.fetchFunction(tokenUrl, {
        method: 'POST',
        headers,
        body: form.toString(),
        signal,
        redirect: 'manual',
      });
      body = await response.text();
    } catch (error) {
      const mapped = errorFromFetchFailure(error, request);
      if (mapped instanceof ConnectorError) throw mapped;
      throw new ConnectorError('TIMEOUT', `the OAuth token request to ${tokenUrl} did not finish in time`, {
        cause: error,
      });
    }
    if (!response.ok) throw tokenError(response, body, tokenUrl, clientId);
    let parsed: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch (error) {
      throw new ConnectorError(
        'UNSUPPORTED',
        `the OAuth token endpoint ${tokenUrl} did not answer with JSON — is tokenUrl the token endpoint?`,
        { cause: error },
      );
    }
    if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
      throw new ConnectorError(
        'UNSUPPORTED',
        `the OAuth token endpoint ${tokenUrl} answered without an access_token`,
      );
    }
    if (typeof parsed.token_type === 'string' && parsed.token_type.toLowerCase() !== 'bearer') {
      throw new ConnectorError(
        'UNSUPPORTED',
        `the OAuth token endpoint ${tokenUrl} issued a '${parsed.token_type}' token; only bearer tokens are supported`,
      );
    }
    const lifetimeSeconds = Number(parsed.expires_in ?? DEFAULT_LIFETIME_SECONDS);
    const lifetimeMs =
      (Number.isFinite(lifetimeSeconds) && lifetimeSeconds > 0 ? lifetimeSeconds : DEFAULT_LIFETIME_SECONDS) *
      1000;
    // Renew a little early, so that a token does not expire between being read and being used.
    const margin = Math.min(60_000, lifetimeMs / 10);
    const token = { value: parsed.access_token, expiresAt: this.now() + lifetimeMs - margin };
    this.cached = token;
    return token;
  }
}

function tokenError(response: Response, body: string, tokenUrl: string, clientId: string): ConnectorError {
  const parsed = parseErrorBody(body, response.headers.get('content-type'));
  const status = response.status;
  let code: ErrorCode = 'UNAVAILABLE';
  let hint = 'the token endpoint failed';
  if (status === 400 || status === 401 || status === 403) {
    code = parsed.code === 'invalid_scope' ? 'INVALID_CONFIG' : 'AUTH';
    hint =
      parsed.code === 'invalid_scope'
        ? 'check scope in the connection'
        : `check clientId ('${clientId}') and clientSecret in the connection`;
  } else if (status === 404) {
    code = 'INVALID_CONFIG';
    hint = 'check tokenUrl in the connection';
  } else if (status === 429) {
    code = 'RATE_LIMITED';
  } else if (status >= 300 && status < 400) {
    code = 'INVALID_CONFIG';
    hint = `the token endpoint redirects to ${response.headers.get('location') ?? 'another address'} — check tokenUrl`;
  }
  const said = [parsed.code, parsed.message].filter(Boolean).join(': ');
  return new ConnectorError(
    code,
    `the OAuth token request to ${tokenUrl} failed with ${status}${said === '' ? '' : ` (${said})`} — ${hint}`,
    { status, ...(parsed.code === undefined ? {} : { vendorCode: parsed.code }) },
  );
}

/** Waits for a shared promise, but lets one waiter give up on its own signal. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
