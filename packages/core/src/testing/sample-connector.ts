import { Type } from '@sinclair/typebox';
import { defineAction, defineConnection, defineConnector, defineTrigger } from '../define.js';
import { ConnectorError, ERROR_CODES, type ErrorCode } from '../errors.js';
import { Redacted, Secret } from '../redaction.js';

/**
 * The in-memory service behind the sample connector: a note store with a bearer token.
 * It stands in for an SDK client in core's own tests and in the conformance suite's tests.
 */
export class SampleClient {
  static connects = 0;
  static disconnects = 0;
  static readonly open = new Set<SampleClient>();

  readonly notes = new Map<string, string>();
  readonly failures = new Map<string, number>();
  readonly acknowledged: number[] = [];
  closed = false;

  constructor(readonly region: string) {
    SampleClient.connects++;
    SampleClient.open.add(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    SampleClient.disconnects++;
    SampleClient.open.delete(this);
  }

  static reset(): void {
    SampleClient.connects = 0;
    SampleClient.disconnects = 0;
    SampleClient.open.clear();
  }
}

/** The token the sample service accepts. */
export const SAMPLE_VALID_TOKEN = 'sample-valid-token';

export const sampleConnection = defineConnection({
  config: Type.Object({
    token: Secret({ description: 'Bearer token of the sample service' }),
    region: Type.String({ default: 'local', description: 'Region label' }),
    connectDelayMs: Type.Integer({ default: 0, minimum: 0, description: 'Simulated connect latency' }),
  }),
  connect: async (config, ctx) => {
    if (config.connectDelayMs > 0) await delay(config.connectDelayMs, ctx.signal);
    const token = Redacted.reveal(config.token);
    if (token === 'unreachable')
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    if (token !== SAMPLE_VALID_TOKEN) {
      // A careless SDK echoes the credential; the kit must scrub it.
      throw new ConnectorError('AUTH', `token '${token}' was rejected by the sample service`, {
        status: 401,
      });
    }
    return new SampleClient(config.region);
  },
  disconnect: (client) => client.close(),
  check: (client) => {
    if (client.closed) throw new ConnectorError('UNAVAILABLE', 'the sample client is closed');
  },
  describe: (client) => ({ region: client.region, notes: [...client.notes.keys()].sort() }),
});

const Note = Type.Object({ key: Type.String({ minLength: 1 }), text: Type.String() });

export const put = defineAction({
  connection: sampleConnection,
  title: 'Put note',
  description: 'Stores a note under a key, replacing any previous one.',
  input: Note,
  output: Type.Object({ key: Type.String(), created: Type.Boolean() }),
  idempotent: true,
  examples: [
    {
      title: 'Store a greeting',
      input: { key: 'greeting', text: 'hello' },
      output: { key: 'greeting', created: true },
    },
  ],
  run: async ({ key, text }, { client }) => {
    const created = !client.notes.has(key);
    client.notes.set(key, text);
    return { key, created };
  },
});

export const get = defineAction({
  connection: sampleConnection,
  title: 'Get note',
  description: 'Reads a note; NOT_FOUND when the key holds none.',
  input: Type.Object({ key: Type.String({ minLength: 1 }) }),
  output: Note,
  idempotent: true,
  examples: [{ input: { key: 'greeting' } }],
  run: async ({ key }, { client }) => {
    const text = client.notes.get(key);
    if (text === undefined) throw new ConnectorError('NOT_FOUND', `no note under key '${key}'`);
    return { key, text };
  },
});

export const echo = defineAction({
  connection: sampleConnection,
  description: 'Returns its input, repeated; a no-op used by benchmarks.',
  input: Type.Object({
    text: Type.String(),
    times: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 1 })),
    tags: Type.Optional(Type.Array(Type.String(), { maxItems: 5 })),
  }),
  output: Type.Object({ text: Type.String() }),
  idempotent: true,
  examples: [{ input: { text: 'hi', times: 2 }, output: { text: 'hihi' } }],
  run: async ({ text, times }) => ({ text: text.repeat(times ?? 1) }),
});

