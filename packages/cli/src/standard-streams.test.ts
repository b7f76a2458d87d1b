import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SAMPLE_VALID_TOKEN } from '@connectorkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BROKEN_PIPE_EXIT_CODE, guardStandardStreams, whenOutputFails } from './standard-streams.js';
import { createTestProject, type TestProject, TICKING_FLOW } from './test-support/project.js';

const CONFIG = `connections:
  sample:
    connector: sample
    token: \${SAMPLE_TOKEN}
`;

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
let project: TestProject;

beforeEach(() => {
  project = createTestProject(CONFIG);
});

afterEach(() => project.cleanup());

interface Closed {
  /** Which of the child's streams has its reader gone. */
  readonly stream: 'stdout' | 'stderr';
  /** Close it once this much has been read (0: before the child writes anything)… */
  readonly afterBytes: number;
  /** …and what was read includes this text. */
  readonly afterText?: string;
}

/** Runs the built `ck` with the reader of one of its streams closing early; collects the other. */
function ckWithClosedReader(
  argv: readonly string[],
  closed: Closed,
): Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }> {
  const child: ChildProcess = spawn(process.execPath, [bin, ...argv], {
    cwd: project.root,
    env: { ...process.env, SAMPLE_TOKEN: SAMPLE_VALID_TOKEN, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const reader = closed.stream === 'stdout' ? child.stdout : child.stderr;
  const kept = closed.stream === 'stdout' ? child.stderr : child.stdout;
  let read = '';
  let text = '';
  if (closed.afterBytes === 0 && closed.afterText === undefined) reader?.destroy();
  else
    reader?.on('data', (chunk: Buffer) => {
      read += chunk.toString('utf8');
      if (Buffer.byteLength(read) >= closed.afterBytes && read.includes(closed.afterText ?? ''))
        reader.destroy();
    });
  kept?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: closed.stream === 'stdout' ? '' : text,
        stderr: closed.stream === 'stderr' ? '' : text,
      }),
    );
  });
}

describe('ck with a reader that goes away', () => {
  it('ends a short command quietly when standard output is closed', async () => {
    const result = await ckWithClosedReader(['describe', 'sample'], { stream: 'stdout', afterBytes: 0 });
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(BROKEN_PIPE_EXIT_CODE);
  });

  it('ends a --json command quietly when standard output is closed', async () => {
    const result = await ckWithClosedReader(['list', '--json'], { stream: 'stdout', afterBytes: 0 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(BROKEN_PIPE_EXIT_CODE);
  });

  it('ends quietly when standard error is closed while it reports a failure', async () => {
    const result = await ckWithClosedReader(['invoke', 'sample.echo', '--input', '{}'], {
      stream: 'stderr',
      afterBytes: 0,
    });
    expect(result.stdout).toBe('');
    expect(result.code).toBe(BROKEN_PIPE_EXIT_CODE);
  });

  it('stops `ck start` gracefully: the runs in flight finish and are acknowledged', async () => {
    mkdirSync(join(project.root, 'flows'));
    writeFileSync(join(project.root, 'flows', 'ticking.flow.yaml'), TICKING_FLOW);
    // The reader goes once the first run has started; a later line (that run ending, or the next
    // starting) finds the pipe closed while the run is in flight.
    const result = await ckWithClosedReader(['start', 'ticking'], {
      stream: 'stdout',
      afterBytes: 1,
      afterText: 'run ',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(BROKEN_PIPE_EXIT_CODE);
    const state = join(project.root, '.ck', 'state', 'ticking.sample.ticks.json');
    expect(existsSync(state)).toBe(true);
    const { position } = JSON.parse(readFileSync(state, 'utf8')) as { position: number };
    // Stopped before the five ticks ran, with what was acknowledged saved.
    expect(position).toBeGreaterThanOrEqual(1);
    expect(position).toBeLessThan(5);
  });

  it('stops `ck sandbox start` the way SIGTERM does', async () => {
    const result = await ckWithClosedReader(['sandbox', 'start', 'slack', '--port', '0', '--no-announce'], {
      stream: 'stdout',
      afterBytes: 0,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(BROKEN_PIPE_EXIT_CODE);
  });

  it('reports any other write failure on one line, exit code 1', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [bin, 'describe', 'sample'], {
        cwd: project.root,
        env: { ...process.env, SAMPLE_TOKEN: SAMPLE_VALID_TOKEN, NO_COLOR: '1' },
        stdio: ['ignore', full, 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      const code = await new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', resolve);
      });
      expect(code).toBe(1);
      expect(stderr).toBe(
        'ck: error INTERNAL: cannot write to standard output: ENOSPC: no space left on device, write\n',
      );
    } finally {
      closeSync(full);
    }
  });
});

describe('guardStandardStreams', () => {
  it('hands a failure to the registered stop once, without exiting, however often writes fail', () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const exits: number[] = [];
    const stops: string[] = [];
    const guard = guardStandardStreams({ stdout, stderr, exit: (code) => exits.push(code) });
    const forget = whenOutputFails(() => stops.push('stop'));
    try {
      const brokenPipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      stdout.emit('error', brokenPipe);
      stdout.emit('error', brokenPipe);
      stderr.emit('error', brokenPipe);
      expect(stops).toEqual(['stop']);
      expect(exits).toEqual([]);
      expect(guard.exitCode).toBe(BROKEN_PIPE_EXIT_CODE);
      expect(stderr.read()).toBeNull();
    } finally {
      forget();
    }
  });

  it('says what failed on standard error for anything but a closed pipe', () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const stops: string[] = [];
    const guard = guardStandardStreams({ stdout, stderr, exit: () => undefined });
    const forget = whenOutputFails(() => stops.push('stop'));
    try {
      stdout.emit('error', Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
      expect(guard.exitCode).toBe(1);
      expect(String(stderr.read())).toBe(
        'ck: error INTERNAL: cannot write to standard output: EIO: i/o error, write\n',
      );
      expect(stops).toEqual(['stop']);
    } finally {
      forget();
    }
  });
});
