// End-to-end: `ck create connector` into a temporary pnpm workspace, then the new package's own
// build, typecheck, lint and tests — untouched. Its dependencies are this monorepo's packages
// and tools, linked the way `pnpm install` would link them, so no registry is needed. Then the
// packaging: every public package of the workspace packs into a publishable tarball, and core,
// the CLI, the Redis connector and the new connector, installed with npm from their tarballs into
// a fresh project outside any workspace, let `ck` list, describe and run the connectors — with
// only Redis's client library installed, against the Redis of `scripts/services/up`.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
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
const PHOTO_LIBRARY = fileURLToPath(new URL('./test-fixtures/photo-library.yaml', import.meta.url));
const BIOME = join(MONOREPO, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
const MINUTES = 60_000;
const REDIS_PACKAGE = '@connectorkit/connector-redis';

/** Stores a note and counts the notes, in the Redis of `scripts/services/up`. */
const REMEMBER_FLOW = `name: remember
input:
  type: object
  properties:
    note: { type: string }
  required: [note]
steps:
  - id: store
    call: redis.set
    connection: cache
    with: { key: note, value: "= input.note", ex: 300 }
  - id: count
    call: redis.incr
    connection: cache
    with: { key: "notes:count" }
  - id: read
    call: redis.get
    connection: cache
    with: { key: note }
output: "= { 'written': steps.store.written, 'note': steps.read.value, 'count': steps.count.value }"
`;

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
        'acme-customer-relations',
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
        package: '@connectorkit/connector-acme-customer-relations',
        mode: 'workspace',
        folder: join(workspace, 'connectors', 'acme-customer-relations'),
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
      verifyPackage(report.folder, 'acme-customer-relations');
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
      // Every operation is called against the stub, the multipart upload too.
      expect(report.notes.filter((note) => note.startsWith('no test for'))).toEqual([]);
      const actions = readdirSync(join(report.folder, 'src/actions')).sort();
      expect(actions.length).toBeGreaterThanOrEqual(5);
      const tests = verifyPackage(report.folder, 'petstore');
      // One test per operation, and one that every action has its call.
      expect(tests).toMatch(/src\/operations\.test\.ts \(10 tests\)/);
      expect(tests).not.toMatch(/todo/);
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
        'uploadPhoto',
      ]);
    },
    6 * MINUTES,
  );

  it(
    '--from-openapi: OAuth 2 client credentials, multipart and URL-encoded bodies (photo-library.yaml)',
    async () => {
      const result = await create([
        'connector',
        'photos',
        '--from-openapi',
        PHOTO_LIBRARY,
        '--yes',
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { folder: string; files: string[] };
      expect(report.files).toEqual(
        expect.arrayContaining([
          'src/oauth2.ts',
          'src/oauth2.test.ts',
          'src/form-data.ts',
          'src/form-data.test.ts',
        ]),
      );
      const tests = verifyPackage(report.folder, 'photos');
      expect(tests).toMatch(/src\/oauth2\.test\.ts \(4 tests\)/);
      expect(tests).toMatch(/src\/form-data\.test\.ts \(3 tests\)/);
      expect(tests).toMatch(/src\/operations\.test\.ts \(5 tests\)/);
      expect(tests).not.toMatch(/todo/);
      const built = JSON.parse(
        readFileSync(join(report.folder, 'dist/connectorkit.manifest.json'), 'utf8'),
      ) as { actions: Record<string, unknown> };
      expect(Object.keys(built.actions).sort()).toEqual([
        'getHealth',
        'listAlbums',
        'searchPhotos',
        'uploadPhoto',
      ]);
    },
    6 * MINUTES,
  );
});

