import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_VALID_TOKEN } from '@connectorkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinCommands } from './main.js';
import { createTestProject, runCli, type TestProject } from './test-support/project.js';

const CANARY = 'ck-canary-cli-7c41';
const CONFIG = `connections:
  sample:
    connector: sample
    token: \${SAMPLE_TOKEN}
  broken:
    connector: sample
    token: \${BROKEN_TOKEN:-${CANARY}}
`;

let project: TestProject;
let env: Record<string, string>;

beforeEach(() => {
  project = createTestProject(CONFIG);
  env = { SAMPLE_TOKEN: SAMPLE_VALID_TOKEN };
});

afterEach(() => project.cleanup());

const ck = (argv: string[], stdin?: string) =>
  runCli(argv, { cwd: project.root, env, ...(stdin === undefined ? {} : { stdin }) });

describe('ck list', () => {
  it('shows discovered connectors and connections without loading connector code', async () => {
    const result = await ck(['list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sample\s+0\.1\.0\s+7\s+1\s+An in-memory note service/);
    expect(result.stdout).toMatch(/sample\s+sample/);
    expect(existsSync(project.loadedMarker)).toBe(false);
  });

  it('prints JSON with --json', async () => {
    const result = await ck(['list', '--json']);
    const parsed = JSON.parse(result.stdout) as {
      connectors: { name: string; actions: string[] }[];
      connections: unknown[];
    };
    expect(parsed.connectors[0]?.name).toBe('sample');
    expect(parsed.connectors[0]?.actions).toContain('echo');
    expect(parsed.connections).toEqual([
      { name: 'sample', connector: 'sample' },
      { name: 'broken', connector: 'sample' },
    ]);
  });
});

describe('ck list with an unusable connector package', () => {
  it('skips it with a warning and lists the rest', async () => {
    const broken = join(project.root, 'node_modules', '@acme', 'connector-broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(
      join(broken, 'package.json'),
      JSON.stringify({ name: '@acme/connector-broken', connectorkit: { manifest: './missing.json' } }),
    );
    const text = await ck(['list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('sample');
    expect(text.stderr).toContain(
      'warn: skipped a connector package: package @acme/connector-broken: cannot read its manifest',
    );
    const json = await ck(['list', '--json']);
    expect(
      (JSON.parse(json.stdout) as { problems: { code: string }[] }).problems.map((problem) => problem.code),
    ).toEqual(['INVALID_CONFIG']);
  });
});

describe('ck describe', () => {
  it('describes a connector with its connection fields, secrets marked', async () => {
    const result = await ck(['describe', 'sample']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/token\s+string, required, secret/);
    expect(result.stdout).toMatch(/echo\s+Returns its input/);
    expect(result.stdout).toMatch(/ticks\s+\[at-least-once\]/);
    expect(existsSync(project.loadedMarker)).toBe(false);
  });

  it('connects and shows the service with --connection, in text and JSON', async () => {
    await ck(['invoke', 'sample.put', '--input', '{"key":"k","text":"v"}']);
    const text = await ck(['describe', 'sample', '--connection', 'sample']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Service (connection sample)');
    expect(text.stdout).toContain('"region": "local"');
    const json = await ck(['describe', 'sample', '--connection', 'sample', '--json']);
    expect((JSON.parse(json.stdout) as { service: unknown }).service).toEqual({ region: 'local', notes: [] });
    const unknown = await ck(['describe', 'sample', '--connection', 'nope']);
    expect(unknown.stderr).toContain("INVALID_CONFIG: unknown connection 'nope'");
  });

  it('describes an action with input, output and examples', async () => {
    const result = await ck(['describe', 'sample.echo']);
    expect(result.stdout).toContain('idempotent');
    expect(result.stdout).toMatch(/times\s+integer, optional, default 1/);
    expect(result.stdout).toContain(`ck invoke sample.echo --input '{"text":"hi","times":2}'`);
  });

  it('describes a trigger and prints JSON schemas with --json', async () => {
    const text = await ck(['describe', 'sample.ticks']);
    expect(text.stdout).toContain('trigger, at-least-once');
    const json = await ck(['describe', 'sample.put', '--json']);
    const parsed = JSON.parse(json.stdout) as { kind: string; input: { required: string[] } };
    expect(parsed.kind).toBe('action');
    expect(parsed.input.required).toEqual(['key', 'text']);
  });

  it('names what exists when the target is unknown', async () => {
    const connector = await ck(['describe', 'nope']);
    expect(connector.code).toBe(1);
    expect(connector.stderr).toContain("NOT_FOUND: unknown connector 'nope' — installed: sample");
    const member = await ck(['describe', 'sample.nope']);
    expect(member.stderr).toContain("connector 'sample' has no action or trigger 'nope'");
  });
});

describe('ck invoke', () => {
  it('runs an action with inline JSON and prints its output', async () => {
    const result = await ck(['invoke', 'sample.echo', '--input', '{"text":"ab","times":2}']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ text: 'abab' });
    expect(existsSync(project.loadedMarker)).toBe(true);
  });

  it('reads input from a file (@path) and from standard input (-)', async () => {
    writeFileSync(join(project.root, 'input.json'), '{"text":"file"}');
    const fromFile = await ck(['invoke', 'sample.echo', '--input', '@input.json']);
    expect(JSON.parse(fromFile.stdout)).toEqual({ text: 'file' });
    const fromStdin = await ck(['invoke', 'sample.echo', '--input', '-'], '{"text":"pipe"}');
    expect(JSON.parse(fromStdin.stdout)).toEqual({ text: 'pipe' });
  });

  it('wraps the output with --json', async () => {
    const result = await ck([
      'invoke',
      'sample.put',
      '--input',
      '{"key":"k","text":"v"}',
      '--connection',
      'sample',
      '--json',
    ]);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; output: unknown };
    expect(parsed.ok).toBe(true);
    expect(parsed.output).toEqual({ key: 'k', created: true });
  });

  it('fails with one line naming the code and every input problem, no stack trace', async () => {
    const result = await ck(['invoke', 'sample.echo', '--input', '{"text":1,"times":99}']);
    expect(result.code).toBe(1);
    const [first] = result.stderr.split('\n');
    expect(first).toContain('ck: error INVALID_INPUT');
    expect(first).toContain('$.text must be a string, got 1');
    expect(first).toContain('$.times must be <= 10, got 99');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('adds the stack trace with --verbose, still without a secret', async () => {
    const result = await ck([
      'invoke',
      'sample.get',
      '--input',
      '{"key":"k"}',
      '--connection',
      'broken',
      '--verbose',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toContain('ck: error AUTH');
    expect(result.stderr).toMatch(/\n\s+at /);
    expect(result.stderr + result.stdout).not.toContain(CANARY);
  });

  it('prints the error as JSON with --json', async () => {
    const result = await ck(['invoke', 'sample.get', '--input', '{"key":"missing"}', '--json']);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as {
      ok: boolean;
      error: { code: string; connector: string; action: string };
    };
    expect(parsed.error).toMatchObject({ code: 'NOT_FOUND', connector: 'sample', action: 'get' });
  });

  it('rejects malformed JSON input and bad flags as usage errors (exit 2)', async () => {
    expect((await ck(['invoke', 'sample.echo', '--input', '{nope'])).code).toBe(2);
    expect((await ck(['invoke', 'sample.echo', '--timeout', 'soon'])).stderr).toContain(
      '--timeout must be an integer',
    );
    expect((await ck(['invoke', 'sample.echo', '--bogus'])).code).toBe(2);
    expect((await ck(['invoke'])).stderr).toContain('missing <action>');
    expect((await ck(['invoke', 'sample.echo', '--input', '@missing.json'])).stderr).toContain(
      'cannot read input file missing.json: ENOENT',
    );
  });

  it('reports an unknown action with what the connector has', async () => {
    const result = await ck(['invoke', 'sample.nope']);
    expect(result.stderr).toContain('ck: error NOT_FOUND [sample.nope]: ');
    expect(result.stderr).toContain("connector 'sample' has no action 'nope' — it has: put, get, echo");
  });

  it('ends a slow action at --timeout with TIMEOUT', async () => {
    const result = await ck([
      'invoke',
      'sample.wait',
      '--input',
      '{"ms":10000}',
      '--timeout',
      '50',
      '--retry',
      '1',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TIMEOUT');
  });

  it('names the configured connections when the one asked for is unknown', async () => {
    const result = await ck(['invoke', 'sample.echo', '--input', '{"text":"x"}', '--connection', 'nope']);
    expect(result.stderr).toContain(
      "INVALID_CONFIG [sample.echo]: unknown connection 'nope' — configured: sample, broken",
    );
  });
});

describe('ck check', () => {
  it('reports a working connection', async () => {
    const result = await ck(['check', 'sample']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ sample \(sample\) works — \d+ ms/);
  });

  it('reports a rejected credential without printing it, in text and JSON', async () => {
    const text = await ck(['check', 'broken', '--verbose']);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('AUTH');
    expect(text.stderr).toContain('<redacted>');
    expect(text.stderr + text.stdout).not.toContain(CANARY);
    const json = await ck(['check', '--all', '--json']);
    expect(json.code).toBe(1);
    expect(json.stdout).not.toContain(CANARY);
    const parsed = JSON.parse(json.stdout) as { results: { connection: string; ok: boolean }[] };
    expect(parsed.results.map((result) => [result.connection, result.ok])).toEqual([
      ['sample', true],
      ['broken', false],
    ]);
  });
});

describe('configuration errors', () => {
  it('names the file, line, column and variable when an environment variable is missing', async () => {
    env = {};
    const result = await ck(['list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /INVALID_CONFIG: connectorkit\.yaml:4:\d+: connections\.sample\.token uses \$\{SAMPLE_TOKEN\}/,
    );
  });

  it('names the key that fails the connector schema', async () => {
    writeFileSync(
      join(project.root, 'other.yaml'),
      'connections:\n  notes:\n    connector: sample\n    token: abcd\n    region: 5\n',
    );
    const result = await ck(['list', '--config', 'other.yaml']);
    expect(result.stderr).toContain(
      "other.yaml:5:5: connection 'notes' (connector sample): 'region' must be a string, got 5",
    );
  });

  it('names an unknown connector with the installed ones', async () => {
    writeFileSync(join(project.root, 'other.yaml'), 'connections:\n  chat:\n    connector: slack\n');
    const result = await ck(['list', '--config', 'other.yaml']);
    expect(result.stderr).toContain(
      "other.yaml:3:5: connection 'chat' uses unknown connector 'slack' — installed: sample",
    );
  });
});

describe('help and usage', () => {
  it.each(builtinCommands.map((command) => command.name))('ck %s --help prints usage', async (name) => {
    const result = await ck([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: ck ${name}`);
    expect(result.stdout).toContain('--json');
  });

  it('lists commands with --help and rejects unknown commands', async () => {
    expect((await ck(['--help'])).stdout).toContain('invoke');
    const unknown = await ck(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });
});

describe('the ck binary', () => {
  it('exits non-zero with one line and no stack trace', () => {
    const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
    const result = spawnSync(process.execPath, [bin, 'invoke', 'sample.echo', '--input', '{}'], {
      cwd: project.root,
      env: { ...process.env, SAMPLE_TOKEN: SAMPLE_VALID_TOKEN },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      'ck: error INVALID_INPUT: sample.echo: invalid input — $.text is required',
    );
  });
});
