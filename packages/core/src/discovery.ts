import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyConnectorDefinition } from './define.js';
import { ConnectorError } from './errors.js';
import type { ConnectorSource } from './kit.js';
import { assertValidManifest, type ConnectorManifest } from './manifest.js';

/** The `connectorkit` field of a connector package's package.json. */
export interface PackageDeclaration {
  /** Path of the manifest JSON inside the package (written at build time). */
  readonly manifest: string;
  /** Module whose default export is the connector; default: the package's main export. */
  readonly entry?: string;
}

export const MANIFEST_FILE = 'connectorkit.manifest.json';

/**
 * Finds installed connector packages: every package in `<root>/node_modules` (and the
 * `node_modules` of each folder above it) whose package.json has a `connectorkit` field,
 * plus the packages or folders listed in `extra`. Reads only package.json and the manifest;
 * the connector's code (and its SDK) is imported on first use.
 */
export function discoverConnectors(
  root: string,
  extra: readonly string[] = [],
  /**
   * Called for an installed package that declares a connector but cannot be used (missing
   * manifest, unsupported contract …); the package is then skipped. Without it, such a package
   * is an error. Packages listed in `extra` are always an error: the user named them.
   */
  onProblem?: (problem: ConnectorError) => void,
): ConnectorSource[] {
  const found = new Map<string, ConnectorSource>();
  for (const reference of extra) {
    const folder = resolvePackageFolder(root, reference);
    const source = readConnectorPackage(folder);
    if (source === undefined) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `'${reference}' (listed under connectors) is not a connector package: its package.json has no 'connectorkit' field`,
      );
    }
    found.set(source.manifest.name, source);
  }
  for (const folder of nodeModulesChain(root)) {
    for (const packageFolder of packageFolders(folder)) {
      let source: ConnectorSource | undefined;
      try {
        source = readConnectorPackage(packageFolder);
      } catch (error) {
        if (onProblem === undefined || !(error instanceof ConnectorError)) throw error;
        onProblem(error);
        continue;
      }
      if (source !== undefined && !found.has(source.manifest.name)) found.set(source.manifest.name, source);
    }
  }
  return [...found.values()].sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** Reads one package folder; undefined when it does not declare a connector. */
export function readConnectorPackage(folder: string): ConnectorSource | undefined {
  const packageFile = join(folder, 'package.json');
  let packageJson: Record<string, unknown>;
  try {
    packageJson = JSON.parse(readFileSync(packageFile, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const declaration = packageJson.connectorkit as PackageDeclaration | undefined;
  if (declaration === undefined || declaration === null || typeof declaration !== 'object') return undefined;
  const packageName = String(packageJson.name ?? folder);
  const origin = `package ${packageName}`;
  if (typeof declaration.manifest !== 'string') {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `${origin}: the 'connectorkit' field of ${packageFile} must name its manifest, e.g. { "manifest": "./dist/${MANIFEST_FILE}" }`,
    );
  }
  const manifestFile = resolve(folder, declaration.manifest);
  let manifest: ConnectorManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ConnectorManifest;
  } catch (error) {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `${origin}: cannot read its manifest ${manifestFile} (${(error as Error).message}) — build the package first`,
      { cause: error },
    );
  }
  assertValidManifest(manifest, origin);
  const entry = declaration.entry ?? mainEntry(packageJson);
  if (entry === undefined) {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `${origin}: package.json has no main export to load the connector from`,
    );
  }
  const entryFile = resolve(folder, entry);
  return {
    manifest,
    origin,
    load: async () => {
      const module = (await import(pathToFileURL(entryFile).href)) as { default?: AnyConnectorDefinition };
      if (module.default === undefined) {
        throw new ConnectorError(
          'INTERNAL',
          `${origin}: ${entryFile} has no default export — export the connector with 'export default defineConnector(…)'`,
        );
      }
      return module.default;
    },
  };
}

/** The module a package's `import` resolves to: `exports['.']` (import, node, default), else `main`. */
export function mainEntry(packageJson: Record<string, unknown>): string | undefined {
  const exportsField = packageJson.exports;
  const root =
    typeof exportsField === 'object' && exportsField !== null
      ? ((exportsField as Record<string, unknown>)['.'] ?? exportsField)
      : exportsField;
  const fromExports = pickCondition(root);
  if (fromExports !== undefined) return fromExports;
  return typeof packageJson.main === 'string' ? packageJson.main : undefined;
}

function pickCondition(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  const conditions = target as Record<string, unknown>;
  for (const key of ['import', 'node', 'default']) {
    const picked = pickCondition(conditions[key]);
    if (picked !== undefined) return picked;
  }
  return undefined;
}

function resolvePackageFolder(root: string, reference: string): string {
  if (reference.startsWith('.') || isAbsolute(reference)) return resolve(root, reference);
  for (const folder of nodeModulesChain(root)) {
    const candidate = join(folder, reference);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  throw new ConnectorError(
    'INVALID_CONFIG',
    `connector package '${reference}' is not installed — run: npm install ${reference}`,
  );
}

function nodeModulesChain(root: string): string[] {
  const folders: string[] = [];
  let folder = resolve(root);
  for (;;) {
    const candidate = join(folder, 'node_modules');
    if (existsSync(candidate)) folders.push(candidate);
    const parent = dirname(folder);
    if (parent === folder) return folders;
    folder = parent;
  }
}

function packageFolders(nodeModules: string): string[] {
  const folders: string[] = [];
  let names: string[];
  try {
    names = readdirSync(nodeModules);
  } catch {
    return folders;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      try {
        for (const inner of readdirSync(join(nodeModules, name)))
          folders.push(join(nodeModules, name, inner));
      } catch {
        // an unreadable scope folder holds nothing we can load
      }
    } else {
      folders.push(join(nodeModules, name));
    }
  }
  return folders;
}
