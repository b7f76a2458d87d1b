import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_VALID_TOKEN } from '@connectorkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestProject, runCli, type TestProject, TICKING_FLOW } from './test-support/project.js';

const CANARY = 'ck-canary-flow-91b3';
const CONFIG = `connections:
  sample:
    connector: sample
    token: \${SAMPLE_TOKEN}
  spare:
    connector: sample
    token: ${CANARY}
`;

const GREET = `name: greet
input:
  type: object
  properties: { name: { type: string } }
  required: [name]
steps:
  - id: hello
    call: sample.echo
    connection: sample
    with: { text: "Hello {{ input.name }}", times: 1 }
  - forEach: [1, 2]
    steps:
      - call: sample.put
        connection: sample
        with: { key: "= 'k' & item", text: "= steps.hello.text" }
output: "= { 'greeting': steps.hello.text }"
`;

const MISSING = `name: missing
steps:
  - id: read
    call: sample.get
    connection: sample
    with: { key: nothing-here }
`;

let project: TestProject;
const env = { SAMPLE_TOKEN: SAMPLE_VALID_TOKEN };

beforeEach(() => {
  project = createTestProject(CONFIG);
  mkdirSync(join(project.root, 'flows'));
  writeFileSync(join(project.root, 'flows', 'greet.flow.yaml'), GREET);
  writeFileSync(join(project.root, 'flows', 'missing.flow.yaml'), MISSING);
});

afterEach(() => project.cleanup());

const ck = (argv: string[], stdin?: string) =>
  runCli(argv, { cwd: project.root, env, ...(stdin === undefined ? {} : { stdin }) });

describe('ck run', () => {
  it('runs a flow file with inline input and prints its output', async () => {
    const result = await ck(['run', 'flows/greet.flow.yaml', '--input', '{"name":"Ada"}']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ greeting: 'Hello Ada' });
  });

  it('finds a flow by name in flows/ and traces every step on standard error', async () => {
    writeFileSync(join(project.root, 'input.json'), '{"name":"Bo"}');
    const result = await ck(['run', 'greet', '--input', '@input.json', '--trace']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ greeting: 'Hello Bo' });
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^✓ hello\s+call sample\.echo\s+\d+(\.\d)? ms$/);
    // Each call shows what it sent, on a line of its own.
    expect(lines[1]).toMatch(/^\s+→ \{"text":"Hello Bo","times":1\}$/);
    expect(lines[2]).toMatch(/^✓ forEach-2\s+forEach\s+\d+(\.\d)? ms$/);
    expect(lines[3]).toMatch(/^ {2}✓ call-3\s+call sample\.put\s+\d+(\.\d)? ms \[0\]$/);
    expect(lines[4]).toMatch(/^\s+→ \{.*\}$/);
    expect(lines[5]).toMatch(/^ {2}✓ call-3\s+call sample\.put\s+\d+(\.\d)? ms \[1\]$/);
    expect(lines[6]).toMatch(/^\s+→ \{.*\}$/);
    expect(lines[7]).toMatch(/^greet succeeded in \d+(\.\d)? ms \(run [0-9a-f-]{36}\)$/);
    expect(
      lines.every((line) => line.length <= 100),
      'every line fits 100 columns',
    ).toBe(true);
  });

  it('prints the redacted run record with --json', async () => {
    const result = await ck(['run', 'greet', '--input', JSON.stringify({ name: CANARY }), '--json']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(CANARY);
    const record = JSON.parse(result.stdout) as {
      status: string;
      flow: string;
      input: unknown;
      steps: { id: string }[];
    };
    expect(record).toMatchObject({ status: 'succeeded', flow: 'greet', input: { name: '<redacted>' } });
    expect(record.steps.map((step) => step.id)).toEqual(['hello', 'forEach-2']);
  });

  it('fails with the flow, the step and the code, and exit code 1', async () => {
    const text = await ck(['run', 'missing']);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(
      "ck: error NOT_FOUND [sample.get]: flow 'missing', step 'read': no note under key 'nothing-here'\n",
    );
    const json = await ck(['run', 'missing', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: 'failed',
      error: { code: 'NOT_FOUND', flow: 'missing', step: 'read' },
    });
  });

  it('rejects a wrong flow file with file:line:column, before running anything', async () => {
    writeFileSync(
      join(project.root, 'flows', 'wrong.flow.yaml'),
      'name: wrong\nsteps:\n  - call: sample.echo\n    with: { text: "= input.(" }\n',
    );
    const result = await ck(['run', 'wrong']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'ck: error INVALID_CONFIG: flows/wrong.flow.yaml:4:29: bad expression \'input.(\': Expected ")" before end of expression (S0203)',
    );
  });

  it('names the known flows for an unknown one (usage error)', async () => {
    const result = await ck(['run', 'gret']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "'gret' is neither a flow file nor the name of a flow in flows/ — flows: greet, missing",
    );
  });
});

describe('ck graph', () => {
  it('prints a Mermaid flowchart', async () => {
    const result = await ck(['graph', 'greet']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^flowchart TD\n/);
    expect(result.stdout).toContain('n2["hello: sample.echo"]');
  });

  it('writes an SVG file, the format following the file name', async () => {
    const result = await ck(['graph', 'flows/greet.flow.yaml', '--out', 'greet.svg']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('wrote greet.svg (svg, flow greet)\n');
    expect(readFileSync(join(project.root, 'greet.svg'), 'utf8')).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
  });

  it('rejects an unknown format', async () => {
    const result = await ck(['graph', 'greet', '--format', 'png']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--format must be mermaid or svg, got 'png'");
  });
});

describe('ck start', () => {
  it('refuses to start when no flow has a trigger', async () => {
    const result = await ck(['start']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('none of the 2 flows has a trigger to start');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops gracefully on %s: the run in flight finishes and only it is acknowledged',
    async (signal) => {
      writeFileSync(join(project.root, 'flows', 'ticking.flow.yaml'), TICKING_FLOW);
      const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
      const child = spawn(process.execPath, [bin, 'start', 'ticking'], {
        cwd: project.root,
        env: { ...process.env, ...env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const { stdout, stderr, code } = await untilExit(child, (output) => {
        // The first run is in flight: stop now.
        if (/run [0-9a-f]{8} started/.test(output) && !child.killed) child.kill(signal);
      });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines.filter((line) => /run [0-9a-f]{8} started/.test(line))).toHaveLength(1);
      expect(lines.filter((line) => line.includes('succeeded'))).toHaveLength(1);
      expect(lines.some((line) => line.includes('failed'))).toBe(false);
      // The signal came while the run was in flight; the run then finished before the process stopped.
      const signalled = lines.indexOf(`${signal}: stopping triggers and waiting for the runs in flight…`);
      const succeeded = lines.findIndex((line) => line.includes('succeeded'));
      expect(signalled).toBeGreaterThan(-1);
      expect(succeeded).toBeGreaterThan(signalled);
      expect(lines.at(-1)).toBe('stopped');
      const state = join(project.root, '.ck', 'state', 'ticking.sample.ticks.json');
      expect(existsSync(state)).toBe(true);
      expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual({ position: 1 });
    },
    20_000,
  );
});

/** Collects a child's output, calling `onOutput` with all of standard output so far, until it exits. */
function untilExit(
  child: ChildProcess,
  onOutput: (stdout: string) => void,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      onOutput(stdout);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ stdout, stderr, code }));
  });
}
