import { type LoadConfigOptions, loadConfig, type ProjectConfig, validateConnections } from './config.js';
import type { AnyConnectorDefinition } from './define.js';
import { discoverConnectors } from './discovery.js';
import type { ConnectorError } from './errors.js';
import { createKit, type Kit, type KitOptions } from './kit.js';
import { type ConnectorManifest, manifestOf } from './manifest.js';

export interface OpenProjectOptions
  extends LoadConfigOptions,
    Omit<KitOptions<readonly AnyConnectorDefinition[]>, 'sources' | 'connections' | 'connectionOrigins'> {}

export interface Project {
  readonly config: ProjectConfig;
  readonly kit: Kit;
  /** Installed connector packages that were skipped because they cannot be used, with why. */
  readonly problems: readonly ConnectorError[];
}

/**
 * Opens a project: reads connectorkit.yaml, discovers installed connectors, checks every
 * connection against its connector's schema and returns a kit ready to invoke.
 */
export function openProject(options: OpenProjectOptions = {}): Project {
  const config = loadConfig(options);
  const problems: ConnectorError[] = [];
  const sources = discoverConnectors(config.root, config.connectors, (problem) => problems.push(problem));
  const manifests = new Map<string, ConnectorManifest>();
  for (const source of sources) manifests.set(source.manifest.name, source.manifest);
  for (const connector of options.connectors ?? []) {
    if (!manifests.has(connector.name)) manifests.set(connector.name, manifestOf(connector));
  }
  validateConnections(config, manifests);
  const kit = createKit({
    ...options,
    sources,
    connections: config.connections,
    connectionOrigins: config.connectionOrigins,
  }) as unknown as Kit;
  for (const problem of problems) kit.log.warn(`skipped a connector package: ${problem.message}`);
  return { config, kit, problems };
}
