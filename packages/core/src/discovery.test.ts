// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are connectorkit.yaml text, where `${VAR}` is interpolation syntax.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverConnectors, MANIFEST_FILE, readConnectorPackage } from './discovery.js';
import { ConnectorError } from './errors.js';
import { type ConnectorManifest, manifestOf } from './manifest.js';
import { openProject } from './project.js';
import { SAMPLE_VALID_TOKEN, SampleClient, sampleConnector } from './testing/index.js';

/** The built sample connector: what an installed package would re-export. */
const BUILT_SAMPLE = new URL('../dist/testing/index.js', import.meta.url).href;
const LOADED = '__connectorkitDiscoveryLoaded';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'connectorkit-discovery-'));
  Reflect.deleteProperty(globalThis, LOADED);
  SampleClient.reset();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  Reflect.deleteProperty(globalThis, LOADED);
});

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

interface PackageOptions {
  readonly name?: string;
  readonly manifest?: ConnectorManifest | undefined;
  readonly packageJson?: Record<string, unknown>;
  readonly entry?: string;
}

/** Writes a connector package into `<folder>` and returns the folder. */
function connectorPackage(folder: string, options: PackageOptions = {}): string {
  writeJson(join(folder, 'package.json'), {
    name: options.name ?? '@acme/connector-sample',
    version: '0.1.0',
    type: 'module',
    main: './index.js',
    connectorkit: { manifest: `./${MANIFEST_FILE}` },
    ...options.packageJson,
  });
  if (!('manifest' in options) || options.manifest !== undefined) {
    writeJson(join(folder, MANIFEST_FILE), options.manifest ?? manifestOf(sampleConnector));
  }
  writeFileSync(
    join(folder, 'index.js'),
    options.entry ??
      `globalThis.${LOADED} = true;\nexport { sampleConnector as default } from '${BUILT_SAMPLE}';\n`,
  );
  return folder;
}

function installed(name = '@acme/connector-sample', options: PackageOptions = {}): string {
  return connectorPackage(join(root, 'node_modules', ...name.split('/')), { name, ...options });
}

