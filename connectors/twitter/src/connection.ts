import {
  ConnectorError,
  defineConnection,
  findSandboxEmulator,
  Redacted,
  Secret,
  type Static,
  Type,
} from '@connectorkit/core';
import { createTwitterClient, type TwitterAuth, type TwitterClient } from './twitter-client.js';

/** The Twitter/X API v2. */
export const TWITTER_API_URL = 'https://api.x.com/2/';

/** Configuration of a Twitter/X connection (connectorkit.yaml or `createKit({ connections })`). */
export const TwitterConnectionConfig = Type.Object(
  {
    auth: Type.Optional(
      Type.Union([Type.Literal('app'), Type.Literal('oauth2User'), Type.Literal('oauth1')], {
        description:
          "Which credentials to use: 'app' (app-only bearer token: reading only), 'oauth2User' (OAuth 2.0 user access token) or 'oauth1' (OAuth 1.0a keys). Inferred from the credentials given when absent (user context first).",
      }),
    ),
    bearerToken: Type.Optional(
      Secret({
        description: "The app's bearer token (Developer Portal → Keys and tokens); app-only, read endpoints",
      }),
    ),
    userAccessToken: Type.Optional(
      Secret({ description: 'An OAuth 2.0 user-context access token (authorization code flow with PKCE)' }),
    ),
    appKey: Type.Optional(Secret({ description: 'OAuth 1.0a consumer key (API key) of the app' })),
    appSecret: Type.Optional(
      Secret({ description: 'OAuth 1.0a consumer secret (API key secret) of the app' }),
    ),
    accessToken: Type.Optional(Secret({ description: 'OAuth 1.0a access token of the user' })),
    accessSecret: Type.Optional(Secret({ description: 'OAuth 1.0a access token secret of the user' })),
    baseUrl: Type.Optional(
      Type.String({
        minLength: 1,
        description: `API v2 base URL (default ${TWITTER_API_URL}); point it at a running emulator, e.g. http://127.0.0.1:4101/2/`,
      }),
    ),
    sandbox: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Talk to the local Twitter/X emulator (`ck sandbox start twitter`) instead of X: its URL and test credentials are found through CONNECTORKIT_SANDBOX_TWITTER_URL or the sandbox discovery file.',
      }),
    ),
    rateLimitRetries: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 2,
        description:
          'How often one call is re-sent after HTTP 429, each time once the window has reset (x-rate-limit-reset)',
      }),
    ),
    maxRateLimitWaitMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 60_000,
        description:
          'The longest wait for a rate-limit window to reset; a later reset fails at once with RATE_LIMITED and retryAfterMs',
      }),
    ),
  },
  { additionalProperties: false },
);

export type TwitterConnectionConfig = Static<typeof TwitterConnectionConfig>;

/** Where a configuration leads: base URL and credentials, with the sandbox resolved. */
export interface TwitterTarget {
  readonly apiUrl: string;
  readonly auth: TwitterAuth;
  readonly sandbox: boolean;
}

/**
 * Resolves a configuration to the URL and credentials to use. Pure apart from reading the
 * sandbox discovery (environment and file).
 */