export const wait = defineAction({
  connection: sampleConnection,
  description: 'Waits for a while, ending early when its signal aborts — for timeout and cancellation tests.',
  input: Type.Object({ ms: Type.Integer({ minimum: 0 }), ignoreSignal: Type.Optional(Type.Boolean()) }),
  output: Type.Object({ waitedMs: Type.Integer() }),
  idempotent: true,
  run: async ({ ms, ignoreSignal }, { signal }) => {
    await delay(ms, ignoreSignal === true ? undefined : signal);
    return { waitedMs: ms };
  },
});

export const flaky = defineAction({
  connection: sampleConnection,
  description: 'Fails with the given code a number of times per key, then succeeds.',
  input: Type.Object({
    key: Type.String(),
    failures: Type.Integer({ minimum: 0 }),
    code: Type.Optional(Type.Union(Object.keys(ERROR_CODES).map((code) => Type.Literal(code)))),
    retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  output: Type.Object({ attempts: Type.Integer() }),
  run: async ({ key, failures, code, retryAfterMs }, { client, attempt }) => {
    const seen = (client.failures.get(key) ?? 0) + 1;
    client.failures.set(key, seen);
    if (seen <= failures) {
      throw new ConnectorError(
        (code ?? 'UNAVAILABLE') as ErrorCode,
        `simulated failure ${seen} of ${failures}`,
        {
          retryAfterMs,
        },
      );
    }
    return { attempts: attempt };
  },
});

export const crash = defineAction({
  connection: sampleConnection,
  description: 'Throws a plain Error (or a network error), as a buggy SDK would.',
  input: Type.Object({ message: Type.String(), networkCode: Type.Optional(Type.String()) }),
  output: Type.Object({}),
  run: async ({ message, networkCode }) => {
    throw networkCode === undefined
      ? new Error(message)
      : Object.assign(new Error(message), { code: networkCode });
  },
});

export const broken = defineAction({
  connection: sampleConnection,
  description: 'Returns output that breaks its own schema.',
  input: Type.Object({}),
  output: Type.Object({ count: Type.Integer() }),
  // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong output for tests.
  run: async () => ({ count: 'many' }) as any,
});

export const ticks = defineTrigger({
  connection: sampleConnection,
  description:
    'Emits `count` numbered ticks, one at a time; acknowledges each only after its flow succeeded (at-least-once).',
  config: Type.Object({
    count: Type.Integer({ minimum: 1, default: 3 }),
    intervalMs: Type.Integer({ minimum: 0, default: 0 }),
  }),
  event: Type.Object({ tick: Type.Integer() }),
  delivery: 'at-least-once',
  start: (config, ctx) => {
    const done = (async () => {
      for (let tick = 1; tick <= config.count && !ctx.signal.aborted; tick++) {
        const position = (await ctx.state.get<number>('position')) ?? 0;
        if (tick <= position) continue;
        try {
          await ctx.emit({ tick });
          ctx.client.acknowledged.push(tick);
          await ctx.state.set('position', tick);
        } catch (error) {
          const code = error instanceof ConnectorError ? error.code : 'INTERNAL';
          // A tick declined because the runtime is stopping is the graceful stop at work, not a failure.
          if (code === 'CANCELLED') ctx.log.debug('tick left unacknowledged: stopping', { tick });
          else ctx.log.warn('tick failed; left unacknowledged', { tick, code });
        }
        if (config.intervalMs > 0) await delay(config.intervalMs, ctx.signal).catch(() => undefined);
      }
    })();
    return () => done;
  },
});

/** An in-memory connector exercising every path of the contract. */
export const sampleConnector = defineConnector({
  contract: 1,
  name: 'sample',
  title: 'Sample',
  description: 'An in-memory note service used to test Connector Kit itself.',
  version: '0.1.0',
  connection: sampleConnection,
  actions: { put, get, echo, wait, flaky, crash, broken },
  triggers: { ticks },
});

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