function thrown(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

describe('discoverConnectors', () => {
  it('finds an installed connector package by its manifest, without importing its code', () => {
    installed();
    writeJson(join(root, 'node_modules', 'left-pad', 'package.json'), { name: 'left-pad', main: 'index.js' });
    writeJson(join(root, 'node_modules', '@acme', 'utils', 'package.json'), { name: '@acme/utils' });
    mkdirSync(join(root, 'node_modules', '.bin'));
    const sources = discoverConnectors(root);
    expect(sources.map((source) => [source.manifest.name, source.origin])).toEqual([
      ['sample', 'package @acme/connector-sample'],
    ]);
    expect(sources[0]?.manifest).toEqual(manifestOf(sampleConnector));
    expect(Reflect.get(globalThis, LOADED)).toBeUndefined();
  });

  it('loads the connector when asked', async () => {
    installed();
    const [source] = discoverConnectors(root);
    const definition = await source?.load();
    expect(definition?.name).toBe('sample');
    expect(Reflect.get(globalThis, LOADED)).toBe(true);
  });

  it('looks in the node_modules of the folders above, and returns connectors sorted by name', () => {
    installed();
    installed('connector-alpha', { manifest: { ...manifestOf(sampleConnector), name: 'alpha' } });
    const nested = join(root, 'apps', 'worker');
    mkdirSync(nested, { recursive: true });
    expect(discoverConnectors(nested).map((source) => source.manifest.name)).toEqual(['alpha', 'sample']);
  });

  it('takes the nearest package when two declare the same connector', () => {
    installed();
    const nested = join(root, 'apps', 'worker');
    connectorPackage(join(nested, 'node_modules', 'sample-fork'), { name: 'sample-fork' });
    expect(discoverConnectors(nested).map((source) => source.origin)).toEqual(['package sample-fork']);
  });

  it('adds packages and folders listed as extra connectors', () => {
    connectorPackage(join(root, 'connectors', 'notes'), {
      name: 'notes',
      manifest: { ...manifestOf(sampleConnector), name: 'notes' },
    });
    installed('connector-beta', { manifest: { ...manifestOf(sampleConnector), name: 'beta' } });
    const sources = discoverConnectors(root, ['./connectors/notes', 'connector-beta']);
    expect(sources.map((source) => source.manifest.name)).toEqual(['beta', 'notes']);
  });

  it('rejects an extra connector that is not installed, saying how to install it', () => {
    const error = thrown(() => discoverConnectors(root, ['@acme/connector-crm']));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toBe(
      "connector package '@acme/connector-crm' is not installed — run: npm install @acme/connector-crm",
    );
  });

  it('rejects an extra connector that is not a connector package', () => {
    writeJson(join(root, 'lib', 'package.json'), { name: 'lib' });
    expect(thrown(() => discoverConnectors(root, ['./lib'])).message).toBe(
      "'./lib' (listed under connectors) is not a connector package: its package.json has no 'connectorkit' field",
    );
  });

  it('reports a package whose manifest is missing with INVALID_CONFIG, saying to build it', () => {
    const folder = installed('@acme/connector-sample', { manifest: undefined });
    const error = thrown(() => discoverConnectors(root));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(
      `package @acme/connector-sample: cannot read its manifest ${join(folder, MANIFEST_FILE)}`,
    );
    expect(error.message).toContain('— build the package first');
  });

  it('skips an unusable package and reports it when asked to, keeping the usable ones', () => {
    installed('@acme/connector-sample');
    installed('@acme/connector-broken', {
      manifest: { ...manifestOf(sampleConnector), name: 'broken', contract: 99 },
    });
    const problems: ConnectorError[] = [];
    const sources = discoverConnectors(root, [], (problem) => problems.push(problem));
    expect(sources.map((source) => source.manifest.name)).toEqual(['sample']);
    expect(problems.map((problem) => problem.code)).toEqual(['UNSUPPORTED']);
    expect(problems[0]?.message).toContain('package @acme/connector-broken');
  });

  it('reports a manifest that is not JSON', () => {
    const folder = installed();
    writeFileSync(join(folder, MANIFEST_FILE), '{ not json');
    expect(thrown(() => discoverConnectors(root)).code).toBe('INVALID_CONFIG');
  });

  it('reports a manifest for another contract version with UNSUPPORTED', () => {
    installed('@acme/connector-sample', { manifest: { ...manifestOf(sampleConnector), contract: 99 } });
    const error = thrown(() => discoverConnectors(root));
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.message).toContain("package @acme/connector-sample 'sample' implements contract version 99");
  });

  it('reports a connectorkit field without a manifest path, with an example', () => {
    installed('@acme/connector-sample', { packageJson: { connectorkit: {} } });
    expect(thrown(() => discoverConnectors(root)).message).toContain(
      `the 'connectorkit' field of ${join(root, 'node_modules', '@acme', 'connector-sample', 'package.json')} must name its manifest`,
    );
  });

  it('reports a package with no entry to load', () => {
    installed('@acme/connector-sample', { packageJson: { main: undefined } });
    expect(thrown(() => discoverConnectors(root)).message).toBe(
      'package @acme/connector-sample: package.json has no main export to load the connector from',
    );
  });

  it.each<[string, Record<string, unknown>]>([
    ['an exports string', { main: undefined, exports: './index.js' }],
    [
      'an import condition',
      { main: undefined, exports: { '.': { types: './x.d.ts', import: './index.js' } } },
    ],
    [
      'a nested default condition',
      { main: undefined, exports: { '.': { node: { default: './index.js' } } } },
    ],
    [
      'a connectorkit entry',
      { main: './missing.js', connectorkit: { manifest: `./${MANIFEST_FILE}`, entry: './index.js' } },
    ],
  ])('loads the entry named by %s', async (_label, packageJson) => {
    installed('@acme/connector-sample', { packageJson });
    const definition = await discoverConnectors(root)[0]?.load();
    expect(definition?.name).toBe('sample');
  });

  it('reports an entry without a default export', async () => {
    const folder = installed('@acme/connector-sample', { entry: 'export const sample = 1;\n' });
    const source = readConnectorPackage(folder);
    await expect(source?.load()).rejects.toThrow(
      `package @acme/connector-sample: ${join(folder, 'index.js')} has no default export — export the connector with 'export default defineConnector(…)'`,
    );
  });

  it('ignores folders without a readable package.json', () => {
    mkdirSync(join(root, 'node_modules', 'broken'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'broken', 'package.json'), '{');
    expect(readConnectorPackage(join(root, 'node_modules', 'broken'))).toBeUndefined();
    expect(discoverConnectors(root)).toEqual([]);
  });
});

