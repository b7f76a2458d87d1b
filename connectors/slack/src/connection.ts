import { ConnectorError, defineConnection, Redacted, Secret, type Static, Type } from '@connectorkit/core';
import { findSlackSandbox } from './sandbox-discovery.js';
import { createSlackClient, type SlackClient } from './slack-client.js';

/** Slack's Web API. */
export const SLACK_API_URL = 'https://slack.com/api/';

/** Configuration of a Slack connection (connectorkit.yaml or `createKit({ connections })`). */
export const SlackConnectionConfig = Type.Object(
  {
    token: Type.Optional(
      Secret({
        description:
          "Bot token (xoxb-…) from the app's OAuth & Permissions page. Optional with `sandbox: true` (the emulator's test token is used).",
      }),
    ),
    signingSecret: Type.Optional(
      Secret({
        description:
          "Signing secret from the app's Basic Information page; the `event` trigger verifies Slack's requests with it.",
      }),
    ),
    baseUrl: Type.Optional(
      Type.String({
        minLength: 1,
        description: `Web API base URL (default ${SLACK_API_URL}); point it at a running emulator, e.g. http://127.0.0.1:4100/api/`,
      }),
    ),
    sandbox: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          "Talk to the local Slack emulator (`ck sandbox start slack`) instead of Slack: its URL and test credentials are found through CONNECTORKIT_SANDBOX_SLACK_URL or the sandbox's discovery file. The same flows run against both.",
      }),
    ),
    rateLimitRetries: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 3,
        description:
          'How often one call is re-sent after HTTP 429, each time after the Retry-After Slack asked for (the call did not run, so this is safe for every action)',
      }),
    ),
    maxRetryAfterMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 30_000,
        description:
          'The longest Retry-After waited out; a longer one fails at once with RATE_LIMITED and retryAfterMs',
      }),
    ),
  },
  { additionalProperties: false },
);

export type SlackConnectionConfig = Static<typeof SlackConnectionConfig>;

/** Where a configuration leads: base URL and credentials, with the sandbox resolved. */
export interface SlackTarget {
  readonly apiUrl: string;
  readonly token: Redacted;
  readonly signingSecret: Redacted | undefined;
  readonly sandbox: boolean;
}

/**
 * Resolves a configuration to the URL and credentials to use. Pure apart from reading the
 * sandbox discovery (environment and file); unit-tested without Slack.
 */
export function resolveTarget(
  config: SlackConnectionConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SlackTarget {
  let apiUrl = config.baseUrl;
  let token = config.token;
  let signingSecret = config.signingSecret;
  if (config.sandbox === true) {
    const sandbox = findSlackSandbox(env);
    if (sandbox === undefined && apiUrl === undefined) {
      throw invalidConfig(
        '`sandbox: true` but no Slack emulator is running — start one with `ck sandbox start slack` (or set CONNECTORKIT_SANDBOX_SLACK_URL, or `baseUrl`)',
        '$.sandbox',
      );
    }
    apiUrl ??= sandbox?.apiUrl;
    if (token === undefined && sandbox?.botToken !== undefined) token = Redacted.make(sandbox.botToken);
    if (signingSecret === undefined && sandbox?.signingSecret !== undefined) {
      signingSecret = Redacted.make(sandbox.signingSecret);
    }
  }
  if (token === undefined) {
    throw invalidConfig(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: `${SLACK_BOT_TOKEN}` is connectorkit.yaml syntax, shown to the reader.
      '`token` is required — set it to the bot token (xoxb-…), e.g. `token: ${SLACK_BOT_TOKEN}` in connectorkit.yaml, or use `sandbox: true`',
      '$.token',
    );
  }
  return {
    apiUrl: normalizeApiUrl(apiUrl ?? SLACK_API_URL),
    token,
    signingSecret,
    sandbox: config.sandbox === true,
  };
}

function normalizeApiUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidConfig(`\`baseUrl\` is not a URL: '${url}' — expected e.g. ${SLACK_API_URL}`, '$.baseUrl');
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
 * The Slack connection: a `WebClient` per named connection, checked with `auth.test`.
 *
 * @example
 * // connectorkit.yaml
 * // connections:
 * //   slack: { connector: slack, token: ${SLACK_BOT_TOKEN}, signingSecret: ${SLACK_SIGNING_SECRET} }
 */
export const slackConnection = defineConnection({
  config: SlackConnectionConfig,
  connect: (config, ctx): SlackClient => {
    const target = resolveTarget(config);
    return createSlackClient({
      ...target,
      rateLimit: { retries: config.rateLimitRetries ?? 3, maxWaitMs: config.maxRetryAfterMs ?? 30_000 },
      log: ctx.log,
    });
  },
  disconnect: (client) => client.close(),
  // Asks every time (no cached identity): a check must notice a token revoked since.
  check: async (client, { signal }) => {
    await client.call('auth.test', {}, signal);
  },
});
