import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '@connectorkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CommandDefinition, CommandIo } from '../command.js';
import { run } from '../main.js';
import { createCommand } from './create.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ck-create-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ck create …` in `cwd`; `answers` make standard input a terminal that types them. */
async function ck(
  argv: readonly string[],
  options: { cwd?: string; answers?: string } = {},
): Promise<Result> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = Object.assign(new PassThrough(), { isTTY: options.answers !== undefined });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  stdin.end(options.answers ?? '');
  const io: CommandIo = { stdout, stderr, stdin, cwd: options.cwd ?? root, env: {} };
  const code = await run(['create', ...argv], {
    io,
    commands: [createCommand as unknown as CommandDefinition],
  });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/** A pnpm workspace with the layout of this monorepo and one connector in it. */
function workspace(): string {
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n  - connectors/*\n');
  mkdirSync(join(root, 'packages/core'), { recursive: true });
  writeFileSync(
    join(root, 'packages/core/package.json'),
    JSON.stringify({ name: '@connectorkit/core', version: '0.1.0' }),
  );
  mkdirSync(join(root, 'connectors/redis-cache'), { recursive: true });
  writeFileSync(
    join(root, 'connectors/redis-cache/package.json'),
    JSON.stringify({
      name: '@connectorkit/connector-redis',
      connectorkit: { manifest: './dist/connectorkit.manifest.json' },
    }),
  );
  return root;
}

describe('ck create connector', () => {
  it('creates a connector under connectors/ of the workspace, printing what it wrote and what to run next', async () => {
    workspace();
    const result = await ck(['connector', 'acme', '--yes'], { cwd: join(root, 'packages/core') });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Writing ');
    expect(result.stdout).toContain(
      '✓ Created connector @connectorkit/connector-acme in ../../connectors/acme',
    );
    expect(result.stdout).toContain('  src/connector.ts');
    expect(result.stdout).toContain('pnpm --filter @connectorkit/connector-acme test');
    const folder = join(root, 'connectors/acme');
    expect(readFileSync(join(folder, 'src/connector.ts'), 'utf8')).toContain("name: 'acme',");
    expect(readFileSync(join(folder, 'src/connection.ts'), 'utf8')).toContain('export const acmeConnection');
    expect(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))).toMatchObject({
      name: '@connectorkit/connector-acme',
      description: 'Acme connector for Connector Kit: actions and triggers over its client library.',
      peerDependencies: { '@connectorkit/core': 'workspace:^' },
      devDependencies: { typescript: '~5.9.3' },
    });
    expect(existsSync(join(folder, 'biome.json'))).toBe(true);
  });

  it('prints a JSON report with --json', async () => {
    const result = await ck([
      'connector',
      'acme',
      '--kind',
      'http',
      '--json',
      '--package',
      '@acme/connector-acme',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      ok: true,
      created: 'connector',
      package: '@acme/connector-acme',
      folder: join(root, 'connector-acme'),
      mode: 'standalone',
      next: ['cd connector-acme', 'npm install', 'npm run build', 'npm test'],
    });
    expect(report.files).toEqual(
      expect.arrayContaining(['src/test-fixtures/api-server.ts', '.gitignore', 'biome.json']),
    );
    expect(report.files).not.toContain('src/client.ts');
  });

  it.each([
    [['connector', 'Acme_CRM', '--yes'], 1, "'Acme_CRM' is not a valid connector name"],
    [
      ['connector', 'acme', '--package', 'Acme'],
      1,
      "'Acme' is not a valid npm package name: it has capital letters",
    ],
    [['connector', 'acme', '--kind', 'soap'], 2, '--kind must be sdk or http'],
    [
      ['connector', 'acme', '--kind', 'sdk', '--from-openapi', 'x.yaml'],
      2,
      '--from-openapi makes an http connector',
    ],
    [['connector', 'acme', '--from-openapi', 'missing.yaml'], 1, 'cannot read the OpenAPI document'],
    [['connector'], 2, 'missing <name>'],
    [['widget', 'x'], 2, "'widget' cannot be created"],
    [['project', 'x', '--kind', 'http'], 2, "--kind is for 'ck create connector'"],
    [['project'], 2, 'missing <dir>'],
  ])('refuses %j (exit %i): %s', async (argv, code, message) => {
    const result = await ck(argv);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses a name taken in the workspace, by package or by connector name', async () => {
    workspace();
    const byConnector = await ck(['connector', 'redis', '--package', '@other/redis', '--yes']);
    expect(byConnector.code).toBe(1);
    expect(byConnector.stderr).toContain(
      "CONFLICT: connector name 'redis' is taken by @connectorkit/connector-redis",
    );
    const byPackage = await ck(['connector', 'cache', '--package', '@connectorkit/connector-redis', '--yes']);
    expect(byPackage.stderr).toContain(
      'package @connectorkit/connector-redis already exists in the workspace',
    );
  });

  it('never overwrites: a folder with anything in it is refused and left as it was', async () => {
    const folder = join(root, 'mine');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'keep me');
    const result = await ck(['connector', 'acme', '--dir', 'mine', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already exists and is not empty — nothing was written');
    expect(readdirSync(folder)).toEqual(['notes.txt']);
    expect(readFileSync(join(folder, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(readdirSync(root)).toEqual(['mine']);
  });

  it('uses an empty folder given with --dir', async () => {
    mkdirSync(join(root, 'empty'));
    const result = await ck(['connector', 'acme', '--dir', 'empty', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(root, 'empty/src/index.ts'))).toBe(true);
  });

  it('asks in a terminal for what the flags do not say, again after a wrong answer', async () => {
    const result = await ck(['connector'], {
      answers: 'Acme CRM\nacme-crm\nhttp\nContacts and deals of Acme.\n\n',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Connector name (lowercase letters, digits and dashes, e.g. acme-crm): ');
    expect(result.stderr).toContain("'Acme CRM' is not a valid connector name");
    expect(result.stderr).toContain('Kind (sdk): ');
    expect(result.stderr).toContain('Create connector-acme-crm in connector-acme-crm? [Y/n]');
    const folder = join(root, 'connector-acme-crm');
    expect(readFileSync(join(folder, 'src/connection.ts'), 'utf8')).toContain('createHttpClient');
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toContain('Contacts and deals of Acme.');
  });

  it('takes the defaults for empty answers', async () => {
    const result = await ck(['connector'], { answers: 'acme\n\n\n\n' });
    expect(result.code, result.stderr).toBe(0);
    const folder = join(root, 'connector-acme');
    expect(existsSync(join(folder, 'src/client.ts'))).toBe(true);
    expect(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).description).toBe(
      'Acme connector for Connector Kit: actions and triggers over its client library.',
    );
  });

  it('writes nothing when the answer to "create?" is no', async () => {
    const result = await ck(['connector', 'acme', '--kind', 'sdk', '--description', 'x'], { answers: 'n\n' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Nothing was created.');
    expect(readdirSync(root)).toEqual([]);
  });

  it('asks nothing with --yes, even in a terminal', async () => {
    const result = await ck(['connector', 'acme', '--yes'], { answers: '' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
  });
});

describe('ck create project', () => {
  it('makes connectorkit.yaml, a flow and the scripts to run it', async () => {
    const result = await ck(['project', 'my-flows', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const folder = join(root, 'my-flows');
    expect(JSON.parse(result.stdout)).toMatchObject({ created: 'project', package: 'my-flows', folder });
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(manifest.scripts.hello).toBe('ck run flows/hello.flow.yaml --input @flows/hello.input.json');
    expect(Object.keys(manifest.dependencies)).toEqual([
      '@connectorkit/cli',
      '@connectorkit/connector-redis',
      '@connectorkit/core',
      '@connectorkit/flow',
    ]);
    const config = loadConfig({ cwd: folder, env: {} });
    expect(config.connections).toEqual({ cache: { connector: 'redis', url: 'redis://127.0.0.1:6379' } });
    const flow = parse(readFileSync(join(folder, 'flows/hello.flow.yaml'), 'utf8')) as {
      name: string;
      steps: { call: string }[];
      output: unknown;
    };
    expect(flow.name).toBe('hello');
    expect(flow.steps.map((step) => step.call)).toEqual(['redis.set', 'redis.get']);
    expect(JSON.parse(readFileSync(join(folder, 'flows/hello.input.json'), 'utf8'))).toEqual({
      name: 'world',
    });
  });

  it('never overwrites a folder with anything in it', async () => {
    mkdirSync(join(root, 'taken'));
    writeFileSync(join(root, 'taken/connectorkit.yaml'), 'connections: {}\n');
    const result = await ck(['project', 'taken']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already exists and is not empty');
    expect(readFileSync(join(root, 'taken/connectorkit.yaml'), 'utf8')).toBe('connections: {}\n');
  });
});
