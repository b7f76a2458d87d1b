import { inspect } from 'node:util';
import { ConnectorError, Redactor } from '@connectorkit/core';
import { sandboxCommand } from '@connectorkit/sandbox';
import {
  type CommandDefinition,
  type CommandIo,
  commandHelp,
  GLOBAL_FLAGS,
  parseCommandArgs,
  UsageError,
} from './command.js';
import { checkCommand } from './commands/check.js';
import { createCommand } from './commands/create.js';
import { describeCommand } from './commands/describe.js';
import { graphCommand } from './commands/graph.js';
import { invokeCommand } from './commands/invoke.js';
import { listCommand } from './commands/list.js';
import { mapCommand, schemaCommand } from './commands/map.js';
import { runCommand } from './commands/run.js';
import { startCommand } from './commands/start.js';
import { palette, writeJson } from './output.js';

export const VERSION = '0.1.0';

/** The built-in commands; other packages add theirs through `run(argv, { commands })`. */
export const builtinCommands: readonly CommandDefinition[] = [
  listCommand,
  describeCommand,
  invokeCommand,
  checkCommand,
  runCommand,
  startCommand,
  graphCommand,
  createCommand,
  mapCommand,
  schemaCommand,
  sandboxCommand,
] as unknown as readonly CommandDefinition[];

export interface RunOptions {
  readonly io?: Partial<CommandIo>;
  readonly commands?: readonly CommandDefinition[];
}

function defaultIo(): CommandIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
    env: process.env,
  };
}

/**
 * Runs the `ck` command line and resolves to the exit code. Never throws: every failure
 * becomes one line on stderr (the stack only with --verbose).
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const io: CommandIo = { ...defaultIo(), ...options.io };
  const commands = options.commands ?? builtinCommands;
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((command) => command.name === rest[0]) : undefined;
    io.stdout.write(topic === undefined ? mainHelp(commands) : commandHelp(topic));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  const json = rest.includes('--json');
  const verbose = rest.includes('--verbose') || rest.includes('-v');
  if (command === undefined) {
    return fail(io, new UsageError(`unknown command '${name}' — run 'ck --help' to see the commands`), {
      json,
      verbose,
    });
  }
  try {
    const { flags, positionals } = parseCommandArgs(command, rest);
    if (flags.help === true) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    const code = await command.run({ flags: flags as never, positionals, io });
    return code ?? 0;
  } catch (error) {
    return fail(io, error, { json, verbose });
  }
}

function fail(io: CommandIo, error: unknown, { json, verbose }: { json: boolean; verbose: boolean }): number {
  // Errors from the kit are already scrubbed; this catches whatever escaped it.
  const redactor = new Redactor();
  const usage = error instanceof UsageError;
  const exitCode = usage ? 2 : 1;
  const message = redactor.text(oneLine(error instanceof Error ? error.message : String(error)));
  if (json) {
    writeJson(io, {
      ok: false,
      error:
        error instanceof ConnectorError
          ? error.toJSON()
          : { name: usage ? 'UsageError' : 'Error', code: usage ? 'USAGE' : 'INTERNAL', message },
    });
  }
  const color = palette(io, 'stderr');
  const code = error instanceof ConnectorError ? error.code : usage ? 'USAGE' : 'INTERNAL';
  const where =
    error instanceof ConnectorError &&
    error.action !== undefined &&
    !message.includes(`${error.connector}.${error.action}`)
      ? ` [${error.connector}.${error.action}]`
      : '';
  io.stderr.write(`${color.red('ck: error')} ${color.bold(code)}${where}: ${message}\n`);
  if (error instanceof ConnectorError && error.issues !== undefined && error.issues.length > 1 && !json) {
    for (const issue of error.issues) io.stderr.write(`  ${issue.path} ${issue.message}\n`);
  }
  if (verbose && error instanceof Error) {
    io.stderr.write(`${inspect(error, { depth: 6 })}\n`);
  } else if (!usage && !(error instanceof ConnectorError)) {
    io.stderr.write(`${color.dim('(unexpected failure — run again with --verbose for the stack trace)')}\n`);
  }
  return exitCode;
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}

function mainHelp(commands: readonly CommandDefinition[]): string {
  const lines = [
    `ck ${VERSION} — Connector Kit command line`,
    '',
    'Usage: ck <command> [arguments] [flags]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(12)} ${command.summary}`),
    '',
    'Global flags:',
    ...Object.entries(GLOBAL_FLAGS).map(
      ([flag, definition]) =>
        `  ${`--${flag}${definition.type === 'string' ? ' <path>' : ''}`.padEnd(20)} ${definition.description}`,
    ),
    '',
    "Run 'ck <command> --help' for a command's arguments and examples.",
  ];
  return `${lines.join('\n')}\n`;
}
