// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are connectorkit.yaml text, where `${VAR}` is interpolation syntax.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConfigFile, loadConfig, type ProjectConfig, validateConnections } from './config.js';
import { ConnectorError } from './errors.js';
import { type ConnectorManifest, manifestOf } from './manifest.js';
import { Secret } from './redaction.js';
import { sampleConnector } from './testing/index.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'connectorkit-config-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Writes connectorkit.yaml (or another file) into the temp project and returns its folder. */
function write(text: string, name = 'connectorkit.yaml', folder = root): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, name), text);
  return folder;
}

function configError(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

const SAMPLE_MANIFESTS = new Map<string, ConnectorManifest>([['sample', manifestOf(sampleConnector)]]);

describe('loadConfig', () => {
  it('reads connections, their origins and the extra connectors', () => {
    write(
      [
        'connections:',
        '  notes:',
        '    connector: sample',
        '    token: abc',
        '    connectDelayMs: 5',
        'connectors:',
        '  - ./connectors/notes',
        'flows: {}',
        'defaults: {}',
      ].join('\n'),
    );
    const config = loadConfig({ cwd: root, env: {} });
    expect(config.file).toBe(join(root, 'connectorkit.yaml'));
    expect(config.root).toBe(root);
    expect(config.connections).toEqual({ notes: { connector: 'sample', token: 'abc', connectDelayMs: 5 } });
    expect(config.connectionOrigins).toEqual({ notes: 'connectorkit.yaml:2:3' });
    expect(config.connectors).toEqual(['./connectors/notes']);
    expect(config.locate(['connections', 'notes', 'token'])).toBe('connectorkit.yaml:4:5');
    expect(config.locate(['connectors', 0])).toBe('connectorkit.yaml:7:5');
    expect(config.locate(['connections', 'missing'])).toBe('connectorkit.yaml:1:1');
  });

  it('reads an explicit file, also a JSON one', () => {
    write('{ "connections": { "notes": { "connector": "sample", "token": "abc" } } }', 'settings.json');
    const config = loadConfig({ cwd: root, file: 'settings.json' });
    expect(config.connections.notes).toEqual({ connector: 'sample', token: 'abc' });
  });

  it('returns an empty project when there is no config file', () => {
    const config = loadConfig({ cwd: root });
    expect(config).toMatchObject({ file: undefined, root, connections: {}, connectors: [] });
    expect(config.locate(['connections'])).toBe('(no config file)');
  });

  it('returns an empty project for an empty file', () => {
    write('');
    expect(loadConfig({ cwd: root }).connections).toEqual({});
  });

  it('fails with INVALID_CONFIG when the file cannot be read', () => {
    const error = configError(() => loadConfig({ cwd: root, file: 'missing.yaml' }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(`cannot read config file ${join(root, 'missing.yaml')}`);
  });

  describe('interpolation', () => {
    function interpolated(value: string, env: Record<string, string | undefined>): unknown {
      write(['connections:', '  notes:', '    connector: sample', `    token: "${value}"`].join('\n'));
      return loadConfig({ cwd: root, env }).connections.notes?.token;
    }

    it.each<[string, Record<string, string | undefined>, unknown]>([
      ['${TOKEN}', { TOKEN: 'from-env' }, 'from-env'],
      ['Bearer ${TOKEN}', { TOKEN: 'abc' }, 'Bearer abc'],
      ['${HOST}:${PORT}', { HOST: 'db', PORT: '5432' }, 'db:5432'],
      ['${TOKEN:-fallback}', {}, 'fallback'],
      ['${TOKEN:-fallback}', { TOKEN: '' }, 'fallback'],
      ['${TOKEN:-fallback}', { TOKEN: 'set' }, 'set'],
      ['${TOKEN:-}', {}, ''],
      ['${URL:-redis://127.0.0.1:6379}', {}, 'redis://127.0.0.1:6379'],
      ['$${TOKEN}', { TOKEN: 'ignored' }, '${TOKEN}'],
      ['cost: $5', {}, 'cost: $5'],
    ])('%s with %j → %j', (value, env, expected) => {
      expect(interpolated(value, env)).toBe(expected);
    });

    it('interpolates inside nested mappings and lists', () => {
      write(
        [
          'connections:',
          '  notes:',
          '    connector: sample',
          '    hosts:',
          '      - ${HOST_A}',
          '      - name: ${HOST_B}',
        ].join('\n'),
      );
      expect(loadConfig({ cwd: root, env: { HOST_A: 'a', HOST_B: 'b' } }).connections.notes).toEqual({
        connector: 'sample',
        hosts: ['a', { name: 'b' }],
      });
    });

    it('fails on an unset variable with the file, line, column, key path and a fix', () => {
      write(['connections:', '  crm:', '    connector: sample', '    token: ${CRM_TOKEN}'].join('\n'));
      const error = configError(() => loadConfig({ cwd: root, env: {} }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toBe(
        'connectorkit.yaml:4:5: connections.crm.token uses ${CRM_TOKEN}, but the environment variable CRM_TOKEN is not set — export it or write ${CRM_TOKEN:-default}',
      );
      expect(error.path).toBe('$.connections.crm.token');
      expect(error.connection).toBe('crm');
    });

    it('names an item of a list by its index', () => {
      write(
        ['connections:', '  crm:', '    connector: sample', '    hosts:', '      - ${HOST_A}'].join('\n'),
      );
      const error = configError(() => loadConfig({ cwd: root, env: {} }));
      expect(error.message).toMatch(
        /^connectorkit\.yaml:5:9: connections\.crm\.hosts\[0\] uses \$\{HOST_A\}/,
      );
      expect(error.path).toBe('$.connections.crm.hosts[0]');
    });

    it.each<[string, string]>([
      ['${TOKEN-default}', "uses '${TOKEN-default}', which is not a variable reference"],
      [
        '${ TOKEN }',
        "uses '${ TOKEN }', which is not a variable reference — write ${NAME} or ${NAME:-default}",
      ],
      ['${}', "uses '${}', which is not a variable reference"],
      ['${TOKEN', "has an unclosed '${'"],
    ])('rejects the malformed reference %s instead of passing it through', (value, message) => {
      write(['connections:', '  crm:', '    connector: sample', `    token: "${value}"`].join('\n'));
      const error = configError(() => loadConfig({ cwd: root, env: { TOKEN: 'set' } }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toContain(`connectorkit.yaml:4:5: connections.crm.token ${message}`);
    });

    it('keeps an escaped reference literally, whatever is inside', () => {
      write(
        ['connections:', '  crm:', '    connector: sample', '    note: "$${ not a variable }"'].join('\n'),
      );
      expect(loadConfig({ cwd: root, env: {} }).connections.crm?.note).toBe('${ not a variable }');
    });

    it('treats an empty variable as unset', () => {
      write(['connections:', '  crm:', '    connector: sample', '    token: ${CRM_TOKEN}'].join('\n'));
      expect(() => loadConfig({ cwd: root, env: { CRM_TOKEN: '' } })).toThrow('CRM_TOKEN is not set');
    });

    it('reads process.env when no env is given', () => {
      process.env.CONNECTORKIT_TEST_TOKEN = 'from-process';
      try {
        write(
          ['connections:', '  a:', '    connector: sample', '    token: ${CONNECTORKIT_TEST_TOKEN}'].join(
            '\n',
          ),
        );
        expect(loadConfig({ cwd: root }).connections.a?.token).toBe('from-process');
      } finally {
        delete process.env.CONNECTORKIT_TEST_TOKEN;
      }
    });
  });

  describe('errors', () => {
    it.each<[string, string[], string]>([
      [
        'a YAML syntax error',
        ['connections:', '  crm:', '    connector: sample', '   token: [unclosed'],
        'connectorkit.yaml:4:',
      ],
      [
        'a duplicate key',
        ['connections:', '  crm:', '    connector: a', '    connector: b'],
        'connectorkit.yaml:4:5:',
      ],
      ['a bad flow mapping', ['connections: {crm: }}'], 'connectorkit.yaml:1:'],
    ])('reports %s at its line and column', (_label, lines, location) => {
      write(lines.join('\n'));
      const error = configError(() => loadConfig({ cwd: root, env: {} }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message.startsWith(location)).toBe(true);
      expect(error.message).not.toContain('\n');
    });

    it('rejects an unknown top-level key, naming the expected ones', () => {
      write(['connections: {}', 'conections:', '  crm: {}'].join('\n'));
      expect(configError(() => loadConfig({ cwd: root })).message).toBe(
        "connectorkit.yaml:2:1: unknown top-level key 'conections' — expected connections, connectors, flows or defaults",
      );
    });

    it('rejects a document that is not a mapping', () => {
      write('- a\n- b\n');
      expect(configError(() => loadConfig({ cwd: root })).message).toBe(
        "connectorkit.yaml:1:1: the config must be a mapping with a 'connections' key",
      );
    });

    it('rejects connections that are not a mapping', () => {
      write('connections:\n  - crm\n');
      expect(configError(() => loadConfig({ cwd: root })).message).toBe(
        "connectorkit.yaml:1:1: 'connections' must be a mapping of connection names to settings",
      );
    });

    it('rejects a connection without a connector, with an example', () => {
      write(['connections:', '  crm:', '    token: abc'].join('\n'));
      const error = configError(() => loadConfig({ cwd: root }));
      expect(error.message).toBe(
        "connectorkit.yaml:2:3: connection 'crm' needs 'connector: <name>' (e.g. connector: redis)",
      );
      expect(error.connection).toBe('crm');
    });

    it('rejects a connection that is not a mapping', () => {
      write(['connections:', '  crm: sample'].join('\n'));
      expect(configError(() => loadConfig({ cwd: root })).message).toBe(
        "connectorkit.yaml:2:3: connection 'crm' must be a mapping with a 'connector' key",
      );
    });

    it('rejects a connection name that is not an identifier', () => {
      write(['connections:', '  9crm:', '    connector: sample'].join('\n'));
      expect(configError(() => loadConfig({ cwd: root })).message).toContain(
        "connectorkit.yaml:2:3: connection name '9crm' must start with a letter",
      );
    });

    it('rejects connectors that are not a list of strings', () => {
      write(['connectors:', '  - 5'].join('\n'));
      expect(configError(() => loadConfig({ cwd: root })).message).toBe(
        "connectorkit.yaml:1:1: 'connectors' must be a list of package names or folders",
      );
    });
  });
});

describe('validateConnections', () => {
  function load(lines: string[], env: Record<string, string> = {}): ProjectConfig {
    write(lines.join('\n'));
    return loadConfig({ cwd: root, env });
  }

  it('accepts connections that match their connector’s schema, defaults included', () => {
    const config = load(['connections:', '  notes:', '    connector: sample', '    token: abc']);
    expect(() => validateConnections(config, SAMPLE_MANIFESTS)).not.toThrow();
  });

  it('rejects an unknown connector, naming the installed ones and the line', () => {
    const config = load(['connections:', '  crm:', '    connector: salesforce']);
    const error = configError(() => validateConnections(config, SAMPLE_MANIFESTS));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.connection).toBe('crm');
    expect(error.message).toBe(
      "connectorkit.yaml:3:5: connection 'crm' uses unknown connector 'salesforce' — installed: sample",
    );
    expect(configError(() => validateConnections(config, new Map())).message).toContain(
      'no connectors are installed',
    );
  });

  it('rejects a setting that breaks the schema, naming the key and its line', () => {
    const config = load([
      'connections:',
      '  notes:',
      '    connector: sample',
      '    token: abc',
      '    connectDelayMs: soon',
    ]);
    const error = configError(() => validateConnections(config, SAMPLE_MANIFESTS));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toBe(
      `connectorkit.yaml:5:5: connection 'notes' (connector sample): 'connectDelayMs' must be an integer, got "soon"`,
    );
    expect(error.issues).toEqual([{ path: '$.connectDelayMs', message: 'must be an integer, got "soon"' }]);
    expect(error.connector).toBe('sample');
  });

  it('points a missing required setting at its connection', () => {
    const config = load(['connections:', '  notes:', '    connector: sample']);
    expect(configError(() => validateConnections(config, SAMPLE_MANIFESTS)).message).toBe(
      "connectorkit.yaml:2:3: connection 'notes' (connector sample): 'token' is required",
    );
  });

  it('points a setting inside a list at its own line', () => {
    const manifests = new Map<string, ConnectorManifest>([
      [
        'cluster',
        {
          ...manifestOf(sampleConnector),
          name: 'cluster',
          connection: Type.Object({ hosts: Type.Array(Type.Object({ port: Type.Integer() })) }) as never,
        },
      ],
    ]);
    const config = load([
      'connections:',
      '  cluster:',
      '    connector: cluster',
      '    hosts:',
      '      - port: 1',
      '      - port: two',
    ]);
    expect(configError(() => validateConnections(config, manifests)).message).toBe(
      `connectorkit.yaml:6:9: connection 'cluster' (connector cluster): 'hosts[1].port' must be an integer, got "two"`,
    );
  });

  it('never shows a secret value in its message', () => {
    const manifests = new Map<string, ConnectorManifest>([
      [
        'vault',
        {
          ...manifestOf(sampleConnector),
          name: 'vault',
          connection: Type.Object({ token: Secret({ minLength: 64 }) }) as never,
        },
      ],
    ]);
    const config = load(['connections:', '  vault:', '    connector: vault', '    token: ${VAULT_TOKEN}'], {
      VAULT_TOKEN: 'canary-vault-token',
    });
    const error = configError(() => validateConnections(config, manifests));
    expect(error.message).toContain("connectorkit.yaml:4:5: connection 'vault' (connector vault): 'token'");
    expect(JSON.stringify({ message: error.message, issues: error.issues })).not.toContain(
      'canary-vault-token',
    );
  });
});

describe('findConfigFile', () => {
  it('finds the file in the folder itself', () => {
    write('connections: {}');
    expect(findConfigFile(root)).toBe(join(root, 'connectorkit.yaml'));
  });

  it('walks up to the nearest folder holding one', () => {
    write('connections: {}');
    const nested = join(root, 'a', 'b', 'c');
    mkdirSync(nested, { recursive: true });
    write('connections: {}', 'connectorkit.yml', join(root, 'a'));
    expect(findConfigFile(nested)).toBe(join(root, 'a', 'connectorkit.yml'));
    expect(loadConfig({ cwd: nested }).root).toBe(join(root, 'a'));
  });

  it('prefers connectorkit.yaml over .yml and .json in one folder', () => {
    write('{}', 'connectorkit.json');
    write('connections: {}', 'connectorkit.yml');
    expect(findConfigFile(root)).toBe(join(root, 'connectorkit.yml'));
    write('connections: {}', 'connectorkit.yaml');
    expect(findConfigFile(root)).toBe(join(root, 'connectorkit.yaml'));
  });

  it('shows a file found above the working folder relative to it', () => {
    write(['connections:', '  crm:', '    token: x'].join('\n'));
    const nested = join(root, 'src');
    mkdirSync(nested);
    expect(configError(() => loadConfig({ cwd: nested })).message).toMatch(/^\.\.\/connectorkit\.yaml:2:3: /);
  });
});
