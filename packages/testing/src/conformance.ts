import { inspect } from 'node:util';
import {
  type AnyConnectorDefinition,
  assertValidManifest,
  type ConnectionConfig,
  ConnectorError,
  type ConnectorManifest,
  compileValidator,
  createKit,
  type ErrorCode,
  type Kit,
  manifestOf,
  schemaProblem,
} from '@connectorkit/core';
import { afterAll, describe, expect, it } from 'vitest';

/** One invocation used by the suite. */
export interface ConformanceCall {
  /** Action name within the connector (`get`, not `redis.get`). */
  readonly action: string;
  readonly input: unknown;
}

export interface ConformanceOptions {
  readonly connector: AnyConnectorDefinition;
  /** A working connection configuration (without `connector`). */
  readonly connection: Readonly<Record<string, unknown>>;
  /**
   * A configuration whose credential is wrong. Its secret must be `CANARY_SECRET` (or contain
   * it): the suite asserts the value appears in no error text. Omit for connectors without
   * credentials.
   */
  readonly badCredentials?: Readonly<Record<string, unknown>>;
  /** How a call made with `badCredentials` must fail. Default: AUTH. */
  readonly badCredentialsCode?: ErrorCode;
  /** A call that fails; it must surface as a `ConnectorError` (optionally with this code). */
  readonly failing?: ConformanceCall & { readonly code?: ErrorCode };
  /**
   * A call that takes well over a second unless aborted: used to check that timeouts and
   * cancellation end it. Omit only when no action can be made slow.
   */
  readonly slow?: ConformanceCall;
  /** Run the declared examples whose input can run against `connection`. Default: false. */
  readonly runExamples?: boolean;
}

/** A recognisable secret value for tests: it must never appear in any output. */
export const CANARY_SECRET = 'ck-canary-5f1d2b9e-secret';

/**
 * Registers the conformance suite for a connector in the calling vitest file.
 *
 * @example
 * describeConformance({
 *   connector: redis,
 *   connection: { url: 'redis://127.0.0.1:6379' },
 *   badCredentials: { url: 'redis://127.0.0.1:6379', password: CANARY_SECRET },
 *   slow: { action: 'eval', input: { script: 'while true do end' } },
 * });
 */
