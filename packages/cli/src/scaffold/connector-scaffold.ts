import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ConnectorError } from '@connectorkit/core';
import { printJson } from './code-printer.js';
import { alignMarkdownTables } from './markdown-tables.js';
import { assertPackageName, type NameForms, nameForms } from './names.js';
import { generateFromOpenApi } from './openapi-connector.js';
import type { OpenApiDocument } from './openapi-document.js';
import { loadTemplateBundle, type TemplateBundle, templateFiles } from './template-bundle.js';
import { replaceDescription, replaceTokens, TEMPLATE_PACKAGE } from './tokens.js';
import { isWorkspaceMember, readWorkspace, type Workspace } from './workspace.js';

export type ConnectorKind = 'sdk' | 'http';

export const CONNECTOR_KINDS: Readonly<Record<ConnectorKind, string>> = {
  sdk: 'wraps a client library (SDK): the template carries a stand-in client to replace',
  http: 'talks to an HTTP API through the HTTP client of @connectorkit/core (auth, retries, pagination)',
};

export interface ConnectorScaffoldOptions {
  readonly name: string;
  readonly kind: ConnectorKind;
  readonly description?: string | undefined;
  /** npm package name; default `@connectorkit/connector-<name>` in the Connector Kit monorepo, else `connector-<name>`. */
  readonly packageName?: string | undefined;
  /** The folder the command runs in. */
  readonly cwd: string;
  /** The package folder to create; default `<workspace>/connectors/<name>`, or `./connector-<name>` outside a workspace. */
  readonly dir?: string | undefined;
  /** Generate the sources from this OpenAPI document instead of the template's example. */
  readonly openApi?: OpenApiDocument | undefined;
}

/** What `ck create` is about to write, checked and complete before anything touches the disk. */
export interface ScaffoldPlan {
  readonly folder: string;
  /** Path relative to `folder` → content. */
  readonly files: ReadonlyMap<string, string>;
  /** `workspace`: a member of a pnpm workspace (workspace:/catalog: ranges); `standalone`: its own project. */
  readonly mode: 'workspace' | 'standalone';
  readonly packageName: string;
  /** Commands to run next, from the folder the command ran in. */
  readonly next: readonly string[];
  /** Things the user should know (operations left out, settings to make). */
  readonly notes: readonly string[];
}

const CORE = '@connectorkit/core';

/** Plans a new connector package: names checked, files rendered, nothing written yet. */
export async function planConnector(options: ConnectorScaffoldOptions): Promise<ScaffoldPlan> {
  const forms = nameForms(options.name);
  const bundle = await loadTemplateBundle();
  const located = await locate(options, forms);
  const { folder, workspace, mode } = located;
  const notes = [...located.notes];
  const inConnectorKit = workspace?.packages.some((candidate) => candidate.name === CORE) === true;
  const packageName =
    options.packageName ??
    (inConnectorKit ? `@connectorkit/connector-${forms.kebab}` : `connector-${forms.kebab}`);
  assertPackageName(packageName);
  assertAvailable(folder, packageName, forms, workspace);

  const version = '0.1.0';
  const generated =
    options.openApi === undefined
      ? undefined
      : generateFromOpenApi(options.openApi, {
          forms,
          packageName,
          version,
          description: options.description,
        });
  notes.push(...(generated?.notes ?? []));
  const description =
    options.description ??
    generated?.description ??
    `${forms.title} connector for Connector Kit: ${options.kind === 'http' ? 'actions and triggers over its HTTP API' : 'actions and triggers over its client library'}.`;
  const variant = options.openApi !== undefined ? 'openapi' : options.kind === 'http' ? 'http' : undefined;
  const files = new Map<string, string>();
  for (const [path, content] of templateFiles(bundle, variant)) {
    let text = content.replaceAll(TEMPLATE_PACKAGE, packageName);
    text = replaceDescription(path, text, description);
    files.set(replaceTokens(path, forms), replaceTokens(text, forms));
  }
  for (const [path, content] of generated?.files ?? []) files.set(path, content);
  // Names of another length change the width of table cells.
  for (const [path, content] of files)
    if (path.endsWith('.md')) files.set(path, alignMarkdownTables(content));

  files.set(
    'package.json',
    packageJson(files.get('package.json') ?? '{}', bundle, mode, workspace, packageName),
  );
  const base = workspace === undefined ? undefined : join(workspace.root, 'tsconfig.base.json');
  if (mode === 'workspace' && base !== undefined && existsSync(base)) {
    const extendsPath = relative(folder, base).split(sep).join('/');
    for (const file of ['tsconfig.json', 'tsconfig.build.json']) {
      const text = files.get(file);
      if (text !== undefined) files.set(file, text.replace('../../tsconfig.base.json', extendsPath));
    }
  } else {
    files.set('tsconfig.json', standaloneTsconfig(bundle));
    files.set('tsconfig.build.json', STANDALONE_BUILD_TSCONFIG);
  }
  const hasBiome =
    mode === 'workspace' &&
    workspace !== undefined &&
    (existsSync(join(workspace.root, 'biome.json')) || existsSync(join(workspace.root, 'biome.jsonc')));
  if (!hasBiome) files.set('biome.json', printJson(standaloneBiome(bundle)));
  if (mode === 'standalone') files.set('.gitignore', 'node_modules/\ndist/\ncoverage/\n*.tsbuildinfo\n');

  const shown = relative(options.cwd, folder) || '.';
  const next =
    mode === 'workspace'
      ? ['pnpm install', `pnpm --filter ${packageName} build`, `pnpm --filter ${packageName} test`]
      : [`cd ${shown}`, 'npm install', 'npm run build', 'npm test'];
  return { folder, files: sortedFiles(files), mode, packageName, next, notes };
}

