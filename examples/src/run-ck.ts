import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of one example, by its name. */
export function exampleFolder(name: string): string {
  return fileURLToPath(new URL(`../${name}/`, import.meta.url));
}

/** The `ck` launcher of the installed CLI — what `pnpm ck` and the README run. */
export const CK = join(
  dirname(createRequire(import.meta.url).resolve('@connectorkit/cli/package.json')),
  'bin',
  'ck.js',
);

export interface CkResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ck <args>` in `cwd` to its end, as a user would, without colours. */
export function runCk(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CK, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running `ck` (e.g. `ck start`): its output so far, and a way to stop it with SIGTERM. */
export interface RunningCk {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startCk(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): RunningCk {
  const child = spawn(process.execPath, [CK, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The URL of an emulator that `ck start --sandbox` announced (`sandbox <name> at <url>`), once it has. */
export function sandboxUrl(ck: RunningCk, name: string): string | undefined {
  return new RegExp(`^sandbox ${name} at (\\S+)$`, 'm').exec(ck.stdout())?.[1];
}

/** Polls `condition` until it holds, or fails naming `what`. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One `npx ck …` line of a README's `sh` blocks: what a reader types, as `ck` arguments. */
export interface ReadmeCommand {
  /** The line as the README shows it, without its trailing comment. */
  readonly line: string;
  readonly args: readonly string[];
  /** The file of a `> file` redirect, relative to the folder the command runs in. */
  readonly stdoutFile: string | undefined;
}

/**
 * The `npx ck` commands of a README's `sh` blocks, in order. Words are split as a shell splits
 * them for these lines: by spaces, with '…' and "…" quoting; `# …` ends the line.
 */
export function readmeCommands(readmeFile: string): ReadmeCommand[] {
  const blocks = readFileSync(readmeFile, 'utf8').matchAll(/^```sh\n([\s\S]*?)^```$/gm);
  return [...blocks]
    .flatMap((block) => (block[1] ?? '').split('\n'))
    .map((line) => shellWords(line.trim()))
    .filter((words) => words[0] === 'npx' && words[1] === 'ck')
    .map((words) => {
      const redirect = words.indexOf('>');
      const args = words.slice(2, redirect === -1 ? undefined : redirect);
      const stdoutFile = redirect === -1 ? undefined : words[redirect + 1];
      const line = ['npx ck', ...args.map(quoted), ...(stdoutFile === undefined ? [] : ['>', stdoutFile])];
      return { line: line.join(' '), args, stdoutFile };
    });
}

/** Runs a README command in `cwd` as a shell would: with a `> file` redirect, standard output goes to the file. */
export async function runReadmeCommand(
  command: ReadmeCommand,
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<CkResult> {
  const result = await runCk(command.args, cwd, env);
  if (command.stdoutFile !== undefined) writeFileSync(join(cwd, command.stdoutFile), result.stdout);
  return result;
}

function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const character of line) {
    if (quote !== undefined) {
      if (character === quote) quote = undefined;
      else word += character;
    } else if (character === "'" || character === '"') {
      quote = character;
      word ??= '';
    } else if (character === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (character === '#' && word === undefined) {
      break;
    } else {
      word = (word ?? '') + character;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function quoted(word: string): string {
  return /^[\w@./:=,+-]+$/.test(word) ? word : `'${word}'`;
}
