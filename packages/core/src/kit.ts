import { randomUUID } from 'node:crypto';
import type { Static, TSchema } from '@sinclair/typebox';
import { DeadlineQueue, type Epoch, type Expirable } from './deadlines.js';
import type {
  ActionContext,
  AnyActionDefinition,
  AnyConnectorDefinition,
  AnyTriggerDefinition,
  ConnectorDefinition,
  TriggerState,
} from './define.js';
import { ConnectorError, isConnectorError, toConnectorError } from './errors.js';
import { createLogger, type Logger, type LoggerOptions, redactingLogger } from './log.js';
import { assertValidManifest, type ConnectorManifest, manifestOf } from './manifest.js';
import { isSensitiveKey, Redactor, wrapSecrets } from './redaction.js';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy, resolveRetry, sleep } from './retry.js';
import { compileValidator, type Validator } from './validation.js';

/** A named connection: which connector, and its configuration (secrets as plain strings). */
export interface ConnectionConfig {
  readonly connector: string;
  readonly [key: string]: unknown;
}

/**
 * A connector known by its manifest whose code loads on first use — what discovery yields,
 * so that listing never imports an SDK.
 */
export interface ConnectorSource {
  readonly manifest: ConnectorManifest;
  /** Where it came from (package name and folder), for messages. */
  readonly origin: string;
  load(): Promise<AnyConnectorDefinition>;
}

/** What a middleware sees of one invocation. */
export interface InvocationInfo {
  readonly invocationId: string;
  /** `connector.action` */
  readonly name: string;
  readonly connector: string;
  readonly action: string;
  readonly connection: string;
  /** The validated input, defaults applied. Redact before logging (`kit.redact`). */
  readonly input: unknown;
  /** Tries made so far; updated while retries run. */
  attempts: number;
}

/**
 * Wraps every invocation (after input validation, around retries): logging, metrics,
 * tracing. Call `next()` once and return (or transform) its result.
 */
export type Middleware = (info: InvocationInfo, next: () => Promise<unknown>) => Promise<unknown>;

export interface InvokeOptions {
  /** Named connection; defaults to the connection named like the connector, or its only one. */
  readonly connection?: string;
  /** Per-attempt time limit; 0 disables. Default 30 000. */
  readonly timeoutMs?: number;
  /** Cancels the call: the action's signal aborts and the call rejects with `CANCELLED`. */
  readonly signal?: AbortSignal;
  /**
   * Retry policy. Given explicitly, it also retries non-idempotent actions (the caller
   * accepts duplicates); `false` disables retries.
   */
  readonly retry?: Partial<RetryPolicy> | number | false;
}

export interface StartTriggerOptions<TEvent> {
  readonly connection?: string;
  /** Handles one event; the trigger acknowledges only after it resolves. */
  readonly handler: (event: TEvent) => Promise<void>;
  /** Durable state for polling positions; in-memory when absent. */
  readonly state?: TriggerState;
}

export interface RunningTrigger {
  readonly name: string;
  readonly connection: string;
  /** Stops receiving, waits for in-flight events to finish, then resolves. Safe to call twice. */
  stop(): Promise<void>;
}

export interface CheckResult {
  readonly connection: string;
  readonly connector: string;
  readonly ok: true;
  readonly durationMs: number;
}

export interface KitOptions<TConnectors extends readonly AnyConnectorDefinition[]> {
  /** Connector definitions imported in code. */
  readonly connectors?: TConnectors;
  /** Connectors found by discovery, loaded on first use. */
  readonly sources?: readonly ConnectorSource[];
  /** Named connections. */
  readonly connections?: Readonly<Record<string, ConnectionConfig>>;
  /** Where each connection was declared ("connectorkit.yaml:4:3"), for error messages. */
  readonly connectionOrigins?: Readonly<Record<string, string>>;
  readonly middleware?: readonly Middleware[];
  readonly defaults?: {
    readonly timeoutMs?: number;
    readonly connectTimeoutMs?: number;
    readonly retry?: Partial<RetryPolicy>;
  };
  /** A logger, or options for the built-in JSON-lines logger (level `warn` by default). */
  readonly logger?: Logger | LoggerOptions;
}

/** The catalog: every connector, action and trigger with its JSON Schemas. */
export interface Catalog {
  readonly connectors: readonly ConnectorManifest[];
  readonly connections: readonly { readonly name: string; readonly connector: string }[];
}

type UnionToIntersection<U> = (U extends unknown ? (value: U) => void : never) extends (
  value: infer I,
) => void
  ? I
  : never;
type ActionEntries<C> =
  C extends ConnectorDefinition<infer Name, infer Actions, infer _Triggers>
    ? { [K in keyof Actions & string as `${Name}.${K}`]: Actions[K] }
    : never;
type TriggerEntries<C> =
  C extends ConnectorDefinition<infer Name, infer _Actions, infer Triggers>
    ? { [K in keyof Triggers & string as `${Name}.${K}`]: Triggers[K] }
    : never;

/** `connector.action` → action definition, for the connectors a kit was created with. */
export type ActionTable<T extends readonly AnyConnectorDefinition[]> = UnionToIntersection<
  ActionEntries<T[number]>
>;
export type TriggerTable<T extends readonly AnyConnectorDefinition[]> = UnionToIntersection<
  TriggerEntries<T[number]>
>;

type InputOf<A> = A extends { readonly input: infer S } ? (S extends TSchema ? Static<S> : unknown) : unknown;
type OutputOf<A> = A extends { readonly output: infer S }
  ? S extends TSchema
    ? Static<S>
    : unknown
  : unknown;
type EventOf<T> = T extends { readonly event: infer S } ? (S extends TSchema ? Static<S> : unknown) : unknown;

