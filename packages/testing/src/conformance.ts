import { type AsyncHook, createHook } from 'node:async_hooks';
import { inspect } from 'node:util';
import {
  type AnyActionDefinition,
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
import { describe, expect, it } from 'vitest';

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
   * A call that takes several seconds unless aborted (three at least): used to check that
   * timeouts and cancellation end it, and that the action's own work stops. Omit only when no
   * action can be made slow.
   */
  readonly slow?: ConformanceCall;
  /** Run the declared examples whose input can run against `connection`. Default: false. */
  readonly runExamples?: boolean;
}

/** A recognisable secret value for tests: it must never appear in any output. */
export const CANARY_SECRET = 'ck-canary-5f1d2b9e-secret';

/** The checks of the suite, in the order they run; those whose fixture is not given are left out. */
export const CONFORMANCE_CHECK_IDS = [
  'manifest',
  'descriptions',
  'secret-fields',
  'examples-validate',
  'examples-run',
  'connection-check',
  'invalid-input',
  'failing-call',
  'bad-credentials',
  'timeout',
  'abort',
  'close',
] as const;

/** The id of one check: `conformanceChecks(options).find((check) => check.id === id)`. */
export type ConformanceCheckId = (typeof CONFORMANCE_CHECK_IDS)[number];

/** One check of the suite, runnable on its own. */
export interface ConformanceCheck {
  readonly id: ConformanceCheckId;
  /** What the check proves; the title of its vitest test. */
  readonly title: string;
  /** Resolves when the connector passes; rejects with an assertion error saying what is wrong. */
  run(): Promise<void>;
}

/** How long a timed-out or cancelled call may take to end, counted from the deadline or the abort. */
const CALL_END_BOUND_MS = 1_000;
/** How long the action's own work may go on after the call ended. */
const WORK_STOP_BOUND_MS = 1_000;
/** How long sockets and timers get to close after the call ended or `close()` resolved. */
const RELEASE_BOUND_MS = 2_000;
const SLOW_TIMEOUT_MS = 150;
const SLOW_ABORT_AFTER_MS = 100;

/**
 * Registers the conformance suite for a connector in the calling vitest file: one test per
 * check of `conformanceChecks`.
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
  describe(`conformance: connector '${options.connector.name}'`, () => {
    for (const check of conformanceChecks(options)) it(check.title, () => check.run());
  });
}

/**
 * The checks of the conformance suite as functions, for running them outside
 * `describeConformance` (the suite's own tests prove that each one fails a bad connector).
 * `options` is read when a check runs, so fixtures may be filled in by a `beforeAll`.
 *
 * @example
 * const close = conformanceChecks(options).find((check) => check.id === 'close');
 * await expect(close?.run()).rejects.toThrow(/left open/);
 */
