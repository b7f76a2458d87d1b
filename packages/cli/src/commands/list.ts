import { defineCommand } from '../command.js';
import { palette, table, width, writeJson, writeLine } from '../output.js';
import { openCliProject } from '../project.js';

export const listCommand = defineCommand({
  name: 'list',
  summary: 'List installed connectors and configured connections',
  help: "Reads each connector package's manifest; no connector code (and no SDK) is loaded.\n\nExamples:\n  ck list\n  ck list --json",
  run: async ({ flags, io }) => {
    const { kit, config, problems } = openCliProject(io, flags);
    try {
      const catalog = kit.catalog();
      if (flags.json === true) {
        writeJson(io, {
          config: config.file ?? null,
          connectors: catalog.connectors.map((connector) => ({
            name: connector.name,
            title: connector.title,
            version: connector.version,
            description: connector.description,
            actions: Object.keys(connector.actions),
            triggers: Object.keys(connector.triggers),
          })),
          connections: catalog.connections,
          problems: problems.map((problem) => problem.toJSON()),
        });
        return 0;
      }
      const color = palette(io);
      if (catalog.connectors.length === 0) {
        writeLine(
          io,
          'No connectors installed. Install one, e.g.: npm install @connectorkit/connector-redis',
        );
      } else {
        writeLine(io, color.bold('Connectors'));
        writeLine(
          io,
          table(
            catalog.connectors.map((connector) => [
              connector.name,
              connector.version,
              String(Object.keys(connector.actions).length),
              String(Object.keys(connector.triggers).length),
              connector.description,
            ]),
            ['NAME', 'VERSION', 'ACTIONS', 'TRIGGERS', 'DESCRIPTION'],
            width(io),
          ),
        );
      }
      writeLine(io);
      if (catalog.connections.length === 0) {
        writeLine(
          io,
          color.dim(
            config.file === undefined ? 'No connectorkit.yaml found.' : `No connections in ${config.file}.`,
          ),
        );
      } else {
        writeLine(
          io,
          color.bold('Connections') + color.dim(config.file === undefined ? '' : `  (${config.file})`),
        );
        writeLine(
          io,
          table(
            catalog.connections.map((connection) => [connection.name, connection.connector]),
            ['NAME', 'CONNECTOR'],
            width(io),
          ),
        );
      }
      return 0;
    } finally {
      await kit.close();
    }
  },
});
