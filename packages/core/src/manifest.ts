import {
  type AnyActionDefinition,
  type AnyConnectorDefinition,
  type AnyTriggerDefinition,
  CONTRACT_VERSION,
  type DeliveryGuarantee,
  SUPPORTED_CONTRACTS,
} from './define.js';
import { ConnectorError } from './errors.js';
import { schemaProblem } from './validation.js';

/** A JSON Schema as plain data. */
export type JsonSchema = Record<string, unknown>;

export interface ActionManifest {
  readonly title?: string;
  readonly description: string;
  readonly input: JsonSchema;
  readonly output: JsonSchema;
  readonly idempotent: boolean;
  readonly examples: readonly { title?: string; input: unknown; output?: unknown }[];
}

export interface TriggerManifest {
  readonly title?: string;
  readonly description: string;
  readonly config: JsonSchema;
  readonly event: JsonSchema;
  readonly delivery: DeliveryGuarantee;
}

/**
 * Everything known about a connector without loading its code: what `ck list`, `ck describe`
 * and the catalog show. Written to `dist/connectorkit.manifest.json` at build time.
 */
export interface ConnectorManifest {
  readonly contract: number;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly version: string;
  readonly connection: JsonSchema;
  readonly actions: Readonly<Record<string, ActionManifest>>;
  readonly triggers: Readonly<Record<string, TriggerManifest>>;
}

const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
const MEMBER_PATTERN = /^[a-zA-Z][a-zA-Z0-9]*$/;

/** Plain JSON copy of a TypeBox schema (symbol keys dropped). */
function plain(schema: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

/** Builds the manifest of a connector definition. */
export function manifestOf(connector: AnyConnectorDefinition): ConnectorManifest {
  const actions: Record<string, ActionManifest> = {};
  for (const [name, action] of Object.entries(connector.actions as Record<string, AnyActionDefinition>)) {
    actions[name] = {
      ...(action.title === undefined ? {} : { title: action.title }),
      description: action.description,
      input: plain(action.input),
      output: plain(action.output),
      idempotent: action.idempotent === true,
      examples: (action.examples ?? []).map((example) => JSON.parse(JSON.stringify(example))),
    };
  }
  const triggers: Record<string, TriggerManifest> = {};
  for (const [name, trigger] of Object.entries(
    (connector.triggers ?? {}) as Record<string, AnyTriggerDefinition>,
  )) {
    triggers[name] = {
      ...(trigger.title === undefined ? {} : { title: trigger.title }),
      description: trigger.description,
      config: plain(trigger.config),
      event: plain(trigger.event),
      delivery: trigger.delivery,
    };
  }
  return {
    contract: connector.contract,
    name: connector.name,
    title: connector.title,
    description: connector.description,
    version: connector.version,
    connection: plain(connector.connection.config),
    actions,
    triggers,
  };
}

/**
 * Checks that a connector (or its manifest) can be loaded by this core: a known contract
 * version, valid names, descriptions and compilable schemas. Throws `ConnectorError`
 * (`UNSUPPORTED` for a contract version, `INVALID_CONFIG` otherwise) naming what is wrong.
 */
export function assertValidManifest(manifest: ConnectorManifest, source = 'connector'): void {
  const where = `${source} '${String(manifest.name)}'`;
  if (!SUPPORTED_CONTRACTS.includes(manifest.contract)) {
    throw new ConnectorError(
      'UNSUPPORTED',
      `${where} implements contract version ${String(manifest.contract)}, but this @connectorkit/core supports ${SUPPORTED_CONTRACTS.join(', ')} — install a matching @connectorkit/core`,
      { connector: manifest.name },
    );
  }
  const problems: string[] = [];
  if (typeof manifest.name !== 'string' || !NAME_PATTERN.test(manifest.name)) {
    problems.push('name must be lowercase letters, digits and dashes, starting with a letter');
  }
  if (!manifest.description) problems.push('description is empty');
  const connectionProblem = schemaProblem(manifest.connection);
  if (connectionProblem !== undefined) problems.push(`connection schema: ${connectionProblem}`);
  for (const [name, action] of Object.entries(manifest.actions ?? {})) {
    if (!MEMBER_PATTERN.test(name))
      problems.push(`action '${name}': name must be camelCase letters and digits`);
    if (!action.description) problems.push(`action '${name}': description is empty`);
    for (const key of ['input', 'output'] as const) {
      const problem = schemaProblem(action[key]);
      if (problem !== undefined) problems.push(`action '${name}': ${key} schema: ${problem}`);
    }
  }
  for (const [name, trigger] of Object.entries(manifest.triggers ?? {})) {
    if (!MEMBER_PATTERN.test(name))
      problems.push(`trigger '${name}': name must be camelCase letters and digits`);
    if (!trigger.description) problems.push(`trigger '${name}': description is empty`);
    if (trigger.delivery !== 'at-least-once' && trigger.delivery !== 'at-most-once') {
      problems.push(`trigger '${name}': delivery must be 'at-least-once' or 'at-most-once'`);
    }
    for (const key of ['config', 'event'] as const) {
      const problem = schemaProblem(trigger[key]);
      if (problem !== undefined) problems.push(`trigger '${name}': ${key} schema: ${problem}`);
    }
  }
  if (problems.length > 0) {
    throw new ConnectorError('INVALID_CONFIG', `${where} is not valid: ${problems.join('; ')}`, {
      connector: manifest.name,
    });
  }
}

export { CONTRACT_VERSION };