export function conformanceChecks(options: ConformanceOptions): readonly ConformanceCheck[] {
  const { connector } = options;
  const checks: ConformanceCheck[] = [];
  const add = (id: ConformanceCheckId, title: string, run: () => void | Promise<void>): void => {
    checks.push({ id, title, run: async () => run() });
  };

  add('manifest', 'has a valid manifest: contract, names, descriptions and compilable schemas', () => {
    const manifest: ConnectorManifest = manifestOf(connector);
    expect(() => assertValidManifest(manifest)).not.toThrow();
    expect(manifest.title.length).toBeGreaterThan(0);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(manifest.actions).length).toBeGreaterThan(0);
  });

  add('descriptions', 'describes every action and trigger, with object schemas', () => {
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

  add('secret-fields', 'marks credentials as secrets in its connection schema', () => {
    const manifest = manifestOf(connector);
    const text = JSON.stringify(manifest.connection);
    for (const key of credentialKeys(manifest.connection)) {
      expect(text, `connection field '${key}' looks like a credential but is not Secret()`).toContain(
        'x-secret',
      );
    }
  });

  add('examples-validate', 'declares examples that validate against the action schemas', () => {
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
    add('examples-run', 'runs its declared examples and produces the declared outputs', () =>
      withKit(connector, options.connection, async (kit) => {
        for (const [name, action] of Object.entries(manifestOf(connector).actions)) {
          for (const example of action.examples) {
            const output = await kit.invokeDynamic(`${connector.name}.${name}`, example.input);
            if (example.output !== undefined)
              expect(output, `action ${name}: example output`).toEqual(example.output);
          }
        }
      }),
    );
  }

  add('connection-check', 'connects and passes its connection check', () =>
    withKit(connector, options.connection, async (kit) => {
      const result = await kit.check('subject');
      expect(result.ok).toBe(true);
    }),
  );

  add('invalid-input', 'rejects invalid input with INVALID_INPUT naming the action and a path', () =>
    withKit(connector, options.connection, async (kit) => {
      const [name, action] = Object.entries(manifestOf(connector).actions)[0] ?? [];
      if (name === undefined || action === undefined) throw new Error('connector has no actions');
      const error = await kit
        .invokeDynamic(`${connector.name}.${name}`, 42)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code).toBe('INVALID_INPUT');
      expect((error as ConnectorError).action).toBe(name);
      expect((error as ConnectorError).path).toBe('$');
    }),
  );

  if (options.failing !== undefined) {
    const failing = options.failing;
    add(
      'failing-call',
      `surfaces a failing call as a ConnectorError${failing.code === undefined ? '' : ` (${failing.code})`}`,
      () =>
        withKit(connector, options.connection, async (kit) => {
          const error = await kit
            .invokeDynamic(`${connector.name}.${failing.action}`, failing.input, { retry: false })
            .catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(ConnectorError);
          const { code, cause } = error as ConnectorError;
          // INTERNAL is the kit's fallback for what nobody mapped: the connector let a raw error through.
          if (failing.code !== 'INTERNAL') {
            expect(
              code,
              `action ${failing.action} failed with something it did not map (${String(cause)}): throw a ConnectorError or map it in mapError`,
            ).not.toBe('INTERNAL');
          }
          if (failing.code !== undefined) expect(code).toBe(failing.code);
          expect((error as ConnectorError).connector).toBe(connector.name);
        }),
    );
  }

  if (options.badCredentials !== undefined) {
    const bad = options.badCredentials;
    add('bad-credentials', 'fails authentication with a typed error that never echoes the secret', () => {
      expect(JSON.stringify(bad), 'badCredentials must contain CANARY_SECRET').toContain(CANARY_SECRET);
      return withKit(connector, bad, async (kit) => {
        const error = await kit.check('subject').catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConnectorError);
        expect((error as ConnectorError).code).toBe(options.badCredentialsCode ?? 'AUTH');
        for (const text of errorTexts(error))
          expect(text, 'the authentication error shows the secret').not.toContain(CANARY_SECRET);
      });
    });
  }

  if (options.slow !== undefined) {
    const slow = options.slow;
    add('timeout', "ends a slow call on timeout with TIMEOUT, and the action's work stops", () =>
      endSlowCall(options, slow, 'timeout'),
    );
    add('abort', "ends a slow call on abort with CANCELLED, and the action's work stops", () =>
      endSlowCall(options, slow, 'abort'),
    );
  }

  add('close', 'close() releases every socket and timer it opened and is safe to call twice', async () => {
    const watch = new ResourceWatch(['socket', 'timer']);
    try {
      const kit = openKit(connector, options.connection);
      await kit.check('subject');
      await kit.close();
      await kit.close();
      watch.freeze();
      const left = await watch.openAfter(RELEASE_BOUND_MS);
      expect(left, `after close() the connector left open: ${left.join(', ')}`).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  return checks;
}

/**
 * Ends the slow call twice, by a deadline or by an abort. Each time the call must end with
 * the right code within a bound, and the action's own `run` must settle soon after — the work
 * stopped, not just the wait for it. The second time, every socket opened during the call
 * must be closed once it ended; the first call may leave sockets that the connector keeps in
 * its pool for later calls.
 */
async function endSlowCall(
  options: ConformanceOptions,
  slow: ConformanceCall,
  how: 'timeout' | 'abort',
): Promise<void> {
  const observed = observeAction(options.connector, slow.action);
  const name = `${options.connector.name}.${slow.action}`;
  await withKit(observed.connector, options.connection, async (kit) => {
    await kit.check('subject');
    for (const round of [1, 2]) {
      const watch = round === 2 ? new ResourceWatch(['socket']) : undefined;
      try {
        const runsBefore = observed.runs.length;
        const started = performance.now();
        let endedAt = started + SLOW_TIMEOUT_MS;
        const controller = new AbortController();
        const aborting =
          how === 'abort'
            ? setTimeout(() => {
                endedAt = performance.now();
                controller.abort();
              }, SLOW_ABORT_AFTER_MS)
            : undefined;
        const error = await kit
          .invokeDynamic(name, slow.input, {
            retry: false,
            ...(how === 'timeout' ? { timeoutMs: SLOW_TIMEOUT_MS } : { signal: controller.signal }),
          })
          .catch((caught: unknown) => caught)
          .finally(() => clearTimeout(aborting));
        const callEndedMs = performance.now() - endedAt;
        expect(error, `the slow call of ${name} did not fail`).toBeInstanceOf(ConnectorError);
        expect((error as ConnectorError).code).toBe(how === 'timeout' ? 'TIMEOUT' : 'CANCELLED');
        expect(callEndedMs, `the call ended ${Math.round(callEndedMs)} ms after the ${how}`).toBeLessThan(
          CALL_END_BOUND_MS,
        );
        const run = observed.runs[runsBefore];
        if (run === undefined) throw new Error(`the slow call never reached the run of ${name}`);
        expect(run.signal.aborted, `the signal of ${name} was not aborted`).toBe(true);
        const stopped = await settlesWithin(run.settled, WORK_STOP_BOUND_MS);
        expect(
          stopped,
          `${name} was still running ${WORK_STOP_BOUND_MS} ms after the call ended on ${how}: its run ignores ctx.signal — pass the signal to the SDK, or end the request when it aborts`,
        ).toBe(true);
        if (watch !== undefined) {
          watch.freeze();
          const left = await watch.openAfter(RELEASE_BOUND_MS);
          expect(left, `after the ${how} ${name} left open: ${left.join(', ')}`).toEqual([]);
        }
      } finally {
        watch?.stop();
      }
    }
  });
}

/** One call of an observed action: the signal it was given and when its own work settled. */
interface ObservedRun {
  readonly signal: AbortSignal;
  readonly settled: Promise<void>;
}

/** A copy of the connector whose action `name` records each run; the connector itself is untouched. */
function observeAction(
  connector: AnyConnectorDefinition,
  name: string,
): { readonly connector: AnyConnectorDefinition; readonly runs: ObservedRun[] } {
  const actions = connector.actions as Readonly<Record<string, AnyActionDefinition>>;
  const action = actions[name];
  if (action === undefined) throw new Error(`slow.action '${name}' is not an action of '${connector.name}'`);
  const runs: ObservedRun[] = [];
  const observed: AnyActionDefinition = {
    ...action,
    run: (input, context) => {
      const signal = context.signal;
      const result = action.run(input, context);
      const settled = Promise.resolve(result).then(
        () => undefined,
        () => undefined,
      );
      runs.push({ signal, settled });
      return result;
    },
  };
  return { connector: { ...connector, actions: { ...actions, [name]: observed } }, runs };
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), late]).finally(() => clearTimeout(timer));
}

