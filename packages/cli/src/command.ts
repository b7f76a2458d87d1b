import { parseArgs } from 'node:util';
import { ConnectorError } from '@connectorkit/core';

/** A flag of a command. */
export interface FlagDefinition {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  readonly short?: string;
  /** Shown in help as `--flag <valueName>`. */
  readonly valueName?: string;
  readonly multiple?: boolean;
}

/** A positional argument of a command. */
export interface PositionalDefinition {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** Takes every remaining positional. */
  readonly variadic?: boolean;
}

type FlagValue<F extends FlagDefinition> = F['type'] extends 'boolean'
  ? boolean | undefined
  : F['multiple'] extends true
    ? string[] | undefined
    : string | undefined;

/** What a command's `run` receives: typed flags, positionals and the IO it writes to. */
export interface CommandContext<TFlags extends Record<string, FlagDefinition>> {
  readonly flags: { readonly [K in keyof TFlags]: FlagValue<TFlags[K]> } & GlobalFlags;
  readonly positionals: readonly string[];
  readonly io: CommandIo;
}

export interface GlobalFlags {
  readonly json: boolean | undefined;
  readonly verbose: boolean | undefined;
  readonly config: string | undefined;
  readonly help: boolean | undefined;
}

/** Where a command writes; injectable for tests. */
export interface CommandIo {
  readonly stdout: NodeJS.WritableStream & { columns?: number; isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CommandDefinition<
  TFlags extends Record<string, FlagDefinition> = Record<string, FlagDefinition>,
> {
  readonly name: string;
  readonly summary: string;
  /** Longer help: what it does, with examples. */
  readonly help?: string;
  readonly positionals?: readonly PositionalDefinition[];
  readonly flags?: TFlags;
  /** Returns the process exit code (0 when omitted). */
  run(context: CommandContext<TFlags>): Promise<number | undefined> | number | undefined;
}

/**
 * Declares a `ck` sub-command; an identity function whose only job is inference of the flags.
 *
 * @example
 * export const check = defineCommand({
 *   name: 'check', summary: 'Test a connection',
 *   positionals: [{ name: 'connection', description: 'Connection name', required: true }],
 *   run: async ({ positionals, io }) => { … },
 * });
 */
export function defineCommand<
  const TFlags extends Record<string, FlagDefinition> = Record<never, FlagDefinition>,
>(definition: CommandDefinition<TFlags>): CommandDefinition<TFlags> {
  return definition;
}

export const GLOBAL_FLAGS = {
  json: { type: 'boolean', description: 'Print machine-readable JSON instead of text' },
  verbose: { type: 'boolean', short: 'v', description: 'Print stack traces and debug logs on failure' },
  config: {
    type: 'string',
    valueName: 'path',
    description: 'Config file (default: connectorkit.yaml found from the current folder up)',
  },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
} as const satisfies Record<string, FlagDefinition>;

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses argv for one command; throws `UsageError` on unknown flags or missing positionals. */
export function parseCommandArgs(
  command: CommandDefinition,
  argv: readonly string[],
): { flags: Record<string, unknown>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  const all: Record<string, FlagDefinition> = { ...GLOBAL_FLAGS, ...command.flags };
  for (const [name, flag] of Object.entries(all)) {
    options[name] = {
      type: flag.type,
      ...(flag.short === undefined ? {} : { short: flag.short }),
      ...(flag.multiple === true ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message.replace(/\. To specify a positional.*$/s, '')} — see 'ck ${command.name} --help'`,
    );
  }
  const positionals = parsed.positionals;
  if (parsed.values.help !== true) {
    const declared = command.positionals ?? [];
    const required = declared.filter((positional) => positional.required === true);
    if (positionals.length < required.length) {
      const missing = required[positionals.length];
      throw new UsageError(`missing <${missing?.name}> — usage: ${usageLine(command)}`);
    }
    const variadic = declared.some((positional) => positional.variadic === true);
    if (!variadic && positionals.length > declared.length) {
      throw new UsageError(
        `unexpected argument '${positionals[declared.length]}' — usage: ${usageLine(command)}`,
      );
    }
  }
  return { flags: parsed.values as Record<string, unknown>, positionals };
}

export function usageLine(command: CommandDefinition): string {
  const positionals = (command.positionals ?? []).map((positional) => {
    const name = `${positional.name}${positional.variadic === true ? '…' : ''}`;
    return positional.required === true ? `<${name}>` : `[${name}]`;
  });
  return ['ck', command.name, ...positionals, '[flags]'].join(' ');
}

export function commandHelp(command: CommandDefinition): string {
  const lines = [`${command.summary}`, '', `Usage: ${usageLine(command)}`];
  if (command.help !== undefined) lines.push('', command.help.trimEnd());
  const positionals = command.positionals ?? [];
  if (positionals.length > 0) {
    lines.push('', 'Arguments:');
    for (const positional of positionals)
      lines.push(`  ${positional.name.padEnd(24)} ${positional.description}`);
  }
  const flagLines = (flags: Record<string, FlagDefinition>): string[] =>
    Object.entries(flags).map(([name, flag]) => {
      const label = `${flag.short === undefined ? '    ' : `-${flag.short}, `}--${name}${flag.type === 'string' ? ` <${flag.valueName ?? 'value'}>` : ''}`;
      return `  ${label.padEnd(24)} ${flag.description}`;
    });
  if (command.flags !== undefined && Object.keys(command.flags).length > 0)
    lines.push('', 'Flags:', ...flagLines(command.flags));
  lines.push('', 'Global flags:', ...flagLines(GLOBAL_FLAGS));
  return `${lines.join('\n')}\n`;
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
