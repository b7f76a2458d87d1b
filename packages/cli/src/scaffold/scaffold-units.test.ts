import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareNames, printJson } from './code-printer.js';
import { alignMarkdownTables } from './markdown-tables.js';
import { assertConnectorName, nameForms, packageNameFromFolder, packageNameProblems } from './names.js';
import { replaceDescription, replaceTokens, TEMPLATE_DESCRIPTION } from './tokens.js';
import { isWorkspaceMember, readWorkspace } from './workspace.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('connector names', () => {
  it('derives every spelling from the name', () => {
    expect(nameForms('my-crm')).toEqual({
      kebab: 'my-crm',
      camel: 'myCrm',
      pascal: 'MyCrm',
      constant: 'MY_CRM',
      title: 'My Crm',
    });
    expect(nameForms('web3')).toMatchObject({ camel: 'web3', pascal: 'Web3', constant: 'WEB3' });
  });

  it.each([
    ['MyCrm', "try 'my-crm'"],
    ['my_crm', 'lowercase letters, digits and dashes'],
    ['1password', 'each word starting with a letter'],
    ['web-3', 'each word starting with a letter'],
    ['a--b', 'lowercase letters'],
    ['crm-', 'lowercase letters'],
    ['x'.repeat(60), 'too long'],
  ])('rejects %s, saying what is expected', (name, hint) => {
    expect(() => assertConnectorName(name)).toThrow(hint);
  });

  it('checks package names as the npm registry does', () => {
    expect(packageNameProblems('@acme/connector-crm')).toEqual([]);
    expect(packageNameProblems('connector-crm')).toEqual([]);
    expect(packageNameProblems('Connector')).toContain('it has capital letters');
    expect(packageNameProblems('.hidden')).toContainEqual(expect.stringContaining("starts with '.' or '_'"));
    expect(packageNameProblems('@acme/a b')).toContainEqual(expect.stringContaining('not URL-safe'));
    expect(packageNameProblems('http')).toContain('it is a reserved name');
    expect(packageNameProblems('@acme')).toContain("a scoped name must look like '@scope/name'");
    expect(packageNameFromFolder('My Flows!')).toBe('my-flows');
  });
});

describe('template tokens', () => {
  const forms = nameForms('my-crm');

  it('replaces each spelling in its own way, and leaves other words alone', () => {
    const text = [
      "export const exampleConnection = new ExampleClient(process.env.EXAMPLE_TOKEN, 'EXAMPLE');",
      "title: 'Example', package: '@connectorkit/connector-example', url: 'https://api.example.com'",
      "throw toExampleError(error); kit.invoke('example.getItem', {}); examples: []; runExamples: true",
    ].join('\n');
    expect(replaceTokens(text, forms)).toBe(
      [
        "export const myCrmConnection = new MyCrmClient(process.env.MY_CRM_TOKEN, 'MY_CRM');",
        "title: 'My Crm', package: '@connectorkit/connector-my-crm', url: 'https://api.my-crm.com'",
        "throw toMyCrmError(error); kit.invoke('my-crm.getItem', {}); examples: []; runExamples: true",
      ].join('\n'),
    );
  });

  it('writes the description as each file needs it', () => {
    const long = `It's ${'very '.repeat(20)}long.`;
    expect(
      replaceDescription(
        'package.json',
        `"description": ${JSON.stringify(TEMPLATE_DESCRIPTION)}`,
        'Say "hi"',
      ),
    ).toBe('"description": "Say \\"hi\\""');
    expect(
      replaceDescription('src/connector.ts', `  description:\n    '${TEMPLATE_DESCRIPTION}',`, 'Short.'),
    ).toBe("  description: 'Short.',");
    expect(replaceDescription('src/connector.ts', `  description: '${TEMPLATE_DESCRIPTION}',`, long)).toBe(
      `  description:\n    "${long}",`,
    );
    expect(replaceDescription('README.md', `# x\n\n${TEMPLATE_DESCRIPTION}\n`, 'Plain.')).toBe(
      '# x\n\nPlain.\n',
    );
  });
});

describe('formatting helpers', () => {
  it('aligns Markdown tables as Biome does, leaving code blocks alone', () => {
    const text = [
      '| action | what |',
      '| --- | --- |',
      '| `my-crm.getItem` | Reads \\| one |',
      '',
      '```md',
      '| a | b |',
      '| --- | --- |',
      '```',
    ].join('\n');
    expect(alignMarkdownTables(text)).toBe(
      [
        '| action           | what         |',
        '| ---------------- | ------------ |',
        '| `my-crm.getItem` | Reads \\| one |',
        '',
        '```md',
        '| a | b |',
        '| --- | --- |',
        '```',
      ].join('\n'),
    );
  });

  it('sorts names as Biome sorts imports', () => {
    const names = ['errorCodes', 'ErrorCode', 'ERROR_CODES', 'codeFromHttpStatus', 'ConnectorError', 'type'];
    expect([...names].sort(compareNames)).toEqual([
      'ConnectorError',
      'codeFromHttpStatus',
      'ERROR_CODES',
      'ErrorCode',
      'errorCodes',
      'type',
    ]);
  });

  it('prints JSON with objects expanded and short arrays on one line', () => {
    expect(printJson({ a: ['x', 'y'], b: {}, c: { d: 1 } })).toBe(
      '{\n  "a": ["x", "y"],\n  "b": {},\n  "c": {\n    "d": 1\n  }\n}\n',
    );
  });
});

describe('workspaces', () => {
  it('reads pnpm-workspace.yaml: globs, catalog, members and the connectors they declare', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ck-units-'));
    folders.push(root);
    writeFileSync(
      join(root, 'pnpm-workspace.yaml'),
      "packages:\n  - packages/*\n  - 'connectors/**'\n  - '!connectors/archive/**'\ncatalog:\n  typescript: 5.9.3\n",
    );
    const member = (path: string, manifest: Record<string, unknown>) => {
      mkdirSync(join(root, path), { recursive: true });
      writeFileSync(join(root, path, 'package.json'), JSON.stringify(manifest));
    };
    member('packages/core', { name: '@connectorkit/core', version: '0.1.0' });
    member('connectors/crm', { name: '@acme/connector-crm', connectorkit: { manifest: './dist/m.json' } });
    member('connectors/archive/old', { name: '@acme/old' });
    mkdirSync(join(root, 'connectors/crm/dist'));
    writeFileSync(join(root, 'connectors/crm/dist/m.json'), JSON.stringify({ name: 'acme-crm' }));
    symlinkSync(join(root, 'packages/core'), join(root, 'connectors/linked'));
    const workspace = await readWorkspace(join(root, 'connectors/crm'));
    expect(workspace?.root).toBe(root);
    expect(workspace?.catalog).toEqual({ typescript: '5.9.3' });
    expect(workspace?.packages.map((found) => [found.name, found.connector]).sort()).toEqual([
      ['@acme/connector-crm', 'acme-crm'],
      ['@connectorkit/core', undefined],
      ['@connectorkit/core', undefined],
    ]);
    if (workspace === undefined) return;
    expect(isWorkspaceMember(workspace, join(root, 'connectors/new'))).toBe(true);
    expect(isWorkspaceMember(workspace, join(root, 'connectors/a/b'))).toBe(true);
    expect(isWorkspaceMember(workspace, join(root, 'connectors/archive/x'))).toBe(false);
    expect(isWorkspaceMember(workspace, join(root, 'examples/x'))).toBe(false);
    expect(await readWorkspace(tmpdir())).toBeUndefined();
  });
});