function openKit(connector: AnyConnectorDefinition, connection: Readonly<Record<string, unknown>>): Kit {
  return createKit({
    connectors: [connector],
    connections: { subject: { ...connection, connector: connector.name } as ConnectionConfig },
    logger: { level: 'silent' },
  }) as unknown as Kit;
}

async function withKit(
  connector: AnyConnectorDefinition,
  connection: Readonly<Record<string, unknown>>,
  use: (kit: Kit) => Promise<void>,
): Promise<void> {
  const kit = openKit(connector, connection);
  try {
    await use(kit);
  } finally {
    await kit.close();
  }
}

type ResourceKind = 'socket' | 'timer';

const RESOURCE_KINDS: Readonly<Record<string, ResourceKind>> = {
  TCPWRAP: 'socket',
  PIPEWRAP: 'socket',
  UDPWRAP: 'socket',
  Timeout: 'timer',
};

/**
 * Notes the sockets and timers created while it watches, and tells which of them are still
 * open and keep the process alive (ref'ed) — the ones `process.getActiveResourcesInfo()`
 * lists. Following the resources themselves, rather than counting all of the process's,
 * keeps out what vitest or an in-process test server opened or closed meanwhile.
 */
class ResourceWatch {
  private readonly created = new Map<number, { kind: ResourceKind; resource: unknown }>();
  private watching = true;
  private readonly hook: AsyncHook;

