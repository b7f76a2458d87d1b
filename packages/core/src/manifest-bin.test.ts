import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from './discovery.js';
import { manifestOf } from './manifest.js';
import { sampleConnector } from './testing/index.js';

// The bin runs as a separate process, so it is tested from the build (`tsc -p tsconfig.build.json`).
const BIN = fileURLToPath(new URL('../dist/manifest-bin.js', import.meta.url));
const BUILT_SAMPLE = new URL('../dist/testing/index.js', import.meta.url).href;

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'connectorkit-manifest-bin-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function connectorPackage(packageJson: Record<string, unknown>, entry?: string): void {
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({
      name: '@acme/connector-sample',
      version: '0.1.0',
      type: 'module',
      exports: { '.': { types: './index.d.ts', import: './index.js' } },
      connectorkit: { manifest: `./dist/${MANIFEST_FILE}` },
      ...packageJson,
    }),
  );
  writeFileSync(
    join(folder, 'index.js'),
    entry ?? `export { sampleConnector as default } from '${BUILT_SAMPLE}';\n`,
  );
}

function run(): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, folder], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('connectorkit-manifest', () => {
  it('writes the manifest of the package’s connector where its package.json says', () => {
    connectorPackage({});
    const result = run();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const target = join(folder, 'dist', MANIFEST_FILE);
    expect(result.stdout).toBe(`connectorkit-manifest: sample — 7 actions, 1 triggers → ${target}\n`);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual(manifestOf(sampleConnector));
  });

  it.each<[string, Record<string, unknown>]>([
    ['main', { exports: undefined, main: './index.js' }],
    ['an exports string', { exports: './index.js' }],
    [
      'connectorkit.entry',
      { exports: undefined, connectorkit: { manifest: `./${MANIFEST_FILE}`, entry: './index.js' } },
    ],
  ])('loads the entry named by %s, as discovery does', (_label, packageJson) => {
    connectorPackage(packageJson);
    expect(run().status).toBe(0);
  });

  it.each<[string, Record<string, unknown>, string | undefined, string]>([
    [
      'no connectorkit field',
      { connectorkit: undefined },
      undefined,
      "package.json has no 'connectorkit' field",
    ],
    [
      'no entry',
      { exports: undefined },
      undefined,
      "no entry to load (exports['.'], main or connectorkit.entry)",
    ],
    ['no default export', {}, 'export const x = 1;\n', './index.js has no default export'],
    [
      'a version that differs',
      { version: '0.2.0' },
      undefined,
      'connector version 0.1.0 differs from package.json version 0.2.0',
    ],
  ])('fails with exit code 1 for %s', (_label, packageJson, entry, message) => {
    connectorPackage(packageJson, entry);
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`connectorkit-manifest: `);
    expect(result.stderr).toContain(message);
  });

  it('refuses a connector that breaks the contract', () => {
    connectorPackage(
      {},
      `import { sampleConnector } from '${BUILT_SAMPLE}';\nexport default { ...sampleConnector, description: '' };\n`,
    );
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "package @acme/connector-sample 'sample' is not valid: description is empty",
    );
  });
});
