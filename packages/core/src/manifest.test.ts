import { describe, expect, it } from 'vitest';
import { CONTRACT_VERSION } from './define.js';
import { ConnectorError } from './errors.js';
import { assertValidManifest, type ConnectorManifest, manifestOf } from './manifest.js';
import { SECRET_KEYWORD } from './redaction.js';
import { sampleConnector } from './testing/index.js';

function catchError(run: () => void): ConnectorError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

function hasSymbolKeys(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return true;
  return Object.values(value).some(hasSymbolKeys);
}

describe('manifestOf', () => {
  const manifest = manifestOf(sampleConnector);

  it('is plain JSON: it survives a JSON round trip and holds no TypeBox symbols', () => {
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
    expect(hasSymbolKeys(manifest)).toBe(false);
    expect(hasSymbolKeys(sampleConnector.actions.put.input)).toBe(true);
  });

  it('describes the connector, its actions and its triggers', () => {
    expect(manifest).toMatchObject({
      contract: CONTRACT_VERSION,
      name: 'sample',
      title: 'Sample',
      version: '0.1.0',
    });
    expect(Object.keys(manifest.actions)).toEqual(['put', 'get', 'echo', 'wait', 'flaky', 'crash', 'broken']);
    expect(manifest.actions.put).toMatchObject({
      title: 'Put note',
      idempotent: true,
      examples: [{ title: 'Store a greeting', input: { key: 'greeting', text: 'hello' } }],
    });
    expect(manifest.actions.flaky?.idempotent).toBe(false);
    expect(manifest.actions.echo).not.toHaveProperty('title');
    expect(manifest.actions.get?.input).toMatchObject({ type: 'object', required: ['key'] });
    expect(manifest.triggers.ticks).toMatchObject({ delivery: 'at-least-once', event: { type: 'object' } });
  });

  it('keeps the secret marker of the connection schema', () => {
    expect(manifest.connection).toMatchObject({
      properties: { token: { type: 'string', [SECRET_KEYWORD]: true } },
    });
  });

  it('gives a connector without triggers an empty trigger table', () => {
    const { triggers: _triggers, ...withoutTriggers } = sampleConnector;
    expect(manifestOf(withoutTriggers).triggers).toEqual({});
  });

  it('is accepted by assertValidManifest', () => {
    expect(() => assertValidManifest(manifest)).not.toThrow();
  });
});

describe('assertValidManifest', () => {
  const valid = manifestOf(sampleConnector);

  function invalid(change: (manifest: Record<string, unknown>) => void): ConnectorError {
    const manifest = structuredClone(valid) as unknown as Record<string, unknown>;
    change(manifest);
    return catchError(() => assertValidManifest(manifest as unknown as ConnectorManifest, 'package @acme/x'));
  }

  it('rejects an unsupported contract version with UNSUPPORTED', () => {
    const error = invalid((manifest) => {
      manifest.contract = 99;
    });
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.message).toContain("package @acme/x 'sample' implements contract version 99");
    expect(error.message).toContain('supports 1');
    expect(error.connector).toBe('sample');
  });

  it.each(['Sample', 'sample_notes', '1sample', '', 'sample.notes'])(
    'rejects the connector name %j',
    (name) => {
      const error = invalid((manifest) => {
        manifest.name = name;
      });
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toContain('name must be lowercase letters, digits and dashes');
    },
  );

  it('rejects a connector name that is not a string', () => {
    expect(
      invalid((manifest) => {
        manifest.name = 42;
      }).message,
    ).toContain('name must be lowercase');
  });

  it.each(['get-note', 'get_note', '2get', 'get.note'])('rejects the action name %j', (name) => {
    const error = invalid((manifest) => {
      manifest.actions = { [name]: valid.actions.get };
    });
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(`action '${name}': name must be camelCase letters and digits`);
  });

  it('rejects a bad trigger name', () => {
    const error = invalid((manifest) => {
      manifest.triggers = { 'on-tick': valid.triggers.ticks };
    });
    expect(error.message).toContain("trigger 'on-tick': name must be camelCase");
  });

  it('rejects empty descriptions of the connector, an action and a trigger', () => {
    const error = invalid((manifest) => {
      manifest.description = '';
      (manifest.actions as Record<string, { description: string }>).get = {
        ...(valid.actions.get as NonNullable<typeof valid.actions.get>),
        description: '',
      };
      (manifest.triggers as Record<string, { description: string }>).ticks = {
        ...(valid.triggers.ticks as NonNullable<typeof valid.triggers.ticks>),
        description: '',
      };
    });
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain("package @acme/x 'sample' is not valid");
    expect(error.message).toContain('description is empty');
    expect(error.message).toContain("action 'get': description is empty");
    expect(error.message).toContain("trigger 'ticks': description is empty");
  });

  it.each(['exactly-once', '', undefined])('rejects the delivery %j', (delivery) => {
    const error = invalid((manifest) => {
      manifest.triggers = { ticks: { ...valid.triggers.ticks, delivery } };
    });
    expect(error.message).toContain("trigger 'ticks': delivery must be 'at-least-once' or 'at-most-once'");
  });

  it('rejects schemas that do not compile', () => {
    const error = invalid((manifest) => {
      manifest.connection = { type: 'nope' };
      manifest.actions = { get: { ...valid.actions.get, output: { type: 'object', required: 'key' } } };
      manifest.triggers = { ticks: { ...valid.triggers.ticks, event: 'not a schema' } };
    });
    expect(error.message).toContain('connection schema: schema is invalid');
    expect(error.message).toContain("action 'get': output schema: schema is invalid");
    expect(error.message).toContain("trigger 'ticks': event schema: a schema must be an object");
  });

  it('accepts a manifest without actions or triggers tables', () => {
    const { actions: _actions, triggers: _triggers, ...bare } = valid;
    expect(() => assertValidManifest(bare as unknown as ConnectorManifest)).not.toThrow();
  });
});
