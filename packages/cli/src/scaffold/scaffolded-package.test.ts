// End-to-end: `ck create connector` into a temporary pnpm workspace, then the new package's own
// build, typecheck, lint and tests — untouched. Its dependencies are this monorepo's packages
// and tools, linked the way `pnpm install` would link them, so no registry is needed. The last
// test packs core, the CLI and the new connector and installs the tarballs with npm into a
// fresh project outside any workspace, where `ck` must list, describe and run the connector.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandDefinition, CommandIo } from '../command.js';
import { createCommand } from '../commands/create.js';
import { builtinCommands, run } from '../main.js';
import { readWorkspace } from './workspace.js';

const MONOREPO = fileURLToPath(new URL('../../../../', import.meta.url));
const PETSTORE = fileURLToPath(new URL('./test-fixtures/petstore.yaml', import.meta.url));
const BIOME = join(MONOREPO, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
const MINUTES = 60_000;

let workspace: string;

beforeAll(() => {
  workspace = createTemporaryWorkspace();
});

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true });
});

describe('ck create connector: the new package builds, typechecks, lints and passes its tests as it is', () => {
  it(
    'sdk kind, in the workspace under connectors/',
    async () => {
      const result = await create([
        'connector',
        'acme-crm',
        '--yes',
        '--json',
        '--description',
        "Acme's CRM: contacts.",
      ]);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as {
        folder: string;
        package: string;
        mode: string;
        files: string[];
      };
      expect(report).toMatchObject({
        package: '@connectorkit/connector-acme-crm',
        mode: 'workspace',
        folder: join(workspace, 'connectors', 'acme-crm'),
      });
      expect(report.files).toEqual(
        expect.arrayContaining(['src/client.ts', 'src/connector.test.ts', 'README.md']),
      );
      const manifest = JSON.parse(readFileSync(join(report.folder, 'package.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(manifest).not.toHaveProperty('private');
      expect(manifest.peerDependencies).toEqual({ '@connectorkit/core': 'workspace:^' });
      expect(manifest.devDependencies).toMatchObject({
        typescript: 'catalog:',
        '@connectorkit/testing': 'workspace:^',
      });
      expect(readFileSync(join(report.folder, 'src/connector.ts'), 'utf8')).toContain(
        `description: "Acme's CRM: contacts.",`,
      );
      verifyPackage(report.folder, 'acme-crm');
    },
    6 * MINUTES,
  );

  it(
    'http kind, in a folder of its own outside any workspace (--dir)',
    async () => {
      const outside = mkdtempSync(join(tmpdir(), 'ck-standalone-'));
      try {
        const folder = join(outside, 'billing');
        const result = await create([
          'connector',
          'billing',
          '--kind',
          'http',
          '--dir',
          folder,
          '--yes',
          '--json',
        ]);
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ mode: 'standalone', package: 'connector-billing' });
        const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Record<
          string,
          unknown
        >;
        expect(manifest.peerDependencies).toEqual({ '@connectorkit/core': '^0.1.0' });
        expect(manifest.scripts).toMatchObject({ lint: 'biome check .' });
        expect(existsSync(join(folder, 'biome.json'))).toBe(true);
        verifyPackage(folder, 'billing', folder);
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    },
    6 * MINUTES,
  );

  it(
    '--from-openapi: one typed action per operation of petstore.yaml',
    async () => {
      const result = await create(['connector', 'petstore', '--from-openapi', PETSTORE, '--yes', '--json']);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { folder: string; notes: string[] };
      expect(report.notes).toContainEqual(expect.stringContaining('skipped POST /pets/{petId}/upload'));
      const actions = readdirSync(join(report.folder, 'src/actions')).sort();
      expect(actions.length).toBeGreaterThanOrEqual(5);
      verifyPackage(report.folder, 'petstore');
      const built = JSON.parse(
        readFileSync(join(report.folder, 'dist/connectorkit.manifest.json'), 'utf8'),
      ) as {
        actions: Record<string, unknown>;
      };
      expect(Object.keys(built.actions).sort()).toEqual([
        'createPet',
        'deletePet',
        'downloadPhoto',
        'getHealth',
        'getInventory',
        'listPets',
        'showPetById',
        'updatePet',
      ]);
    },
    6 * MINUTES,
  );
});

describe('installing individual connector packages', () => {
  it(
    'packs core, cli and the new connector; npm installs the tarballs outside the monorepo; ck lists, describes and runs it',
    async () => {
      const connector = join(workspace, 'connectors', 'acme-crm');
      expect(
        existsSync(join(connector, 'dist/connectorkit.manifest.json')),
        'the sdk test builds it first',
      ).toBe(true);
      const tarballs = mkdtempSync(join(tmpdir(), 'ck-tarballs-'));
      const project = mkdtempSync(join(tmpdir(), 'ck-installed-'));
      try {
        // Core, the CLI and what the CLI itself depends on of ours (nothing of ours is on the registry).
        const ours = await ourPackages();
        const cliManifest = JSON.parse(readFileSync(join(MONOREPO, 'packages/cli/package.json'), 'utf8')) as {
          dependencies?: Record<string, string>;
        };
        const names = [
          ...new Set([
            '@connectorkit/core',
            '@connectorkit/cli',
            ...Object.keys(cliManifest.dependencies ?? {}).filter((name) => ours.has(name)),
          ]),
        ];
        const packed = [
          ...names.map((name) => pack(ours.get(name) as string, tarballs)),
          pack(connector, tarballs),
        ];
        for (const tarball of packed) checkTarball(tarball);

        writeFileSync(
          join(project, 'package.json'),
          JSON.stringify({ name: 'installed', private: true, type: 'module' }),
        );
        writeFileSync(
          join(project, 'connectorkit.yaml'),
          `connections:\n  crm:\n    connector: acme-crm\n    token: \${ACME_TOKEN}\n`,
        );
        execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...packed], {
          cwd: project,
          encoding: 'utf8',
          env: cleanEnv(),
        });
        const installed = readdirSync(join(project, 'node_modules', '@connectorkit')).sort();
        expect(installed).toEqual(
          [...names, '@connectorkit/connector-acme-crm']
            .map((name) => name.replace('@connectorkit/', ''))
            .sort(),
        );
        for (const sdk of ['ioredis', 'kafkajs', '@slack/web-api', 'twitter-api-v2', 'jsforce']) {
          expect(existsSync(join(project, 'node_modules', sdk)), `${sdk} must not be installed`).toBe(false);
        }

        const ck = (...args: string[]) =>
          spawnSync(join(project, 'node_modules', '.bin', 'ck'), args, {
            cwd: project,
            encoding: 'utf8',
            env: { ...cleanEnv(), ACME_TOKEN: 'acme-crm-demo-token', NO_COLOR: '1' },
          });
        const list = ck('list');
        expect(list.status, list.stderr).toBe(0);
        expect(list.stdout).toMatch(/acme-crm\s+0\.1\.0\s+1\s+1\s+/);
        expect(list.stdout).toMatch(/crm\s+acme-crm/);
        const describeConnector = ck('describe', 'acme-crm');
        expect(describeConnector.status, describeConnector.stderr).toBe(0);
        expect(describeConnector.stdout).toMatch(/token\s+string, required, secret/);
        expect(describeConnector.stdout).toMatch(/itemCreated\s+\[at-least-once\]/);
        const describeAction = ck('describe', 'acme-crm.getItem');
        expect(describeAction.stdout).toContain(`ck invoke acme-crm.getItem --input '{"id":"item-1"}'`);
        const invoke = ck('invoke', 'acme-crm.getItem', '--input', '{"id":"item-1"}');
        expect(invoke.status, invoke.stderr).toBe(0);
        expect(JSON.parse(invoke.stdout)).toEqual({
          id: 'item-1',
          name: 'First item',
          createdAt: '2024-01-01T00:00:00.000Z',
        });
        const check = ck('check', 'crm');
        expect(check.status, check.stderr).toBe(0);
      } finally {
        rmSync(tarballs, { recursive: true, force: true });
        rmSync(project, { recursive: true, force: true });
      }
    },
    5 * MINUTES,
  );
});

