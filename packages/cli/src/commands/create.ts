import { relative, resolve } from 'node:path';
import { type CommandIo, defineCommand, UsageError } from '../command.js';
import { palette, writeJson, writeLine } from '../output.js';
import type { ConnectorKind, ScaffoldPlan } from '../scaffold/connector-scaffold.js';
import type { OpenApiDocument } from '../scaffold/openapi-document.js';
import type { Prompter } from '../scaffold/prompts.js';

const KINDS: readonly ConnectorKind[] = ['sdk', 'http'];

export const createCommand = defineCommand({
  name: 'create',
  summary: 'Create a connector package (from the template or an OpenAPI document) or a project',
  help: [
    'ck create connector <name>: a connector package that builds and passes its tests as it is —',
    '  in a pnpm workspace under connectors/<name>, elsewhere in ./connector-<name> (or --dir).',
    '  Kinds: sdk wraps a client library (a stand-in client to replace), http talks to an HTTP API.',
    '  --from-openapi makes one typed action per operation of an OpenAPI 3 document.',
    'ck create project <dir>: a project with connectorkit.yaml, one flow and the scripts to run it.',
    '',
    'In a terminal it asks for what the flags do not say; elsewhere (or with --yes) it takes the defaults.',
    'An existing folder is never overwritten.',
    '',
    'Examples:',
    '  ck create connector acme',
    "  ck create connector acme --kind http --description 'Acme CRM: contacts and deals' --yes",
    '  ck create connector petstore --from-openapi petstore.yaml',
    '  ck create connector acme --dir ../acme-connector --package @acme/connector-acme',
    '  ck create project my-flows',
  ].join('\n'),
  positionals: [
    { name: 'what', description: "'connector' or 'project'", required: true },
    { name: 'name', description: 'Connector name (lowercase, e.g. acme-crm) or project folder' },
  ],
  flags: {
    kind: { type: 'string', valueName: 'sdk|http', description: 'Connector kind (default sdk)' },
    description: { type: 'string', valueName: 'text', description: 'What the connector does' },
    'from-openapi': {
      type: 'string',
      valueName: 'spec',
      description: 'Generate the actions from an OpenAPI 3 document (YAML or JSON)',
    },
    dir: { type: 'string', valueName: 'path', description: 'Folder to create the connector in' },
    package: { type: 'string', valueName: 'name', description: 'npm package name of the connector' },
    yes: {
      type: 'boolean',
      short: 'y',
      description: 'Never ask: take the defaults for what the flags do not say',
    },
  },
  run: async ({ flags, positionals, io }) => {
    const what = positionals[0];
    if (what !== 'connector' && what !== 'project') {
      throw new UsageError(
        `'${what}' cannot be created — use 'ck create connector <name>' or 'ck create project <dir>'`,
      );
    }
    const { canPrompt, createPrompter } = await import('../scaffold/prompts.js');
    const prompter = canPrompt(io, flags.yes) ? createPrompter(io) : undefined;
    try {
      const plan =
        what === 'connector'
          ? await connectorPlan(io, flags, positionals[1], prompter)
          : await projectPlan(io, flags, positionals[1], prompter);
      const json = flags.json === true;
      if (plan === undefined) {
        if (json) writeJson(io, { ok: false, created: null, reason: 'declined' });
        else writeLine(io, 'Nothing was created.');
        return 1;
      }
      const { writeScaffold } = await import('../scaffold/write-scaffold.js');
      const shown = relative(io.cwd, plan.folder) || '.';
      if (!json) writeLine(io, `Writing ${plan.files.size} files to ${shown}`);
      writeScaffold(plan.folder, plan.files);
      let notes = plan.notes;
      if (what === 'connector') {
        // The connector's name goes into the code (action names, identifiers): a long one can
        // push a line past the width lint allows, so the package is laid out as lint wants it.
        const { formatWithBiome } = await import('../scaffold/biome-format.js');
        if (!formatWithBiome(plan.folder)) {
          notes = [
            ...notes,
            'Biome was not found above the package: run `npm run format` (biome check --write .) after installing',
          ];
        }
      }
      report(io, json, what, plan, shown, notes);
      return 0;
    } finally {
      prompter?.close();
    }
  },
});

interface CreateFlags {
  readonly kind: string | undefined;
  readonly description: string | undefined;
  readonly 'from-openapi': string | undefined;
  readonly dir: string | undefined;
  readonly package: string | undefined;
  readonly json: boolean | undefined;
}

