import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  emulatorNames,
  emulators,
  isEmulatorName,
  type SandboxGroup,
  startSandboxes,
} from './start-sandbox.js';

/** The IO a `ck` command writes to (the shape of the CLI's `CommandIo`). */
export interface SandboxCommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The flags `ck sandbox` reads (global flags included). */
export interface SandboxCommandFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly seed?: string | undefined;
  readonly 'no-announce'?: boolean | undefined;
  readonly json?: boolean | undefined;
  readonly verbose?: boolean | undefined;
}

export interface SandboxCommandContext {
  readonly flags: SandboxCommandFlags;
  readonly positionals: readonly string[];
  readonly io: SandboxCommandIo;
}

/**
 * Runs `ck sandbox start <name…>` / `ck sandbox list`. Resolves with the exit code once
 * `stopped` resolves (the command's `run` waits for SIGINT or SIGTERM); `onStarted` sees the
 * running group (tests use it to talk to the emulators).
 */
export async function runSandboxCommand(
  context: SandboxCommandContext,
  stopped: Promise<unknown>,
  onStarted?: (group: SandboxGroup) => void,
): Promise<number> {
  const { flags, positionals, io } = context;
  const [action, ...names] = positionals;
  if (action === 'list') {
    const list = emulatorNames().map((name) => ({
      name,
      title: emulators[name].title,
      defaultPort: emulators[name].defaultPort,
      description: emulators[name].description,
    }));
    if (flags.json === true) io.stdout.write(`${JSON.stringify({ emulators: list })}\n`);
    else
      for (const entry of list)
        io.stdout.write(
          `${entry.name.padEnd(12)} ${entry.title} (port ${entry.defaultPort}) — ${entry.description}\n`,
        );
    return 0;
  }
  if (action !== 'start') {
    io.stderr.write(
      `unknown sandbox action '${action ?? ''}' — usage: ck sandbox start <name…> | ck sandbox list\n`,
    );
    return 2;
  }
  if (names.length === 0) {
    io.stderr.write(
      `name the emulators to start, e.g. 'ck sandbox start slack' — available: ${emulatorNames().join(', ')}\n`,
    );
    return 2;
  }
  const unknown = names.filter((name) => !isEmulatorName(name));
  if (unknown.length > 0) {
    io.stderr.write(
      `unknown emulator '${unknown.join("', '")}' — available: ${emulatorNames().join(', ')}\n`,
    );
    return 2;
  }
  let port: number | undefined;
  if (flags.port !== undefined) {
    port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.stderr.write(`--port must be a port number (0–65535), got '${flags.port}'\n`);
      return 2;
    }
    if (names.length > 1) {
      io.stderr.write('--port works with one emulator; several start on their default ports\n');
      return 2;
    }
  }
  let seeds: Record<string, unknown> | undefined;
  if (flags.seed !== undefined) {
    const file = resolve(io.cwd, flags.seed);
    try {
      seeds = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      io.stderr.write(
        `--seed ${file}: ${error instanceof Error ? error.message : String(error)} — expected JSON like { "slack": { "channels": [{ "name": "ops" }] } }\n`,
      );
      return 2;
    }
  }
  const [first] = names;
  let group: SandboxGroup;
  try {
    group = await startSandboxes(names, {
      defaultPorts: true,
      ...(port === undefined || first === undefined ? {} : { ports: { [first]: port } }),
      ...(flags.host === undefined ? {} : { host: flags.host }),
      ...(seeds === undefined ? {} : { seeds }),
      announce: flags['no-announce'] === true ? false : (io.env.CONNECTORKIT_SANDBOX_FILE ?? true),
      ...(flags.verbose === true ? { log: (line: string) => io.stderr.write(`${line}\n`) } : {}),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = /EADDRINUSE/.test(reason) ? ' — the port is taken: pass --port 0 for a free one' : '';
    io.stderr.write(`could not start the sandbox: ${reason}${hint}\n`);
    return 1;
  }
  try {
    onStarted?.(group);
    const described = group.describe();
    if (flags.json === true) {
      io.stdout.write(`${JSON.stringify({ emulators: described })}\n`);
    } else {
      for (const emulator of described) {
        io.stdout.write(`${emulator.title} sandbox (${emulator.name}) running at ${emulator.url}\n`);
        for (const [key, value] of Object.entries(emulator.credentials))
          io.stdout.write(`  ${key.padEnd(16)} ${shortCredential(value)}\n`);
      }
      io.stdout.write(
        `Connections with 'sandbox: true' find ${described.length === 1 ? 'it' : 'them'}; state, faults and requests are under <url>/_sandbox. Press Ctrl+C to stop.\n`,
      );
    }
    await stopped;
  } finally {
    await group.close();
  }
  if (flags.json !== true) io.stdout.write('sandbox stopped\n');
  return 0;
}

/** A credential on one line: a multi-line one (a PEM key) by its first line; --json prints it whole. */
function shortCredential(value: string): string {
  const lines = value.trim().split('\n');
  if (lines.length === 1) return value;
  return `${lines[0]} … (${lines.length} lines: --json prints it whole)`;
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolvePromise) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolvePromise();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * `ck sandbox`, shaped like the CLI's `defineCommand` (name, summary, help, positionals, flags,
 * run) without depending on @connectorkit/cli; the CLI registers it with
 * `run(argv, { commands: [...builtinCommands, sandboxCommand] })`.
 */
export const sandboxCommand = {
  name: 'sandbox',
  summary: 'Run local emulators of SaaS APIs (Slack …) for offline development and tests',
  help: [
    'Starts each named emulator on 127.0.0.1 (Slack: port 4100), prints its base URL and test',
    'credentials, announces it for connections with `sandbox: true`, and runs until stopped.',
    '',
    'Examples:',
    '  ck sandbox start slack',
    '  ck sandbox start slack --port 0 --json',
    '  ck sandbox start slack --seed sandbox-seed.json',
    '  ck sandbox list',
    '',
    'While it runs: GET <url>/_sandbox/state shows the state, POST <url>/_sandbox/faults',
    '{"kind":"rateLimit","retryAfterSeconds":2,"times":1} injects a fault,',
    'POST <url>/_sandbox/slack/messages {"user":"alice","channel":"general","text":"hi"} posts as a user.',
  ].join('\n'),
  positionals: [
    { name: 'action', description: 'start (run emulators) or list (show them)', required: true },
    { name: 'emulator', description: `Emulators to start: ${emulatorNames().join(', ')}`, variadic: true },
  ],
  flags: {
    port: {
      type: 'string',
      valueName: 'port',
      description: 'Port of the (single) emulator; 0 picks a free one',
    },
    host: { type: 'string', valueName: 'host', description: 'Interface to bind (default 127.0.0.1)' },
    seed: {
      type: 'string',
      valueName: 'file',
      description: 'JSON seed by emulator name, e.g. { "slack": { "channels": [{ "name": "ops" }] } }',
    },
    'no-announce': {
      type: 'boolean',
      description: 'Do not write the discovery file that `sandbox: true` connections read',
    },
  },
  run: (context: SandboxCommandContext): Promise<number> => runSandboxCommand(context, untilSignal()),
} as const;
