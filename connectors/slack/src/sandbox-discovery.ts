import { findSandboxEmulator } from '@connectorkit/core';

/** Where a running Slack emulator is, and its test credentials. */
export interface SlackSandboxTarget {
  /** Web API base URL, ending with `/api/`. */
  readonly apiUrl: string;
  readonly botToken: string | undefined;
  readonly signingSecret: string | undefined;
  /** Where the target was found, for messages. */
  readonly source: string;
}

/**
 * Finds the Slack emulator a `sandbox: true` connection talks to, without depending on
 * @connectorkit/sandbox (its discovery file format, version 1, is the contract):
 * 1. `CONNECTORKIT_SANDBOX_SLACK_URL` (the emulator's base URL), with
 *    `CONNECTORKIT_SANDBOX_SLACK_TOKEN` / `…_SIGNING_SECRET` when set;
 * 2. the discovery file `ck sandbox start` writes: `$CONNECTORKIT_SANDBOX_FILE`, or
 *    `connectorkit-sandbox.json` in the temporary folder.
 */
export function findSlackSandbox(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SlackSandboxTarget | undefined {
  const target = findSandboxEmulator('slack', env);
  if (target === undefined) return undefined;
  const { url, credentials, source } = target;
  if (source === 'CONNECTORKIT_SANDBOX_SLACK_URL') {
    return {
      apiUrl: `${url}/api/`,
      botToken: env.CONNECTORKIT_SANDBOX_SLACK_TOKEN,
      signingSecret: env.CONNECTORKIT_SANDBOX_SLACK_SIGNING_SECRET,
      source,
    };
  }
  return {
    apiUrl: credentials.apiUrl ?? `${url}/api/`,
    botToken: credentials.botToken,
    signingSecret: credentials.signingSecret,
    source,
  };
}
