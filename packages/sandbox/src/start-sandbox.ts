import type { AnyEmulatorDefinition, SeedOf } from './define-emulator.js';
import { announceSandboxes, sandboxDiscoveryFile, withdrawSandboxes } from './discovery-file.js';
import { salesforceEmulator } from './salesforce/salesforce-emulator.js';
import { slackEmulator } from './slack/slack-emulator.js';
import { type Sandbox, type StartEmulatorOptions, startEmulator } from './start-emulator.js';
import { twitterEmulator } from './twitter/twitter-emulator.js';

/**
 * The emulators the sandbox knows, by name. Each vendor's issue adds its emulator here
 * (`twitter`, `salesforce` …); `startSandbox` and `ck sandbox start` take these names.
 */
export const emulators = {
  slack: slackEmulator,
  salesforce: salesforceEmulator,
  twitter: twitterEmulator,
} as const satisfies Readonly<Record<string, AnyEmulatorDefinition>>;

export type EmulatorName = keyof typeof emulators;
export type EmulatorFor<TName extends EmulatorName> = (typeof emulators)[TName];

/** The names of every emulator, for listings and messages. */
export function emulatorNames(): EmulatorName[] {
  return Object.keys(emulators) as EmulatorName[];
}

export function isEmulatorName(name: string): name is EmulatorName {
  return Object.hasOwn(emulators, name);
}

/** Thrown for a name no emulator answers to. */
export class UnknownEmulatorError extends Error {
  override readonly name = 'UnknownEmulatorError';
  constructor(readonly emulator: string) {
    super(`no emulator is called '${emulator}' — the sandbox has: ${emulatorNames().join(', ')}`);
  }
}

/**
 * Starts one emulator by name, on 127.0.0.1 and a free port unless told otherwise.
 *
 * @example
 * await using slack = await startSandbox('slack', { seed: { channels: [{ name: 'ops' }] } });
 * const web = new WebClient(slack.credentials.botToken, { slackApiUrl: slack.credentials.apiUrl });
 * slack.faults.rateLimit({ route: 'chat.postMessage', retryAfterSeconds: 1, times: 1 });
 */
export function startSandbox<const TName extends EmulatorName>(
  name: TName,
  options: StartEmulatorOptions<SeedOf<EmulatorFor<TName>>> = {},
): Promise<Sandbox<EmulatorFor<TName>>> {
  if (!isEmulatorName(name)) return Promise.reject(new UnknownEmulatorError(name));
  return startEmulator(emulators[name] as EmulatorFor<TName>, options);
}

/** What `ck sandbox start` prints for one emulator. */
export interface SandboxDescription {
  readonly name: string;
  readonly title: string;
  readonly url: string;
  readonly credentials: Readonly<Record<string, string>>;
}

export interface StartSandboxesOptions {
  /** Seeds by emulator name. */
  readonly seeds?: Readonly<Record<string, unknown>>;
  readonly host?: string;
  /**
   * Ports by emulator name. Emulators not listed bind to their default port
   * (`defaultPorts: true`, what people get from `ck sandbox start`) or to a free one.
   */
  readonly ports?: Readonly<Record<string, number>>;
  readonly defaultPorts?: boolean;
  /**
   * Announce the emulators in the discovery file (see `sandboxDiscoveryFile`) so that
   * connections with `sandbox: true` find them; withdrawn again on close. `true` uses the
   * default file, a string names the file.
   */
  readonly announce?: boolean | string;
  readonly log?: (line: string) => void;
}

/** Several running emulators, closed together. */
export interface SandboxGroup extends AsyncDisposable {
  readonly sandboxes: readonly Sandbox[];
  /** One running emulator by name. */
  get<TName extends EmulatorName>(name: TName): Sandbox<EmulatorFor<TName>> | undefined;
  /** Name, URL and test credentials of each emulator. */
  describe(): SandboxDescription[];
  close(): Promise<void>;
}

/**
 * Starts several emulators by name — what `ck sandbox start <name…>` runs. If one fails to
 * start, the ones already running are closed and the error is rethrown.
 *
 * @example
 * await using group = await startSandboxes(['slack'], { defaultPorts: true, announce: true });
 * for (const { name, url, credentials } of group.describe()) console.log(name, url, credentials);
 */
export async function startSandboxes(
  names: readonly string[],
  options: StartSandboxesOptions = {},
): Promise<SandboxGroup> {
  const unique = [...new Set(names)];
  for (const name of unique) if (!isEmulatorName(name)) throw new UnknownEmulatorError(name);
  const sandboxes: Sandbox[] = [];
  try {
    for (const name of unique as EmulatorName[]) {
      const definition: AnyEmulatorDefinition = emulators[name];
      const port = options.ports?.[name] ?? (options.defaultPorts === true ? definition.defaultPort : 0);
      sandboxes.push(
        await startEmulator(definition, {
          port,
          ...(options.host === undefined ? {} : { host: options.host }),
          ...(options.seeds?.[name] === undefined ? {} : { seed: options.seeds[name] }),
          ...(options.log === undefined ? {} : { log: options.log }),
        }),
      );
    }
  } catch (error) {
    await Promise.allSettled(sandboxes.map((sandbox) => sandbox.close()));
    throw error;
  }
  const describe = (): SandboxDescription[] =>
    sandboxes.map((sandbox) => ({
      name: sandbox.name,
      title: emulators[sandbox.name as EmulatorName].title,
      url: sandbox.url,
      credentials: sandbox.credentials as Readonly<Record<string, string>>,
    }));
  const file =
    options.announce === undefined || options.announce === false
      ? undefined
      : typeof options.announce === 'string'
        ? options.announce
        : sandboxDiscoveryFile();
  if (file !== undefined) {
    const startedAt = new Date().toISOString();
    announceSandboxes(
      Object.fromEntries(
        describe().map((description) => [
          description.name,
          { url: description.url, credentials: description.credentials, pid: process.pid, startedAt },
        ]),
      ),
      file,
    );
  }
  let closing: Promise<void> | undefined;
  const group: SandboxGroup = {
    sandboxes,
    get: <TName extends EmulatorName>(name: TName) =>
      sandboxes.find((sandbox) => sandbox.name === name) as Sandbox<EmulatorFor<TName>> | undefined,
    describe,
    close: () => {
      closing ??= (async () => {
        if (file !== undefined) withdrawSandboxes(unique, file);
        await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
      })();
      return closing;
    },
    [Symbol.asyncDispose]: () => group.close(),
  };
  return group;
}