describe('installing individual connector packages', () => {
  it(
    'packs core, cli and the redis connector (and the new one); npm installs the tarballs outside the monorepo; ck lists, describes and runs them against Redis',
    async () => {
      const scaffolded = join(workspace, 'connectors', 'acme-customer-relations');
      expect(
        existsSync(join(scaffolded, 'dist/connectorkit.manifest.json')),
        'the sdk test builds it first',
      ).toBe(true);
      const tarballs = mkdtempSync(join(tmpdir(), 'ck-tarballs-'));
      const project = mkdtempSync(join(tmpdir(), 'ck-installed-'));
      // Keys of this run only: the prefix is unique, and every key is deleted at the end.
      const keyPrefix = `ck-packaging-${randomUUID()}:`;
      const env = {
        ...cleanEnv(),
        ACME_TOKEN: 'acme-customer-relations-demo-token',
        REDIS_KEY_PREFIX: keyPrefix,
      };
      const ck = (...args: string[]) =>
        spawnSync(join(project, 'node_modules', '.bin', 'ck'), args, { cwd: project, encoding: 'utf8', env });
      try {
        const ours = await ourPackages();
        const names = ourDependencyClosure(ours, ['@connectorkit/core', '@connectorkit/cli', REDIS_PACKAGE]);
        // Nothing else of ours: no other connector comes along with the CLI.
        expect(names.filter((name) => name.startsWith('@connectorkit/connector-'))).toEqual([REDIS_PACKAGE]);
        const packed = [
          ...names.map((name) => {
            const folder = ours.get(name) as string;
            ensureBuilt(folder);
            return pack(folder, tarballs);
          }),
          pack(scaffolded, tarballs),
        ];
        for (const tarball of packed) checkTarball(tarball);

        writeFileSync(
          join(project, 'package.json'),
          JSON.stringify({ name: 'installed', private: true, type: 'module' }),
        );
        writeFileSync(
          join(project, 'connectorkit.yaml'),
          [
            'connections:',
            '  cache:',
            '    connector: redis',
            '    url: redis://127.0.0.1:6379',
            `    keyPrefix: \${REDIS_KEY_PREFIX}`,
            '  crm:',
            '    connector: acme-customer-relations',
            `    token: \${ACME_TOKEN}`,
            '',
          ].join('\n'),
        );
        mkdirSync(join(project, 'flows'));
        writeFileSync(join(project, 'flows', 'remember.flow.yaml'), REMEMBER_FLOW);
        // A registry that cannot be reached fails the test within minutes instead of stalling the
        // suite: npm retries each request, and vitest cannot stop a synchronous call.
        execFileSync(
          'npm',
          ['install', '--no-audit', '--no-fund', '--loglevel=error', '--fetch-retries=1', ...packed],
          { cwd: project, encoding: 'utf8', env: cleanEnv(), timeout: 3 * MINUTES },
        );
        const installed = readdirSync(join(project, 'node_modules', '@connectorkit')).sort();
        expect(installed).toEqual(
          [...names, '@connectorkit/connector-acme-customer-relations']
            .map((name) => name.replace('@connectorkit/', ''))
            .sort(),
        );
        expect(existsSync(join(project, 'node_modules', 'ioredis', 'package.json')), 'ioredis').toBe(true);
        for (const sdk of ['kafkajs', '@slack/web-api', 'jsforce', 'twitter-api-v2', '@sap/cds']) {
          expect(existsSync(join(project, 'node_modules', sdk)), `${sdk} must not be installed`).toBe(false);
        }

        const list = ck('list');
        expect(list.status, list.stderr).toBe(0);
        expect(list.stdout).toMatch(/^redis\s+0\.1\.0\s+\d+\s+\d+\s+/m);
        expect(list.stdout).toMatch(/^acme-customer-relations\s+0\.1\.0\s+1\s+1\s+/m);
        expect(list.stdout).toMatch(/^cache\s+redis/m);
        const describeRedis = ck('describe', 'redis');
        expect(describeRedis.status, describeRedis.stderr).toBe(0);
        expect(describeRedis.stdout).toMatch(/^url\s+string, optional, secret/m);
        expect(describeRedis.stdout).toMatch(/^\s+incr\s+Adds 1/m);
        const describeSet = ck('describe', 'redis.set');
        expect(describeSet.status, describeSet.stderr).toBe(0);
        expect(describeSet.stdout).toMatch(/key\s+string, required/);

        const check = ck('check', 'cache');
        expect(check.status, check.stderr).toBe(0);
        const flow = ck('run', 'remember', '--input', '{"note":"installed from a tarball"}');
        expect(flow.status, flow.stderr).toBe(0);
        expect(JSON.parse(flow.stdout)).toEqual({
          written: true,
          note: 'installed from a tarball',
          count: 1,
        });
        const get = ck('invoke', 'redis.get', '--connection', 'cache', '--input', '{"key":"note"}');
        expect(get.status, get.stderr).toBe(0);
        expect(JSON.parse(get.stdout)).toEqual({ value: 'installed from a tarball' });

        // The installed CLI carries its template: it scaffolds outside any workspace.
        const created = ck('create', 'connector', 'widgets', '--dir', 'widgets', '--yes', '--json');
        expect(created.status, created.stderr).toBe(0);
        const createdManifest = JSON.parse(
          readFileSync(join(project, 'widgets', 'package.json'), 'utf8'),
        ) as {
          peerDependencies?: Record<string, string>;
        };
        expect(createdManifest.peerDependencies).toEqual({ '@connectorkit/core': '^0.1.0' });

        const invokeScaffolded = ck(
          'invoke',
          'acme-customer-relations.getItem',
          '--input',
          '{"id":"item-1"}',
        );
        expect(invokeScaffolded.status, invokeScaffolded.stderr).toBe(0);
        expect(JSON.parse(invokeScaffolded.stdout)).toEqual({
          id: 'item-1',
          name: 'First item',
          createdAt: '2024-01-01T00:00:00.000Z',
        });
      } finally {
        if (existsSync(join(project, 'node_modules', '.bin', 'ck'))) {
          const removed = ck(
            'invoke',
            'redis.del',
            '--connection',
            'cache',
            '--input',
            '{"keys":["note","notes:count"]}',
          );
          expect(removed.status, removed.stderr).toBe(0);
        }
        rmSync(tarballs, { recursive: true, force: true });
        rmSync(project, { recursive: true, force: true });
      }
    },
    4 * MINUTES,
  );
});

