import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProjectConfig } from '@connectorkit/core';
import { emulatorNames, isEmulatorName, type SandboxGroup, startSandboxes } from '@connectorkit/sandbox';
import { type CommandIo, type FlagDefinition, UsageError } from './command.js';
import { palette } from './output.js';

/** The flags of `ck run` and `ck start` that run a project against in-process emulators. */
export const sandboxFlags = {
  sandbox: {
    type: 'boolean',
    description:
      'Start the emulators of the connections that say `sandbox: true` in this process, for this command',
  },
  seed: {
    type: 'string',
    valueName: 'file',
    description:
      'With --sandbox: JSON seed by emulator name, e.g. { "slack": { "channels": [{ "name": "ops" }] } }',
  },
} as const satisfies Record<string, FlagDefinition>;

/** The in-process emulators of one command. */
export interface ProjectSandboxes {
  readonly group: SandboxGroup;
  /** One line per emulator: what the flow asked of it. Empty when nothing was asked. */
  activity(): string[];
  /** Stops the emulators and forgets them. */
  close(): Promise<void>;
}

/**
 * Starts, in this process and on free ports, the emulator of each connection with
 * `sandbox: true`, and points those connections at them: the emulators are announced in a
 * discovery file of their own, named by CONNECTORKIT_SANDBOX_FILE while they run (connectors
 * read it when they connect). Nothing is left behind by `close`.
 */
export async function startProjectSandboxes(
  config: ProjectConfig,
  io: CommandIo,
  seedFile: string | undefined,
): Promise<ProjectSandboxes> {
  const names = [
    ...new Set(
      Object.values(config.connections)
        .filter((connection) => connection.sandbox === true && isEmulatorName(connection.connector))
        .map((connection) => connection.connector),
    ),
  ];
  if (names.length === 0) {
    throw new UsageError(
      `--sandbox: no connection${config.file === undefined ? '' : ` in ${config.file}`} says 'sandbox: true' for a connector with an emulator (${emulatorNames().join(', ')})`,
    );
  }
  const seeds = seedFile === undefined ? undefined : readSeeds(resolve(io.cwd, seedFile));
  const folder = mkdtempSync(join(tmpdir(), 'connectorkit-sandbox-'));
  const file = join(folder, 'sandbox.json');
  let group: SandboxGroup;
  try {
    group = await startSandboxes(names, { announce: file, ...(seeds === undefined ? {} : { seeds }) });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const previous = process.env.CONNECTORKIT_SANDBOX_FILE;
  process.env.CONNECTORKIT_SANDBOX_FILE = file;
  const color = palette(io, 'stderr');
  let closed = false;
  return {
    group,
    activity: () =>
      group.sandboxes.flatMap((sandbox) => {
        const counts = new Map<string, number>();
        for (const request of sandbox.requests) {
          const key = request.status < 400 ? request.route : `${request.route} (${request.status})`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        if (counts.size === 0) return [];
        const calls = [...counts].map(([route, count]) => (count === 1 ? route : `${route} ×${count}`));
        return [`${color.bold(`${sandbox.name} sandbox`)} ${color.dim(sandbox.url)}  ${calls.join(', ')}`];
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      if (previous === undefined) delete process.env.CONNECTORKIT_SANDBOX_FILE;
      else process.env.CONNECTORKIT_SANDBOX_FILE = previous;
      try {
        await group.close();
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

function readSeeds(file: string): Record<string, unknown> {
  let seeds: unknown;
  try {
    seeds = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `--seed ${file}: ${error instanceof Error ? error.message : String(error)} — expected JSON like { "slack": { "channels": [{ "name": "ops" }] } }`,
    );
  }
  if (typeof seeds !== 'object' || seeds === null || Array.isArray(seeds)) {
    throw new UsageError(`--seed ${file}: expected an object of seeds by emulator name`);
  }
  return seeds as Record<string, unknown>;
}