export function resolveTarget(
  config: TwitterConnectionConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): TwitterTarget {
  let apiUrl = config.baseUrl;
  const secrets: Record<
    'bearerToken' | 'userAccessToken' | 'appKey' | 'appSecret' | 'accessToken' | 'accessSecret',
    Redacted | undefined
  > = {
    bearerToken: config.bearerToken,
    userAccessToken: config.userAccessToken,
    appKey: config.appKey,
    appSecret: config.appSecret,
    accessToken: config.accessToken,
    accessSecret: config.accessSecret,
  };
  let mode = config.auth;
  if (config.sandbox === true) {
    const sandbox = findSandboxEmulator('twitter', env);
    if (sandbox === undefined && apiUrl === undefined) {
      throw invalidConfig(
        '`sandbox: true` but no Twitter/X emulator is running — start one with `ck sandbox start twitter` (or set CONNECTORKIT_SANDBOX_TWITTER_URL, or `baseUrl`)',
        '$.sandbox',
      );
    }
    apiUrl ??= sandbox?.credentials.apiUrl ?? (sandbox === undefined ? undefined : `${sandbox.url}/2/`);
    const given = Object.values(secrets).some((secret) => secret !== undefined);
    // Test credentials fill in only where the configuration gives none of its own.
    if (!given && sandbox !== undefined) {
      const fromEmulator = (key: string, variable: string): Redacted | undefined => {
        const value = sandbox.credentials[key] ?? env[`CONNECTORKIT_SANDBOX_TWITTER_${variable}`];
        return value === undefined || value === '' ? undefined : Redacted.make(value);
      };
      secrets.bearerToken = fromEmulator('bearerToken', 'BEARER_TOKEN');
      secrets.userAccessToken = fromEmulator('userAccessToken', 'USER_ACCESS_TOKEN');
      secrets.appKey = fromEmulator('appKey', 'APP_KEY');
      secrets.appSecret = fromEmulator('appSecret', 'APP_SECRET');
      secrets.accessToken = fromEmulator('accessToken', 'ACCESS_TOKEN');
      secrets.accessSecret = fromEmulator('accessSecret', 'ACCESS_SECRET');
    }
  }
  const oauth1Complete =
    secrets.appKey !== undefined &&
    secrets.appSecret !== undefined &&
    secrets.accessToken !== undefined &&
    secrets.accessSecret !== undefined;
  mode ??=
    secrets.userAccessToken !== undefined
      ? 'oauth2User'
      : oauth1Complete
        ? 'oauth1'
        : secrets.bearerToken !== undefined
          ? 'app'
          : undefined;
  let auth: TwitterAuth;
  switch (mode) {
    case 'app':
      if (secrets.bearerToken === undefined) {
        throw invalidConfig(
          // biome-ignore lint/suspicious/noTemplateCurlyInString: connectorkit.yaml syntax, shown to the reader.
          "`bearerToken` is required with auth 'app' — e.g. `bearerToken: ${TWITTER_BEARER_TOKEN}` in connectorkit.yaml",
          '$.bearerToken',
        );
      }
      auth = { type: 'app', bearerToken: secrets.bearerToken };
      break;
    case 'oauth2User':
      if (secrets.userAccessToken === undefined) {
        throw invalidConfig("`userAccessToken` is required with auth 'oauth2User'", '$.userAccessToken');
      }
      auth = { type: 'oauth2User', accessToken: secrets.userAccessToken };
      break;
    case 'oauth1': {
      for (const key of ['appKey', 'appSecret', 'accessToken', 'accessSecret'] as const) {
        if (secrets[key] === undefined) {
          throw invalidConfig(
            `\`${key}\` is required with auth 'oauth1' (appKey, appSecret, accessToken, accessSecret)`,
            `$.${key}`,
          );
        }
      }
      auth = {
        type: 'oauth1',
        appKey: secrets.appKey as Redacted,
        appSecret: secrets.appSecret as Redacted,
        accessToken: secrets.accessToken as Redacted,
        accessSecret: secrets.accessSecret as Redacted,
      };
      break;
    }
    default:
      throw invalidConfig(
        'no credentials — set `bearerToken` (app-only), `userAccessToken` (OAuth 2.0 user) or `appKey`, `appSecret`, `accessToken` and `accessSecret` (OAuth 1.0a), or use `sandbox: true`',
        '$.bearerToken',
      );
  }
  return { apiUrl: normalizeApiUrl(apiUrl ?? TWITTER_API_URL), auth, sandbox: config.sandbox === true };
}

function normalizeApiUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidConfig(`\`baseUrl\` is not a URL: '${url}' — expected e.g. ${TWITTER_API_URL}`, '$.baseUrl');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalidConfig(`\`baseUrl\` must be http(s), got ${parsed.protocol}//`, '$.baseUrl');
  }
  return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`;
}

function invalidConfig(message: string, path: string): ConnectorError {
  return new ConnectorError('INVALID_CONFIG', message, { path, issues: [{ path, message }] });
}

/**
 * The Twitter/X connection: a twitter-api-v2 client per named connection. The check asks the API
 * who the credentials belong to (`users/me`), or, app-only, looks a user up.
 *
 * @example
 * // connectorkit.yaml
 * // connections:
 * //   x: { connector: twitter, userAccessToken: ${TWITTER_USER_TOKEN} }
 */
export const twitterConnection = defineConnection({
  config: TwitterConnectionConfig,
  connect: (config, ctx): TwitterClient => {
    const target = resolveTarget(config);
    return createTwitterClient({
      ...target,
      rateLimit: { retries: config.rateLimitRetries ?? 2, maxWaitMs: config.maxRateLimitWaitMs ?? 60_000 },
      log: ctx.log,
    });
  },
  disconnect: (client) => client.close(),
  check: async (client, { signal }) => {
    if (client.auth.type === 'app') {
      await client.call('check', signal, (v2) => v2.get('users/by/username/XDevelopers'));
      return;
    }
    await client.call('check', signal, (v2) => v2.get('users/me'));
  },
});