export function describeConformance(options: ConformanceOptions): void {
  const { connector } = options;
  const kits: Kit[] = [];
  const open = (connection: Readonly<Record<string, unknown>>): Kit => {
    const kit = createKit({
      connectors: [connector],
      connections: { subject: { ...connection, connector: connector.name } as ConnectionConfig },
      logger: { level: 'silent' },
    }) as unknown as Kit;
    kits.push(kit);
    return kit;
  };

  describe(`conformance: connector '${connector.name}'`, () => {
    afterAll(async () => {
      await Promise.all(kits.map((kit) => kit.close()));
    });

    it('has a valid manifest: contract, names, descriptions and compilable schemas', () => {
      const manifest: ConnectorManifest = manifestOf(connector);
      expect(() => assertValidManifest(manifest)).not.toThrow();
      expect(manifest.title.length).toBeGreaterThan(0);
      expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(Object.keys(manifest.actions).length).toBeGreaterThan(0);
    });

    it('describes every action and trigger, with object schemas', () => {
      const manifest = manifestOf(connector);
      for (const [name, action] of Object.entries(manifest.actions)) {
        expect(action.description.length, `action ${name} needs a description`).toBeGreaterThan(10);
        expect(action.input.type, `action ${name}: input must be an object schema`).toBe('object');
        expect(schemaProblem(action.output), `action ${name}: output schema`).toBeUndefined();
      }
      for (const [name, trigger] of Object.entries(manifest.triggers)) {
        expect(trigger.description.length, `trigger ${name} needs a description`).toBeGreaterThan(10);
        expect(['at-least-once', 'at-most-once']).toContain(trigger.delivery);
        expect(trigger.config.type, `trigger ${name}: config must be an object schema`).toBe('object');
      }
    });

    it('marks credentials as secrets in its connection schema', () => {
      const manifest = manifestOf(connector);
      const text = JSON.stringify(manifest.connection);
      for (const key of credentialKeys(manifest.connection)) {
        expect(text, `connection field '${key}' looks like a credential but is not Secret()`).toContain(
          'x-secret',
        );
      }
    });

    it('declares examples that validate against the action schemas', () => {
      const manifest = manifestOf(connector);
      for (const [name, action] of Object.entries(manifest.actions)) {
        for (const [index, example] of action.examples.entries()) {
          const input = compileValidator(action.input);
          const prepared = input.withDefaults(example.input);
          expect(input.issues(prepared), `action ${name}, example ${index}: input`).toEqual([]);
          if (example.output !== undefined) {
            expect(
              compileValidator(action.output).issues(example.output),
              `action ${name}, example ${index}: output`,
            ).toEqual([]);
          }
        }
      }
    });

    if (options.runExamples === true) {
      it('runs its declared examples and produces the declared outputs', async () => {
        const kit = open(options.connection);
        for (const [name, action] of Object.entries(manifestOf(connector).actions)) {
          for (const example of action.examples) {
            const output = await kit.invokeDynamic(`${connector.name}.${name}`, example.input);
            if (example.output !== undefined)
              expect(output, `action ${name}: example output`).toEqual(example.output);
          }
        }
      });
    }

    it('connects and passes its connection check', async () => {
      const kit = open(options.connection);
      const result = await kit.check('subject');
      expect(result.ok).toBe(true);
    });

    it('rejects invalid input with INVALID_INPUT naming the action and a path', async () => {
      const kit = open(options.connection);
      const [name, action] = Object.entries(manifestOf(connector).actions)[0] ?? [];
      if (name === undefined || action === undefined) throw new Error('connector has no actions');
      const error = await kit
        .invokeDynamic(`${connector.name}.${name}`, 42)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code).toBe('INVALID_INPUT');
      expect((error as ConnectorError).action).toBe(name);
      expect((error as ConnectorError).path).toBe('$');
    });

    if (options.failing !== undefined) {
      const failing = options.failing;
      it(`surfaces a failing call as a ConnectorError${failing.code === undefined ? '' : ` (${failing.code})`}`, async () => {
        const kit = open(options.connection);
        const error = await kit
          .invokeDynamic(`${connector.name}.${failing.action}`, failing.input, { retry: false })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConnectorError);
        if (failing.code !== undefined) expect((error as ConnectorError).code).toBe(failing.code);
        expect((error as ConnectorError).connector).toBe(connector.name);
      });
    }

    if (options.badCredentials !== undefined) {
      const bad = options.badCredentials;
      it('fails authentication with a typed error that never echoes the secret', async () => {
        expect(JSON.stringify(bad), 'badCredentials must contain CANARY_SECRET').toContain(CANARY_SECRET);
        const kit = open(bad);
        const error = await kit.check('subject').catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConnectorError);
        expect((error as ConnectorError).code).toBe(options.badCredentialsCode ?? 'AUTH');
        for (const text of errorTexts(error)) expect(text).not.toContain(CANARY_SECRET);
      });
    }

    if (options.slow !== undefined) {
      const slow = options.slow;
      it('ends a slow call on timeout with TIMEOUT', async () => {
        const kit = open(options.connection);
        await kit.check('subject');
        const error = await kit
          .invokeDynamic(`${connector.name}.${slow.action}`, slow.input, { timeoutMs: 150, retry: false })
          .catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConnectorError);
        expect((error as ConnectorError).code).toBe('TIMEOUT');
      });

      it('ends a slow call on abort with CANCELLED', async () => {
        const kit = open(options.connection);
        await kit.check('subject');
        const controller = new AbortController();
        const pending = kit
          .invokeDynamic(`${connector.name}.${slow.action}`, slow.input, {
            signal: controller.signal,
            retry: false,
          })
          .catch((caught: unknown) => caught);
        setTimeout(() => controller.abort(), 100);
        const error = await pending;
        expect(error).toBeInstanceOf(ConnectorError);
        expect((error as ConnectorError).code).toBe('CANCELLED');
      });
    }

    it('close() releases every handle it opened and is safe to call twice', async () => {
      const before = countHandles();
      const kit = createKit({
        connectors: [connector],
        connections: { subject: { ...options.connection, connector: connector.name } as ConnectionConfig },
        logger: { level: 'silent' },
      }) as unknown as Kit;
      await kit.check('subject');
      await kit.close();
      await kit.close();
      // Sockets close asynchronously after `end()`; give the event loop a few turns.
      for (let turn = 0; turn < 50 && countHandles() > before; turn++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(countHandles()).toBeLessThanOrEqual(before);
    });
  });
}

function countHandles(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout' && kind !== 'TTYWrap').length;
}

const CREDENTIAL_KEY =
  /^(password|passphrase|secret|clientSecret|token|accessToken|refreshToken|apiKey|privateKey|bearerToken)$/i;

function credentialKeys(schema: Record<string, unknown>, found: string[] = []): string[] {
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [key, child] of Object.entries(properties ?? {})) {
    if (CREDENTIAL_KEY.test(key) && child['x-secret'] !== true) found.push(key);
    credentialKeys(child, found);
  }
  for (const branch of [
    ...((schema.anyOf as Record<string, unknown>[] | undefined) ?? []),
    ...((schema.oneOf as Record<string, unknown>[] | undefined) ?? []),
  ]) {
    credentialKeys(branch, found);
  }
  return found;
}

/** Every way an error can be shown: message, stack, JSON, inspect — along the cause chain. */
export function errorTexts(error: unknown): string[] {
  const texts: string[] = [inspect(error, { depth: 8 }), String(error)];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    texts.push(current.message, current.stack ?? '', safeJson(current));
    current = current.cause;
  }
  return texts;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