export interface Kit<
  TConnectors extends readonly AnyConnectorDefinition[] = readonly AnyConnectorDefinition[],
> {
  /**
   * Runs an action: validates input (defaults applied), runs it on the pooled client with a
   * timeout and the caller's signal, validates output, retries retryable failures.
   * Always rejects with a `ConnectorError`.
   */
  invoke<const TName extends keyof ActionTable<TConnectors> & string>(
    name: TName,
    input: InputOf<ActionTable<TConnectors>[TName]>,
    options?: InvokeOptions,
  ): Promise<OutputOf<ActionTable<TConnectors>[TName]>>;
  /** Untyped form of `invoke` for names known only at run time (CLI, flows). */
  invokeDynamic(name: string, input: unknown, options?: InvokeOptions): Promise<unknown>;
  /** "Test connection": connects (pooled) and runs the connector's check. */
  check(connection: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<CheckResult>;
  /**
   * What the connected service offers (entity sets, tables, topics …), from the connector's
   * `describe` hook, redacted. `UNSUPPORTED` when the connector has none.
   */
  describeConnection(
    connection: string,
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<unknown>;
  /** Starts a trigger; events go to `options.handler`. */
  startTrigger<const TName extends keyof TriggerTable<TConnectors> & string>(
    name: TName,
    config: unknown,
    options: StartTriggerOptions<EventOf<TriggerTable<TConnectors>[TName]>>,
  ): Promise<RunningTrigger>;
  startTriggerDynamic(
    name: string,
    config: unknown,
    options: StartTriggerOptions<unknown>,
  ): Promise<RunningTrigger>;
  catalog(): Catalog;
  /** The manifest of one connector, or undefined. */
  manifest(connector: string): ConnectorManifest | undefined;
  /** Resolves the named connection for a connector (as `invoke` does), or throws `INVALID_CONFIG`. */
  resolveConnection(connector: string, connection?: string): string;
  /** Secrets scrubbed out of any value — for run records and logs built outside the kit. */
  redact(value: unknown): unknown;
  readonly redactor: Redactor;
  readonly log: Logger;
  /** Stops triggers, disconnects every pooled client. Safe to call twice. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const NO_OPTIONS: InvokeOptions = Object.freeze({});
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const ACTION_NAME = /^([a-z][a-z0-9-]*)\.([a-zA-Z][a-zA-Z0-9]*)$/;

interface ConnectorEntry {
  readonly manifest: ConnectorManifest;
  readonly origin: string;
  definition: AnyConnectorDefinition | undefined;
  loading: Promise<AnyConnectorDefinition> | undefined;
  readonly load: () => Promise<AnyConnectorDefinition>;
}

interface ActionPlan {
  readonly name: string;
  readonly connector: string;
  readonly action: string;
  readonly definition: AnyActionDefinition;
  readonly input: Validator;
  readonly output: Validator;
  /** The connection used when the caller names none, once resolved. */
  defaultConnection?: string;
}

interface PoolEntry {
  readonly connector: string;
  client: unknown;
  connecting: Promise<unknown> | undefined;
  connected: boolean;
  /** Aborts the connect in progress (when the kit closes). */
  readonly abort: AbortController;
}

class TimeoutSignalError extends Error {
  override readonly name = 'TimeoutError';
  /** Node's code for aborts, so that `toConnectorError` reads this as a timeout. */
  readonly code = 'ABORT_ERR';
}

/**
 * Creates a kit: the registry of connectors and connections, and the invocation pipeline.
 *
 * @example
 * await using kit = createKit({ connectors: [redis], connections: { cache: { connector: 'redis', url: 'redis://127.0.0.1' } } });
 * const { value } = await kit.invoke('redis.get', { key: 'greeting' });
 */
export function createKit<const TConnectors extends readonly AnyConnectorDefinition[] = []>(
  options: KitOptions<TConnectors> = {},
): Kit<TConnectors> {
  return new KitImplementation(options) as unknown as Kit<TConnectors>;
}

class KitImplementation {
  readonly redactor = new Redactor();
  readonly log: Logger;
  private readonly entries = new Map<string, ConnectorEntry>();
  private readonly connections: Map<string, ConnectionConfig>;
  private readonly origins: Readonly<Record<string, string>>;
  private readonly plans = new Map<string, ActionPlan>();
  private readonly pool = new Map<string, PoolEntry>();
  private readonly triggers = new Set<RunningTrigger>();
  private readonly middleware: readonly Middleware[];
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly retryPolicy: RetryPolicy;
  private closing: Promise<void> | undefined;
  private readonly deadlines = new Map<number, DeadlineQueue>();
  private readonly idPrefix = `${randomUUID().slice(0, 8)}-`;
  private invocationCount = 0;

  constructor(options: KitOptions<readonly AnyConnectorDefinition[]>) {
    this.log = isLogger(options.logger)
      ? redactingLogger(options.logger, this.redactor)
      : createLogger({ level: 'warn', ...options.logger, redactor: this.redactor });
    for (const definition of options.connectors ?? []) {
      const manifest = manifestOf(definition);
      this.register(
        { manifest, origin: `connector '${definition.name}'`, load: async () => definition },
        definition,
      );
    }
    for (const source of options.sources ?? []) {
      if (this.entries.has(source.manifest.name)) continue;
      this.register(source, undefined);
    }
    this.connections = new Map(Object.entries(options.connections ?? {}));
    this.origins = options.connectionOrigins ?? {};
    this.middleware = options.middleware ?? [];
    this.timeoutMs = options.defaults?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.connectTimeoutMs = options.defaults?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.retryPolicy = resolveRetry(options.defaults?.retry);
    for (const [name, config] of this.connections) this.collectSecrets(name, config);
  }

  private register(source: ConnectorSource, definition: AnyConnectorDefinition | undefined): void {
    assertValidManifest(source.manifest, source.origin);
    if (this.entries.has(source.manifest.name)) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `two connectors are named '${source.manifest.name}' (${this.entries.get(source.manifest.name)?.origin} and ${source.origin})`,
        { connector: source.manifest.name },
      );
    }
    this.entries.set(source.manifest.name, {
      manifest: source.manifest,
      origin: source.origin,
      definition,
      loading: undefined,
      load: () => source.load(),
    });
  }

  private collectSecrets(name: string, config: ConnectionConfig): void {
    if (config === null || typeof config !== 'object' || typeof config.connector !== 'string') {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `${this.connectionLabel(name)}: 'connector' must name a connector`,
        {
          connection: name,
        },
      );
    }
    const entry = this.entries.get(config.connector);
    if (entry === undefined) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `${this.connectionLabel(name)}: unknown connector '${config.connector}'${this.knownConnectorsHint()}`,
        { connection: name, path: '$.connector' },
      );
    }
    const found = new Set<string>();
    wrapSecrets(entry.manifest.connection, config, found);
    collectSensitiveStrings(config, found);
    this.redactor.addAll(found);
  }

  // ---------------------------------------------------------------- catalog

  catalog(): Catalog {
    return {
      connectors: [...this.entries.values()].map((entry) => entry.manifest),
      connections: [...this.connections].map(([name, config]) => ({ name, connector: config.connector })),
    };
  }

  manifest(connector: string): ConnectorManifest | undefined {
    return this.entries.get(connector)?.manifest;
  }

  redact(value: unknown): unknown {
    return this.redactor.value(value);
  }

  // ---------------------------------------------------------------- invoke

  invoke(name: string, input: unknown, options?: InvokeOptions): Promise<unknown> {
    return this.invokeDynamic(name, input, options);
  }

  invokeDynamic(name: string, input: unknown, options: InvokeOptions = NO_OPTIONS): Promise<unknown> {
    let plan: ActionPlan | undefined;
    let connection: string | undefined;
    try {
      if (this.closing !== undefined) throw this.closedError();
      plan = this.plans.get(name);
      if (plan === undefined) {
        return this.plan(name).then(
          () => this.invokeDynamic(name, input, options),
          (error: unknown) => {
            throw this.failure(error, undefined, undefined, undefined);
          },
        );
      }
      if (options.connection === undefined) {
        plan.defaultConnection ??= this.resolveConnection(plan.connector);
        connection = plan.defaultConnection;
      } else {
        connection = this.resolveConnection(plan.connector, options.connection);
      }
      const prepared = plan.input.withDefaults(input);
      if (!plan.input.check(prepared)) throw this.invalidInput(plan, connection, prepared);
      const serial = ++this.invocationCount;
      if (this.middleware.length === 0) {
        return this.runWithRetries(
          plan,
          new Invocation(plan, connection, prepared, this.idPrefix, serial),
          options,
        );
      }
      const info: InvocationInfo = {
        invocationId: invocationId(this.idPrefix, serial),
        name,
        connector: plan.connector,
        action: plan.action,
        connection,
        input: prepared,
        attempts: 0,
      };
      const planned = plan;
      return this.withMiddleware(info, () => this.runWithRetries(planned, info, options)).catch(
        (error: unknown) => {
          throw this.failure(error, planned.connector, planned.action, info.connection, planned);
        },
      );
    } catch (error) {
      return Promise.reject(this.failure(error, plan?.connector, plan?.action, connection, plan));
    }
  }

  private failure(
    error: unknown,
    connector: string | undefined,
    action: string | undefined,
    connection: string | undefined,
    plan?: ActionPlan,
  ): ConnectorError {
    const mapError = plan?.definition.mapError;
    let mapped = error;
    if (mapError !== undefined && !isConnectorError(error)) {
      try {
        mapped = mapError(error);
      } catch {
        // A mapping that fails itself must not hide the failure: core's generic mapping applies.
      }
    }
    return this.redactor.error(toConnectorError(mapped, { connector, action, connection }));
  }

  private invalidInput(plan: ActionPlan, connection: string, value: unknown): ConnectorError {
    const issues = plan.input
      .issues(value)
      .map((issue) => ({ path: issue.path, message: this.redactor.text(issue.message) }));
    return new ConnectorError(
      'INVALID_INPUT',
      `${plan.name}: invalid input — ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
      { connector: plan.connector, action: plan.action, connection, issues },
    );
  }

  private withMiddleware(info: InvocationInfo, run: () => Promise<unknown>): Promise<unknown> {
    const dispatch = (index: number): Promise<unknown> => {
      const middleware = this.middleware[index];
      if (middleware === undefined) return run();
      let called = false;
      return middleware(info, () => {
        if (called) return Promise.reject(new ConnectorError('INTERNAL', 'a middleware called next() twice'));
        called = true;
        return dispatch(index + 1);
      });
    };
    // A middleware that throws synchronously or returns a plain value still yields a promise.
    return new Promise<unknown>((resolve) => resolve(dispatch(0)));
  }

  private async plan(name: string): Promise<ActionPlan> {
    const match = ACTION_NAME.exec(name);
    const connectorName = match?.[1];
    const actionName = match?.[2];
    if (connectorName === undefined || actionName === undefined) {
      throw new ConnectorError(
        'INVALID_INPUT',
        `'${name}' is not an action name — expected 'connector.action', e.g. 'redis.get'`,
      );
    }
    const entry = this.entries.get(connectorName);
    if (entry === undefined) {
      throw new ConnectorError(
        'NOT_FOUND',
        `unknown connector '${connectorName}' in '${name}'${this.knownConnectorsHint()}`,
        {
          connector: connectorName,
        },
      );
    }
    if (!Object.hasOwn(entry.manifest.actions, actionName)) {
      const known = Object.keys(entry.manifest.actions);
      throw new ConnectorError(
        'NOT_FOUND',
        `connector '${connectorName}' has no action '${actionName}'${known.length > 0 ? ` — it has: ${known.join(', ')}` : ''}`,
        { connector: connectorName, action: actionName },
      );
    }
    const definition = await this.load(entry);
    const action = definition.actions[actionName] as AnyActionDefinition | undefined;
    if (action === undefined) {
      throw new ConnectorError(
        'INTERNAL',
        `connector '${connectorName}' lists action '${actionName}' in its manifest but its code does not define it — rebuild the connector`,
        {
          connector: connectorName,
          action: actionName,
        },
      );
    }
    const plan: ActionPlan = {
      name,
      connector: connectorName,
      action: actionName,
      definition: action,
      input: compileValidator(action.input),
      output: compileValidator(action.output),
    };
    this.plans.set(name, plan);
    return plan;
  }

  private load(entry: ConnectorEntry): Promise<AnyConnectorDefinition> {
    if (entry.definition !== undefined) return Promise.resolve(entry.definition);
    entry.loading ??= entry.load().then(
      (definition) => {
        if (definition?.name !== entry.manifest.name) {
          throw new ConnectorError(
            'INTERNAL',
            `${entry.origin} did not export connector '${entry.manifest.name}' as its default export`,
            {
              connector: entry.manifest.name,
            },
          );
        }
        assertValidManifest(manifestOf(definition), entry.origin);
        entry.definition = definition;
        return definition;
      },
      (error: unknown) => {
        entry.loading = undefined;
        throw new ConnectorError(
          'INTERNAL',
          `could not load ${entry.origin}: ${error instanceof Error ? error.message : String(error)}`,
          {
            connector: entry.manifest.name,
            cause: error,
          },
        );
      },
    );
    return entry.loading;
  }

  /**
   * The first attempt runs without an async frame of its own (the hot path of a call that
   * succeeds); only a failure enters the retry loop.
   */
  private runWithRetries(plan: ActionPlan, info: InvocationInfo, options: InvokeOptions): Promise<unknown> {
    let policy: RetryPolicy | undefined;
    try {
      policy = this.retryPolicyFor(plan, options);
    } catch (error) {
      return Promise.reject(this.failure(error, plan.connector, plan.action, info.connection, plan));
    }
    info.attempts = 1;
    // Failures of the first attempt continue in `retryAfter`; the attempt hands them over
    // itself, so a call that succeeds pays for no extra promise layer and no closure.
    let first: unknown;
    try {
      first = this.attempt(plan, info, 1, options, policy, true);
    } catch (thrown) {
      return this.retryAfter(plan, info, options, policy, thrown);
    }
    return isPromiseLike(first) ? (first as Promise<unknown>) : Promise.resolve(first);
  }

  /** @internal Where the first attempt's failure goes: retries by `policy`, or the mapped error. */
  async retryAfter(
    plan: ActionPlan,
    info: InvocationInfo,
    options: InvokeOptions,
    policy: RetryPolicy | undefined,
    firstFailure: unknown,
  ): Promise<unknown> {
    const attempts = policy?.attempts ?? 1;
    let thrown = firstFailure;
    for (let attempt = 1; ; attempt++) {
      const error = this.failure(thrown, plan.connector, plan.action, info.connection, plan);
      if (policy === undefined || attempt >= attempts || !error.retryable || options.signal?.aborted)
        throw error;
      if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) throw error;
      const delay = backoffDelay(policy, attempt, error.retryAfterMs);
      this.log.debug('retrying after a retryable failure', {
        action: info.name,
        invocationId: info.invocationId,
        attempt,
        code: error.code,
        delayMs: delay,
      });
      try {
        await sleep(delay, options.signal);
      } catch {
        throw new ConnectorError(
          'CANCELLED',
          `${info.name}: cancelled while waiting to retry after ${error.code}`,
          {
            connector: plan.connector,
            action: plan.action,
            connection: info.connection,
            cause: error,
          },
        );
      }
      info.attempts = attempt + 1;
      try {
        return await this.attempt(plan, info, attempt + 1, options, policy, false);
      } catch (next) {
        thrown = next;
      }
    }
  }

  private retryPolicyFor(plan: ActionPlan, options: InvokeOptions): RetryPolicy | undefined {
    if (options.retry === false) return undefined;
    // An explicit policy is the caller accepting duplicates of a non-idempotent action.
    if (options.retry !== undefined) return resolveRetry(options.retry, this.retryPolicy);
    return plan.definition.idempotent === true ? this.retryPolicy : undefined;
  }

  /**
   * One try: a value, a promise, or a synchronous throw. With `handOff`, a returned promise
   * never rejects on its own: it settles with what `retryAfter` makes of the failure.
   */
  private attempt(
    plan: ActionPlan,
    info: InvocationInfo,
    attempt: number,
    options: InvokeOptions,
    policy: RetryPolicy | undefined,
    handOff: boolean,
  ): unknown {
    const callerSignal = options.signal;
    if (callerSignal?.aborted) throw cancelled(info, plan, callerSignal.reason);
    const pooled = this.pool.get(info.connection);
    if (pooled?.connected !== true) {
      const onFailure = (error: unknown): unknown => {
        if (!handOff) throw error;
        return this.retryAfter(plan, info, options, policy, error);
      };
      return Promise.resolve(this.acquire(info.connection, callerSignal)).then(
        () => {
          try {
            return this.attempt(plan, info, attempt, options, policy, handOff);
          } catch (error) {
            return onFailure(error);
          }
        },
        // The caller gave up while the connection was being made, whatever the abort reason.
        (error: unknown) =>
          onFailure(callerSignal?.aborted ? cancelled(info, plan, callerSignal.reason) : error),
      );
    }
    const context = new RunContext(this, plan, info, attempt, pooled.client, options, policy, handOff);
    const result: unknown = plan.definition.run(info.input as never, context);
    if (!isPromiseLike(result)) return this.checkOutput(plan, info, result);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return context.race(result, timeoutMs > 0 ? this.deadlineQueue(timeoutMs) : undefined, callerSignal);
  }

  /** @internal */
  checkOutput(plan: ActionPlan, info: InvocationInfo, result: unknown): unknown {
    if (plan.output.check(result)) return result;
    const issues = plan.output.issues(result);
    throw new ConnectorError(
      'INVALID_OUTPUT',
      `${info.name}: the connector returned output that breaks its schema — ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
      { connector: plan.connector, action: plan.action, connection: info.connection, issues },
    );
  }

  private deadlineQueue(timeoutMs: number): DeadlineQueue {
    let queue = this.deadlines.get(timeoutMs);
    if (queue === undefined) {
      queue = new DeadlineQueue(timeoutMs);
      this.deadlines.set(timeoutMs, queue);
    }
    return queue;
  }

  // ---------------------------------------------------------------- connections

  resolveConnection(connector: string, requested?: string): string {
    if (requested !== undefined) {
      const config = this.connections.get(requested);
      if (config === undefined) {
        throw new ConnectorError(
          'INVALID_CONFIG',
          `unknown connection '${requested}'${this.knownConnectionsHint()}`,
          { connector, connection: requested },
        );
      }
      if (config.connector !== connector) {
        throw new ConnectorError(
          'INVALID_CONFIG',
          `connection '${requested}' is for connector '${config.connector}', not '${connector}'`,
          { connector, connection: requested },
        );
      }
      return requested;
    }
    const named = this.connections.get(connector);
    if (named?.connector === connector) return connector;
    const candidates = [...this.connections]
      .filter(([, config]) => config.connector === connector)
      .map(([name]) => name);
    if (candidates.length === 1 && candidates[0] !== undefined) return candidates[0];
    if (candidates.length > 1) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `connector '${connector}' has ${candidates.length} connections (${candidates.join(', ')}) — name one with the connection option (--connection)`,
        { connector },
      );
    }
    const entry = this.entries.get(connector);
    const settings = entry === undefined ? undefined : compileValidator(entry.manifest.connection);
    if (settings?.check(settings.withDefaults({})) === true) {
      // A connector whose configuration is entirely optional gets an implicit connection.
      this.connections.set(connector, { connector });
      return connector;
    }
    throw new ConnectorError(
      'INVALID_CONFIG',
      `no connection for connector '${connector}' — add one to connectorkit.yaml, e.g.\n  connections:\n    ${connector}:\n      connector: ${connector}\n      …`,
      { connector },
    );
  }

  private acquire(connection: string, signal?: AbortSignal): Promise<unknown> | unknown {
    // A retry or a trigger starting after close() must not open a client nobody will close.
    if (this.closing !== undefined) throw this.closedError();
    const pooled = this.pool.get(connection);
    if (pooled?.connected) return pooled.client;
    if (pooled?.connecting !== undefined) return waitFor(pooled.connecting, signal);
    const config = this.connections.get(connection);
    if (config === undefined)
      throw new ConnectorError('INVALID_CONFIG', `unknown connection '${connection}'`, { connection });
    const entry: PoolEntry = {
      connector: config.connector,
      client: undefined,
      connecting: undefined,
      connected: false,
      abort: new AbortController(),
    };
    entry.connecting = this.connect(connection, config, entry.abort.signal).then(
      (client) => {
        entry.client = client;
        entry.connected = true;
        entry.connecting = undefined;
        return client;
      },
      (error: unknown) => {
        if (this.pool.get(connection) === entry) this.pool.delete(connection);
        throw error;
      },
    );
    this.pool.set(connection, entry);
    return waitFor(entry.connecting, signal);
  }

  private async connect(
    connection: string,
    config: ConnectionConfig,
    closing: AbortSignal,
  ): Promise<unknown> {
    const connectorEntry = this.entries.get(config.connector);
    if (connectorEntry === undefined) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `${this.connectionLabel(connection)}: unknown connector '${config.connector}'`,
        {
          connection,
        },
      );
    }
    const definition = await this.load(connectorEntry);
    const { connector: _connector, ...raw } = config;
    const validator = compileValidator(definition.connection.config);
    const prepared = validator.withDefaults(raw);
    if (!validator.check(prepared)) {
      const issues = validator
        .issues(prepared)
        .map((issue) => ({ path: issue.path, message: this.redactor.text(issue.message) }));
      throw new ConnectorError(
        'INVALID_CONFIG',
        `${this.connectionLabel(connection)}: ${issues.map((issue) => `${issue.path.replace(/^\$\.?/, '') || '(root)'} ${issue.message}`).join('; ')}`,
        { connector: config.connector, connection, issues },
      );
    }
    const secrets = new Set<string>();
    const wrapped = wrapSecrets(definition.connection.config, prepared, secrets);
    this.redactor.addAll(secrets);
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new TimeoutSignalError(`connect timed out after ${this.connectTimeoutMs} ms`)),
      this.connectTimeoutMs,
    );
    const onClosing = (): void => controller.abort(closing.reason);
    if (closing.aborted) onClosing();
    else closing.addEventListener('abort', onClosing, { once: true });
    let connecting: Promise<unknown> | undefined;
    try {
      connecting = Promise.resolve(
        definition.connection.connect(wrapped, {
          connection,
          connector: config.connector,
          signal: controller.signal,
          log: this.log.child({ connection, connector: config.connector }),
        }),
      );
      return await raceAbort(connecting, controller.signal);
    } catch (error) {
      if (controller.signal.aborted && connecting !== undefined) {
        // A connect that ignores its signal may still produce a client: close it when it does.
        const disconnect = definition.connection.disconnect;
        void connecting
          .then((client) => (disconnect === undefined ? undefined : disconnect(client)))
          .catch(() => undefined);
      }
      const mapped =
        error instanceof TimeoutSignalError
          ? new ConnectorError('TIMEOUT', error.message, { connector: config.connector, connection })
          : toConnectorError(error, { connector: config.connector, connection });
      throw this.redactor.error(
        new ConnectorError(
          mapped.code,
          `${this.connectionLabel(connection)}: could not connect — ${mapped.message}`,
          {
            ...mapped.toJSON(),
            cause: error,
          },
        ),
      );
    } finally {
      clearTimeout(timer);
      closing.removeEventListener('abort', onClosing);
    }
  }

  async check(
    connection: string,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<CheckResult> {
    const started = performance.now();
    const connector = await this.withConnection(
      connection,
      'check',
      options,
      async (definition, client, signal) => {
        const check = definition.connection.check;
        if (check !== undefined) await raceAbort(Promise.resolve(check(client, { signal })), signal);
      },
    );
    return { connection, connector, ok: true, durationMs: Math.round(performance.now() - started) };
  }

  async describeConnection(
    connection: string,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<unknown> {
    let described: unknown;
    await this.withConnection(connection, 'describe', options, async (definition, client, signal) => {
      const describe = definition.connection.describe;
      if (describe === undefined) {
        throw new ConnectorError(
          'UNSUPPORTED',
          `connector '${definition.name}' does not describe its service — see 'ck describe ${definition.name}' for its actions`,
        );
      }
      described = await raceAbort(Promise.resolve(describe(client, { signal })), signal);
    });
    return this.redactor.value(described);
  }

  /**
   * Runs a connection-level hook (check, describe) on the pooled client with a time limit
   * and the caller's signal; returns the connector's name. Failures are `ConnectorError`s.
   */
  private async withConnection(
    connection: string,
    what: 'check' | 'describe',
    options: { timeoutMs?: number; signal?: AbortSignal },
    hook: (definition: AnyConnectorDefinition, client: unknown, signal: AbortSignal) => Promise<void>,
  ): Promise<string> {
    if (this.closing !== undefined) throw this.closedError();
    const config = this.connections.get(connection);
    if (config === undefined) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `unknown connection '${connection}'${this.knownConnectionsHint()}`,
        { connection },
      );
    }
    try {
      const client = await this.acquire(connection, options.signal);
      const definition = await this.load(this.entries.get(config.connector) as ConnectorEntry);
      // Like invoke: 0 means no time limit.
      const timeoutMs = options.timeoutMs ?? this.timeoutMs;
      const timeout = new AbortController();
      const timer =
        timeoutMs > 0
          ? setTimeout(
              () =>
                timeout.abort(
                  new TimeoutSignalError(
                    `${what} of connection '${connection}' timed out after ${timeoutMs} ms`,
                  ),
                ),
              timeoutMs,
            )
          : undefined;
      const signal =
        options.signal === undefined ? timeout.signal : AbortSignal.any([timeout.signal, options.signal]);
      try {
        await hook(definition, client, signal);
      } finally {
        clearTimeout(timer);
      }
      return config.connector;
    } catch (error) {
      const context = { connector: config.connector, connection };
      if (error instanceof TimeoutSignalError) {
        throw new ConnectorError('TIMEOUT', error.message, { ...context, cause: error });
      }
      if (options.signal?.aborted) {
        throw new ConnectorError(
          'CANCELLED',
          `${what} of connection '${connection}': cancelled by the caller`,
          {
            ...context,
            cause: options.signal.reason,
          },
        );
      }
      throw this.redactor.error(toConnectorError(error, context));
    }
  }

  // ---------------------------------------------------------------- triggers

  startTrigger(
    name: string,
    config: unknown,
    options: StartTriggerOptions<unknown>,
  ): Promise<RunningTrigger> {
    return this.startTriggerDynamic(name, config, options);
  }

  async startTriggerDynamic(
    name: string,
    config: unknown,
    options: StartTriggerOptions<unknown>,
  ): Promise<RunningTrigger> {
    if (this.closing !== undefined) throw this.closedError();
    const match = ACTION_NAME.exec(name);
    const connectorName = match?.[1];
    const triggerName = match?.[2];
    if (connectorName === undefined || triggerName === undefined) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `'${name}' is not a trigger name — expected 'connector.trigger', e.g. 'redis.stream'`,
      );
    }
    const entry = this.entries.get(connectorName);
    if (entry === undefined) {
      throw new ConnectorError(
        'NOT_FOUND',
        `unknown connector '${connectorName}' in trigger '${name}'${this.knownConnectorsHint()}`,
        {
          connector: connectorName,
        },
      );
    }
    if (!Object.hasOwn(entry.manifest.triggers, triggerName)) {
      const known = Object.keys(entry.manifest.triggers);
      throw new ConnectorError(
        'NOT_FOUND',
        `connector '${connectorName}' has no trigger '${triggerName}'${known.length > 0 ? ` — it has: ${known.join(', ')}` : ''}`,
        { connector: connectorName, action: triggerName },
      );
    }
    const definition = await this.load(entry);
    const trigger = definition.triggers?.[triggerName] as AnyTriggerDefinition;
    const connection = this.resolveConnection(connectorName, options.connection);
    const context = { connector: connectorName, action: triggerName, connection };
    const configValidator = compileValidator(trigger.config);
    const prepared = configValidator.withDefaults(config ?? {});
    if (!configValidator.check(prepared)) {
      const issues = configValidator
        .issues(prepared)
        .map((issue) => ({ path: issue.path, message: this.redactor.text(issue.message) }));
      throw new ConnectorError(
        'INVALID_CONFIG',
        `trigger ${name}: invalid config — ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
        { ...context, issues },
      );
    }
    const eventValidator = compileValidator(trigger.event);
    let client: unknown;
    try {
      client = await this.acquire(connection);
    } catch (error) {
      throw this.redactor.error(toConnectorError(error, context));
    }
    const controller = new AbortController();
    // Events being handled, and who waits for none to be (stop): a counter, not a set of
    // promises, so that an event costs one promise of its own.
    let inFlight = 0;
    let drained: (() => void)[] = [];
    const settle = (): void => {
      if (--inFlight > 0 || drained.length === 0) return;
      const waiting = drained;
      drained = [];
      for (const wake of waiting) wake();
    };
    const handlingError = (error: unknown): ConnectorError => {
      settle();
      return this.redactor.error(toConnectorError(error, context));
    };
    const handlerFailed = (error: unknown): never => {
      throw handlingError(error);
    };
    const log = this.log.child({ trigger: name, connection });
    const emit = (event: unknown): Promise<void> => {
      if (controller.signal.aborted) {
        // Not handled, so not acknowledged: an at-least-once source delivers it again.
        return Promise.reject(
          new ConnectorError('CANCELLED', `trigger ${name} is stopped: the event was not handled`, context),
        );
      }
      if (!eventValidator.check(event)) {
        const issues = eventValidator.issues(event);
        return Promise.reject(
          new ConnectorError(
            'INVALID_OUTPUT',
            `trigger ${name} emitted an event that breaks its schema — ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
            {
              ...context,
              issues,
            },
          ),
        );
      }
      inFlight++;
      let handled: unknown;
      try {
        handled = options.handler(event);
      } catch (error) {
        return Promise.reject(handlingError(error));
      }
      return Promise.resolve(handled).then(settle, handlerFailed);
    };
    let stopFunction: (() => void | Promise<void>) | undefined;
    try {
      stopFunction = await trigger.start(prepared, {
        client,
        signal: controller.signal,
        log,
        connection,
        state: options.state ?? memoryState(),
        emit,
      });
    } catch (error) {
      throw this.redactor.error(toConnectorError(error, context));
    }
    let stopping: Promise<void> | undefined;
    const running: RunningTrigger = {
      name,
      connection,
      stop: () => {
        stopping ??= (async () => {
          controller.abort(new ConnectorError('CANCELLED', `trigger ${name} is stopping`, context));
          try {
            await stopFunction?.();
          } finally {
            if (inFlight > 0) await new Promise<void>((resolve) => drained.push(resolve));
            this.triggers.delete(running);
          }
        })();
        return stopping;
      },
    };
    this.triggers.add(running);
    if (this.closing !== undefined) {
      // close() ran while the trigger was starting and could not see it.
      await running.stop();
      throw this.closedError();
    }
    return running;
  }

  // ---------------------------------------------------------------- lifecycle

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Failures are logged, not thrown: closing goes on with every other trigger and client.
      await Promise.all(
        [...this.triggers].map((trigger) =>
          trigger.stop().catch((error: unknown) => {
            this.log.warn('trigger stop failed', {
              trigger: trigger.name,
              connection: trigger.connection,
              error: this.redactor.text(String(error)),
            });
          }),
        ),
      );
      const pooled = [...this.pool];
      this.pool.clear();
      for (const [, entry] of pooled) {
        if (!entry.connected) entry.abort.abort(this.closedError());
      }
      await Promise.all(
        pooled.map(async ([name, entry]) => {
          try {
            const client = entry.connected ? entry.client : await entry.connecting?.catch(() => undefined);
            if (client === undefined) return;
            const connectorEntry = this.entries.get(entry.connector);
            await connectorEntry?.definition?.connection.disconnect?.(client);
          } catch (error) {
            this.log.warn('disconnect failed', {
              connection: name,
              error: this.redactor.text(String(error)),
            });
          }
        }),
      );
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---------------------------------------------------------------- messages

  private connectionLabel(name: string): string {
    const config = this.connections.get(name);
    const origin = this.origins[name];
    return `connection '${name}'${config?.connector === undefined ? '' : ` (connector ${config.connector})`}${origin === undefined ? '' : ` in ${origin}`}`;
  }

  private knownConnectorsHint(): string {
    const names = [...this.entries.keys()];
    return names.length === 0 ? ' — no connectors are installed' : ` — installed: ${names.join(', ')}`;
  }

  private knownConnectionsHint(): string {
    const names = [...this.connections.keys()];
    return names.length === 0 ? ' — no connections are configured' : ` — configured: ${names.join(', ')}`;
  }

  private closedError(): ConnectorError {
    return new ConnectorError('CANCELLED', 'the kit is closed');
  }
}

