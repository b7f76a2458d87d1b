import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { TemplateBundle, TemplateVariant } from './template-bundle.js';
import { loadTemplateBundle, templateFiles } from './template-bundle.js';
import { ambiguousMentions, TEMPLATE_DESCRIPTION, TEMPLATE_PACKAGE } from './tokens.js';

const MONOREPO = fileURLToPath(new URL('../../../../', import.meta.url));
const TEMPLATE = join(MONOREPO, 'templates', 'connector');
const SKIPPED = new Set(['node_modules', 'dist', '.turbo', 'coverage']);

function walk(folder: string, root = folder): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder).sort()) {
    if (SKIPPED.has(entry) || entry.endsWith('.tsbuildinfo')) continue;
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) Object.assign(files, walk(path, root));
    else files[relative(root, path).split(sep).join('/')] = readFileSync(path, 'utf8');
  }
  return files;
}

const readJson = (path: string) =>
  JSON.parse(readFileSync(join(MONOREPO, path), 'utf8')) as Record<string, unknown>;

/** The bundle as templates/connector and the monorepo's settings make it. */
function bundleTemplate(): TemplateBundle {
  const all = walk(TEMPLATE);
  const files = Object.fromEntries(Object.entries(all).filter(([path]) => !path.startsWith('variants/')));
  const variants: Record<string, TemplateVariant> = {};
  for (const name of readdirSync(join(TEMPLATE, 'variants')).sort()) {
    const folder = join(TEMPLATE, 'variants', name);
    const walked = walk(folder);
    const settings = JSON.parse(walked['variant.json'] ?? '{}') as Omit<TemplateVariant, 'files'>;
    const variantFiles = Object.fromEntries(
      Object.entries(walked).filter(([path]) => path !== 'variant.json'),
    );
    variants[name] = { ...settings, files: variantFiles };
  }
  const catalog = (
    parse(readFileSync(join(MONOREPO, 'pnpm-workspace.yaml'), 'utf8')) as { catalog: Record<string, string> }
  ).catalog;
  const versionOf = (path: string) => String(readJson(path).version);
  return {
    files,
    variants,
    versions: {
      '@biomejs/biome': String(catalog['@biomejs/biome']),
      '@connectorkit/cli': versionOf('packages/cli/package.json'),
      '@connectorkit/connector-redis': versionOf('connectors/redis/package.json'),
      '@connectorkit/core': versionOf('packages/core/package.json'),
      '@connectorkit/flow': versionOf('packages/flow/package.json'),
      '@connectorkit/testing': versionOf('packages/testing/package.json'),
      '@types/node': String(catalog['@types/node']),
      typescript: String(catalog.typescript),
      vitest: String(catalog.vitest),
    },
    compilerOptions: readJson('tsconfig.base.json').compilerOptions as Record<string, unknown>,
    biome: readJson('biome.json'),
  };
}

describe('the bundled template', () => {
  it('is templates/connector as it is — after changing the template run: npx vitest run -u src/scaffold/template-bundle.test.ts', async () => {
    await expect(`${JSON.stringify(bundleTemplate(), null, 2)}\n`).toMatchFileSnapshot('./template.gen.json');
  });

  it('loads, with every kind complete', async () => {
    const bundle = await loadTemplateBundle();
    const sdk = templateFiles(bundle);
    expect([...sdk.keys()]).toEqual(
      expect.arrayContaining(['package.json', 'src/index.ts', 'src/client.ts']),
    );
    const http = templateFiles(bundle, 'http');
    expect(http.has('src/client.ts')).toBe(false);
    expect(http.get('src/connection.ts')).toContain('createHttpClient');
    const openapi = templateFiles(bundle, 'openapi');
    expect([...openapi.keys()].filter((path) => path.startsWith('src/'))).toEqual([
      'src/connector.test.ts',
      'src/operations.test.ts',
      'src/test-fixtures/stub-server.ts',
    ]);
  });

  it('spells the template name only as tokens the scaffolder replaces', async () => {
    const bundle = await loadTemplateBundle();
    const sources = [bundle.files, ...Object.values(bundle.variants).map((variant) => variant.files)];
    for (const files of sources) {
      for (const [path, content] of Object.entries(files)) {
        // `examples` (an action field) and `runExamples` (a conformance option) are words of
        // their own that merely start like the name: the scaffolder leaves them alone.
        const ambiguous = ambiguousMentions(`${path}\n${content}`).filter(
          (word) => word !== 'examples' && word !== 'runExamples',
        );
        expect(ambiguous, path).toEqual([]);
      }
    }
  });

  it('carries the package name and description the scaffolder replaces', async () => {
    const bundle = await loadTemplateBundle();
    expect(JSON.parse(bundle.files['package.json'] ?? '{}')).toMatchObject({
      name: TEMPLATE_PACKAGE,
      description: TEMPLATE_DESCRIPTION,
      private: true,
    });
    expect(bundle.files['src/connector.ts']).toContain(`'${TEMPLATE_DESCRIPTION}'`);
  });
});
