import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandIo } from '../command.js';
import { defineCommand, UsageError } from '../command.js';
import { palette, progress, writeJson } from '../output.js';
import { withKit } from '../project.js';

export const invokeCommand = defineCommand({
  name: 'invoke',
  summary: 'Run one action and print its output as JSON',
  help: [
    'The input is JSON given inline, read from a file with @path, or from standard input with -.',
    '',
    'Examples:',
    `  ck invoke redis.set --input '{"key":"greeting","value":"hello"}'`,
    '  ck invoke slack.postMessage --input @message.json --connection workspace',
    '  echo \'{"key":"greeting"}\' | ck invoke redis.get --input -',
  ].join('\n'),
  positionals: [{ name: 'action', description: "The action, as 'connector.action'", required: true }],
  flags: {
    input: {
      type: 'string',
      short: 'i',
      valueName: 'json|@file|-',
      description: 'Action input (default: {})',
    },
    connection: {
      type: 'string',
      short: 'c',
      valueName: 'name',
      description: 'Named connection from connectorkit.yaml',
    },
    timeout: {
      type: 'string',
      valueName: 'ms',
      description: 'Time limit per attempt in milliseconds (default 30000)',
    },
    retry: {
      type: 'string',
      valueName: 'attempts',
      description: 'Retry retryable failures up to this many attempts, even for non-idempotent actions',
    },
  },
  run: async ({ flags, positionals, io }) => {
    const action = positionals[0] ?? '';
    const input = await readInput(flags.input, io);
    const timeoutMs = parseInteger(flags.timeout, '--timeout', 0);
    const attempts = parseInteger(flags.retry, '--retry', 1);
    return withKit(io, flags, async (kit) => {
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once('SIGINT', onSignal);
      const stop = progress(io, `invoking ${action}`, flags.json !== true);
      const started = performance.now();
      try {
        const output = await kit.invokeDynamic(action, input, {
          signal: controller.signal,
          ...(flags.connection === undefined ? {} : { connection: flags.connection }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          ...(attempts === undefined ? {} : { retry: attempts }),
        });
        stop();
        const shown = kit.redact(output);
        if (flags.json === true) {
          writeJson(io, {
            action,
            ok: true,
            durationMs: Math.round(performance.now() - started),
            output: shown,
          });
        } else {
          writeJson(io, shown);
          if (io.stderr.isTTY === true) {
            io.stderr.write(
              `${palette(io, 'stderr').dim(`${action} ok in ${Math.round(performance.now() - started)} ms`)}\n`,
            );
          }
        }
        return 0;
      } finally {
        stop();
        process.removeListener('SIGINT', onSignal);
      }
    });
  },
});

async function readInput(value: string | undefined, io: CommandIo): Promise<unknown> {
  if (value === undefined) return {};
  let text = value;
  let source = '--input';
  if (value === '-') {
    text = await readStream(io.stdin);
    source = 'standard input';
  } else if (value.startsWith('@')) {
    const file = resolve(io.cwd, value.slice(1));
    source = value.slice(1);
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read input file ${value.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function parseInteger(value: string | undefined, flag: string, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum)
    throw new UsageError(`${flag} must be an integer ≥ ${minimum}, got '${value}'`);
  return parsed;
}