const invocationId = (prefix: string, serial: number): string => `${prefix}${serial.toString(36)}`;

/**
 * What the kit knows of an invocation nobody else sees (no middleware): its id is made only
 * when something reads it (a log line, an error, the action's context), not once per call.
 */
class Invocation implements InvocationInfo {
  attempts = 0;
  readonly name: string;
  readonly connector: string;
  readonly action: string;
  private id: string | undefined = undefined;

  constructor(
    plan: ActionPlan,
    readonly connection: string,
    readonly input: unknown,
    private readonly prefix: string,
    private readonly serial: number,
  ) {
    this.name = plan.name;
    this.connector = plan.connector;
    this.action = plan.action;
  }

  get invocationId(): string {
    this.id ??= invocationId(this.prefix, this.serial);
    return this.id;
  }
}

/**
 * The context of one attempt. A class (not an object literal with getters) keeps the hot
 * path cheap: the AbortController and the child logger are created only when the action
 * reads `signal` or `log`.
 */
class RunContext implements ActionContext<unknown>, Expirable {
  epoch: Epoch | undefined = undefined;
  settled = false;
  newer: Expirable | undefined = undefined;
  older: Expirable | undefined = undefined;
  private controller: AbortController | undefined;
  private queue: DeadlineQueue | undefined;
  private callerSignal: AbortSignal | undefined;
  private resolve: ((value: unknown) => void) | undefined;
  private reject: ((error: unknown) => void) | undefined;