describe('openProject', () => {
  function config(lines: string[]): void {
    writeFileSync(join(root, 'connectorkit.yaml'), lines.join('\n'));
  }

  it('lists a discovered connector without loading it, and loads it on first use', async () => {
    installed();
    config(['connections:', '  notes:', '    connector: sample', '    token: ${NOTES_TOKEN}']);
    const { kit, config: project } = openProject({
      cwd: root,
      env: { NOTES_TOKEN: SAMPLE_VALID_TOKEN },
      logger: { level: 'silent' },
    });
    await using _kit = kit;
    expect(project.file).toBe(join(root, 'connectorkit.yaml'));
    expect(kit.catalog().connectors.map((connector) => connector.name)).toEqual(['sample']);
    expect(kit.catalog().connections).toEqual([{ name: 'notes', connector: 'sample' }]);
    expect(Reflect.get(globalThis, LOADED)).toBeUndefined();

    await expect(kit.invokeDynamic('sample.echo', { text: 'hi', times: 2 })).resolves.toEqual({
      text: 'hihi',
    });
    expect(Reflect.get(globalThis, LOADED)).toBe(true);
    await expect(kit.check('notes')).resolves.toMatchObject({ ok: true });
  });

  it('maps the errors and secrets of a discovered connector like those of one given in code', async () => {
    installed();
    config(['connections:', '  notes:', '    connector: sample', '    token: ${NOTES_TOKEN}']);
    const { kit } = openProject({
      cwd: root,
      env: { NOTES_TOKEN: 'canary-discovered-token' },
      logger: { level: 'silent' },
    });
    await using _kit = kit;
    const error = await kit.invokeDynamic('sample.get', { key: 'a' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'AUTH', connection: 'notes' });
    expect((error as ConnectorError).message).not.toContain('canary-discovered-token');
  });

  it('checks every connection against the discovered manifests', () => {
    installed();
    config(['connections:', '  notes:', '    connector: sample', '    region: 5']);
    expect(() => openProject({ cwd: root, logger: { level: 'silent' } })).toThrow(
      "connectorkit.yaml:2:3: connection 'notes' (connector sample): 'token' is required",
    );
    config(['connections:', '  crm:', '    connector: salesforce']);
    expect(() => openProject({ cwd: root, logger: { level: 'silent' } })).toThrow(
      "connection 'crm' uses unknown connector 'salesforce' — installed: sample",
    );
  });

  it('accepts connectors given in code alongside discovered ones', async () => {
    config(['connections:', '  notes:', '    connector: sample', `    token: ${SAMPLE_VALID_TOKEN}`]);
    const { kit } = openProject({ cwd: root, connectors: [sampleConnector], logger: { level: 'silent' } });
    await using _kit = kit;
    await expect(kit.invokeDynamic('sample.echo', { text: 'a' })).resolves.toEqual({ text: 'a' });
    expect(Reflect.get(globalThis, LOADED)).toBeUndefined();
  });

  it('opens a project beside an unusable connector package, listing it as a problem', async () => {
    installed();
    installed('@acme/connector-broken', { manifest: undefined });
    const project = openProject({ cwd: root, logger: { level: 'silent' } });
    await using _kit = project.kit;
    expect(project.kit.catalog().connectors.map((connector) => connector.name)).toEqual(['sample']);
    expect(project.problems).toHaveLength(1);
    expect(project.problems[0]?.message).toContain('@acme/connector-broken');
  });

  it('opens a project without a config file', async () => {
    const { kit, config: project } = openProject({ cwd: root, logger: { level: 'silent' } });
    await using _kit = kit;
    expect(project.file).toBeUndefined();
    expect(kit.catalog()).toEqual({ connectors: [], connections: [] });
  });

  it('loads the connectors listed in the config from a folder', async () => {
    connectorPackage(join(root, 'connectors', 'notes'), { name: 'notes-local' });
    config([
      'connections:',
      '  notes:',
      '    connector: sample',
      `    token: ${SAMPLE_VALID_TOKEN}`,
      'connectors:',
      '  - ./connectors/notes',
    ]);
    const { kit } = openProject({ cwd: root, logger: { level: 'silent' } });
    await using _kit = kit;
    await expect(kit.invokeDynamic('sample.put', { key: 'a', text: 'b' })).resolves.toEqual({
      key: 'a',
      created: true,
    });
    expect(Reflect.get(globalThis, LOADED)).toBe(true);
  });
});
