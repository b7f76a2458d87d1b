import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The runner as `pnpm bench` starts it: the built file, in its own process (turbo builds before testing).
const runner = fileURLToPath(new URL('../dist/run.js', import.meta.url));

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runBench(args: readonly string[]): Promise<RunResult> {
  if (!existsSync(runner))
    throw new Error(`${runner} is missing — build it first: pnpm --filter @connectorkit/bench build`);
  return new Promise((resolve) => {
    execFile(process.execPath, [runner, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('pnpm bench', () => {
  it('prints exactly one JSON object with figures and ratios for `invoke --quick --json`', async () => {
    const { code, stdout, stderr } = await runBench(['invoke', '--quick', '--json']);
    expect(code, stderr).toBe(0);
    const lines = stdout.split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(result).toBeTypeOf('object');
    expect(Array.isArray(result)).toBe(false);
    expect(result.name).toBe('invoke');
    const figures = result.figures as Record<string, unknown>;
    const ratios = result.ratios as Record<string, unknown>;
    expect(figures.invokePerSecond).toBeGreaterThan(0);
    expect(figures.directPerSecond).toBeGreaterThan(0);
    expect(ratios.invokeVsDirect).toBeCloseTo(
      (figures.invokePerSecond as number) / (figures.directPerSecond as number),
      2,
    );
  }, 120_000);

  it('fails an unknown benchmark with one clear line and a non-zero exit', async () => {
    const { code, stdout, stderr } = await runBench(['no-such-bench', '--json']);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bench: unknown benchmark no-such-bench — known: .*\binvoke\b/);
  });
});
