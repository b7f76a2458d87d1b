import { defineCommand } from '../command.js';
import { palette, progress, writeJson, writeLine } from '../output.js';
import { withKit } from '../project.js';

export const checkCommand = defineCommand({
  name: 'check',
  summary: "Test a connection: connect and run the connector's check",
  help: 'Examples:\n  ck check cache\n  ck check --all --json',
  positionals: [
    { name: 'connection', description: 'Connection name from connectorkit.yaml', variadic: true },
  ],
  flags: {
    all: { type: 'boolean', description: 'Check every configured connection' },
    timeout: { type: 'string', valueName: 'ms', description: 'Time limit in milliseconds (default 30000)' },
  },
  run: async ({ flags, positionals, io }) =>
    withKit(io, flags, async (kit) => {
      const names =
        flags.all === true
          ? kit.catalog().connections.map((connection) => connection.name)
          : [...positionals];
      if (names.length === 0) {
        writeLine(io, 'Nothing to check: name a connection, or pass --all.');
        return 2;
      }
      const color = palette(io);
      const results: {
        connection: string;
        connector?: string;
        ok: boolean;
        durationMs?: number;
        error?: unknown;
      }[] = [];
      const timeoutMs = flags.timeout === undefined ? undefined : Number(flags.timeout);
      for (const name of names) {
        const stop = progress(io, `checking ${name}`, flags.json !== true);
        try {
          const result = await kit.check(
            name,
            timeoutMs === undefined || Number.isNaN(timeoutMs) ? {} : { timeoutMs },
          );
          stop();
          results.push(result);
          if (flags.json !== true) {
            writeLine(
              io,
              `${color.green('✓')} ${name} ${color.dim(`(${result.connector})`)} works — ${result.durationMs} ms`,
            );
          }
        } catch (error) {
          stop();
          if (names.length === 1) throw error;
          const failure = kit.redact(error) as { code?: string; message?: string };
          results.push({ connection: name, ok: false, error: failure });
          if (flags.json !== true)
            writeLine(io, `${color.red('✗')} ${name}: ${failure.code} ${failure.message}`);
        }
      }
      if (flags.json === true) writeJson(io, { results });
      return results.every((result) => result.ok) ? 0 : 1;
    }),
});
