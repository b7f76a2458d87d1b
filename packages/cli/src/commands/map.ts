import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConnectorError } from '@connectorkit/core';
import { inferSchema, loadMapping, type Violation } from '@connectorkit/mapping';
import { type CommandIo, defineCommand, UsageError } from '../command.js';
import { palette, truncate, width, writeJson, writeLine } from '../output.js';

export const mapCommand = defineCommand({
  name: 'map',
  summary: 'Run a mapping: import a message (XML/JSON) into entities, or export entities as a message',
  help: [
    'Runs a mapping file of @connectorkit/mapping on one input file, as a `map` step of a flow',
    'does. Import (the default) reads the message — XML or JSON text — and prints the entities as',
    'JSON; --export reads entities (JSON) and prints the message (XML or JSON text). A message',
    'that cannot be mapped prints every violation with its source and target path, exit code 1.',
    '',
    'Examples:',
    '  ck map mappings/order.mapping.yaml samples/order.xml',
    '  ck map mappings/order.mapping.yaml order.json --export --out order.xml',
  ].join('\n'),
  positionals: [
    { name: 'mapping', description: 'The mapping file (YAML)', required: true },
    { name: 'input', description: 'The message (import) or the entities as JSON (export)', required: true },
  ],
  flags: {
    export: { type: 'boolean', description: 'Entities → message (default: message → entities)' },
    out: { type: 'string', short: 'o', valueName: 'file', description: 'Write the result to this file' },
  },
  run: async ({ flags, positionals, io }) => {
    const [mappingFile = '', inputFile = ''] = positionals;
    const mapping = await loadMapping(resolve(io.cwd, mappingFile));
    const text = await readInput(resolve(io.cwd, inputFile));
    const direction = flags.export === true ? 'export' : 'import';
    if (!mapping.directions[direction]) {
      throw new UsageError(`${mappingFile} has no '${direction}:' section`);
    }
    const result =
      direction === 'export'
        ? await mapping.export(parseEntities(text, inputFile))
        : await mapping.import(text);
    if (!result.ok) {
      if (flags.json === true)
        writeJson(io, { ok: false, code: result.error.code, violations: result.violations });
      else writeViolations(io, mappingFile, inputFile, result.error.message, result.violations);
      return 1;
    }
    const output: string =
      'text' in result && typeof result.text === 'string'
        ? result.text
        : JSON.stringify(result.value, null, 2);
    if (flags.out !== undefined) {
      await writeFile(resolve(io.cwd, flags.out), output.endsWith('\n') ? output : `${output}\n`);
      if (flags.json === true) writeJson(io, { ok: true, direction, out: flags.out });
      else writeLine(io, `wrote ${flags.out} (${direction} with ${mapping.name})`);
      return 0;
    }
    if (flags.json === true && direction === 'import') writeJson(io, result.value);
    else io.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    return 0;
  },
});

export const schemaCommand = defineCommand({
  name: 'schema',
  summary: 'Infer a JSON Schema from sample messages (ck schema infer <sample.json…>)',
  help: [
    'Writes the JSON Schema of sample JSON messages: types, nested objects, arrays (every item',
    'merged), optional fields (missing from some samples or items), nullable fields, and string',
    'formats such as date-time, date, email and uri. Give several samples to learn what is',
    'optional; a mapping file can use the schema as its message or entity definition.',
    '',
    'Examples:',
    '  ck schema infer samples/order-1.json samples/order-2.json --out schemas/order.schema.json',
  ].join('\n'),
  positionals: [
    { name: 'infer', description: "The subcommand: 'infer'", required: true },
    { name: 'samples', description: 'Sample JSON files', required: true, variadic: true },
  ],
  flags: {
    out: { type: 'string', short: 'o', valueName: 'file', description: 'Write the schema to this file' },
  },
  run: async ({ flags, positionals, io }) => {
    const [subcommand, ...files] = positionals;
    if (subcommand !== 'infer')
      throw new UsageError(`'ck schema ${subcommand}' is unknown — use 'ck schema infer <sample.json…>'`);
    if (files.length === 0) throw new UsageError('ck schema infer needs at least one sample JSON file');
    const samples = await Promise.all(
      files.map(async (file) => parseSample(await readInput(resolve(io.cwd, file)), file)),
    );
    const schema = inferSchema(samples);
    const text = `${JSON.stringify(schema, null, 2)}\n`;
    if (flags.out === undefined) {
      io.stdout.write(text);
      return 0;
    }
    await writeFile(resolve(io.cwd, flags.out), text);
    if (flags.json === true) writeJson(io, { out: flags.out, samples: files.length });
    else writeLine(io, `wrote ${flags.out} (from ${files.length} sample${files.length === 1 ? '' : 's'})`);
    return 0;
  },
});

async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function parseEntities(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `${file}: the entities for --export must be JSON (${(error as Error).message})`,
    );
  }
}

function parseSample(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConnectorError('INVALID_INPUT', `${file}: not a JSON sample (${(error as Error).message})`);
  }
}

function writeViolations(
  io: CommandIo,
  mappingFile: string,
  inputFile: string,
  message: string,
  violations: readonly Violation[],
): void {
  const color = palette(io, 'stderr');
  const columns = width(io);
  const lines = [color.red(`${inputFile} does not map with ${mappingFile}: ${truncate(message, columns)}`)];
  for (const violation of violations) {
    const from = violation.sourcePath === undefined ? '' : ` ← ${violation.sourcePath}`;
    lines.push(truncate(`  ${violation.targetPath}${from}: ${violation.message}`, columns));
  }
  io.stderr.write(`${lines.join('\n')}\n`);
}
