import type { EmulatorRequest } from './emulator-request.js';

/** What an emulator answers: a status, headers and a body (an object is sent as JSON). */
export interface EmulatorResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string or bytes are sent as they are; anything else as JSON. */
  readonly body?: unknown;
}

/** How the vendor answers the faults the sandbox injects — each emulator speaks its vendor's dialect. */
export interface FaultResponses {
  /** The vendor's "slow down" answer; `retryAfterSeconds` goes into `Retry-After`. */
  rateLimited(retryAfterSeconds: number, request: EmulatorRequest): EmulatorResponse;
  /** The vendor's answer when it is down (5xx). */
  serverError(status: number, request: EmulatorRequest): EmulatorResponse;
  /** The vendor's answer to a credential it does not accept. */
  invalidToken(request: EmulatorRequest): EmulatorResponse;
  /** The vendor's answer to a body it cannot decode (400), or one too large to take (413). */
  invalidBody(status: 400 | 413, message: string): EmulatorResponse;
}

/** What a handler sees of the running emulator. */
export interface EmulatorContext<TState> {
  /** The live state (replaced by `reset`): handlers read and change it. */
  readonly state: TState;
  /** Base URL of the emulator, e.g. `http://127.0.0.1:4100`. */
  readonly url: string;
  /** Aborted when the emulator closes: background work (event delivery) must stop. */
  readonly signal: AbortSignal;
  /** Keeps background work tracked so that `close()` waits for it. */
  track(work: Promise<unknown>): void;
  /** Diagnostics of the emulator (silent unless the sandbox was started with a log function). */
  log(message: string): void;
}

/** A route under `/_sandbox/<emulator>/…` that people and other processes use to drive the emulator. */
export type ControlRoute<TState> = (
  request: EmulatorRequest,
  context: EmulatorContext<TState>,
) => EmulatorResponse | Promise<EmulatorResponse>;

/**
 * A local emulator of a SaaS API. The sandbox runs it on its own HTTP server; the definition
 * says how state is seeded, how requests are answered and how the vendor signals faults.
 */
export interface EmulatorDefinition<
  TName extends string = string,
  TSeed = unknown,
  TState = unknown,
  TCredentials extends Readonly<Record<string, string>> = Readonly<Record<string, string>>,
  TControls = unknown,
> {
  /** Registry name, used by `startSandbox(name)` and `ck sandbox start <name>`. */
  readonly name: TName;
  readonly title: string;
  /** What is emulated (the methods, their documented behaviour). */
  readonly description: string;
  /** The port `ck sandbox start` binds to unless told otherwise (tests use port 0). */
  readonly defaultPort: number;
  /** Builds the initial state; the same seed gives the same state. */
  createState(seed: TSeed | undefined): TState;
  /** Test credentials a client needs (tokens, secrets, API URL), as printed by `ck sandbox start`. */
  credentials(state: TState, url: string): TCredentials;
  /**
   * The name faults and the request log know a request by (Slack: the Web API method).
   * Defaults to the URL path.
   */
  routeOf?(request: EmulatorRequest): string;
  /** Answers one request of the vendor API. */
  handle(
    request: EmulatorRequest,
    context: EmulatorContext<TState>,
  ): EmulatorResponse | Promise<EmulatorResponse>;
  /** The vendor's answers to injected faults; generic JSON answers are used where absent. */
  readonly faultResponses?: Partial<FaultResponses>;
  /** Typed helpers tests use to drive the emulator (post as a user, deliver an event …). */
  controls?(context: EmulatorContext<TState>): TControls;
  /** Extra control routes, served under `/_sandbox/<name>/<route>`. */
  readonly controlRoutes?: Readonly<Record<string, ControlRoute<TState>>>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds emulators of any seed, state and controls.
export type AnyEmulatorDefinition = EmulatorDefinition<string, any, any, any, any>;

/** The seed type an emulator accepts. */
export type SeedOf<TDefinition> =
  TDefinition extends EmulatorDefinition<
    string,
    infer TSeed,
    infer _State,
    infer _Credentials,
    infer _Controls
  >
    ? TSeed
    : never;
/** The state type of an emulator. */
export type StateOf<TDefinition> =
  TDefinition extends EmulatorDefinition<
    string,
    infer _Seed,
    infer TState,
    infer _Credentials,
    infer _Controls
  >
    ? TState
    : never;
/** The credentials an emulator hands out. */
export type CredentialsOf<TDefinition> =
  TDefinition extends EmulatorDefinition<
    string,
    infer _Seed,
    infer _State,
    infer TCredentials,
    infer _Controls
  >
    ? TCredentials
    : never;
/** The test controls of an emulator. */
export type ControlsOf<TDefinition> =
  TDefinition extends EmulatorDefinition<
    string,
    infer _Seed,
    infer _State,
    infer _Credentials,
    infer TControls
  >
    ? TControls
    : never;

/**
 * Declares an emulator; an identity function whose job is inference of seed, state,
 * credentials and controls.
 *
 * @example
 * export const echoEmulator = defineEmulator({
 *   name: 'echo', title: 'Echo', description: 'Answers every request with its path.', defaultPort: 4199,
 *   createState: (seed: { greeting?: string } | undefined) => ({ greeting: seed?.greeting ?? 'hi', calls: 0 }),
 *   credentials: (_state, url) => ({ apiUrl: url }),
 *   handle: (request, { state }) => ({ status: 200, body: { path: request.path, greeting: state.greeting, calls: ++state.calls } }),
 * });
 */
export function defineEmulator<
  const TName extends string,
  TSeed,
  TState,
  const TCredentials extends Readonly<Record<string, string>>,
  TControls = Record<never, never>,
>(
  definition: EmulatorDefinition<TName, TSeed, TState, TCredentials, TControls>,
): EmulatorDefinition<TName, TSeed, TState, TCredentials, TControls> {
  return definition;
}

/** A JSON response. */
export function json(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): EmulatorResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body };
}

/**
 * The sandbox's own answer to a body it cannot take: for what a vendor documents no answer of
 * its own for (a body over the sandbox's size limit).
 */
export function invalidBody(status: 400 | 413, message: string): EmulatorResponse {
  return json(status, { error: 'invalid_body', message });
}
