import { ConnectorError, type ConnectorManifest, type JsonSchema } from '@connectorkit/core';
import { defineCommand } from '../command.js';
import { palette, truncate, width, writeJson, writeLine } from '../output.js';
import { openCliProject } from '../project.js';

export const describeCommand = defineCommand({
  name: 'describe',
  summary: 'Show a connector, or one action or trigger, with its schemas',
  help: 'With --connection, also connects and shows what the service offers (e.g. the entity sets of an OData service).\n\nExamples:\n  ck describe redis\n  ck describe redis.set\n  ck describe redis.stream --json\n  ck describe sap-odata --connection sales',
  positionals: [
    {
      name: 'target',
      description: "A connector ('redis') or 'connector.member' ('redis.set')",
      required: true,
    },
  ],
  flags: {
    connection: {
      type: 'string',
      short: 'c',
      valueName: 'name',
      description: 'Also connect and show the service as this connection sees it',
    },
  },
  run: async ({ flags, positionals, io }) => {
    const { kit } = openCliProject(io, flags);
    try {
      const target = positionals[0] ?? '';
      const [connectorName, member] = target.split('.', 2) as [string, string | undefined];
      const manifest = kit.manifest(connectorName);
      if (manifest === undefined) {
        const known = kit.catalog().connectors.map((connector) => connector.name);
        throw new ConnectorError(
          'NOT_FOUND',
          `unknown connector '${connectorName}' — ${known.length === 0 ? 'no connectors are installed' : `installed: ${known.join(', ')}`}`,
        );
      }
      if (member === undefined) {
        const service =
          flags.connection === undefined
            ? undefined
            : await kit.describeConnection(kit.resolveConnection(connectorName, flags.connection));
        if (flags.json === true) {
          writeJson(io, service === undefined ? manifest : { ...manifest, service });
          return 0;
        }
        describeConnector(io, manifest);
        if (service !== undefined) {
          writeLine(io);
          writeLine(io, palette(io).bold(`Service (connection ${flags.connection})`));
          writeLine(io, JSON.stringify(service, null, 2));
        }
        return 0;
      }
      const action = manifest.actions[member];
      const trigger = manifest.triggers[member];
      if (action === undefined && trigger === undefined) {
        const known = [...Object.keys(manifest.actions), ...Object.keys(manifest.triggers)];
        throw new ConnectorError(
          'NOT_FOUND',
          `connector '${connectorName}' has no action or trigger '${member}' — it has: ${known.join(', ')}`,
          {
            connector: connectorName,
          },
        );
      }
      const color = palette(io);
      const lineWidth = width(io);
      if (action !== undefined) {
        if (flags.json === true) {
          writeJson(io, { kind: 'action', name: `${connectorName}.${member}`, ...action });
          return 0;
        }
        writeLine(
          io,
          `${color.bold(`${connectorName}.${member}`)}  ${color.dim(`action${action.idempotent ? ', idempotent (retried on transient failures)' : ''}`)}`,
        );
        if (action.title !== undefined) writeLine(io, action.title);
        writeLine(io, action.description);
        writeLine(io);
        writeLine(io, color.bold('Input'));
        writeFields(io, action.input, lineWidth);
        writeLine(io);
        writeLine(io, color.bold('Output'));
        writeFields(io, action.output, lineWidth);
        if (action.examples.length > 0) {
          writeLine(io);
          writeLine(io, color.bold('Examples'));
          for (const example of action.examples) {
            writeLine(
              io,
              `  ck invoke ${connectorName}.${member} --input '${JSON.stringify(example.input)}'${example.title === undefined ? '' : color.dim(`   # ${example.title}`)}`,
            );
          }
        }
        return 0;
      }
      if (trigger !== undefined) {
        if (flags.json === true) {
          writeJson(io, { kind: 'trigger', name: `${connectorName}.${member}`, ...trigger });
          return 0;
        }
        writeLine(
          io,
          `${color.bold(`${connectorName}.${member}`)}  ${color.dim(`trigger, ${trigger.delivery}`)}`,
        );
        writeLine(io, trigger.description);
        writeLine(io);
        writeLine(io, color.bold('Config'));
        writeFields(io, trigger.config, lineWidth);
        writeLine(io);
        writeLine(io, color.bold('Event'));
        writeFields(io, trigger.event, lineWidth);
      }
      return 0;
    } finally {
      await kit.close();
    }
  },
});

function describeConnector(io: Parameters<typeof writeLine>[0], manifest: ConnectorManifest): void {
  const color = palette(io);
  const lineWidth = width(io);
  writeLine(
    io,
    `${color.bold(manifest.title)} ${color.dim(`(${manifest.name} ${manifest.version}, contract ${manifest.contract})`)}`,
  );
  writeLine(io, manifest.description);
  writeLine(io);
  writeLine(io, color.bold('Connection'));
  writeFields(io, manifest.connection, lineWidth);
  writeLine(io);
  writeLine(io, color.bold('Actions'));
  const actionNames = Object.keys(manifest.actions);
  const nameWidth = Math.max(
    8,
    ...actionNames.map((name) => name.length),
    ...Object.keys(manifest.triggers).map((name) => name.length),
  );
  for (const [name, action] of Object.entries(manifest.actions)) {
    writeLine(io, `  ${name.padEnd(nameWidth)}  ${truncate(action.description, lineWidth - nameWidth - 4)}`);
  }
  const triggers = Object.entries(manifest.triggers);
  if (triggers.length > 0) {
    writeLine(io);
    writeLine(io, color.bold('Triggers'));
    for (const [name, trigger] of triggers) {
      writeLine(
        io,
        `  ${name.padEnd(nameWidth)}  ${truncate(`[${trigger.delivery}] ${trigger.description}`, lineWidth - nameWidth - 4)}`,
      );
    }
  }
  writeLine(io);
  writeLine(io, color.dim(`More: ck describe ${manifest.name}.<action>`));
}

/** One line per property: name, type, required/default/secret, description. */
function writeFields(
  io: Parameters<typeof writeLine>[0],
  schema: JsonSchema,
  lineWidth: number,
  indent = '  ',
): void {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const entries = Object.entries(properties);
  if (entries.length === 0) {
    writeLine(io, `${indent}${typeLabel(schema)}`);
    return;
  }
  const nameWidth = Math.max(...entries.map(([name]) => name.length));
  for (const [name, property] of entries) {
    const notes = [
      typeLabel(property),
      required.has(name) && property.default === undefined ? 'required' : 'optional',
      ...(property.default === undefined ? [] : [`default ${JSON.stringify(property.default)}`]),
      ...(property['x-secret'] === true ? ['secret'] : []),
    ].join(', ');
    const line = `${indent}${name.padEnd(nameWidth)}  ${notes}${typeof property.description === 'string' ? ` — ${property.description}` : ''}`;
    writeLine(io, truncate(line, lineWidth));
    if (property.type === 'object' && property.properties !== undefined && indent.length < 8) {
      writeFields(io, property, lineWidth, `${indent}  `);
    }
  }
}

function typeLabel(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches)) return branches.map(typeLabel).join(' | ');
  if (schema.type === 'array') return `${typeLabel((schema.items ?? {}) as JsonSchema)}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (typeof schema.type === 'string')
    return typeof schema.format === 'string' ? `${schema.type} (${schema.format})` : schema.type;
  return 'any';
}
