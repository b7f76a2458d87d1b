import { inspect } from 'node:util';
import { Type } from '@sinclair/typebox';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ActionContext,
  type AnyConnectorDefinition,
  defineAction,
  defineConnection,
  defineConnector,
  defineTrigger,
} from './define.js';
import { ConnectorError, type ErrorCode } from './errors.js';
import {
  type ConnectionConfig,
  type ConnectorSource,
  createKit,
  type KitOptions,
  type Middleware,
} from './kit.js';
import type { Logger, LogRecord } from './log.js';
import { manifestOf } from './manifest.js';
import { REDACTED, Redacted } from './redaction.js';
import {
  flaky,
  SAMPLE_VALID_TOKEN,
  SampleClient,
  sampleConnection,
  sampleConnector,
} from './testing/index.js';

// ------------------------------------------------------------------ fixtures

/** A credential that must never appear in an error, a log line or the catalog. */
const CANARY = 'canary-token-9b2f41';

const SAMPLE: Readonly<Record<string, ConnectionConfig>> = {
  sample: { connector: 'sample', token: SAMPLE_VALID_TOKEN },
};
const PROBE: Readonly<Record<string, ConnectionConfig>> = {
  probe: { connector: 'probe', token: SAMPLE_VALID_TOKEN },
};

/** What the probe's actions saw, for assertions after the call ended. */
const seen: { contexts: ActionContext<SampleClient>[]; lateSignalAborted: boolean[]; runs: number } = {
  contexts: [],
  lateSignalAborted: [],
  runs: 0,
};
let manualEmit: ((event: unknown) => Promise<void>) | undefined;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A second connector on the sample service, with actions that expose what the kit gives them. */
const probe = defineConnector({
  contract: 1,
  name: 'probe',
  title: 'Probe',
  description: 'Actions that record their context, for the kit tests.',
  version: '0.0.0',
  connection: sampleConnection,
  actions: {
    hold: defineAction({
      connection: sampleConnection,
      description: 'Runs until its signal aborts.',
      input: Type.Object({}),
      output: Type.Object({}),
      run: (_input, context) => {
        seen.runs++;
        seen.contexts.push(context);
        const { signal } = context;
        return new Promise<Record<string, never>>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      },
    }),
    late: defineAction({
      connection: sampleConnection,
      description: 'Reads its signal only after a pause.',
      input: Type.Object({ ms: Type.Integer() }),
      output: Type.Object({ aborted: Type.Boolean() }),
      run: async ({ ms }, context) => {
        await pause(ms);
        seen.lateSignalAborted.push(context.signal.aborted);
        return { aborted: context.signal.aborted };
      },
    }),
    unstable: { ...flaky, description: 'flaky, but idempotent', idempotent: true },
    context: defineAction({
      connection: sampleConnection,
      description: 'Returns what it knows of its invocation.',
      input: Type.Object({ fail: Type.Optional(Type.Boolean()) }),
      output: Type.Object({
        attempt: Type.Integer(),
        invocationId: Type.String(),
        connection: Type.String(),
      }),
      idempotent: true,
      run: ({ fail }, context) => {
        seen.contexts.push(context);
        if (fail === true && context.attempt === 1)
          throw new ConnectorError('UNAVAILABLE', 'first try fails');
        return {
          attempt: context.attempt,
          invocationId: context.invocationId,
          connection: context.connection,
        };
      },
    }),
    syncBroken: defineAction({
      connection: sampleConnection,
      description: 'Returns, without a promise, output that breaks its schema.',
      input: Type.Object({}),
      output: Type.Object({ count: Type.Integer() }),
      // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong output for tests.
      run: () => ({ count: 'many' }) as any,
    }),
  },
  triggers: {
    manual: defineTrigger({
      connection: sampleConnection,
      description: 'Hands its emit function to the test.',
      config: Type.Object({}),
      event: Type.Object({ tick: Type.Integer() }),
      delivery: 'at-most-once',
      start: (_config, context) => {
        manualEmit = context.emit as (event: unknown) => Promise<void>;
        return () => undefined;
      },
    }),
  },
});

/** A connector whose connection fails its first `failures` connects (counted in `counting.connects`). */
const counting = { connects: 0, vendorRuns: 0, mapped: 0 };
const countingConnection = defineConnection({
  config: Type.Object({ failures: Type.Integer({ default: 0 }) }),
  connect: (config) => {
    counting.connects++;
    if (counting.connects <= config.failures) {
      throw new ConnectorError('UNAVAILABLE', `connect ${counting.connects} fails`);
    }
    return { id: counting.connects };
  },
});
const countingConnector = defineConnector({
  contract: 1,
  name: 'counting',
  title: 'Counting',
  description: 'Counts its connects.',
  version: '0.0.0',
  connection: countingConnection,
  actions: {
    ping: defineAction({
      connection: countingConnection,
      description: 'Returns the id of its client.',
      input: Type.Object({}),
      output: Type.Object({ id: Type.Integer() }),
      idempotent: true,
      run: (_input, { client }) => ({ id: client.id }),
    }),
    vendor: defineAction({
      connection: countingConnection,
      description: 'Fails the way an SDK would; the action maps its errors itself.',
      input: Type.Object({
        kind: Type.Union([Type.Literal('busy'), Type.Literal('ours'), Type.Literal('odd')]),
      }),
      output: Type.Object({}),
      idempotent: true,
      run: async ({ kind }) => {
        counting.vendorRuns++;
        if (kind === 'ours') throw new ConnectorError('CONFLICT', 'already a ConnectorError');
        throw Object.assign(new Error(`the service says ${kind}`), { vendorCode: kind });
      },
      mapError: (error) => {
        counting.mapped++;
        const code = (error as { vendorCode?: string }).vendorCode;
        if (code === 'odd') throw new Error('the mapping itself failed');
        return new ConnectorError('RATE_LIMITED', 'the service is busy', { vendorCode: code, cause: error });
      },
    }),
  },
});

const CONNECTORS = [sampleConnector, probe, countingConnector] as const;

function kitWith(options: Omit<KitOptions<typeof CONNECTORS>, 'connectors'> = {}) {
  return createKit({
    connectors: CONNECTORS,
    connections: { ...SAMPLE, ...PROBE },
    logger: { level: 'silent' },
    defaults: { retry: { initialDelayMs: 1, maxDelayMs: 5 } },
    ...options,
  });
}

/** A log sink that keeps every line. */
function recorder(): { lines: LogRecord[]; sink: (record: LogRecord) => void } {
  const lines: LogRecord[] = [];
  return { lines, sink: (record) => lines.push(record) };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected the call to fail');
}

function openClient(): SampleClient {
  const [client] = SampleClient.open;
  if (client === undefined) throw new Error('no open sample client');
  return client;
}

/**
 * Plans `sample.get` with a call that fails validation before connecting, so that the next call
 * reaches the connection pool synchronously.
 */
