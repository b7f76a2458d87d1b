import { existsSync, readdirSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { ConnectorError } from '@connectorkit/core';
import type { ScaffoldPlan } from './connector-scaffold.js';
import { alignMarkdownTables } from './markdown-tables.js';
import { assertPackageName, packageNameFromFolder } from './names.js';
import { loadTemplateBundle } from './template-bundle.js';

export interface ProjectScaffoldOptions {
  /** The project folder, relative to `cwd`. */
  readonly dir: string;
  readonly cwd: string;
  /** npm package name; default: the folder name. */
  readonly packageName?: string | undefined;
}

/**
 * The flow of a new project: an input schema, two steps calling Redis actions, an output —
 * in the format of @connectorkit/flow: `{{ … }}` in a string is a template, a string starting
 * with `=` is a JSONata expression.
 */
export const HELLO_FLOW = `# A flow: an input schema, steps that call connector actions, and an output.
# In values, {{ … }} inside a string is a template and a string starting with = is an expression.
# Run it with: npm run hello
name: hello
description: Stores a greeting in Redis and reads it back.
input:
  type: object
  required: [name]
  properties:
    name:
      type: string
      description: Who to greet
steps:
  - id: store
    call: redis.set
    connection: cache
    with:
      key: greeting
      value: "Hello, {{ input.name }}!"
  - id: read
    call: redis.get
    connection: cache
    with:
      key: greeting
output:
  greeting: = steps.read.value
`;

const CONFIG = `# Connections: one per service the flows use. Values can come from the environment:
# \${NAME}, or \${NAME:-default} when the variable may be unset.
connections:
  cache:
    connector: redis
    url: \${REDIS_URL:-redis://127.0.0.1:6379}
`;

/** Plans a new project folder: connectorkit.yaml, one flow and the scripts to run it. */
export async function planProject(options: ProjectScaffoldOptions): Promise<ScaffoldPlan> {
  const folder = resolve(options.cwd, options.dir);
  if (existsSync(folder) && readdirSync(folder).length > 0) {
    throw new ConnectorError(
      'CONFLICT',
      `${folder} already exists and is not empty — nothing was written; choose another folder`,
    );
  }
  const packageName = options.packageName ?? packageNameFromFolder(basename(folder));
  assertPackageName(packageName);
  const { versions } = await loadTemplateBundle();
  const range = (name: string) => `^${versions[name] ?? '0.1.0'}`;
  const manifest = {
    name: packageName,
    version: '0.1.0',
    private: true,
    description: 'A Connector Kit project: connections in connectorkit.yaml, flows in flows/.',
    type: 'module',
    engines: { node: '>=20.11' },
    scripts: {
      list: 'ck list',
      check: 'ck check --all',
      hello: 'ck run flows/hello.flow.yaml --input @flows/hello.input.json',
    },
    dependencies: {
      '@connectorkit/cli': range('@connectorkit/cli'),
      '@connectorkit/connector-redis': range('@connectorkit/connector-redis'),
      '@connectorkit/core': range('@connectorkit/core'),
      '@connectorkit/flow': range('@connectorkit/flow'),
    },
  };
  const shown = relative(options.cwd, folder) || '.';
  const files = new Map<string, string>([
    ['.gitignore', 'node_modules/\n.ck/\n'],
    ['README.md', alignMarkdownTables(readme(packageName))],
    ['connectorkit.yaml', CONFIG],
    ['flows/hello.flow.yaml', HELLO_FLOW],
    ['flows/hello.input.json', '{ "name": "world" }\n'],
    ['package.json', `${JSON.stringify(manifest, null, 2)}\n`],
  ]);
  return {
    folder,
    files,
    mode: 'standalone',
    packageName,
    next: [`cd ${shown}`, 'npm install', 'npm run check', 'npm run hello'],
    notes: [],
  };
}

function readme(name: string): string {
  return `# ${name}

A Connector Kit project.

| file | what it is |
| --- | --- |
| \`connectorkit.yaml\` | the connections: which connector, and its settings (secrets from the environment) |
| \`flows/hello.flow.yaml\` | a flow: input, steps calling connector actions, output |
| \`flows/hello.input.json\` | the input \`npm run hello\` gives the flow |

\`\`\`sh
npm install
npm run list      # installed connectors and configured connections
npm run check     # tests every connection (Redis on 127.0.0.1:6379, or set REDIS_URL)
npm run hello     # runs flows/hello.flow.yaml
\`\`\`

Add a connector with \`npm install @connectorkit/connector-<name>\`, a connection for it in
connectorkit.yaml, and steps calling its actions (\`npx ck describe <name>\` lists them).
`;
}
