import type { Static, TSchema } from '@sinclair/typebox';
import type { ConnectorError } from './errors.js';
import type { Logger } from './log.js';

/** The version of the connector contract this core implements. A connector states the one it was written for. */
export const CONTRACT_VERSION = 1;
/** Contract versions this core can load. */
export const SUPPORTED_CONTRACTS: readonly number[] = [1];

export type ContractVersion = typeof CONTRACT_VERSION;

/** What `connect` receives besides the validated configuration. */
export interface ConnectContext {
  /** The name of the connection in connectorkit.yaml (or `createKit`). */
  readonly connection: string;
  readonly connector: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/** How a connector reaches its service: configuration schema and client lifecycle. */
export interface ConnectionDefinition<TConfig extends TSchema = TSchema, TClient = unknown> {
  /** JSON Schema (TypeBox) of the connection configuration. Mark credentials with `Secret()`. */
  readonly config: TConfig;
  /** Creates the client. Called once per named connection; the registry pools the result. */
  connect(config: Static<TConfig>, ctx: ConnectContext): TClient | Promise<TClient>;
  /** Releases the client. Called by `kit.close()`. */
  disconnect?(client: TClient): void | Promise<void>;
  /** "Test connection": resolves when the credentials and the service work, throws otherwise. */
  check?(client: TClient, ctx: { readonly signal: AbortSignal }): void | Promise<void>;
  /**
   * What the connected service offers (entity sets, tables, topics …) as plain JSON, shown by
   * `ck describe <connector> --connection <name>`.
   */
  describe?(client: TClient, ctx: { readonly signal: AbortSignal }): unknown;
}

/** What an action's `run` receives besides its validated input. */
export interface ActionContext<TClient> {
  /** The pooled client of the named connection. */
  readonly client: TClient;
  /** Aborted on timeout or cancellation: pass it to the SDK so that the real I/O ends. */
  readonly signal: AbortSignal;
  /** Structured, redacted logger bound to this invocation. */
  readonly log: Logger;
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
  /** Unique id of this invocation (shared by its retries). */
  readonly invocationId: string;
  /** The named connection in use. */
  readonly connection: string;
}

export interface ActionExample<TInput, TOutput> {
  readonly title?: string;
  readonly input: TInput;
  /** The output the example produces, when it is stable enough to state. */
  readonly output?: TOutput;
}

/** A typed operation of a connector: input schema → output schema. */
export interface ActionDefinition<
  TInput extends TSchema = TSchema,
  TOutput extends TSchema = TSchema,
  TClient = unknown,
> {
  /** The connection the action runs on; gives `ctx.client` its type. */
  readonly connection: ConnectionDefinition<TSchema, TClient>;
  /** Short human name ("Post message"). */
  readonly title?: string;
  /** What the action does, shown by `ck describe` and in the catalog. */
  readonly description: string;
  readonly input: TInput;
  readonly output: TOutput;
  /**
   * True when running the action twice has the same effect as once. Idempotent actions are
   * retried on retryable errors by default; others only when the caller asks.
   */
  readonly idempotent?: boolean;
  readonly examples?: readonly ActionExample<Static<TInput>, Static<TOutput>>[];
  run(input: Static<TInput>, ctx: ActionContext<TClient>): Static<TOutput> | Promise<Static<TOutput>>;
  /**
   * Turns what a call of this action failed with (anything but a `ConnectorError`: what `run`
   * threw or rejected with) into a `ConnectorError` with the right code — the connector's error
   * mapping. Called only on failure, so a call that succeeds pays nothing for it; without it,
   * or when it throws itself, core's generic mapping applies.
   */
  mapError?(error: unknown): ConnectorError;
}

/**
 * What a trigger promises about each event:
 * - `at-least-once`: acknowledged only after the handling flow succeeded; may be redelivered.
 * - `at-most-once`: acknowledged on receipt (or never acknowledged); lost if handling fails.
 */
export type DeliveryGuarantee = 'at-least-once' | 'at-most-once';

/** Durable key-value state of one running trigger (polling positions, cursors). */
export interface TriggerState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export interface TriggerContext<TClient, TEvent> {
  readonly client: TClient;
  /** Aborted when the trigger is being stopped. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly connection: string;
  readonly state: TriggerState;
  /**
   * Hands one event to the flow runtime. Resolves when the flow that handles it has
   * finished successfully — acknowledge or commit only then. Rejects with a
   * `ConnectorError` when handling failed after the retry policy: route the event to
   * the dead-letter target, then acknowledge.
   */
  emit(event: TEvent): Promise<void>;
}

/** Stops a running trigger; resolves when in-flight events have been handled. */
export type StopTrigger = () => void | Promise<void>;

/** A source of events that start flows. */
export interface TriggerDefinition<
  TConfig extends TSchema = TSchema,
  TEvent extends TSchema = TSchema,
  TClient = unknown,
> {
  readonly connection: ConnectionDefinition<TSchema, TClient>;
  readonly title?: string;
  readonly description: string;
  readonly config: TConfig;
  readonly event: TEvent;
  readonly delivery: DeliveryGuarantee;
  start(
    config: Static<TConfig>,
    ctx: TriggerContext<TClient, Static<TEvent>>,
  ): StopTrigger | Promise<StopTrigger>;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry stores actions of any schema and client.
export type AnyActionDefinition = ActionDefinition<any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: the registry stores triggers of any schema and client.
export type AnyTriggerDefinition = TriggerDefinition<any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: the registry stores connections of any schema and client.
export type AnyConnectionDefinition = ConnectionDefinition<any, any>;

/** A connector: a named set of actions and triggers sharing one connection. */
export interface ConnectorDefinition<
  TName extends string = string,
  TActions extends Readonly<Record<string, AnyActionDefinition>> = Readonly<
    Record<string, AnyActionDefinition>
  >,
  TTriggers extends Readonly<Record<string, AnyTriggerDefinition>> = Readonly<
    Record<string, AnyTriggerDefinition>
  >,
> {
  /** The contract version the connector implements (`CONTRACT_VERSION` of the core it was written for). */
  readonly contract: ContractVersion;
  /** Namespace of the actions: `redis` → `redis.get`. Lowercase letters, digits and dashes. */
  readonly name: TName;
  readonly title: string;
  readonly description: string;
  /** The package version, shown in the catalog. */
  readonly version: string;
  readonly connection: AnyConnectionDefinition;
  readonly actions: TActions;
  readonly triggers?: TTriggers;
}

// biome-ignore lint/suspicious/noExplicitAny: any connector, whatever its actions.
export type AnyConnectorDefinition = ConnectorDefinition<string, any, any>;

/**
 * Declares how a connector connects. The client type returned by `connect` types
 * `ctx.client` in every action and trigger that uses this connection.
 *
 * @example
 * export const redisConnection = defineConnection({
 *   config: Type.Object({ url: Type.String(), password: Type.Optional(Secret()) }),
 *   connect: (config) => new Redis(config.url, { password: config.password && Redacted.reveal(config.password) }),
 *   disconnect: (client) => client.quit(),
 *   check: (client) => client.ping(),
 * });
 */
export function defineConnection<const TConfig extends TSchema, TClient>(
  definition: ConnectionDefinition<TConfig, TClient>,
): ConnectionDefinition<TConfig, TClient> {
  return definition;
}

/**
 * Declares an action. Input and output types are inferred from the schemas, so `run`
 * and every caller are checked by the compiler.
 *
 * @example
 * export const get = defineAction({
 *   connection: redisConnection,
 *   description: 'Reads a string value.',
 *   input: Type.Object({ key: Type.String() }),
 *   output: Type.Object({ value: Type.Union([Type.String(), Type.Null()]) }),
 *   idempotent: true,
 *   run: async ({ key }, { client }) => ({ value: await client.get(key) }),
 * });
 */
export function defineAction<const TInput extends TSchema, const TOutput extends TSchema, TClient>(
  definition: ActionDefinition<TInput, TOutput, TClient>,
): ActionDefinition<TInput, TOutput, TClient> {
  return definition;
}

/** An action definition without its connection: what `actionsOn(connection)` takes. */
export type ActionOn<TInput extends TSchema, TOutput extends TSchema, TClient> = Omit<
  ActionDefinition<TInput, TOutput, TClient>,
  'connection'
>;

/**
 * `defineAction` bound to one connection, for a connector whose actions all run on it: each
 * action then leaves out `connection`, and `ctx.client` has the connection's client type.
 *
 * @example
 * export const defineSlackAction = actionsOn(slackConnection);
 * export const postMessage = defineSlackAction({ description: 'Posts a message.', input, output, run });
 */
export function actionsOn<TClient>(
  connection: ConnectionDefinition<TSchema, TClient>,
): <const TInput extends TSchema, const TOutput extends TSchema>(
  definition: ActionOn<TInput, TOutput, TClient>,
) => ActionDefinition<TInput, TOutput, TClient> {
  return (definition) => ({ ...definition, connection });
}

/**
 * Declares a trigger: `start` subscribes and calls `ctx.emit` per event, and returns a stop function.
 *
 * @example
 * export const message = defineTrigger({
 *   connection: redisConnection,
 *   description: 'Each pub/sub message on a channel (at-most-once).',
 *   config: Type.Object({ channel: Type.String() }),
 *   event: Type.Object({ channel: Type.String(), message: Type.String() }),
 *   delivery: 'at-most-once',
 *   start: async ({ channel }, ctx) => { … return () => subscriber.quit(); },
 * });
 */
export function defineTrigger<const TConfig extends TSchema, const TEvent extends TSchema, TClient>(
  definition: TriggerDefinition<TConfig, TEvent, TClient>,
): TriggerDefinition<TConfig, TEvent, TClient> {
  return definition;
}

/**
 * Declares a connector package's default export.
 *
 * @example
 * export default defineConnector({
 *   contract: 1, name: 'redis', title: 'Redis', description: 'Keys, streams and pub/sub.',
 *   version: '0.1.0', connection: redisConnection, actions: { get, set }, triggers: { message },
 * });
 */
export function defineConnector<
  const TName extends string,
  const TActions extends Readonly<Record<string, AnyActionDefinition>>,
  const TTriggers extends Readonly<Record<string, AnyTriggerDefinition>> = Record<never, never>,
>(
  definition: ConnectorDefinition<TName, TActions, TTriggers>,
): ConnectorDefinition<TName, TActions, TTriggers> {
  return definition;
}

/** The static input type of an action. */
export type ActionInput<TAction> =
  TAction extends ActionDefinition<infer TInput, TSchema, unknown> ? Static<TInput> : never;
/** The static output type of an action. */
export type ActionOutput<TAction> =
  TAction extends ActionDefinition<TSchema, infer TOutput, unknown> ? Static<TOutput> : never;
