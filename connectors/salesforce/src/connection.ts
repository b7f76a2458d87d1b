import {
  ConnectorError,
  defineConnection,
  findSandboxEmulator,
  Redacted,
  Secret,
  type Static,
  Type,
} from '@connectorkit/core';
import { createSalesforceClient, type SalesforceClient } from './salesforce-client.js';
import type { Grant } from './token-grant.js';

/** Salesforce's production login host; sandboxes (the Salesforce kind) use https://test.salesforce.com. */
export const SALESFORCE_LOGIN_URL = 'https://login.salesforce.com';

/** The REST API version used when the connection names none. */
export const DEFAULT_API_VERSION = '62.0';

const ClientId = Type.String({
  minLength: 1,
  description: "Consumer key of the connected app (External Client App) — the JWT's issuer for jwtBearer",
});

/** How the connection signs in: one of Salesforce's OAuth 2.0 flows, or a session id you already hold. */
export const SalesforceAuth = Type.Union(
  [
    Type.Object(
      {
        type: Type.Literal('clientCredentials'),
        clientId: ClientId,
        clientSecret: Secret({ description: 'Consumer secret of the connected app', minLength: 1 }),
      },
      {
        additionalProperties: false,
        description: 'OAuth 2.0 client credentials flow (server-to-server, runs as the app’s execution user)',
      },
    ),
    Type.Object(
      {
        type: Type.Literal('jwtBearer'),
        clientId: ClientId,
        username: Type.String({ minLength: 1, description: 'The user the app acts as (the JWT subject)' }),
        privateKey: Secret({
          description: 'PEM private key whose certificate is uploaded to the connected app (RS256)',
          minLength: 1,
        }),
        audience: Type.Optional(
          Type.String({
            minLength: 1,
            description:
              'The JWT audience; default the login URL (https://login.salesforce.com or https://test.salesforce.com)',
          }),
        ),
      },
      { additionalProperties: false, description: 'OAuth 2.0 JWT bearer flow' },
    ),
    Type.Object(
      {
        type: Type.Literal('refreshToken'),
        clientId: ClientId,
        clientSecret: Type.Optional(Secret({ description: 'Consumer secret, when the app requires it' })),
        refreshToken: Secret({ description: 'A refresh token issued to the connected app', minLength: 1 }),
      },
      { additionalProperties: false, description: 'OAuth 2.0 refresh token flow' },
    ),
    Type.Object(
      {
        type: Type.Literal('password'),
        clientId: ClientId,
        clientSecret: Secret({ description: 'Consumer secret of the connected app', minLength: 1 }),
        username: Type.String({ minLength: 1 }),
        password: Secret({ minLength: 1 }),
        securityToken: Type.Optional(
          Secret({
            description: "The user's security token, appended to the password when the org requires it",
          }),
        ),
      },
      { additionalProperties: false, description: 'OAuth 2.0 username-password flow' },
    ),
    Type.Object(
      {
        type: Type.Literal('accessToken'),
        accessToken: Secret({
          description:
            'A session id / access token; it cannot be renewed, so it fails with AUTH once it expires',
          minLength: 1,
        }),
      },
      { additionalProperties: false, description: 'A session id obtained elsewhere (needs `instanceUrl`)' },
    ),
  ],
  { description: 'How the connection signs in' },
);

export type SalesforceAuth = Static<typeof SalesforceAuth>;

/** Configuration of a Salesforce connection (connectorkit.yaml or `createKit({ connections })`). */
export const SalesforceConnectionConfig = Type.Object(
  {
    loginUrl: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Where OAuth tokens are requested (default ${SALESFORCE_LOGIN_URL}; https://test.salesforce.com for a Salesforce sandbox org, or the My Domain URL)`,
      }),
    ),
    instanceUrl: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "The org's instance URL (https://yourorg.my.salesforce.com). Required with `accessToken`; otherwise taken from the token response",
      }),
    ),
    auth: Type.Optional(SalesforceAuth),
    apiVersion: Type.Optional(
      Type.String({
        pattern: '^\\d{2,3}\\.\\d$',
        default: DEFAULT_API_VERSION,
        description: `REST API version (default ${DEFAULT_API_VERSION})`,
      }),
    ),
    requestTimeoutMs: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: 120_000,
        description: 'The longest one HTTP request (API call or token request) may take',
      }),
    ),
    sandbox: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Talk to the local Salesforce emulator (`ck sandbox start salesforce`) instead of Salesforce: its URL and test credentials are found through CONNECTORKIT_SANDBOX_SALESFORCE_URL or the sandbox discovery file. Without `auth`, it signs in with the client credentials flow.',
      }),
    ),
  },
  { additionalProperties: false },
);

export type SalesforceConnectionConfig = Static<typeof SalesforceConnectionConfig>;

