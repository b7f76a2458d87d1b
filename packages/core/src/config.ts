import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { ConnectorError } from './errors.js';
import type { ConnectionConfig } from './kit.js';
import type { ConnectorManifest } from './manifest.js';
import { appendPath, compileValidator } from './validation.js';
import { followYamlPath } from './yaml-path.js';

export const CONFIG_FILE_NAMES = ['connectorkit.yaml', 'connectorkit.yml', 'connectorkit.json'] as const;

/** connectorkit.yaml, parsed and interpolated. */
export interface ProjectConfig {
  /** Absolute path of the file, or undefined when none was found. */
  readonly file: string | undefined;
  /** The folder the file is in (the project root). */
  readonly root: string;
  readonly connections: Readonly<Record<string, ConnectionConfig>>;
  /** `connectorkit.yaml:4:3` per connection, for messages. */
  readonly connectionOrigins: Readonly<Record<string, string>>;
  /** Extra connector packages or folders to load (besides node_modules discovery). */
  readonly connectors: readonly string[];
  /** Where a key path (`connections.crm.token`) is written, as `file:line:column`. */
  locate(path: readonly (string | number)[]): string;
}

/** Finds connectorkit.yaml in `from` or the nearest folder above it. */
export function findConfigFile(from: string = process.cwd()): string | undefined {
  let folder = resolve(from);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(folder, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

export interface LoadConfigOptions {
  /** The file to read; found from `cwd` upwards when absent. */
  readonly file?: string;
  readonly cwd?: string;
  /** Environment used for `${VAR}` interpolation. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads and interpolates connectorkit.yaml. `${VAR}` takes an environment variable,
 * `${VAR:-fallback}` a fallback when it is unset or empty, `$${` a literal `${`.
 * Every problem is an `INVALID_CONFIG` error naming the file, line, column and key.
 */
export function loadConfig(options: LoadConfigOptions = {}): ProjectConfig {
  const cwd = options.cwd ?? process.cwd();
  const file = options.file === undefined ? findConfigFile(cwd) : resolve(cwd, options.file);
  if (file === undefined) {
    return {
      file: undefined,
      root: resolve(cwd),
      connections: {},
      connectionOrigins: {},
      connectors: [],
      locate: () => '(no config file)',
    };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `cannot read config file ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const display = relative(cwd, file) || file;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return display;
    const { line, col } = lineCounter.linePos(offset);
    return `${display}:${line}:${col}`;
  };
  const firstError = document.errors[0];
  if (firstError !== undefined) {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `${at(firstError.pos[0])}: ${firstError.message.split('\n')[0]}`,
    );
  }
  const locate = (path: readonly (string | number)[]): string => {
    const { node, keyNode } = followYamlPath(document.contents, path);
    return at(keyNode?.range?.[0] ?? (node as YamlNode | null | undefined)?.range?.[0]);
  };
  const raw = document.toJS() as unknown;
  if (raw === null || raw === undefined) {
    return { file, root: dirname(file), connections: {}, connectionOrigins: {}, connectors: [], locate };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `${at(0)}: the config must be a mapping with a 'connections' key`,
    );
  }
  const env = options.env ?? process.env;
  const top = raw as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (!['connections', 'connectors', 'flows', 'defaults'].includes(key)) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `${locate([key])}: unknown top-level key '${key}' — expected connections, connectors, flows or defaults`,
      );
    }
  }
  const connectionsValue = top.connections ?? {};
  if (typeof connectionsValue !== 'object' || connectionsValue === null || Array.isArray(connectionsValue)) {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `${locate(['connections'])}: 'connections' must be a mapping of connection names to settings`,
    );
  }
  const connections: Record<string, ConnectionConfig> = {};
  const connectionOrigins: Record<string, string> = {};
  for (const [name, value] of Object.entries(connectionsValue)) {
    const path = ['connections', name];
    if (!/^[A-Za-z][\w-]*$/.test(name)) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `${locate(path)}: connection name '${name}' must start with a letter and hold only letters, digits, '_' and '-'`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `${locate(path)}: connection '${name}' must be a mapping with a 'connector' key`,
        { connection: name },
      );
    }
    const connector = (value as Record<string, unknown>).connector;
    if (typeof connector !== 'string' || connector === '') {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `${locate(path)}: connection '${name}' needs 'connector: <name>' (e.g. connector: redis)`,
        { connection: name },
      );
    }
    connections[name] = interpolate(value, env, path, locate) as ConnectionConfig;
    connectionOrigins[name] = locate(path);
  }
  const connectorsValue = top.connectors ?? [];
  if (!Array.isArray(connectorsValue) || connectorsValue.some((item) => typeof item !== 'string')) {
    throw new ConnectorError(
      'INVALID_CONFIG',
      `${locate(['connectors'])}: 'connectors' must be a list of package names or folders`,
    );
  }
  return {
    file,
    root: dirname(file),
    connections,
    connectionOrigins,
    connectors: connectorsValue as string[],
    locate,
  };
}

/** `${…}` and its escaped form `$${…}`; the inside is checked separately so that typos are reported. */
const REFERENCE = /\$(\$)?\{([^}]*)(\})?/g;
const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

function interpolate(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: (string | number)[],
  locate: (path: readonly (string | number)[]) => string,
): unknown {
  if (typeof value === 'string') {
    const fail = (problem: string): never => {
      const jsonPath = path.reduce<string>((joined, segment) => appendPath(joined, segment), '$');
      throw new ConnectorError('INVALID_CONFIG', `${locate(path)}: ${jsonPath.slice(2)} ${problem}`, {
        path: jsonPath,
        connection: typeof path[1] === 'string' ? path[1] : undefined,
      });
    };
    return value.replace(
      REFERENCE,
      (match, escaped: string | undefined, inside: string, closed: string | undefined) => {
        if (escaped !== undefined) return match.slice(1);
        if (closed === undefined)
          return fail(`has an unclosed '\${' — write \${NAME}, or $\${ for a literal '\${'`);
        const variable = VARIABLE.exec(inside);
        const name = variable?.[1];
        if (name === undefined) {
          // A silent pass-through would send "${ TOKEN }" to the service as the credential.
          return fail(
            `uses '${match}', which is not a variable reference — write \${NAME} or \${NAME:-default}`,
          );
        }
        const found = env[name];
        if (found !== undefined && found !== '') return found;
        const fallback = variable?.[2];
        if (fallback !== undefined) return fallback;
        return fail(
          `uses \${${name}}, but the environment variable ${name} is not set — export it or write \${${name}:-default}`,
        );
      },
    );
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolate(item, env, [...path, index], locate));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, interpolate(child, env, [...path, key], locate)]),
    );
  }
  return value;
}

/**
 * Checks every connection against its connector's manifest: the connector is known and the
 * settings match its connection schema. Throws `INVALID_CONFIG` naming file:line:column and key.
 */
export function validateConnections(
  config: ProjectConfig,
  manifests: ReadonlyMap<string, ConnectorManifest>,
): void {
  for (const [name, connection] of Object.entries(config.connections)) {
    const manifest = manifests.get(connection.connector);
    if (manifest === undefined) {
      const known = [...manifests.keys()];
      throw new ConnectorError(
        'INVALID_CONFIG',
        `${config.locate(['connections', name, 'connector'])}: connection '${name}' uses unknown connector '${connection.connector}' — ${known.length === 0 ? 'no connectors are installed' : `installed: ${known.join(', ')}`}`,
        { connection: name, path: '$.connector' },
      );
    }
    const { connector: _connector, ...settings } = connection;
    const validator = compileValidator(manifest.connection);
    const prepared = validator.withDefaults(settings);
    if (validator.check(prepared)) continue;
    const issue = validator.issues(prepared)[0];
    const key = issue?.path.replace(/^\$\.?/, '') ?? '';
    const segments = jsonPathSegments(issue?.path ?? '$');
    throw new ConnectorError(
      'INVALID_CONFIG',
      `${config.locate(['connections', name, ...segments])}: connection '${name}' (connector ${connection.connector}): ${key === '' ? 'settings' : `'${key}'`} ${issue?.message ?? 'is invalid'}`,
      { connection: name, connector: connection.connector, issues: validator.issues(prepared) },
    );
  }
}

/** `$.hosts[1]["a b"].port` → `['hosts', 1, 'a b', 'port']` (the paths `appendPath` writes). */
function jsonPathSegments(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of path.slice(1).matchAll(pattern)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}
