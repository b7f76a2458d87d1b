/** Which requests a fault affects, and how many of them. */
export interface FaultTarget {
  /**
   * The route to affect: the emulator's route name (Slack: the Web API method, e.g.
   * `chat.postMessage`) or the URL path; a RegExp is tested against both. Every route when absent.
   */
  readonly route?: string | RegExp;
  /** How many matching requests the fault affects before it is spent. Unlimited when absent. */
  readonly times?: number;
}

/** A fault the sandbox injects in front of the emulator. */
export type FaultSpec =
  | (FaultTarget & {
      /** The vendor's rate-limit answer: HTTP 429 with `Retry-After`. */
      readonly kind: 'rateLimit';
      /** Seconds sent in `Retry-After`. Default 1. */
      readonly retryAfterSeconds?: number;
    })
  | (FaultTarget & {
      /** The vendor is down: a 5xx answer. */
      readonly kind: 'serverError';
      /** Default 503. */
      readonly status?: number;
    })
  | (FaultTarget & {
      /** The answer comes late (the request is still handled). */
      readonly kind: 'delay';
      readonly ms: number;
    })
  | (FaultTarget & {
      /** The credential is treated as invalid, whatever it is. */
      readonly kind: 'invalidToken';
    });

export type FaultKind = FaultSpec['kind'];

/** An injected fault: how often it hit, and a way to remove it early. */
export interface Fault {
  readonly id: number;
  readonly spec: FaultSpec;
  /** Requests affected so far. */
  readonly hits: number;
  /** Requests it will still affect (`Infinity` when unlimited). */
  readonly remaining: number;
  remove(): void;
}

/** What the faults decide for one request. */
export interface FaultDecision {
  /** Total delay before answering, in milliseconds. */
  readonly delayMs: number;
  /** The fault that answers instead of the emulator, if any. */
  readonly answer: Exclude<FaultSpec, { kind: 'delay' }> | undefined;
  /** Kinds of the faults that hit, for the request log. */
  readonly kinds: readonly FaultKind[];
}

/** Fault injection of one running emulator. */
export interface Faults {
  /** Answers matching requests with HTTP 429 and `Retry-After` (in the vendor's format). */
  rateLimit(options?: FaultTarget & { readonly retryAfterSeconds?: number }): Fault;
  /** Answers matching requests with a 5xx status (503 unless told otherwise). */
  serverError(options?: FaultTarget & { readonly status?: number }): Fault;
  /** Delays matching requests. */
  delay(options: FaultTarget & { readonly ms: number }): Fault;
  /** Rejects the credential of matching requests as the vendor would. */
  invalidToken(options?: FaultTarget): Fault;
  add(spec: FaultSpec): Fault;
  /** Active faults, oldest first. */
  list(): readonly Fault[];
  /** Removes every fault. */
  clear(): void;
}

interface FaultEntry {
  readonly id: number;
  readonly spec: FaultSpec;
  hits: number;
  remaining: number;
}

/** The fault table of one emulator; `decide` is called once per request by the server. */
export interface FaultTable extends Faults {
  decide(route: string, path: string): FaultDecision;
}

/** Creates an empty fault table. */
export function createFaults(): FaultTable {
  let entries: FaultEntry[] = [];
  let nextId = 1;

  const view = (entry: FaultEntry): Fault => ({
    id: entry.id,
    spec: entry.spec,
    get hits() {
      return entry.hits;
    },
    get remaining() {
      return entry.remaining;
    },
    remove: () => {
      entries = entries.filter((candidate) => candidate !== entry);
    },
  });

  const add = (spec: FaultSpec): Fault => {
    validate(spec);
    const entry: FaultEntry = {
      id: nextId++,
      spec,
      hits: 0,
      remaining: spec.times ?? Number.POSITIVE_INFINITY,
    };
    entries.push(entry);
    return view(entry);
  };

  const consume = (entry: FaultEntry): void => {
    entry.hits++;
    entry.remaining--;
    if (entry.remaining <= 0) entries = entries.filter((candidate) => candidate !== entry);
  };

  return {
    rateLimit: (options = {}) => add({ ...options, kind: 'rateLimit' }),
    serverError: (options = {}) => add({ ...options, kind: 'serverError' }),
    delay: (options) => add({ ...options, kind: 'delay' }),
    invalidToken: (options = {}) => add({ ...options, kind: 'invalidToken' }),
    add,
    list: () => entries.map(view),
    clear: () => {
      entries = [];
    },
    decide: (route, path) => {
      let delayMs = 0;
      let answer: FaultDecision['answer'];
      const kinds: FaultKind[] = [];
      for (const entry of [...entries]) {
        if (!matches(entry.spec.route, route, path)) continue;
        if (entry.spec.kind === 'delay') {
          delayMs += entry.spec.ms;
        } else if (answer === undefined) {
          answer = entry.spec;
        } else {
          continue;
        }
        kinds.push(entry.spec.kind);
        consume(entry);
      }
      return { delayMs, answer, kinds };
    },
  };
}

function matches(target: string | RegExp | undefined, route: string, path: string): boolean {
  if (target === undefined) return true;
  if (typeof target === 'string') return target === route || target === path;
  target.lastIndex = 0;
  if (target.test(route)) return true;
  target.lastIndex = 0;
  return target.test(path);
}

const KINDS: readonly FaultKind[] = ['rateLimit', 'serverError', 'delay', 'invalidToken'];

function validate(spec: FaultSpec): void {
  if (!KINDS.includes(spec.kind)) {
    throw new TypeError(`unknown fault kind '${String(spec.kind)}' — expected one of ${KINDS.join(', ')}`);
  }
  if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) {
    throw new TypeError(`fault.times must be a positive integer, got ${String(spec.times)}`);
  }
  if (spec.kind === 'delay' && !(Number.isFinite(spec.ms) && spec.ms >= 0)) {
    throw new TypeError(`a delay fault needs ms ≥ 0, got ${String(spec.ms)}`);
  }
  if (
    spec.kind === 'rateLimit' &&
    spec.retryAfterSeconds !== undefined &&
    !(Number.isInteger(spec.retryAfterSeconds) && spec.retryAfterSeconds >= 0)
  ) {
    throw new TypeError(
      `retryAfterSeconds must be a whole number of seconds ≥ 0, got ${String(spec.retryAfterSeconds)}`,
    );
  }
  if (
    spec.kind === 'serverError' &&
    spec.status !== undefined &&
    !(Number.isInteger(spec.status) && spec.status >= 500 && spec.status <= 599)
  ) {
    throw new TypeError(`a serverError fault needs a 5xx status, got ${String(spec.status)}`);
  }
}

/** Reads a fault from JSON (the `/_sandbox/faults` control route); the route is a plain string there. */
export function faultFromJson(value: unknown): FaultSpec {
  if (value === null || typeof value !== 'object') throw new TypeError('a fault must be a JSON object');
  const record = value as Record<string, unknown>;
  const spec = { ...record } as unknown as FaultSpec;
  if (record.route !== undefined && typeof record.route !== 'string') {
    throw new TypeError('fault.route must be a string');
  }
  validate(spec);
  return spec;
}