/** Where a configuration leads: URLs, version and how to obtain a session, with the sandbox resolved. */
export interface SalesforceTarget {
  readonly loginUrl: string;
  readonly instanceUrl: string | undefined;
  readonly apiVersion: string;
  readonly grant: Grant;
  readonly sandbox: boolean;
}

/**
 * Resolves a configuration to the URLs and credentials to use. Pure apart from reading the
 * sandbox discovery (environment and file); unit-tested without Salesforce.
 */
export function resolveTarget(
  config: SalesforceConnectionConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SalesforceTarget {
  let loginUrl = config.loginUrl;
  let instanceUrl = config.instanceUrl;
  let auth = config.auth;
  let apiVersion = config.apiVersion;
  if (config.sandbox === true) {
    const sandbox = findSandboxEmulator('salesforce', env);
    if (sandbox === undefined && loginUrl === undefined && instanceUrl === undefined) {
      throw invalidConfig(
        '`sandbox: true` but no Salesforce emulator is running — start one with `ck sandbox start salesforce` (or set CONNECTORKIT_SANDBOX_SALESFORCE_URL, or `loginUrl`)',
        '$.sandbox',
      );
    }
    const credentials = sandbox?.credentials ?? {};
    loginUrl ??= credentials.loginUrl ?? sandbox?.url;
    instanceUrl ??= credentials.instanceUrl ?? sandbox?.url;
    apiVersion ??= credentials.apiVersion;
    auth ??= {
      type: 'clientCredentials',
      clientId: credentials.clientId ?? env.CONNECTORKIT_SANDBOX_SALESFORCE_CLIENT_ID ?? SANDBOX_CLIENT_ID,
      clientSecret: Redacted.make(
        credentials.clientSecret ??
          env.CONNECTORKIT_SANDBOX_SALESFORCE_CLIENT_SECRET ??
          SANDBOX_CLIENT_SECRET,
      ),
    };
  }
  if (auth === undefined) {
    throw invalidConfig(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: `${SF_CLIENT_SECRET}` is connectorkit.yaml syntax, shown to the reader.
      '`auth` is required — e.g. `auth: { type: clientCredentials, clientId: …, clientSecret: ${SF_CLIENT_SECRET} }`, or use `sandbox: true`',
      '$.auth',
    );
  }
  const login = normalizeUrl(loginUrl ?? SALESFORCE_LOGIN_URL, '$.loginUrl');
  const instance = instanceUrl === undefined ? undefined : normalizeUrl(instanceUrl, '$.instanceUrl');
  if (auth.type === 'accessToken' && instance === undefined) {
    throw invalidConfig(
      '`instanceUrl` is required with `auth.type: accessToken` — set it to the org URL the session belongs to (https://yourorg.my.salesforce.com)',
      '$.instanceUrl',
    );
  }
  return {
    loginUrl: login,
    instanceUrl: instance,
    apiVersion: apiVersion ?? DEFAULT_API_VERSION,
    grant: { ...auth, loginUrl: login } as Grant,
    sandbox: config.sandbox === true,
  };
}

// The emulator's published test client (its defaults when only the URL variable is set).
const SANDBOX_CLIENT_ID = 'connectorkit-sandbox-client';
const SANDBOX_CLIENT_SECRET = 'connectorkit-sandbox-secret';

function normalizeUrl(url: string, path: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidConfig(
      `\`${path.slice(2)}\` is not a URL: '${url}' — expected e.g. ${SALESFORCE_LOGIN_URL}`,
      path,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalidConfig(`\`${path.slice(2)}\` must be http(s), got ${parsed.protocol}//`, path);
  }
  return parsed.origin + parsed.pathname.replace(/\/+$/, '');
}

function invalidConfig(message: string, path: string): ConnectorError {
  return new ConnectorError('INVALID_CONFIG', message, { path, issues: [{ path, message }] });
}

/**
 * The Salesforce connection: a jsforce `Connection` per named connection. The session is
 * obtained on first use and renewed once when Salesforce answers INVALID_SESSION_ID.
 *
 * @example
 * // connectorkit.yaml
 * // connections:
 * //   crm:
 * //     connector: salesforce
 * //     loginUrl: https://yourorg.my.salesforce.com
 * //     auth: { type: clientCredentials, clientId: ${SF_CLIENT_ID}, clientSecret: ${SF_CLIENT_SECRET} }
 */
export const salesforceConnection = defineConnection({
  config: SalesforceConnectionConfig,
  connect: (config, ctx): SalesforceClient =>
    createSalesforceClient({
      ...resolveTarget(config),
      requestTimeoutMs: config.requestTimeoutMs ?? 120_000,
      log: ctx.log,
    }),
  disconnect: (client) => client.close(),
  // Asks every time: a check must notice credentials revoked since the last call.
  check: async (client, { signal }) => {
    await client.call('check', (connection) => connection.request('/sobjects'), signal);
  },
});
