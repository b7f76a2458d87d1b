import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ConnectorError } from '@connectorkit/core';

/** A pnpm workspace: its root, member globs, catalog and member packages. */
export interface Workspace {
  readonly root: string;
  /** The `packages` globs of pnpm-workspace.yaml (`connectors/*`, `!**\/test/**`). */
  readonly patterns: readonly string[];
  /** The default catalog (`catalog:` dependency versions). */
  readonly catalog: Readonly<Record<string, string>>;
  readonly packages: readonly WorkspacePackage[];
}

export interface WorkspacePackage {
  readonly name: string;
  readonly version: string | undefined;
  readonly folder: string;
  /** The connector the package declares, when it is a connector package. */
  readonly connector: string | undefined;
}

export const WORKSPACE_FILE = 'pnpm-workspace.yaml';

/** The nearest folder at or above `from` holding pnpm-workspace.yaml. */
export function findWorkspaceRoot(from: string): string | undefined {
  let folder = resolve(from);
  for (;;) {
    if (existsSync(join(folder, WORKSPACE_FILE))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/** Reads the workspace whose root is at or above `from`, or undefined outside any. */
export async function readWorkspace(from: string): Promise<Workspace | undefined> {
  const root = findWorkspaceRoot(from);
  if (root === undefined) return undefined;
  const file = join(root, WORKSPACE_FILE);
  const { parse } = await import('yaml');
  let document: unknown;
  try {
    document = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConnectorError('INVALID_CONFIG', `${file} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const record = (document ?? {}) as { packages?: unknown; catalog?: unknown };
  const patterns = Array.isArray(record.packages)
    ? record.packages.filter((pattern): pattern is string => typeof pattern === 'string')
    : [];
  const catalog: Record<string, string> = {};
  if (record.catalog !== null && typeof record.catalog === 'object') {
    for (const [name, version] of Object.entries(record.catalog)) {
      if (typeof version === 'string' || typeof version === 'number') catalog[name] = String(version);
    }
  }
  return { root, patterns, catalog, packages: listPackages(root, patterns) };
}

/** True when `folder` is (or would be) a member of the workspace by its globs. */
export function isWorkspaceMember(workspace: Workspace, folder: string): boolean {
  const path = relative(workspace.root, resolve(folder)).split(sep).join('/');
  if (path === '' || path.startsWith('..')) return false;
  let member = false;
  for (const pattern of workspace.patterns) {
    if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), path)) member = false;
    } else if (globMatches(pattern, path)) {
      member = true;
    }
  }
  return member;
}

function globMatches(pattern: string, path: string): boolean {
  const segments = pattern.replace(/^\.\//, '').replace(/\/+$/, '').split('/');
  let source = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      source += last ? '(?:[^/]+(?:/[^/]+)*)?' : '(?:[^/]+/)*';
      return;
    }
    const parts = segment.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    source += `${parts.join('[^/]*')}${last ? '' : '/'}`;
  });
  return new RegExp(`^${source}$`).test(path);
}

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git', '.turbo', 'coverage']);

function listPackages(root: string, patterns: readonly string[]): WorkspacePackage[] {
  const workspace: Workspace = { root, patterns, catalog: {}, packages: [] };
  const packages: WorkspacePackage[] = [];
  const visit = (folder: string, depth: number): void => {
    if (depth > 4) return;
    let entries: string[];
    try {
      entries = readdirSync(folder);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith('.') || SKIPPED_FOLDERS.has(entry)) continue;
      const child = join(folder, entry);
      let isFolder = false;
      try {
        isFolder = statSync(child).isDirectory();
      } catch {
        continue;
      }
      if (!isFolder) continue;
      if (isWorkspaceMember(workspace, child)) {
        const found = readPackage(child);
        if (found !== undefined) packages.push(found);
      }
      visit(child, depth + 1);
    }
  };
  visit(root, 0);
  return packages;
}

function readPackage(folder: string): WorkspacePackage | undefined {
  let manifest: { name?: unknown; version?: unknown; connectorkit?: { manifest?: unknown } };
  try {
    manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    return undefined;
  }
  if (typeof manifest.name !== 'string') return undefined;
  return {
    name: manifest.name,
    version: typeof manifest.version === 'string' ? manifest.version : undefined,
    folder,
    connector: connectorName(folder, manifest.name, manifest.connectorkit),
  };
}

/** The connector a package declares: from its built manifest, else from its name (`connector-<name>`). */
function connectorName(folder: string, packageName: string, declaration: unknown): string | undefined {
  if (declaration === null || typeof declaration !== 'object') return undefined;
  const manifestPath = (declaration as { manifest?: unknown }).manifest;
  if (typeof manifestPath === 'string') {
    try {
      const manifest = JSON.parse(readFileSync(resolve(folder, manifestPath), 'utf8')) as { name?: unknown };
      if (typeof manifest.name === 'string') return manifest.name;
    } catch {
      // Not built yet: fall back to the package name.
    }
  }
  return /(?:^|\/)connector-([a-z0-9-]+)$/.exec(packageName)?.[1];
}
