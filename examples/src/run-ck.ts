import { type ChildProcess, spawn } from 'node:child_process';
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