// ------------------------------------------------------------------ helpers

/** A pnpm workspace like this monorepo: its catalog, base tsconfig, biome.json, core and testing. */
function createTemporaryWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'ck-workspace-'));
  const catalog = ['@types/node', 'typescript', 'vitest']
    .map((name) => `  ${JSON.stringify(name)}: ${catalogVersion(name)}`)
    .join('\n');
  writeFileSync(
    join(root, 'pnpm-workspace.yaml'),
    `packages:\n  - packages/*\n  - connectors/*\n\ncatalog:\n${catalog}\n`,
  );
  copyFileSync(join(MONOREPO, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
  copyFileSync(join(MONOREPO, 'biome.json'), join(root, 'biome.json'));
  // biome.json reads .gitignore through git.
  execFileSync('git', ['init', '-q'], { cwd: root });
  writeFileSync(join(root, '.gitignore'), 'node_modules/\ndist/\n');
  mkdirSync(join(root, 'packages'));
  for (const name of ['core', 'testing'])
    symlinkSync(join(MONOREPO, 'packages', name), join(root, 'packages', name));
  return root;
}

function catalogVersion(name: string): string {
  const text = readFileSync(join(MONOREPO, 'pnpm-workspace.yaml'), 'utf8');
  const match = new RegExp(`^\\s+"?${name.replace(/[/@]/g, '\\$&')}"?:\\s*(\\S+)`, 'm').exec(text);
  if (match?.[1] === undefined) throw new Error(`no catalog version of ${name} in pnpm-workspace.yaml`);
  return match[1];
}

/** Links a package's dependencies to this monorepo's, as `pnpm install` would. */
function linkDependencies(folder: string): void {
  const modules = join(folder, 'node_modules');
  const link = (name: string, target: string) => {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(target, join(modules, name));
  };
  link('@connectorkit/core', join(MONOREPO, 'packages/core'));
  link('@connectorkit/testing', join(MONOREPO, 'packages/testing'));
  for (const name of ['typescript', 'vitest', '@types/node']) {
    link(name, realpathSync(join(MONOREPO, 'packages/testing/node_modules', name)));
  }
  const bin = join(modules, '.bin');
  mkdirSync(bin);
  const shim = (name: string, script: string) =>
    writeFileSync(join(bin, name), `#!/bin/sh\nexec node "${join(modules, script)}" "$@"\n`, { mode: 0o755 });
  shim('tsc', 'typescript/bin/tsc');
  shim('vitest', 'vitest/vitest.mjs');
  shim('connectorkit-manifest', '@connectorkit/core/bin/connectorkit-manifest.js');
}

/** Installs, then runs the package's own scripts and Biome; each must succeed without a change. */
function verifyPackage(folder: string, connector: string, biomeRoot = workspace): void {
  linkDependencies(folder);
  const script = (name: string) => {
    const result = spawnSync('npm', ['run', name], { cwd: folder, encoding: 'utf8', env: cleanEnv() });
    expect(result.status, `npm run ${name} in ${folder}:\n${result.stdout}\n${result.stderr}`).toBe(0);
    return result.stdout;
  };
  expect(script('build')).toContain(`connectorkit-manifest: ${connector} —`);
  script('typecheck');
  const lint = spawnSync(process.execPath, [BIOME, 'check', folder], { cwd: biomeRoot, encoding: 'utf8' });
  expect(lint.status, `biome check ${folder}:\n${lint.stdout}\n${lint.stderr}`).toBe(0);
  const tests = script('test');
  expect(tests).toMatch(/Tests\s+\d+ passed/);
  expect(tests).not.toMatch(/failed/);
}

/** This monorepo's packages: name → folder. */
async function ourPackages(): Promise<Map<string, string>> {
  const found = await readWorkspace(MONOREPO);
  return new Map((found?.packages ?? []).map((member) => [member.name, member.folder]));
}

/** `pnpm pack` into `destination`; returns the tarball's path. */
function pack(folder: string, destination: string): string {
  const before = new Set(readdirSync(destination));
  execFileSync('pnpm', ['pack', '--pack-destination', destination], {
    cwd: folder,
    encoding: 'utf8',
    env: cleanEnv(),
  });
  const created = readdirSync(destination).filter((file) => !before.has(file) && file.endsWith('.tgz'));
  expect(created, `pnpm pack in ${folder}`).toHaveLength(1);
  return join(destination, created[0] as string);
}

/**
 * A publishable tarball: no workspace: or catalog: range left, an exports map whose every
 * target is in the tarball with `types` first, its bins present, and no sources or tests.
 */
function checkTarball(tarball: string): void {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''));
  const manifestText = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  expect(manifestText, tarball).not.toMatch(/"(workspace|catalog):/);
  const manifest = JSON.parse(manifestText) as {
    exports?: Record<string, string | Record<string, string>>;
    bin?: Record<string, string>;
    files?: string[];
  };
  expect(manifest.files, tarball).toBeDefined();
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const conditions = typeof target === 'string' ? { default: target } : target;
    if (typeof target !== 'string' && 'types' in target) {
      expect(Object.keys(target)[0], `${tarball} exports['${subpath}']: types first`).toBe('types');
    }
    for (const file of Object.values(conditions)) {
      expect(listing, `${tarball} exports['${subpath}'] → ${file}`).toContain(file.replace(/^\.\//, ''));
    }
  }
  for (const file of Object.values(manifest.bin ?? {})) expect(listing).toContain(file.replace(/^\.\//, ''));
  expect(
    listing.filter((file) => file.startsWith('src/') || /\.test\.(js|d\.ts)$/.test(file)),
    tarball,
  ).toEqual([]);
}

/** The environment without what the running vitest sets for itself, and without colours. */
function cleanEnv(): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([name]) =>
      !name.startsWith('VITEST') && !['NODE_OPTIONS', 'TEST', 'NODE_ENV', 'FORCE_COLOR'].includes(name),
  );
  return { ...Object.fromEntries(inherited), NO_COLOR: '1' };
}

async function create(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const io: CommandIo = { stdout, stderr, stdin, cwd: workspace, env: {} };
  const commands = [...builtinCommands, createCommand as unknown as CommandDefinition];
  const code = await run(['create', ...argv], { io, commands });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
