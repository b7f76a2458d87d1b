import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running emulator a `sandbox: true` connection talks to, as it announced itself. */
export interface SandboxEmulatorTarget {
  /** The emulator's base URL, without a trailing slash. */
  readonly url: string;
  /** Its test credentials (tokens, client ids, API URLs …), all strings. */
  readonly credentials: Readonly<Record<string, string>>;
  /** Where the target was found, for messages: an environment variable or the discovery file. */
  readonly source: string;
}

/**
 * Finds the emulator called `name` (`slack`, `salesforce`, `twitter` …) for a connection with
 * `sandbox: true`. Connectors use this instead of depending on @connectorkit/sandbox: the
 * discovery file format (version 1) is the contract.
 * 1. `CONNECTORKIT_SANDBOX_<NAME>_URL`, the emulator's base URL (credentials then come from the
 *    connector's own variables, or its defaults);
 * 2. the discovery file `ck sandbox start` and `ck run --sandbox` write:
 *    `$CONNECTORKIT_SANDBOX_FILE`, or `connectorkit-sandbox.json` in the temporary folder.
 *
 * Returns undefined when neither names a running emulator of that name.
 */
export function findSandboxEmulator(
  name: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SandboxEmulatorTarget | undefined {
  const variable = `CONNECTORKIT_SANDBOX_${name.toUpperCase()}_URL`;
  const url = env[variable];
  if (url !== undefined && url !== '') {
    return { url: url.replace(/\/+$/, ''), credentials: {}, source: variable };
  }
  const file = env.CONNECTORKIT_SANDBOX_FILE ?? join(tmpdir(), 'connectorkit-sandbox.json');
  let discovery: {
    version?: unknown;
    emulators?: Record<string, { url?: unknown; credentials?: Record<string, unknown> } | undefined>;
  };
  try {
    discovery = JSON.parse(readFileSync(file, 'utf8')) as typeof discovery;
  } catch {
    return undefined;
  }
  const entry = discovery.version === 1 ? discovery.emulators?.[name] : undefined;
  if (entry === undefined || typeof entry.url !== 'string') return undefined;
  const credentials: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry.credentials ?? {})) {
    if (typeof value === 'string') credentials[key] = value;
  }
  return { url: entry.url.replace(/\/+$/, ''), credentials, source: file };
}
