/** The fixture package folder (where `cds serve` runs). */
export declare const FIXTURE_FOLDER: string;
/** The mocked CAP user the service accepts with basic auth. */
export declare const FIXTURE_USER: Readonly<{ username: string; password: string }>;
/** The OAuth 2.0 client the fixture's token endpoint accepts. */
export declare const FIXTURE_OAUTH_CLIENT: Readonly<{ clientId: string; clientSecret: string }>;
/** The service's path below `/odata/v4` and `/odata/v2`. */
export declare const FIXTURE_SERVICE_PATH: string;

export interface StartODataServerOptions {
  /** Guard writes with CSRF tokens as SAP Gateway does. Default: true. */
  readonly csrf?: boolean;
  /** Lifetime of the OAuth tokens the fixture issues. Default: 3600. */
  readonly tokenTtlSeconds?: number;
  /** How long to wait for the server to answer. Default: 30 000. */
  readonly timeoutMs?: number;
}

/** Counters of the fixture's CSRF guard and OAuth token endpoint. */
export interface FixtureStats {
  readonly csrfFetches: number;
  readonly csrfRejections: number;
  readonly tokensIssued: number;
  readonly tokenRejections: number;
}

export interface ODataTestServer extends AsyncDisposable {
  /** Origin of the server, e.g. `http://localhost:41234`. */
  readonly url: string;
  /** Root of the OData V4 service (no trailing slash). */
  readonly v4: string;
  /** Root of the OData V2 service, served by the V2 adapter (no trailing slash). */
  readonly v2: string;
  /** The OAuth 2.0 client-credentials token endpoint. */
  readonly tokenUrl: string;
  readonly user: Readonly<{ username: string; password: string }>;
  readonly oauthClient: Readonly<{ clientId: string; clientSecret: string }>;
  /** The last lines the server printed. */
  output(): string[];
  stats(): Promise<FixtureStats>;
  /** Forgets every CSRF token issued so far: the next write gets 403 `x-csrf-token: Required`. */
  expireCsrfTokens(): Promise<void>;
  /** Forgets every OAuth token issued so far: the next call with one gets 401. */
  revokeOAuthTokens(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a fresh fixture server (SAP CAP on in-memory SQLite) on a free port.
 *
 * @example
 * const server = await startODataServer();
 * afterAll(() => server.stop());
 */
export declare function startODataServer(options?: StartODataServerOptions): Promise<ODataTestServer>;