  constructor(
    private readonly kit: KitImplementation,
    private readonly plan: ActionPlan,
    private readonly info: InvocationInfo,
    readonly attempt: number,
    readonly client: unknown,
    private readonly options: InvokeOptions,
    private readonly policy: RetryPolicy | undefined,
    /** A failure goes to the kit's retry loop instead of rejecting (the first attempt). */
    private readonly handOff: boolean,
  ) {}

  get invocationId(): string {
    return this.info.invocationId;
  }

  get connection(): string {
    return this.info.connection;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  get log(): Logger {
    return this.kit.log.child({
      action: this.info.name,
      invocationId: this.info.invocationId,
      attempt: this.attempt,
    });
  }

  race(
    result: PromiseLike<unknown>,
    queue: DeadlineQueue | undefined,
    callerSignal: AbortSignal | undefined,
  ): Promise<unknown> {
    RunContext.capturing = this;
    const settled = new Promise<unknown>(RunContext.capture);
    RunContext.capturing = undefined;
    if (queue !== undefined) {
      this.queue = queue;
      queue.add(this);
    }
    if (callerSignal !== undefined) {
      this.callerSignal = callerSignal;
      callerSignal.addEventListener('abort', this, { once: true });
    }
    result.then(
      (value) => this.finish(value, undefined, false),
      (error: unknown) => this.finish(undefined, error, true),
    );
    return settled;
  }

  /** The context whose promise is being made: one shared executor instead of a closure per call. */
  private static capturing: RunContext | undefined;

  private static capture(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
    const context = RunContext.capturing as RunContext;
    context.resolve = resolve;
    context.reject = reject;
  }

  /** The caller's signal aborted (EventListener interface). */
  handleEvent(): void {
    if (this.settled) return;
    const reason = this.callerSignal?.reason;
    this.end();
    this.abort(reason);
    this.fail(cancelled(this.info, this.plan, reason));
  }

  /** The deadline passed (called by the queue, which has already marked this settled). */
  expire(): void {
    const timeoutMs = this.queue?.durationMs ?? 0;
    this.queue = undefined;
    this.end();
    const reason = new TimeoutSignalError(`timed out after ${timeoutMs} ms`);
    this.abort(reason);
    this.fail(
      new ConnectorError(
        'TIMEOUT',
        `${this.info.name}: timed out after ${timeoutMs} ms (attempt ${this.attempt})`,
        {
          connector: this.plan.connector,
          action: this.plan.action,
          connection: this.info.connection,
          cause: reason,
        },
      ),
    );
  }

  private finish(value: unknown, error: unknown, failed: boolean): void {
    if (this.settled) return;
    this.end();
    if (failed) {
      this.fail(error);
      return;
    }
    try {
      this.resolve?.(this.kit.checkOutput(this.plan, this.info, value));
    } catch (invalid) {
      this.fail(invalid);
    }
  }

  private fail(error: unknown): void {
    if (!this.handOff) this.reject?.(error);
    else this.resolve?.(this.kit.retryAfter(this.plan, this.info, this.options, this.policy, error));
  }

  /** Aborts the action's signal, also one it has not read yet: reading it later finds it aborted. */
  private abort(reason: unknown): void {
    this.controller ??= new AbortController();
    this.controller.abort(reason);
  }

  private end(): void {
    if (this.queue !== undefined) this.queue.settle(this);
    this.settled = true;
    this.callerSignal?.removeEventListener('abort', this);
  }
}

function isLogger(value: unknown): value is Logger {
  return typeof value === 'object' && value !== null && typeof (value as Logger).child === 'function';
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

function cancelled(info: InvocationInfo, plan: ActionPlan, reason: unknown): ConnectorError {
  return new ConnectorError('CANCELLED', `${info.name}: cancelled by the caller`, {
    connector: plan.connector,
    action: plan.action,
    connection: info.connection,
    cause: reason,
  });
}

function waitFor(promise: Promise<unknown>, signal: AbortSignal | undefined): Promise<unknown> {
  return signal === undefined ? promise : raceAbort(promise, signal);
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function memoryState(): TriggerState {
  const values = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => values.get(key) as T | undefined,
    set: async (key, value) => {
      values.set(key, value);
    },
  };
}

/** Values under credential-named keys are secrets even when a schema forgot to say so. */
function collectSensitiveStrings(value: unknown, into: Set<string>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'string' && isSensitiveKey(key)) into.add(child);
    else collectSensitiveStrings(child, into, depth + 1);
  }
}

export { DEFAULT_RETRY };