  constructor(kinds: readonly ResourceKind[]) {
    this.hook = createHook({
      init: (asyncId, type, _triggerAsyncId, resource) => {
        const kind = RESOURCE_KINDS[type];
        if (this.watching && kind !== undefined && kinds.includes(kind))
          this.created.set(asyncId, { kind, resource });
      },
      destroy: (asyncId) => {
        this.created.delete(asyncId);
      },
    }).enable();
  }

  /** Stops noting new resources; those already noted are followed until they close. */
  freeze(): void {
    this.watching = false;
  }

  /** What is still open once everything had `withinMs` to close (sockets close a few turns after `end()`). */
  async openAfter(withinMs: number): Promise<string[]> {
    const deadline = performance.now() + withinMs;
    while (this.open().length > 0 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return this.open();
  }

  stop(): void {
    this.hook.disable();
  }

  private open(): string[] {
    const found: string[] = [];
    const connections = new Map<string, number>();
    for (const [asyncId, { kind, resource }] of this.created) {
      const ends = kind === 'socket' ? endpoints(resource) : undefined;
      if (ends !== undefined) connections.set(`${ends.local} ${ends.peer}`, asyncId);
    }
    for (const [asyncId, { kind, resource }] of this.created) {
      const hasRef = (resource as { hasRef?: () => boolean }).hasRef;
      if (typeof hasRef !== 'function' || !hasRef.call(resource)) continue;
      if (kind === 'timer') {
        found.push(describeTimer(resource));
        continue;
      }
      const ends = endpoints(resource);
      // A connection to a server in this process (a test server) has both ends here: the client
      // end, created first, is the connector's; the accepted end belongs to the server.
      const clientEnd = ends === undefined ? undefined : connections.get(`${ends.peer} ${ends.local}`);
      if (clientEnd !== undefined && clientEnd < asyncId) continue;
      found.push(ends === undefined ? 'a socket' : `a socket from ${ends.local} to ${ends.peer}`);
    }
    return found;
  }
}

function describeTimer(resource: unknown): string {
  // Node's Timeout keeps its period in these fields; they only make the message specific.
  const timer = resource as { _idleTimeout?: number; _repeat?: number | null };
  return `${typeof timer._repeat === 'number' ? 'an interval' : 'a timer'} of ${timer._idleTimeout ?? '?'} ms`;
}

/** The two ends of a connected TCP handle, as `address:port`. */
function endpoints(resource: unknown): { local: string; peer: string } | undefined {
  const handle = resource as {
    getsockname?: (out: Endpoint) => unknown;
    getpeername?: (out: Endpoint) => unknown;
  };
  const local: Endpoint = {};
  const peer: Endpoint = {};
  handle.getsockname?.(local);
  handle.getpeername?.(peer);
  if (local.port === undefined || peer.port === undefined) return undefined;
  return { local: `${local.address}:${local.port}`, peer: `${peer.address}:${peer.port}` };
}

interface Endpoint {
  address?: string;
  port?: number;
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