async function locate(
  options: ConnectorScaffoldOptions,
  forms: NameForms,
): Promise<{
  folder: string;
  workspace: Workspace | undefined;
  mode: ScaffoldPlan['mode'];
  notes: string[];
}> {
  const notes: string[] = [];
  if (options.dir !== undefined) {
    const folder = resolve(options.cwd, options.dir);
    const workspace = await readWorkspace(dirname(folder));
    const member = workspace !== undefined && isWorkspaceMember(workspace, folder);
    if (workspace !== undefined && !member) {
      notes.push(
        `${folder} is inside the pnpm workspace at ${workspace.root} but matches none of its package globs: it was made as a standalone package`,
      );
    }
    return { folder, workspace, mode: member ? 'workspace' : 'standalone', notes };
  }
  const workspace = await readWorkspace(options.cwd);
  if (workspace === undefined) {
    return { folder: resolve(options.cwd, `connector-${forms.kebab}`), workspace, mode: 'standalone', notes };
  }
  const folder = join(workspace.root, 'connectors', forms.kebab);
  if (!isWorkspaceMember(workspace, folder)) {
    notes.push(
      `add 'connectors/*' to the packages of ${join(workspace.root, 'pnpm-workspace.yaml')} to make it a workspace member`,
    );
    return { folder, workspace, mode: 'standalone', notes };
  }
  return { folder, workspace, mode: 'workspace', notes };
}

/** Refuses a folder that exists with anything in it, and names already used in the workspace. */
function assertAvailable(
  folder: string,
  packageName: string,
  forms: NameForms,
  workspace: Workspace | undefined,
): void {
  if (existsSync(folder) && readdirSync(folder).length > 0) {
    throw new ConnectorError(
      'CONFLICT',
      `${folder} already exists and is not empty — nothing was written; choose another name or --dir`,
    );
  }
  for (const member of workspace?.packages ?? []) {
    if (member.name === packageName) {
      throw new ConnectorError(
        'CONFLICT',
        `package ${packageName} already exists in the workspace (${relative(workspace?.root ?? '', member.folder)}) — choose another name`,
      );
    }
    if (member.connector === forms.kebab) {
      throw new ConnectorError(
        'CONFLICT',
        `connector name '${forms.kebab}' is taken by ${member.name} (${relative(workspace?.root ?? '', member.folder)}) — actions would clash as ${forms.kebab}.<action>; choose another name`,
      );
    }
  }
}

function packageJson(
  template: string,
  bundle: TemplateBundle,
  mode: ScaffoldPlan['mode'],
  workspace: Workspace | undefined,
  packageName: string,
): string {
  const manifest = JSON.parse(template) as Record<string, unknown>;
  delete manifest.private;
  manifest.name = packageName;
  const members = new Set(workspace?.packages.map((member) => member.name) ?? []);
  const range = (dependency: string): string => {
    const version = bundle.versions[dependency] ?? '*';
    if (mode === 'workspace') {
      if (members.has(dependency)) return 'workspace:^';
      if (workspace?.catalog[dependency] !== undefined) return 'catalog:';
    }
    if (dependency === '@biomejs/biome') return version;
    if (dependency === 'typescript') return `~${version}`;
    return `^${version}`;
  };
  for (const field of ['dependencies', 'peerDependencies', 'devDependencies'] as const) {
    const dependencies = manifest[field] as Record<string, string> | undefined;
    if (dependencies === undefined) continue;
    for (const dependency of Object.keys(dependencies)) dependencies[dependency] = range(dependency);
  }
  if (mode === 'standalone') {
    const scripts = (manifest.scripts ?? {}) as Record<string, string>;
    manifest.scripts = { ...scripts, lint: 'biome check .', format: 'biome check --write .' };
    const devDependencies = (manifest.devDependencies ?? {}) as Record<string, string>;
    manifest.devDependencies = sortKeys({ ...devDependencies, '@biomejs/biome': range('@biomejs/biome') });
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function standaloneTsconfig(bundle: TemplateBundle): string {
  return printJson({
    compilerOptions: { ...bundle.compilerOptions, rootDir: 'src', noEmit: true },
    include: ['src'],
  });
}

const STANDALONE_BUILD_TSCONFIG = `{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "dist", "noEmit": false },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts", "src/**/*.test-d.ts", "src/test-fixtures"]
}
`;

function standaloneBiome(bundle: TemplateBundle): Record<string, unknown> {
  const { vcs: _vcs, ...settings } = bundle.biome as Record<string, unknown>;
  return settings;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sortedFiles(files: Map<string, string>): Map<string, string> {
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