async function connectorPlan(
  io: CommandIo,
  flags: CreateFlags,
  givenName: string | undefined,
  prompter: Prompter | undefined,
): Promise<ScaffoldPlan | undefined> {
  const { assertConnectorName } = await import('../scaffold/names.js');
  const { CONNECTOR_KINDS, planConnector } = await import('../scaffold/connector-scaffold.js');
  const nameProblem = (answer: string): string | undefined => {
    try {
      assertConnectorName(answer);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
  let name = givenName;
  if (name === undefined) {
    if (prompter === undefined)
      throw new UsageError('missing <name> — usage: ck create connector <name> [flags]');
    name = await prompter.ask('Connector name (lowercase letters, digits and dashes, e.g. acme-crm)', {
      validate: nameProblem,
    });
  }
  assertConnectorName(name);
  const spec = flags['from-openapi'];
  let kind = flags.kind;
  if (kind !== undefined && !KINDS.includes(kind as ConnectorKind)) {
    throw new UsageError(`--kind must be sdk or http, got '${kind}'`);
  }
  if (spec !== undefined && kind === 'sdk') {
    throw new UsageError('--from-openapi makes an http connector: leave out --kind sdk');
  }
  if (spec !== undefined) kind = 'http';
  if (kind === undefined && prompter !== undefined) {
    for (const [option, text] of Object.entries(CONNECTOR_KINDS))
      io.stderr.write(`  ${option.padEnd(5)} ${text}\n`);
    kind = await prompter.ask('Kind', {
      fallback: 'sdk',
      validate: (answer) => (KINDS.includes(answer as ConnectorKind) ? undefined : 'answer sdk or http'),
    });
  }
  let description = flags.description;
  if (description === undefined && prompter !== undefined && spec === undefined) {
    const answer = await prompter.ask('Description (what it does; empty for a default)', { optional: true });
    description = answer === '' ? undefined : answer;
  }
  let openApi: OpenApiDocument | undefined;
  if (spec !== undefined) {
    const { loadOpenApiDocument } = await import('../scaffold/openapi-document.js');
    if (flags.json !== true) writeLine(io, `Reading ${spec}`);
    openApi = await loadOpenApiDocument(resolve(io.cwd, spec));
  }
  const plan = await planConnector({
    name,
    kind: (kind ?? 'sdk') as ConnectorKind,
    description,
    packageName: flags.package,
    cwd: io.cwd,
    dir: flags.dir,
    openApi,
  });
  if (prompter !== undefined) {
    const shown = relative(io.cwd, plan.folder) || '.';
    const go = await prompter.confirm(`Create ${plan.packageName} in ${shown}?`, true);
    if (!go) return undefined;
  }
  return plan;
}

async function projectPlan(
  io: CommandIo,
  flags: CreateFlags,
  givenDir: string | undefined,
  prompter: Prompter | undefined,
): Promise<ScaffoldPlan | undefined> {
  for (const flag of ['kind', 'description', 'from-openapi', 'dir'] as const) {
    if (flags[flag] !== undefined)
      throw new UsageError(`--${flag} is for 'ck create connector', not for projects`);
  }
  let dir = givenDir;
  if (dir === undefined) {
    if (prompter === undefined)
      throw new UsageError('missing <dir> — usage: ck create project <dir> [flags]');
    dir = await prompter.ask('Project folder', { fallback: 'connectorkit-project' });
  }
  const { planProject } = await import('../scaffold/project-scaffold.js');
  const plan = await planProject({ dir, cwd: io.cwd, packageName: flags.package });
  if (prompter !== undefined) {
    const go = await prompter.confirm(
      `Create project ${plan.packageName} in ${relative(io.cwd, plan.folder) || '.'}?`,
      true,
    );
    if (!go) return undefined;
  }
  return plan;
}

function report(
  io: CommandIo,
  json: boolean,
  what: 'connector' | 'project',
  plan: ScaffoldPlan,
  shown: string,
  notes: readonly string[],
): void {
  if (json) {
    writeJson(io, {
      ok: true,
      created: what,
      package: plan.packageName,
      folder: plan.folder,
      mode: plan.mode,
      files: [...plan.files.keys()],
      notes,
      next: plan.next,
    });
    return;
  }
  const color = palette(io);
  writeLine(io, `${color.green('✓')} Created ${what} ${color.bold(plan.packageName)} in ${shown}`);
  for (const path of plan.files.keys()) writeLine(io, color.dim(`  ${path}`));
  if (notes.length > 0) {
    writeLine(io);
    writeLine(io, color.yellow('Notes'));
    for (const note of notes) writeLine(io, `  - ${note}`);
  }
  writeLine(io);
  writeLine(io, color.bold('Next'));
  for (const command of plan.next) writeLine(io, `  ${command}`);
}