async function warmUp(kit: { invokeDynamic(name: string, input: unknown): Promise<unknown> }): Promise<void> {
  await expect(kit.invokeDynamic('sample.get', {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  expect(SampleClient.connects).toBe(0);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

beforeEach(() => {
  SampleClient.reset();
  seen.contexts = [];
  seen.lateSignalAborted = [];
  seen.runs = 0;
  counting.connects = 0;
  manualEmit = undefined;
});

// ------------------------------------------------------------------ invoke

describe('invoke', () => {
  it('runs an action on the connection and returns its output', async () => {
    await using kit = kitWith();
    await expect(kit.invoke('sample.put', { key: 'greeting', text: 'hello' })).resolves.toEqual({
      key: 'greeting',
      created: true,
    });
    await expect(kit.invoke('sample.get', { key: 'greeting' })).resolves.toEqual({
      key: 'greeting',
      text: 'hello',
    });
    await expect(kit.invokeDynamic('sample.put', { key: 'greeting', text: 'again' })).resolves.toEqual({
      key: 'greeting',
      created: false,
    });
  });

  it('passes the context: attempt, one invocation id across retries, the connection', async () => {
    await using kit = kitWith();
    const first = await kit.invoke('probe.context', { fail: true });
    expect(first).toMatchObject({ attempt: 2, connection: 'probe' });
    const [one, two] = seen.contexts;
    expect(one?.invocationId).toBe(first.invocationId);
    expect(two?.invocationId).toBe(first.invocationId);
    const second = await kit.invoke('probe.context', {});
    expect(second.invocationId).not.toBe(first.invocationId);
    expect(one?.client).toBeInstanceOf(SampleClient);
    expect(one?.client).toBe(two?.client);
  });

  it('applies schema defaults without changing the caller’s input', async () => {
    const inputs: unknown[] = [];
    await using kit = kitWith({
      middleware: [
        (info, next) => {
          inputs.push(info.input);
          return next();
        },
      ],
    });
    const input = { text: 'ab' };
    await expect(kit.invokeDynamic('sample.echo', input)).resolves.toEqual({ text: 'ab' });
    await expect(kit.invoke('sample.echo', { text: 'ab', times: 2 })).resolves.toEqual({ text: 'abab' });
    expect(inputs[0]).toEqual({ text: 'ab', times: 1 });
    expect(input).toEqual({ text: 'ab' });
  });

  it('rejects invalid input with INVALID_INPUT listing every issue, without running the action', async () => {
    await using kit = kitWith();
    const error = await failure(kit.invokeDynamic('sample.echo', { text: 1, times: 11, tags: 'x' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.retryable).toBe(false);
    expect(error.connector).toBe('sample');
    expect(error.action).toBe('echo');
    expect(error.connection).toBe('sample');
    expect(error.issues).toEqual([
      { path: '$.text', message: 'must be a string, got 1' },
      { path: '$.times', message: 'must be <= 10, got 11' },
      { path: '$.tags', message: 'must be an array, got "x"' },
    ]);
    expect(error.path).toBe('$.text');
    expect(error.message).toBe(
      'sample.echo: invalid input — $.text must be a string, got 1; $.times must be <= 10, got 11; $.tags must be an array, got "x"',
    );
    expect(SampleClient.connects).toBe(0);
  });

  it('reports a missing required field by its path', async () => {
    await using kit = kitWith();
    const error = await failure(kit.invokeDynamic('sample.put', { items: [] }));
    expect(error.issues).toEqual([
      { path: '$.key', message: 'is required' },
      { path: '$.text', message: 'is required' },
    ]);
  });

  it('rejects output that breaks the schema with INVALID_OUTPUT, and does not retry it', async () => {
    await using kit = kitWith();
    const error = await failure(kit.invoke('sample.broken', {}, { retry: 3 }));
    expect(error.code).toBe('INVALID_OUTPUT');
    expect(error.where).toBe('sample.broken');
    expect(error.issues).toEqual([{ path: '$.count', message: 'must be an integer, got "many"' }]);
    expect(error.message).toContain('sample.broken: the connector returned output that breaks its schema');
    const sync = await failure(kit.invoke('probe.syncBroken', {}));
    expect(sync.code).toBe('INVALID_OUTPUT');
  });

  it('maps what an action throws: a plain Error to INTERNAL, a network error by its code', async () => {
    await using kit = kitWith();
    const plain = await failure(kit.invoke('sample.crash', { message: 'bug in the SDK' }));
    expect(plain).toMatchObject({ code: 'INTERNAL', message: 'bug in the SDK', action: 'crash' });
    expect(plain.cause).toBeInstanceOf(Error);
    const network = await failure(
      kit.invoke('sample.crash', { message: 'reset', networkCode: 'ECONNRESET' }),
    );
    expect(network).toMatchObject({ code: 'UNAVAILABLE', vendorCode: 'ECONNRESET', connection: 'sample' });
    const notFound = await failure(kit.invoke('sample.get', { key: 'missing' }));
    expect(notFound).toMatchObject({ code: 'NOT_FOUND', message: "no note under key 'missing'" });
  });

  it('maps a failure with the action’s own mapError, only on failure, then retries by the mapped code', async () => {
    await using kit = kitWith({ connections: { counting: { connector: 'counting' } } });
    counting.vendorRuns = 0;
    counting.mapped = 0;
    await expect(kit.invoke('counting.ping', {})).resolves.toMatchObject({ id: expect.any(Number) });
    expect(counting.mapped).toBe(0);
    const busy = await failure(kit.invoke('counting.vendor', { kind: 'busy' }, { retry: 3 }));
    expect(busy).toMatchObject({
      code: 'RATE_LIMITED',
      vendorCode: 'busy',
      action: 'vendor',
      connection: 'counting',
    });
    expect(counting.vendorRuns).toBe(3);
    expect(counting.mapped).toBe(3);
    const ours = await failure(kit.invoke('counting.vendor', { kind: 'ours' }));
    expect(ours).toMatchObject({ code: 'CONFLICT', message: 'already a ConnectorError' });
    expect(counting.mapped).toBe(3);
    const odd = await failure(kit.invoke('counting.vendor', { kind: 'odd' }, { retry: false }));
    expect(odd).toMatchObject({ code: 'INTERNAL', message: 'the service says odd' });
  });

  describe('names and connections', () => {
    it.each(['sample', 'Sample.get', 'sample.get.extra', 'sample.', '.get', 'sample.get-note'])(
      'rejects the malformed name %j with INVALID_INPUT',
      async (name) => {
        await using kit = kitWith();
        const error = await failure(kit.invokeDynamic(name, {}));
        expect(error.code).toBe('INVALID_INPUT');
        expect(error.message).toContain("expected 'connector.action', e.g. 'redis.get'");
      },
    );

    it('rejects an unknown connector with NOT_FOUND, naming the installed ones', async () => {
      await using kit = kitWith();
      const error = await failure(kit.invokeDynamic('nope.get', {}));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.connector).toBe('nope');
      expect(error.message).toBe(
        "unknown connector 'nope' in 'nope.get' — installed: sample, probe, counting",
      );
    });

    it('says when no connector is installed', async () => {
      await using kit = createKit({ logger: { level: 'silent' } });
      const error = await failure(kit.invokeDynamic('sample.get', {}));
      expect(error.message).toContain('no connectors are installed');
    });

    it('rejects an unknown action with NOT_FOUND, naming the actions the connector has', async () => {
      await using kit = kitWith();
      const error = await failure(kit.invokeDynamic('sample.delete', {}));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.where).toBe('sample.delete');
      expect(error.message).toBe(
        "connector 'sample' has no action 'delete' — it has: put, get, echo, wait, flaky, crash, broken",
      );
    });

    it('rejects an unknown connection with INVALID_CONFIG, naming the configured ones', async () => {
      await using kit = kitWith();
      const error = await failure(kit.invoke('sample.get', { key: 'a' }, { connection: 'crm' }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.connection).toBe('crm');
      expect(error.message).toBe("unknown connection 'crm' — configured: sample, probe");
    });

    it('rejects a connection that belongs to another connector', async () => {
      await using kit = kitWith();
      const error = await failure(kit.invoke('counting.ping', {}, { connection: 'sample' }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toBe("connection 'sample' is for connector 'sample', not 'counting'");
    });

    it('asks to choose when a connector has several connections and none is named after it', async () => {
      await using kit = kitWith({
        connections: {
          east: { connector: 'sample', token: SAMPLE_VALID_TOKEN, region: 'east' },
          west: { connector: 'sample', token: SAMPLE_VALID_TOKEN, region: 'west' },
        },
      });
      const error = await failure(kit.invoke('sample.get', { key: 'a' }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toBe(
        "connector 'sample' has 2 connections (east, west) — name one with the connection option (--connection)",
      );
      await expect(
        kit.invoke('sample.put', { key: 'a', text: 'b' }, { connection: 'west' }),
      ).resolves.toEqual({
        key: 'a',
        created: true,
      });
      expect(openClient().region).toBe('west');
    });

    it('uses the only connection of a connector whatever its name, and prefers one named like the connector', async () => {
      await using single = kitWith({
        connections: { main: { connector: 'probe', token: SAMPLE_VALID_TOKEN } },
      });
      await expect(single.invoke('probe.context', {})).resolves.toMatchObject({ connection: 'main' });
      expect(single.resolveConnection('probe')).toBe('main');
      await using named = kitWith({
        connections: { ...SAMPLE, other: { connector: 'sample', token: SAMPLE_VALID_TOKEN } },
      });
      expect(named.resolveConnection('sample')).toBe('sample');
    });

    it('rejects a call with no connection for the connector, saying how to add one', async () => {
      await using kit = kitWith({ connections: {} });
      const error = await failure(kit.invoke('sample.get', { key: 'a' }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.connector).toBe('sample');
      expect(error.message).toContain("no connection for connector 'sample' — add one to connectorkit.yaml");
      expect(error.message).toContain('connector: sample');
    });

    it('gives a connector whose settings are all optional an implicit connection', async () => {
      await using kit = kitWith({ connections: {} });
      await expect(kit.invoke('counting.ping', {})).resolves.toEqual({ id: 1 });
      expect(kit.catalog().connections).toEqual([{ name: 'counting', connector: 'counting' }]);
    });

    it('rejects invalid connection settings with INVALID_CONFIG naming the connection and the key', async () => {
      await using kit = kitWith({
        connections: { sample: { connector: 'sample', token: SAMPLE_VALID_TOKEN, connectDelayMs: -1 } },
        connectionOrigins: { sample: 'connectorkit.yaml:2:3' },
      });
      const error = await failure(kit.invoke('sample.get', { key: 'a' }));
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toBe(
        "connection 'sample' (connector sample) in connectorkit.yaml:2:3: connectDelayMs must be >= 0, got -1",
      );
      expect(error.issues).toEqual([{ path: '$.connectDelayMs', message: 'must be >= 0, got -1' }]);
    });

    it('refuses connections with an unknown or missing connector when the kit is created', () => {
      expect(() =>
        createKit({ connectors: [sampleConnector], connections: { x: { connector: 'nope' } } }),
      ).toThrow("connection 'x' (connector nope): unknown connector 'nope' — installed: sample");
      expect(() =>
        createKit({
          connectors: [sampleConnector],
          connections: { x: { token: 'a' } as unknown as ConnectionConfig },
        }),
      ).toThrow("connection 'x': 'connector' must name a connector");
    });

    it('refuses two connectors with one name', () => {
      expect(() => createKit({ connectors: [sampleConnector, sampleConnector] })).toThrow(
        "two connectors are named 'sample'",
      );
    });
  });

  describe('timeouts and cancellation', () => {
    it('rejects with TIMEOUT when an attempt runs too long, and aborts the action’s signal', async () => {
      await using kit = kitWith();
      const error = await failure(kit.invoke('probe.hold', {}, { timeoutMs: 20 }));
      expect(error.code).toBe('TIMEOUT');
      expect(error.retryable).toBe(true);
      expect(error.message).toBe('probe.hold: timed out after 20 ms (attempt 1)');
      expect(error.where).toBe('probe.hold');
      const [context] = seen.contexts;
      expect(context?.signal.aborted).toBe(true);
      expect(context?.signal.reason).toMatchObject({ name: 'TimeoutError' });
    });

    it('retries an idempotent action that timed out', async () => {
      let attempts = 0;
      await using kit = kitWith({
        middleware: [
          async (info, next) => {
            try {
              return await next();
            } finally {
              attempts = info.attempts;
            }
          },
        ],
      });
      const error = await failure(kit.invoke('sample.wait', { ms: 5_000 }, { timeoutMs: 10, retry: 2 }));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toContain('(attempt 2)');
      expect(attempts).toBe(2);
    });

    it('gives an action that reads its signal after the timeout an aborted signal', async () => {
      await using kit = kitWith();
      // The action outlasts its deadline by far, so that a busy machine's late timer still comes first.
      const error = await failure(kit.invoke('probe.late', { ms: 400 }, { timeoutMs: 5, retry: false }));
      expect(error.code).toBe('TIMEOUT');
      await vi.waitFor(() => expect(seen.lateSignalAborted).toEqual([true]), { timeout: 5_000 });
    });

    it('runs without a time limit when timeoutMs is 0', async () => {
      await using kit = kitWith({ defaults: { timeoutMs: 1 } });
      await expect(kit.invoke('sample.wait', { ms: 20 }, { timeoutMs: 0 })).resolves.toEqual({
        waitedMs: 20,
      });
    });

    it('rejects with CANCELLED when the caller aborts, and aborts the action’s signal with the reason', async () => {
      await using kit = kitWith();
      const controller = new AbortController();
      const call = kit.invoke('probe.hold', {}, { signal: controller.signal });
      await vi.waitFor(() => expect(seen.runs).toBe(1));
      const reason = new Error('user pressed stop');
      controller.abort(reason);
      const error = await failure(call);
      expect(error.code).toBe('CANCELLED');
      expect(error.message).toBe('probe.hold: cancelled by the caller');
      expect(error.cause).toBe(reason);
      expect(seen.contexts[0]?.signal.aborted).toBe(true);
      expect(seen.contexts[0]?.signal.reason).toBe(reason);
    });

    it('rejects with CANCELLED without running the action when the signal has already aborted', async () => {
      await using kit = kitWith();
      const error = await failure(
        kit.invoke('probe.hold', {}, { signal: AbortSignal.abort(new Error('too late')) }),
      );
      expect(error.code).toBe('CANCELLED');
      expect(seen.runs).toBe(0);
    });

    it('rejects with CANCELLED when the caller aborts while the connection is being made', async () => {
      await using kit = kitWith({
        connections: { sample: { connector: 'sample', token: SAMPLE_VALID_TOKEN, connectDelayMs: 5_000 } },
      });
      await warmUp(kit);
      const controller = new AbortController();
      const call = kit.invoke('sample.get', { key: 'a' }, { signal: controller.signal });
      controller.abort(new Error('stop'));
      const error = await failure(call);
      expect(error.code).toBe('CANCELLED');
      expect(error.where).toBe('sample.get');
    });

    it('rejects with TIMEOUT when connecting takes longer than connectTimeoutMs', async () => {
      await using kit = kitWith({
        connections: { sample: { connector: 'sample', token: SAMPLE_VALID_TOKEN, connectDelayMs: 5_000 } },
        defaults: { connectTimeoutMs: 10, retry: { attempts: 1 } },
      });
      const error = await failure(kit.invoke('sample.get', { key: 'a' }));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toBe(
        "connection 'sample' (connector sample): could not connect — connect timed out after 10 ms",
      );
      expect(SampleClient.connects).toBe(0);
    });
  });

  describe('retries', () => {
    it('retries an idempotent action on a retryable failure by default', async () => {
      await using kit = kitWith();
      await expect(kit.invoke('probe.unstable', { key: 'a', failures: 2 })).resolves.toEqual({ attempts: 3 });
    });

    it('gives up after the policy’s attempts with the last error', async () => {
      await using kit = kitWith();
      const error = await failure(kit.invoke('probe.unstable', { key: 'a', failures: 5 }));
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toBe('simulated failure 3 of 5');
      expect(openClient().failures.get('a')).toBe(3);
    });

    it('does not retry a non-idempotent action unless the caller gives a policy', async () => {
      await using kit = kitWith();
      const error = await failure(kit.invoke('sample.flaky', { key: 'a', failures: 1 }));
      expect(error.code).toBe('UNAVAILABLE');
      expect(openClient().failures.get('a')).toBe(1);
      await expect(kit.invoke('sample.flaky', { key: 'b', failures: 2 }, { retry: 3 })).resolves.toEqual({
        attempts: 3,
      });
      await expect(
        kit.invoke('sample.flaky', { key: 'c', failures: 1 }, { retry: { attempts: 2 } }),
      ).resolves.toEqual({ attempts: 2 });
    });

    it('does not retry when retry is false', async () => {
      await using kit = kitWith();
      const error = await failure(kit.invoke('probe.unstable', { key: 'a', failures: 1 }, { retry: false }));
      expect(error.code).toBe('UNAVAILABLE');
      expect(openClient().failures.get('a')).toBe(1);
    });

    it.each<ErrorCode>(['CONFLICT', 'AUTH', 'NOT_FOUND', 'INVALID_INPUT', 'INTERNAL'])(
      'does not retry %s',
      async (code) => {
        await using kit = kitWith();
        const error = await failure(
          kit.invoke('sample.flaky', { key: 'a', failures: 1, code }, { retry: 3 }),
        );
        expect(error.code).toBe(code);
        expect(openClient().failures.get('a')).toBe(1);
      },
    );

    it('waits at least the retryAfterMs the service asked for', async () => {
      const log = recorder();
      await using kit = kitWith({ logger: { level: 'debug', sink: log.sink } });
      await expect(
        kit.invoke(
          'sample.flaky',
          { key: 'a', failures: 1, code: 'RATE_LIMITED', retryAfterMs: 30 },
          { retry: { attempts: 2 } },
        ),
      ).resolves.toEqual({ attempts: 2 });
      const retries = log.lines.filter((line) => line.message === 'retrying after a retryable failure');
      expect(retries).toHaveLength(1);
      expect(retries[0]?.fields).toMatchObject({ code: 'RATE_LIMITED', attempt: 1, action: 'sample.flaky' });
      expect(retries[0]?.fields.delayMs).toBeGreaterThanOrEqual(30);
    });

    it('does not wait for a retryAfterMs above maxRetryAfterMs: the error goes back to the caller', async () => {
      await using kit = kitWith();
      const error = await failure(
        kit.invoke(
          'sample.flaky',
          { key: 'a', failures: 1, code: 'RATE_LIMITED', retryAfterMs: 60_000 },
          { retry: { attempts: 3, maxRetryAfterMs: 1_000 } },
        ),
      );
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryAfterMs).toBe(60_000);
      expect(openClient().failures.get('a')).toBe(1);
    });

    it('rejects with CANCELLED when the caller aborts during the backoff', async () => {
      const controller = new AbortController();
      await using kit = kitWith({
        logger: {
          level: 'debug',
          sink: (line) => {
            if (line.message === 'retrying after a retryable failure') controller.abort();
          },
        },
      });
      const error = await failure(
        kit.invoke(
          'sample.flaky',
          { key: 'a', failures: 5 },
          { retry: { attempts: 5, initialDelayMs: 60_000 }, signal: controller.signal },
        ),
      );
      expect(error.code).toBe('CANCELLED');
      expect(error.message).toBe('sample.flaky: cancelled while waiting to retry after UNAVAILABLE');
      expect((error.cause as ConnectorError).code).toBe('UNAVAILABLE');
      expect(openClient().failures.get('a')).toBe(1);
    });

    it('rejects a retry policy with fewer than one attempt', async () => {
      await using kit = kitWith();
      const error = await failure(kit.invoke('sample.echo', { text: 'a', times: 1 }, { retry: 0 }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain('retry.attempts must be an integer ≥ 1, got 0');
      expect(error.where).toBe('sample.echo');
      expect(() => createKit({ defaults: { retry: { attempts: 0 } } })).toThrow(ConnectorError);
    });
  });
});

// ------------------------------------------------------------------ pool

describe('connection pool', () => {
  it('connects once for many invocations', async () => {
    await using kit = kitWith();
    for (let index = 0; index < 5; index++) await kit.invoke('sample.echo', { text: 'a', times: 1 });
    expect(SampleClient.connects).toBe(1);
  });

  it('shares one connect between concurrent first calls', async () => {
    await using kit = kitWith({
      connections: { sample: { connector: 'sample', token: SAMPLE_VALID_TOKEN, connectDelayMs: 20 } },
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => kit.invoke('sample.put', { key: `k${index}`, text: 't' })),
    );
    expect(results).toHaveLength(10);
    expect(SampleClient.connects).toBe(1);
    expect(openClient().notes.size).toBe(10);
  });

  it('keeps one client per named connection', async () => {
    await using kit = kitWith({
      connections: {
        east: { connector: 'sample', token: SAMPLE_VALID_TOKEN, region: 'east' },
        west: { connector: 'sample', token: SAMPLE_VALID_TOKEN, region: 'west' },
      },
    });
    await kit.invoke('sample.put', { key: 'a', text: 'b' }, { connection: 'east' });
    await kit.invoke('sample.put', { key: 'a', text: 'b' }, { connection: 'west' });
    await kit.invoke('sample.put', { key: 'a', text: 'b' }, { connection: 'east' });
    expect(SampleClient.connects).toBe(2);
    expect([...SampleClient.open].map((client) => client.region).sort()).toEqual(['east', 'west']);
  });

  it('maps a rejected token to AUTH and an unreachable service to UNAVAILABLE', async () => {
    await using kit = kitWith({
      connections: {
        wrong: { connector: 'sample', token: 'wrong-token' },
        down: { connector: 'sample', token: 'unreachable' },
      },
    });
    const auth = await failure(kit.invoke('sample.get', { key: 'a' }, { connection: 'wrong' }));
    expect(auth.code).toBe('AUTH');
    expect(auth.status).toBe(401);
    expect(auth.connection).toBe('wrong');
    expect(auth.message).toMatch(/^connection 'wrong' \(connector sample\): could not connect — /);
    const down = await failure(kit.invoke('sample.get', { key: 'a' }, { connection: 'down', retry: false }));
    expect(down.code).toBe('UNAVAILABLE');
    expect(down.vendorCode).toBe('ECONNREFUSED');
    expect(down.message).toContain('could not connect — ECONNREFUSED: connection refused');
    // Not cached: the next call connects again and fails afresh.
    const again = await failure(kit.invoke('sample.get', { key: 'a' }, { connection: 'down', retry: false }));
    expect(again.code).toBe('UNAVAILABLE');
    expect(again.cause).not.toBe(down.cause);
    expect(SampleClient.connects).toBe(0);
  });

  it('does not keep a failed connect: the next call connects again', async () => {
    await using kit = kitWith({ connections: { counting: { connector: 'counting', failures: 1 } } });
    const error = await failure(kit.invoke('counting.ping', {}, { retry: false }));
    expect(error.code).toBe('UNAVAILABLE');
    await expect(kit.invoke('counting.ping', {})).resolves.toEqual({ id: 2 });
    await expect(kit.invoke('counting.ping', {})).resolves.toEqual({ id: 2 });
    expect(counting.connects).toBe(2);
  });

  it('connects again when a retry follows a failed connect', async () => {
    await using kit = kitWith({ connections: { counting: { connector: 'counting', failures: 2 } } });
    await expect(kit.invoke('counting.ping', {})).resolves.toEqual({ id: 3 });
    expect(counting.connects).toBe(3);
  });
});

// ------------------------------------------------------------------ close

describe('close', () => {
  it('disconnects every pooled client, and is safe to call twice', async () => {
    const kit = kitWith({
      connections: {
        east: { connector: 'sample', token: SAMPLE_VALID_TOKEN },
        west: { connector: 'sample', token: SAMPLE_VALID_TOKEN },
      },
    });
    await kit.invoke('sample.echo', { text: 'a', times: 1 }, { connection: 'east' });
    await kit.invoke('sample.echo', { text: 'a', times: 1 }, { connection: 'west' });
    await Promise.all([kit.close(), kit.close()]);
    await kit.close();
    expect(SampleClient.disconnects).toBe(2);
    expect(SampleClient.open.size).toBe(0);
  });

  it('aborts a connect in progress: the waiting call fails with CANCELLED and no client is left', async () => {
    const kit = kitWith({
      connections: { sample: { connector: 'sample', token: SAMPLE_VALID_TOKEN, connectDelayMs: 60_000 } },
    });
    await warmUp(kit);
    const call = kit.invoke('sample.get', { key: 'a' });
    await kit.close();
    const error = await failure(call);
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toContain('could not connect — the kit is closed');
    expect(SampleClient.connects).toBe(0);
  });

  it('disconnects a client whose connect ignored its signal and finished after being given up', async () => {
    const stubborn = defineConnector({
      ...sampleConnector,
      name: 'stubborn',
      connection: defineConnection({
        ...sampleConnection,
        connect: async () => {
          await pause(30);
          return new SampleClient('late');
        },
      }),
    });
    await using kit = createKit({
      connectors: [stubborn],
      connections: { stubborn: { connector: 'stubborn', token: SAMPLE_VALID_TOKEN } },
      defaults: { connectTimeoutMs: 5 },
      logger: { level: 'silent' },
    });
    const error = await failure(kit.invokeDynamic('stubborn.echo', { text: 'a' }, { retry: false }));
    expect(error.code).toBe('TIMEOUT');
    await vi.waitFor(() => expect(SampleClient.disconnects).toBe(1));
    expect(SampleClient.connects).toBe(1);
  });

  it('makes later calls reject with CANCELLED', async () => {
    const kit = kitWith();
    await kit.close();
    const invoke = await failure(kit.invoke('sample.echo', { text: 'a', times: 1 }));
    expect(invoke.code).toBe('CANCELLED');
    expect(invoke.message).toBe('the kit is closed');
    expect((await failure(kit.check('sample'))).code).toBe('CANCELLED');
    expect(
      (await failure(kit.startTrigger('sample.ticks', {}, { handler: async () => undefined }))).code,
    ).toBe('CANCELLED');
    expect(SampleClient.connects).toBe(0);
  });

  it('does not connect for a retry that comes after close', async () => {
    const kit = kitWith({
      connections: { counting: { connector: 'counting', failures: 1 } },
      defaults: { retry: { initialDelayMs: 20, maxDelayMs: 20 } },
      logger: {
        level: 'debug',
        sink: (line) => {
          if (line.message === 'retrying after a retryable failure') void kit.close();
        },
      },
    });
    const error = await failure(kit.invoke('counting.ping', {}));
    expect(error.code).toBe('CANCELLED');
    expect(counting.connects).toBe(1);
  });

  it('keeps closing when a disconnect fails, and logs it without secrets', async () => {
    const log = recorder();
    const fragile = defineConnector({
      ...countingConnector,
      name: 'fragile',
      connection: {
        ...countingConnection,
        disconnect: () => {
          throw new Error(`disconnect failed for ${CANARY}`);
        },
      },
    });
    const kit = createKit({
      connectors: [sampleConnector, fragile],
      connections: { ...SAMPLE, fragile: { connector: 'fragile', password: CANARY } },
      logger: { level: 'warn', sink: log.sink },
    });
    await kit.invokeDynamic('fragile.ping', {});
    await kit.invoke('sample.echo', { text: 'a', times: 1 });
    await expect(kit.close()).resolves.toBeUndefined();
    expect(SampleClient.disconnects).toBe(1);
    expect(log.lines.map((line) => line.message)).toEqual(['disconnect failed']);
    expect(JSON.stringify(log.lines)).not.toContain(CANARY);
  });
});

// ------------------------------------------------------------------ middleware

describe('middleware', () => {
  it('runs in order around the invocation, and may transform the result', async () => {
    const order: string[] = [];
    await using kit = kitWith({
      middleware: [
        async (info, next) => {
          order.push(`outer before ${info.name} ${info.connector} ${info.action} ${info.connection}`);
          const result = await next();
          order.push(`outer after attempts=${info.attempts}`);
          return { ...(result as object), wrapped: true };
        },
        async (_info, next) => {
          order.push('inner before');
          const result = await next();
          order.push('inner after');
          return result;
        },
      ],
    });
    await expect(kit.invoke('probe.unstable', { key: 'a', failures: 1 })).resolves.toEqual({
      attempts: 2,
      wrapped: true,
    });
    expect(order).toEqual([
      'outer before probe.unstable probe unstable probe',
      'inner before',
      'inner after',
      'outer after attempts=2',
    ]);
  });

  it('rejects a middleware calling next() twice', async () => {
    await using kit = kitWith({
      middleware: [
        async (_info, next) => {
          await next();
          return next();
        },
      ],
    });
    const error = await failure(kit.invoke('sample.echo', { text: 'a', times: 1 }));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('a middleware called next() twice');
    expect(error.where).toBe('sample.echo');
  });

  it('maps what a middleware throws, with the invocation’s context', async () => {
    await using kit = kitWith({
      middleware: [
        async () => {
          throw new Error('metrics backend down');
        },
      ],
    });
    const error = await failure(kit.invoke('sample.echo', { text: 'a', times: 1 }));
    expect(error).toMatchObject({
      code: 'INTERNAL',
      message: 'metrics backend down',
      connector: 'sample',
      action: 'echo',
      connection: 'sample',
    });
    await using refusing = kitWith({
      middleware: [
        async () => {
          throw new ConnectorError('FORBIDDEN', 'not allowed by policy');
        },
      ],
    });
    expect((await failure(refusing.invoke('sample.echo', { text: 'a', times: 1 }))).code).toBe('FORBIDDEN');
  });

  it('maps a middleware that throws synchronously or returns a plain value', async () => {
    await using throwing = kitWith({
      middleware: [
        () => {
          throw new Error('sync failure');
        },
      ],
    });
    expect(await failure(throwing.invoke('sample.echo', { text: 'a', times: 1 }))).toMatchObject({
      code: 'INTERNAL',
      message: 'sync failure',
      action: 'echo',
    });
    await using plain = kitWith({ middleware: [(() => 'short-circuit') as unknown as Middleware] });
    await expect(plain.invokeDynamic('sample.echo', { text: 'a' })).resolves.toBe('short-circuit');
  });

  it('sees the errors of the invocation', async () => {
    const codes: string[] = [];
    await using kit = kitWith({
      middleware: [
        async (_info, next) => {
          try {
            return await next();
          } catch (error) {
            codes.push((error as ConnectorError).code);
            throw error;
          }
        },
      ],
    });
    await failure(kit.invoke('sample.get', { key: 'missing' }));
    expect(codes).toEqual(['NOT_FOUND']);
  });
});

// ------------------------------------------------------------------ catalog and check

describe('catalog', () => {
  it('lists connectors with their actions, triggers and schemas, and the connections without secrets', async () => {
    await using kit = createKit({
      connectors: [sampleConnector],
      connections: { sample: { connector: 'sample', token: CANARY } },
      logger: { level: 'silent' },
    });
    const catalog = kit.catalog();
    expect(catalog.connectors.map((connector) => connector.name)).toEqual(['sample']);
    const [sample] = catalog.connectors;
    expect(Object.keys(sample?.actions ?? {})).toEqual([
      'put',
      'get',
      'echo',
      'wait',
      'flaky',
      'crash',
      'broken',
    ]);
    expect(Object.keys(sample?.triggers ?? {})).toEqual(['ticks']);
    expect(sample?.actions.get?.input).toMatchObject({
      type: 'object',
      properties: { key: { type: 'string' } },
    });
    expect(sample?.connection).toMatchObject({ properties: { token: { 'x-secret': true } } });
    expect(catalog.connections).toEqual([{ name: 'sample', connector: 'sample' }]);
    expect(JSON.stringify(catalog)).not.toContain(CANARY);
    expect(kit.manifest('sample')).toEqual(manifestOf(sampleConnector));
    expect(kit.manifest('nope')).toBeUndefined();
  });

  it('scrubs configured secrets and credential-named keys with redact', async () => {
    await using kit = createKit({
      connectors: [sampleConnector, countingConnector],
      connections: {
        sample: { connector: 'sample', token: CANARY },
        counting: { connector: 'counting', nested: { apiKey: 'untyped-secret-value' } },
      },
      logger: { level: 'silent' },
    });
    expect(
      kit.redact({ note: `token is ${CANARY}`, other: 'also untyped-secret-value', password: 'x' }),
    ).toEqual({
      note: `token is ${REDACTED}`,
      other: `also ${REDACTED}`,
      password: REDACTED,
    });
  });
});

describe('describeConnection', () => {
  it('returns what the connector reports of the connected service', async () => {
    await using kit = kitWith();
    await kit.invoke('sample.put', { key: 'b', text: 'two' });
    await kit.invoke('sample.put', { key: 'a', text: 'one' });
    await expect(kit.describeConnection('sample')).resolves.toEqual({ region: 'local', notes: ['a', 'b'] });
    expect(SampleClient.connects).toBe(1);
  });

  it('is UNSUPPORTED for a connector without a describe hook, and INVALID_CONFIG for an unknown connection', async () => {
    await using kit = kitWith({ connections: { counting: { connector: 'counting' } } });
    const unsupported = await failure(kit.describeConnection('counting'));
    expect(unsupported).toMatchObject({ code: 'UNSUPPORTED', connection: 'counting', connector: 'counting' });
    expect((await failure(kit.describeConnection('nope'))).code).toBe('INVALID_CONFIG');
  });
});

describe('check', () => {
  it('connects and runs the connector’s check', async () => {
    await using kit = kitWith();
    await expect(kit.check('sample')).resolves.toMatchObject({ connector: 'sample', ok: true });
    expect(SampleClient.connects).toBe(1);
  });

  it('passes when the connector has no check', async () => {
    await using kit = kitWith({ connections: { counting: { connector: 'counting' } } });
    await expect(kit.check('counting')).resolves.toMatchObject({ ok: true });
  });

  it('fails with the check’s error', async () => {
    await using kit = kitWith();
    await kit.check('sample');
    openClient().close();
    const error = await failure(kit.check('sample'));
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'the sample client is closed',
      connection: 'sample',
      connector: 'sample',
    });
  });

  it('fails with the connect error, and for an unknown connection', async () => {
    await using kit = kitWith({ connections: { sample: { connector: 'sample', token: 'wrong-token' } } });
    expect((await failure(kit.check('sample'))).code).toBe('AUTH');
    const unknown = await failure(kit.check('crm'));
    expect(unknown.code).toBe('INVALID_CONFIG');
    expect(unknown.message).toBe("unknown connection 'crm' — configured: sample");
  });

  it('fails with TIMEOUT when the check takes too long, and has no limit with timeoutMs 0', async () => {
    let signal: AbortSignal | undefined;
    const slow = defineConnector({
      ...sampleConnector,
      name: 'slow',
      connection: defineConnection({
        ...sampleConnection,
        check: async (_client, context) => {
          signal = context.signal;
          await pause(30);
          if (context.signal.aborted) throw context.signal.reason;
        },
      }),
    });
    await using kit = createKit({
      connectors: [slow],
      connections: { slow: { connector: 'slow', token: SAMPLE_VALID_TOKEN } },
      logger: { level: 'silent' },
    });
    const error = await failure(kit.check('slow', { timeoutMs: 5 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe("check of connection 'slow' timed out after 5 ms");
    expect(signal?.aborted).toBe(true);
    await expect(kit.check('slow', { timeoutMs: 0 })).resolves.toMatchObject({ ok: true });
  });

  it('fails with CANCELLED when the caller aborts', async () => {
    await using kit = kitWith({
      connections: { sample: { connector: 'sample', token: SAMPLE_VALID_TOKEN, connectDelayMs: 5_000 } },
    });
    const error = await failure(kit.check('sample', { signal: AbortSignal.abort() }));
    expect(error.code).toBe('CANCELLED');
  });
});

// ------------------------------------------------------------------ triggers

describe('triggers', () => {
  function collector(count: number): {
    events: unknown[];
    done: Promise<void>;
    handler: (event: unknown) => Promise<void>;
  } {
    const events: unknown[] = [];
    const finished = deferred();
    return {
      events,
      done: finished.promise,
      handler: async (event) => {
        events.push(event);
        if (events.length === count) finished.resolve();
      },
    };
  }

  it('hands each event to the handler and acknowledges it after the handler succeeded', async () => {
    await using kit = kitWith();
    const received = collector(3);
    const running = await kit.startTrigger('sample.ticks', { count: 3 }, { handler: received.handler });
    expect(running).toMatchObject({ name: 'sample.ticks', connection: 'sample' });
    await received.done;
    await running.stop();
    expect(received.events).toEqual([{ tick: 1 }, { tick: 2 }, { tick: 3 }]);
    expect(openClient().acknowledged).toEqual([1, 2, 3]);
  });

  it('applies config defaults', async () => {
    await using kit = kitWith();
    const received = collector(3);
    const running = await kit.startTriggerDynamic('sample.ticks', undefined, { handler: received.handler });
    await received.done;
    await running.stop();
    expect(received.events).toHaveLength(3);
  });

  it('rejects emit when the handler fails, so the event is not acknowledged', async () => {
    const log = recorder();
    await using kit = kitWith({ logger: { level: 'warn', sink: log.sink } });
    const finished = deferred();
    const running = await kit.startTrigger(
      'sample.ticks',
      { count: 3 },
      {
        handler: async ({ tick }) => {
          if (tick === 3) finished.resolve();
          if (tick === 2) throw new Error('flow failed');
        },
      },
    );
    await finished.promise;
    await running.stop();
    expect(openClient().acknowledged).toEqual([1, 3]);
    const warning = log.lines.find((line) => line.message === 'tick failed; left unacknowledged');
    expect(warning?.fields).toMatchObject({ tick: 2, code: 'INTERNAL', trigger: 'sample.ticks' });
  });

  it('treats a handler that throws synchronously like one that rejects', async () => {
    const log = recorder();
    await using kit = kitWith({ logger: { level: 'warn', sink: log.sink } });
    const finished = deferred();
    const running = await kit.startTrigger(
      'sample.ticks',
      { count: 3 },
      {
        handler: ({ tick }) => {
          if (tick === 3) finished.resolve();
          if (tick === 2) throw new ConnectorError('CONFLICT', 'flow refused it');
          return Promise.resolve();
        },
      },
    );
    await finished.promise;
    await running.stop();
    expect(openClient().acknowledged).toEqual([1, 3]);
    const warning = log.lines.find((line) => line.message === 'tick failed; left unacknowledged');
    expect(warning?.fields).toMatchObject({ tick: 2, code: 'CONFLICT' });
  });

  it('resumes from the position kept in its state', async () => {
    await using kit = kitWith();
    const values = new Map<string, unknown>([['position', 2]]);
    const state = {
      get: async <T>(key: string) => values.get(key) as T | undefined,
      set: async (key: string, value: unknown) => {
        values.set(key, value);
      },
    };
    const received = collector(2);
    const running = await kit.startTrigger(
      'sample.ticks',
      { count: 4 },
      { handler: received.handler, state },
    );
    await received.done;
    await running.stop();
    expect(received.events).toEqual([{ tick: 3 }, { tick: 4 }]);
    expect(values.get('position')).toBe(4);
  });

  it('rejects an invalid config with INVALID_CONFIG listing the issues', async () => {
    await using kit = kitWith();
    const error = await failure(
      kit.startTriggerDynamic(
        'sample.ticks',
        { count: 0, intervalMs: 'often' },
        { handler: async () => undefined },
      ),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.where).toBe('sample.ticks');
    expect(error.issues).toEqual([
      { path: '$.count', message: 'must be >= 1, got 0' },
      { path: '$.intervalMs', message: 'must be an integer, got "often"' },
    ]);
    expect(error.message).toBe(
      'trigger sample.ticks: invalid config — $.count must be >= 1, got 0; $.intervalMs must be an integer, got "often"',
    );
    expect(SampleClient.connects).toBe(0);
  });

  it.each<[string, ErrorCode, string]>([
    ['ticks', 'INVALID_CONFIG', "'ticks' is not a trigger name — expected 'connector.trigger'"],
    [
      'nope.ticks',
      'NOT_FOUND',
      "unknown connector 'nope' in trigger 'nope.ticks' — installed: sample, probe, counting",
    ],
    ['sample.tocks', 'NOT_FOUND', "connector 'sample' has no trigger 'tocks' — it has: ticks"],
    ['counting.ticks', 'NOT_FOUND', "connector 'counting' has no trigger 'ticks'"],
  ])('rejects the trigger %j with %s', async (name, code, message) => {
    await using kit = kitWith();
    const error = await failure(kit.startTriggerDynamic(name, {}, { handler: async () => undefined }));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });

  it('rejects an event that breaks the trigger’s schema with INVALID_OUTPUT', async () => {
    await using kit = kitWith();
    const events: unknown[] = [];
    const running = await kit.startTrigger(
      'probe.manual',
      {},
      {
        handler: async (event) => {
          events.push(event);
        },
      },
    );
    const emit = manualEmit as (event: unknown) => Promise<void>;
    const error = await failure(emit({ tick: 'one' }));
    expect(error.code).toBe('INVALID_OUTPUT');
    expect(error.issues).toEqual([{ path: '$.tick', message: 'must be an integer, got "one"' }]);
    await emit({ tick: 1 });
    expect(events).toEqual([{ tick: 1 }]);
    await running.stop();
  });

  it('waits for in-flight events when stopping', async () => {
    await using kit = kitWith();
    const release = deferred();
    const started = deferred();
    const running = await kit.startTrigger(
      'sample.ticks',
      { count: 1 },
      {
        handler: async () => {
          started.resolve();
          await release.promise;
        },
      },
    );
    await started.promise;
    let stopped = false;
    const stopping = running.stop().then(() => {
      stopped = true;
    });
    await pause(10);
    expect(stopped).toBe(false);
    release.resolve();
    await stopping;
    expect(stopped).toBe(true);
    expect(openClient().acknowledged).toEqual([1]);
    await running.stop();
  });

  it('rejects events emitted after the trigger stopped with CANCELLED, without handling them', async () => {
    await using kit = kitWith();
    const events: unknown[] = [];
    const running = await kit.startTrigger(
      'probe.manual',
      {},
      {
        handler: async (event) => {
          events.push(event);
        },
      },
    );
    await running.stop();
    const error = await failure((manualEmit as (event: unknown) => Promise<void>)({ tick: 1 }));
    expect(error.code).toBe('CANCELLED');
    expect(events).toEqual([]);
  });

  it('is stopped by close(), which then disconnects', async () => {
    const kit = kitWith();
    const received = collector(1);
    await kit.startTrigger(
      'sample.ticks',
      { count: 1_000, intervalMs: 60_000 },
      { handler: received.handler },
    );
    await received.done;
    await kit.close();
    expect(received.events).toEqual([{ tick: 1 }]);
    expect(SampleClient.disconnects).toBe(1);
  });

  it('stops a trigger that finished starting after close() began, and rejects with CANCELLED', async () => {
    const release = deferred();
    const subscribing = deferred();
    let stops = 0;
    const slow = defineConnector({
      ...probe,
      name: 'slow',
      triggers: {
        later: defineTrigger({
          connection: sampleConnection,
          description: 'Takes a while to subscribe.',
          config: Type.Object({}),
          event: Type.Object({}),
          delivery: 'at-most-once',
          start: async () => {
            subscribing.resolve();
            await release.promise;
            return () => {
              stops++;
            };
          },
        }),
      },
    });
    const kit = createKit({
      connectors: [slow],
      connections: { slow: { connector: 'slow', token: SAMPLE_VALID_TOKEN } },
      logger: { level: 'silent' },
    });
    const starting = kit.startTriggerDynamic('slow.later', {}, { handler: async () => undefined });
    await subscribing.promise;
    const closing = kit.close();
    release.resolve();
    const error = await failure(starting);
    await closing;
    expect(error.code).toBe('CANCELLED');
    expect(stops).toBe(1);
  });

  it('logs a trigger whose stop fails, and still closes', async () => {
    const log = recorder();
    const sticky = defineConnector({
      ...probe,
      name: 'sticky',
      triggers: {
        stuck: defineTrigger({
          connection: sampleConnection,
          description: 'Cannot unsubscribe.',
          config: Type.Object({}),
          event: Type.Object({}),
          delivery: 'at-most-once',
          start: () => () => {
            throw new Error('unsubscribe failed');
          },
        }),
      },
    });
    const kit = createKit({
      connectors: [sticky],
      connections: { sticky: { connector: 'sticky', token: SAMPLE_VALID_TOKEN } },
      logger: { level: 'warn', sink: log.sink },
    });
    await kit.startTriggerDynamic('sticky.stuck', {}, { handler: async () => undefined });
    await expect(kit.close()).resolves.toBeUndefined();
    expect(log.lines.map((line) => [line.message, line.fields.trigger])).toEqual([
      ['trigger stop failed', 'sticky.stuck'],
    ]);
    expect(SampleClient.disconnects).toBe(1);
  });

  it('maps an error thrown by start', async () => {
    const failing = defineConnector({
      ...probe,
      name: 'failing',
      triggers: {
        broken: defineTrigger({
          connection: sampleConnection,
          description: 'Cannot start.',
          config: Type.Object({}),
          event: Type.Object({}),
          delivery: 'at-most-once',
          start: () => {
            throw Object.assign(new Error('subscribe failed'), { code: 'ECONNRESET' });
          },
        }),
      },
    });
    await using kit = createKit({
      connectors: [failing],
      connections: { failing: { connector: 'failing', token: SAMPLE_VALID_TOKEN } },
      logger: { level: 'silent' },
    });
    const error = await failure(
      kit.startTriggerDynamic('failing.broken', {}, { handler: async () => undefined }),
    );
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      connector: 'failing',
      action: 'broken',
      connection: 'failing',
    });
  });
});

// ------------------------------------------------------------------ lazy sources

describe('connectors from sources', () => {
  function source(definition: AnyConnectorDefinition, load?: () => Promise<AnyConnectorDefinition>) {
    const counter = { loads: 0 };
    const result: ConnectorSource = {
      manifest: manifestOf(definition),
      origin: `package @acme/connector-${definition.name}`,
      load: async () => {
        counter.loads++;
        return load === undefined ? definition : load();
      },
    };
    return { source: result, counter };
  }

  it('lists a source without loading it, and loads it once on first use', async () => {
    const { source: sample, counter } = source(sampleConnector);
    await using kit = createKit({ sources: [sample], connections: SAMPLE, logger: { level: 'silent' } });
    expect(kit.catalog().connectors.map((connector) => connector.name)).toEqual(['sample']);
    expect(counter.loads).toBe(0);
    await Promise.all([
      kit.invokeDynamic('sample.echo', { text: 'a' }),
      kit.invokeDynamic('sample.put', { key: 'a', text: 'b' }),
    ]);
    await kit.invokeDynamic('sample.get', { key: 'a' });
    expect(counter.loads).toBe(1);
    await kit.close();
    expect(SampleClient.disconnects).toBe(1);
  });

  it('prefers a connector given in code over a source of the same name', async () => {
    const { source: sample, counter } = source(sampleConnector);
    await using kit = createKit({
      connectors: [sampleConnector],
      sources: [sample],
      connections: SAMPLE,
      logger: { level: 'silent' },
    });
    await kit.invoke('sample.echo', { text: 'a', times: 1 });
    expect(counter.loads).toBe(0);
  });

  it('reports a source that cannot be loaded with INTERNAL, and tries again on the next call', async () => {
    let attempts = 0;
    const { source: sample } = source(sampleConnector, async () => {
      attempts++;
      if (attempts === 1) throw new Error('Cannot find module @acme/sdk');
      return sampleConnector;
    });
    await using kit = createKit({ sources: [sample], connections: SAMPLE, logger: { level: 'silent' } });
    const error = await failure(kit.invokeDynamic('sample.echo', { text: 'a' }));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('could not load package @acme/connector-sample: Cannot find module @acme/sdk');
    await expect(kit.invokeDynamic('sample.echo', { text: 'a' })).resolves.toEqual({ text: 'a' });
  });

  it('reports a source whose code exports another connector', async () => {
    const { source: sample } = source(sampleConnector, async () => probe);
    await using kit = createKit({ sources: [sample], connections: SAMPLE, logger: { level: 'silent' } });
    const error = await failure(kit.invokeDynamic('sample.echo', { text: 'a' }));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain("did not export connector 'sample' as its default export");
  });

  it('reports an action listed in the manifest but missing from the code', async () => {
    const { actions, ...rest } = sampleConnector;
    const { echo: _echo, ...withoutEcho } = actions;
    const { source: sample } = source(sampleConnector, async () => ({ ...rest, actions: withoutEcho }));
    await using kit = createKit({ sources: [sample], connections: SAMPLE, logger: { level: 'silent' } });
    const error = await failure(kit.invokeDynamic('sample.echo', { text: 'a' }));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe(
      "connector 'sample' lists action 'echo' in its manifest but its code does not define it — rebuild the connector",
    );
  });

  it('refuses a source whose manifest uses an unknown contract', () => {
    const { source: sample } = source(sampleConnector);
    const future = { ...sample, manifest: { ...sample.manifest, contract: 99 } };
    expect(() => createKit({ sources: [future] })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});

// ------------------------------------------------------------------ secrets

describe('secrets', () => {
  function printed(error: ConnectorError): string[] {
    return [
      error.message,
      String(error.stack),
      JSON.stringify(error),
      inspect(error, { depth: 10 }),
      inspect(error, { depth: 10, showHidden: true }),
      String(error),
    ];
  }

  it('never shows a rejected token: not in the error, its stack, JSON, inspect, nor any log line', async () => {
    const log = recorder();
    await using kit = createKit({
      connectors: [sampleConnector],
      connections: { sample: { connector: 'sample', token: CANARY } },
      logger: { level: 'debug', sink: log.sink },
    });
    const invoke = await failure(kit.invoke('sample.get', { key: 'a' }));
    expect(invoke.code).toBe('AUTH');
    expect(invoke.message).toContain(REDACTED);
    const check = await failure(kit.check('sample'));
    expect(check.code).toBe('AUTH');
    for (const error of [invoke, check]) {
      for (const text of printed(error)) expect(text).not.toContain(CANARY);
    }
    expect(JSON.stringify(log.lines)).not.toContain(CANARY);
  });

  it('never shows a token in the log lines of retries or in connect errors of another kind', async () => {
    const log = recorder();
    const leaky = defineConnection({
      ...sampleConnection,
      connect: (config) => {
        throw Object.assign(new Error(`connect ECONNRESET with ${Redacted.reveal(config.token)}`), {
          code: 'ECONNRESET',
          url: `https://api.test/?token=${encodeURIComponent(Redacted.reveal(config.token))}`,
        });
      },
    });
    const leakyConnector = defineConnector({ ...sampleConnector, name: 'leaky', connection: leaky });
    await using kit = createKit({
      connectors: [leakyConnector],
      connections: { leaky: { connector: 'leaky', token: CANARY } },
      logger: { level: 'debug', sink: log.sink },
      defaults: { retry: { initialDelayMs: 1, maxDelayMs: 1 } },
    });
    const error = await failure(kit.invokeDynamic('leaky.get', { key: 'a' }));
    expect(error.code).toBe('UNAVAILABLE');
    expect(log.lines.filter((line) => line.message === 'retrying after a retryable failure')).toHaveLength(2);
    for (const text of printed(error)) expect(text).not.toContain(CANARY);
    expect(JSON.stringify(log.lines)).not.toContain(CANARY);
  });

  it('redacts what an action logs', async () => {
    const log = recorder();
    const chatty = defineConnector({
      ...sampleConnector,
      name: 'chatty',
      actions: {
        speak: defineAction({
          connection: sampleConnection,
          description: 'Logs carelessly.',
          input: Type.Object({ text: Type.String() }),
          output: Type.Object({}),
          run: ({ text }, { log: logger }) => {
            logger.info(`saying ${text}`, { authorization: 'Bearer abc', text });
            return {};
          },
        }),
      },
    });
    await using kit = createKit({
      connectors: [chatty],
      connections: { chatty: { connector: 'chatty', token: SAMPLE_VALID_TOKEN } },
      logger: { level: 'info', sink: log.sink },
    });
    await kit.invokeDynamic('chatty.speak', { text: `the token is ${SAMPLE_VALID_TOKEN}` });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]?.message).toBe(`saying the token is ${REDACTED}`);
    expect(log.lines[0]?.fields).toMatchObject({
      action: 'chatty.speak',
      attempt: 1,
      authorization: REDACTED,
      text: `the token is ${REDACTED}`,
    });
  });

  it('redacts the lines given to a logger of the caller’s own', async () => {
    const lines: string[] = [];
    const own: Logger = {
      debug: (message, fields) => lines.push(JSON.stringify({ message, fields })),
      info: (message, fields) => lines.push(JSON.stringify({ message, fields })),
      warn: (message, fields) => lines.push(JSON.stringify({ message, fields })),
      error: (message, fields) => lines.push(JSON.stringify({ message, fields })),
      child: () => own,
    };
    await using kit = createKit({
      connectors: [sampleConnector],
      connections: { sample: { connector: 'sample', token: CANARY } },
      logger: own,
      defaults: { retry: { initialDelayMs: 1 } },
    });
    kit.log.warn(`token ${CANARY}`, { detail: CANARY });
    await failure(kit.invoke('sample.get', { key: 'a' }));
    expect(lines).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(CANARY);
  });

  it('never echoes a secret in a connection settings error', async () => {
    await using kit = createKit({
      connectors: [sampleConnector],
      connections: { sample: { connector: 'sample', token: CANARY, region: 7 } },
      logger: { level: 'silent' },
    });
    const error = await failure(kit.invoke('sample.get', { key: 'a' }));
    expect(error.code).toBe('INVALID_CONFIG');
    for (const text of printed(error)) expect(text).not.toContain(CANARY);
  });
});