describe('every public package of the workspace', () => {
  it(
    'packs into a publishable tarball: exports and types present, files, README, no workspace: or catalog: ranges',
    async () => {
      const tarballs = mkdtempSync(join(tmpdir(), 'ck-every-package-'));
      try {
        const members = (await readWorkspace(MONOREPO))?.packages ?? [];
        const published = members.filter((member) => {
          const manifest = JSON.parse(readFileSync(join(member.folder, 'package.json'), 'utf8')) as {
            private?: boolean;
          };
          return manifest.private !== true;
        });
        const folders = published.map((member) => member.folder.slice(MONOREPO.length)).sort();
        // Every library and connector, none of the private examples, benchmarks or template.
        expect(folders).toEqual(
          expect.arrayContaining(['packages/core', 'packages/cli', 'connectors/redis']),
        );
        expect(
          folders.every((folder) => /^(packages|connectors)\//.test(folder)),
          folders.join(', '),
        ).toBe(true);
        for (const member of published) {
          ensureBuilt(member.folder);
          const manifest = checkTarball(pack(member.folder, tarballs));
          expect(manifest.name).toBe(member.name);
        }
      } finally {
        rmSync(tarballs, { recursive: true, force: true });
      }
    },
    3 * MINUTES,
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
  // Biome installed at the root, as `pnpm install` leaves it in a workspace like this one.
  mkdirSync(join(root, 'node_modules', '@biomejs'), { recursive: true });
  symlinkSync(
    realpathSync(join(MONOREPO, 'node_modules', '@biomejs', 'biome')),
    join(root, 'node_modules', '@biomejs', 'biome'),
  );
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

/**
 * Installs, then runs the package's own scripts and Biome; each must succeed without a change.
 * Returns what its tests printed.
 */
function verifyPackage(folder: string, connector: string, biomeRoot = workspace): string {
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
  return tests;
}

/** This monorepo's packages: name → folder. */
async function ourPackages(): Promise<Map<string, string>> {
  const found = await readWorkspace(MONOREPO);
  return new Map((found?.packages ?? []).map((member) => [member.name, member.folder]));
}

/** The given packages of ours and, transitively, those of ours they depend on or peer-depend on. */
function ourDependencyClosure(ours: ReadonlyMap<string, string>, roots: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (name: string) => {
    const folder = ours.get(name);
    if (folder === undefined || found.has(name)) return;
    found.add(name);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      visit(dependency);
    }
  };
  for (const root of roots) visit(root);
  return [...found];
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

interface PackedManifest {
  readonly name: string;
  readonly private?: boolean;
  readonly exports?: Record<string, string | Record<string, string>>;
  readonly types?: string;
  readonly bin?: Record<string, string>;
  readonly files?: string[];
  readonly connectorkit?: { readonly manifest?: string };
}

/**
 * A publishable tarball: no workspace: or catalog: range left, `files` and a README, an exports
 * map whose every target is in the tarball with `types` first (and present) for every
 * JavaScript entry, its bins and connector manifest present, and no sources or tests.
 */
function checkTarball(tarball: string): PackedManifest {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''));
  const manifestText = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  expect(manifestText, tarball).not.toMatch(/"(workspace|catalog):/);
  const manifest = JSON.parse(manifestText) as PackedManifest;
  const inTarball = (file: string, what: string) =>
    expect(listing, `${manifest.name}: ${what} → ${file}`).toContain(file.replace(/^\.\//, ''));
  expect(manifest.files, `${manifest.name}: files`).toBeDefined();
  expect(listing, `${manifest.name}: README.md`).toContain('README.md');
  expect(manifest.exports, `${manifest.name}: exports`).toHaveProperty('.');
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const conditions = typeof target === 'string' ? { default: target } : target;
    for (const [condition, file] of Object.entries(conditions)) {
      inTarball(file, `exports['${subpath}'].${condition}`);
    }
    if (Object.values(conditions).some((file) => file.endsWith('.js'))) {
      expect(Object.keys(conditions)[0], `${manifest.name}: exports['${subpath}'] starts with types`).toBe(
        'types',
      );
      expect(conditions.types, `${manifest.name}: exports['${subpath}'].types`).toMatch(/\.d\.ts$/);
    }
  }
  if (manifest.types !== undefined) inTarball(manifest.types, 'types');
  for (const file of Object.values(manifest.bin ?? {})) inTarball(file, 'bin');
  if (manifest.connectorkit?.manifest !== undefined)
    inTarball(manifest.connectorkit.manifest, 'connectorkit');
  expect(
    listing.filter((file) => file.startsWith('src/') || /\.test(-d)?\.(js|d\.ts|ts)$/.test(file)),
    `${manifest.name}: no sources or tests`,
  ).toEqual([]);
  return manifest;
}

/**
 * Builds a package whose exports are not all built yet: the test task builds only the CLI's
 * own dependencies first, and a connector is none of them.
 */
function ensureBuilt(folder: string): void {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as PackedManifest;
  const targets = Object.values(manifest.exports ?? {}).flatMap((target) =>
    typeof target === 'string' ? [target] : Object.values(target),
  );
  if (targets.every((target) => existsSync(join(folder, target)))) return;
  execFileSync('pnpm', ['run', 'build'], { cwd: folder, encoding: 'utf8', env: cleanEnv() });
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
