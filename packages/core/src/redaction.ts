import { EventEmitter } from 'node:events';
import { type TSchema, type TUnsafe, Type } from '@sinclair/typebox';

const REDACTED_TEXT = '<redacted>';
// Shared through the global symbol registry so that two copies of @connectorkit/core in one
// process (a connector that brought its own) still read each other's secrets.
const VALUES_KEY = Symbol.for('connectorkit.redacted.values');
const values: WeakMap<object, string> =
  ((globalThis as Record<symbol, unknown>)[VALUES_KEY] as WeakMap<object, string> | undefined) ??
  new WeakMap<object, string>();
(globalThis as Record<symbol, unknown>)[VALUES_KEY] = values;

/**
 * A secret value that cannot print itself: `String()`, `JSON.stringify` and `util.inspect`
 * all show `<redacted>`. Read it with `Redacted.reveal(secret)` where it is really needed.
 *
 * @example
 * const token = Redacted.make(process.env.SLACK_TOKEN ?? '');
 * new WebClient(Redacted.reveal(token));
 */
export class Redacted {
  private constructor() {}

  static make(value: string): Redacted {
    const secret = new Redacted();
    values.set(secret, value);
    Object.freeze(secret);
    return secret;
  }

  /** The secret's real value. Call it only where the value leaves for the service. */
  static reveal(secret: Redacted): string {
    const value = values.get(secret);
    if (value === undefined) throw new TypeError('not a Redacted value');
    return value;
  }

  static is(value: unknown): value is Redacted {
    return typeof value === 'object' && value !== null && values.has(value);
  }

  toString(): string {
    return REDACTED_TEXT;
  }

  toJSON(): string {
    return REDACTED_TEXT;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED_TEXT;
  }
}

/** The JSON Schema keyword that marks a secret field. */
export const SECRET_KEYWORD = 'x-secret';

/**
 * A secret string in a connection schema. Configured as a plain string (usually
 * `${ENV_VAR}` in connectorkit.yaml); `connect` receives it as a `Redacted`.
 *
 * @example
 * const connection = Type.Object({ token: Secret({ description: 'Bot token (xoxb-…)' }) });
 */
export function Secret(
  options: { description?: string; title?: string; minLength?: number } = {},
): TUnsafe<Redacted> {
  return Type.Unsafe<Redacted>({ type: 'string', writeOnly: true, [SECRET_KEYWORD]: true, ...options });
}

export function isSecretSchema(schema: unknown): boolean {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    (schema as Record<string, unknown>)[SECRET_KEYWORD] === true
  );
}

/** True when a schema declares any secret field anywhere. */
export function hasSecrets(schema: TSchema): boolean {
  let found = false;
  walkSchema(schema, (node) => {
    if (isSecretSchema(node)) found = true;
  });
  return found;
}

function walkSchema(schema: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (schema === null || typeof schema !== 'object') return;
  const node = schema as Record<string, unknown>;
  visit(node);
  const properties = node.properties;
  if (properties !== null && typeof properties === 'object') {
    for (const child of Object.values(properties)) walkSchema(child, visit);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches)) for (const branch of branches) walkSchema(branch, visit);
  }
  if (Array.isArray(node.items)) for (const item of node.items) walkSchema(item, visit);
  else if (node.items !== undefined) walkSchema(node.items, visit);
  if (typeof node.additionalProperties === 'object') walkSchema(node.additionalProperties, visit);
  const patterns = node.patternProperties;
  if (patterns !== null && typeof patterns === 'object') {
    for (const child of Object.values(patterns)) walkSchema(child, visit);
  }
}

/**
 * Wraps every value at a secret field of `schema` in `Redacted`, collecting the raw values
 * into `collected` so that text mentioning them can be scrubbed later. Returns a new value.
 */
export function wrapSecrets(schema: unknown, value: unknown, collected?: Set<string>): unknown {
  if (schema === null || typeof schema !== 'object') return value;
  const node = schema as Record<string, unknown>;
  if (isSecretSchema(node)) {
    if (typeof value === 'string') {
      collected?.add(value);
      return Redacted.make(value);
    }
    return value;
  }
  let result = value;
  // Branches first: a branch may be the secret itself (`Type.Union([Secret(), Type.Null()])`).
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = node[key];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) result = wrapSecrets(branch, result, collected);
  }
  if (Array.isArray(result)) return wrapItems(node, result, collected);
  if (result === null || typeof result !== 'object' || Redacted.is(result)) return result;
  const original = result as Record<string, unknown>;
  let copy = original;
  const set = (key: string, child: unknown): void => {
    const wrapped = wrapSecrets(child, copy[key], collected);
    if (wrapped === copy[key]) return;
    if (copy === original) copy = { ...original };
    copy[key] = wrapped;
  };
  const properties = isRecord(node.properties) ? node.properties : {};
  const patterns = isRecord(node.patternProperties)
    ? Object.entries(node.patternProperties).map(
        ([pattern, child]) => [new RegExp(pattern, 'u'), child] as const,
      )
    : [];
  for (const key of Object.keys(original)) {
    if (Object.hasOwn(properties, key)) {
      set(key, properties[key]);
      continue;
    }
    const matching = patterns.filter(([pattern]) => pattern.test(key));
    for (const [, child] of matching) set(key, child);
    if (matching.length === 0 && isRecord(node.additionalProperties)) set(key, node.additionalProperties);
  }
  return copy;
}

function wrapItems(node: Record<string, unknown>, value: unknown[], collected?: Set<string>): unknown[] {
  const items = node.items;
  if (Array.isArray(items)) {
    // A tuple: one schema per position.
    const wrapped = value.map((item, index) => wrapSecrets(items[index], item, collected));
    return wrapped.every((item, index) => item === value[index]) ? value : wrapped;
  }
  if (!isRecord(items)) return value;
  const wrapped = value.map((item) => wrapSecrets(items, item, collected));
  return wrapped.every((item, index) => item === value[index]) ? value : wrapped;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SENSITIVE_KEY =
  /pass(word|phrase)?$|secret|token|authori[sz]ation|api[-_]?key|private[-_]?key|cookie|credential/i;

/** True for keys that name a credential (`password`, `apiKey`, `authorization` …). */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/**
 * Scrubs secrets out of text and values before they reach a log line, an error message,
 * a run record or CLI output. Values are matched exactly; keys that name a credential
 * (`password`, `token`, `apiKey` …) are hidden whatever their value.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Remembers a secret value; values shorter than 4 characters are too common to scrub safely. */
  add(secret: string): void {
    if (secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.pattern = undefined;
  }

  addAll(secrets: Iterable<string>): void {
    for (const secret of secrets) this.add(secret);
  }

  get size(): number {
    return this.secrets.size;
  }

  text(text: string): string {
    if (this.secrets.size === 0) return text;
    this.pattern ??= new RegExp(
      [...this.secrets]
        .sort((a, b) => b.length - a.length)
        .flatMap((secret) => {
          // The forms a secret takes on its way out: in a URL, a header, a JSON body.
          const variants = new Set([
            secret,
            encodeURIComponent(secret),
            Buffer.from(secret).toString('base64'),
            Buffer.from(secret).toString('base64url'),
            JSON.stringify(secret).slice(1, -1),
          ]);
          return [...variants].map(escapeRegExp);
        })
        .join('|'),
      'g',
    );
    return text.replace(this.pattern, REDACTED_TEXT);
  }

  /** A deep copy of `value` with secrets, `Redacted` values and credential-named keys hidden. */
  value(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (Redacted.is(value)) return REDACTED_TEXT;
    if (depth > 32) return '[deep]';
    if (value instanceof Error) return this.value(serializeError(value), depth + 1);
    if (Array.isArray(value)) return value.map((item) => this.value(item, depth + 1));
    if (value instanceof Date) return value.toISOString();
    if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      result[key] =
        SENSITIVE_KEY.test(key) && child !== null && child !== undefined && child !== ''
          ? REDACTED_TEXT
          : this.value(child, depth + 1);
    }
    return result;
  }

  /**
   * Makes an error safe to print however the caller prints it — `console.log(error)`,
   * `util.inspect(error, { depth: null, showHidden: true })`, `JSON.stringify`, its stack —
   * along its cause chain, into the `errors` of an AggregateError and into errors held by any
   * property.
   *
   * - Text (message, stack, string properties, a string cause) is scrubbed in place.
   * - An object hanging off an error (an SDK error's `config`, `request`, `response`, headers,
   *   a non-error cause) is never edited, as the client may still use it: the error's property
   *   is replaced by a redacted plain copy. The copy keeps diagnostic data — status, method,
   *   path, url (without user info or credential query parameters), headers, body text — hides
   *   credential-named keys (`authorization`, `cookie`, `password` …, also in Maps, `Headers`
   *   and symbol-keyed header maps) and `Redacted` values, summarises binary data as
   *   `[n bytes]`, and drops what only leads to more state: sockets, agents, streams and other
   *   event emitters (shown as `[Socket]` …), functions, getters and non-enumerable properties.
   *   A plain object or array that holds nothing to hide is kept as it is.
   * - A frozen error cannot be rewritten: it is replaced by a redacted copy with the same
   *   prototype (the returned value, or the copy its parent's `cause` points to).
   * - A property that cannot be read (a throwing getter, a revoked proxy or one that refuses a
   *   trap) shows as `[unreadable]`; the rest of the error is still scrubbed.
   * - The work is bounded: shared and circular references are visited once (a cycle shows as
   *   `[Circular]`), and past a depth of 16 or a budget of 5,000 values — errors count too —
   *   the rest shows as `[truncated]`.
   * - It never throws, and never returns the error unredacted: an error that cannot be walked
   *   at all is replaced by a new `Error` holding only its scrubbed message, name and code.
   *
   * Runs on failures only: nothing of it costs a successful call.
   */
  error<E>(error: E): E {
    try {
      if (!(error instanceof Error)) return error;
      return new ErrorScrub(this).error(error, 0) as E;
    } catch {
      // Redaction must not replace the failure being reported, nor let it out with its secrets.
      return unreadableError(error, this) as E;
    }
  }
}

const MAXIMUM_DEPTH = 16;
const NODE_BUDGET = 5_000;
const TRUNCATED = '[truncated]';
const CIRCULAR = '[Circular]';
const UNREADABLE = '[unreadable]';
/** What `readProperty` returns when a getter throws. */
const THREW: unique symbol = Symbol('threw');
/** Marks a property a copy leaves out. */
const OMIT: unique symbol = Symbol('omit');
/** Text properties of an error that hold prose, not data: only known secrets are scrubbed. */
const ERROR_PROSE = new Set<PropertyKey>(['message', 'stack']);

/** One `Redactor.error` call: its budget and what it has already visited. */
class ErrorScrub {
  private nodes = 0;
  /** What each visited object became; `CIRCULAR` while its own copy is being made. */
  private readonly replacements = new Map<object, unknown>();

  constructor(private readonly redactor: Redactor) {}

  error(error: Error, depth: number): Error {
    const known = this.replacements.get(error);
    if (known !== undefined) return known as Error;
    if (Object.isFrozen(error)) return this.errorCopy(error, depth);
    this.replacements.set(error, error);
    for (const [key, descriptor, current, redacted] of this.ownProperties(error, depth)) {
      if (redacted === current) continue;
      if (!replaceProperty(error, key, descriptor, redacted)) {
        this.replacements.delete(error);
        return this.errorCopy(error, depth);
      }
    }
    return error;
  }

  /** A redacted copy of an error that cannot be changed, keeping its prototype (`instanceof`). */
  private errorCopy(error: Error, depth: number): Error {
    const copy = Object.create(Object.getPrototypeOf(error) as object | null) as Error;
    this.replacements.set(error, copy);
    for (const [key, descriptor, , redacted] of this.ownProperties(error, depth)) {
      if (redacted === OMIT) continue;
      Object.defineProperty(copy, key, {
        value: redacted,
        writable: true,
        configurable: true,
        enumerable: descriptor.enumerable ?? false,
      });
    }
    return copy;
  }

  /** Each own property of an error: its key, descriptor, value and redacted value. */
  private *ownProperties(
    error: Error,
    depth: number,
  ): Generator<[key: PropertyKey, descriptor: PropertyDescriptor, current: unknown, redacted: unknown]> {
    for (const key of Reflect.ownKeys(error)) {
      const descriptor = ownDescriptor(error, key);
      if (descriptor === undefined) continue;
      const current = 'value' in descriptor ? descriptor.value : readProperty(error, key);
      yield [key, descriptor, current, this.property(key, current, depth)];
    }
  }

  /** One property of an error, redacted on its own: what throws on the way shows as `[unreadable]`. */
  private property(key: PropertyKey, value: unknown, depth: number): unknown {
    if (value === THREW) return UNREADABLE;
    try {
      return this.errorProperty(key, value, depth);
    } catch {
      return UNREADABLE;
    }
  }

  private errorProperty(key: PropertyKey, value: unknown, depth: number): unknown {
    if (typeof value === 'string') {
      if (ERROR_PROSE.has(key)) return this.redactor.text(value);
      return this.sensitive(key, value) ? REDACTED_TEXT : this.text(value);
    }
    if (value instanceof Error) return this.nested(value, depth);
    if (typeof value === 'function') return value;
    if (value === null || typeof value !== 'object') return value;
    // The errors of an AggregateError stay errors.
    if (key === 'errors' && Array.isArray(value)) return this.errors(value, depth);
    if (this.sensitive(key, value)) return REDACTED_TEXT;
    return this.copy(value, depth + 1);
  }

  /** The `errors` of an AggregateError, each redacted on its own, within the budget. */
  private errors(value: unknown[], depth: number): unknown[] {
    const errors: unknown[] = [];
    let changed = false;
    for (const item of value) {
      if (this.nodes >= NODE_BUDGET) {
        errors.push(`${TRUNCATED} ${value.length - errors.length} more`);
        return errors;
      }
      let redacted: unknown;
      try {
        redacted = item instanceof Error ? this.nested(item, depth) : this.copy(item, depth + 1);
      } catch {
        redacted = UNREADABLE;
      }
      if (redacted !== item) changed = true;
      errors.push(redacted === OMIT ? undefined : redacted);
    }
    return changed ? errors : value;
  }

  /** An error held by another: counted against the budget like any value. */
  private nested(error: Error, depth: number): unknown {
    const known = this.replacements.get(error);
    if (known !== undefined) return known;
    if (depth + 1 > MAXIMUM_DEPTH || ++this.nodes > NODE_BUDGET) return TRUNCATED;
    try {
      return this.error(error, depth + 1);
    } catch {
      // Later references to it must not find the error itself, half scrubbed.
      this.replacements.set(error, UNREADABLE);
      return UNREADABLE;
    }
  }

  /** A redacted plain copy of `value`, or `value` itself when it is plain and holds nothing to hide. */
  private copy(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return ++this.nodes > NODE_BUDGET ? TRUNCATED : this.text(value);
    if (typeof value === 'function') return OMIT;
    if (value === null || typeof value !== 'object') return value;
    if (Redacted.is(value)) return REDACTED_TEXT;
    const known = this.replacements.get(value);
    if (known !== undefined) return known;
    try {
      if (value instanceof Error) return this.nested(value, depth - 1);
      if (depth > MAXIMUM_DEPTH || ++this.nodes > NODE_BUDGET) return TRUNCATED;
      this.replacements.set(value, CIRCULAR);
      const copy = this.copyObject(value, depth);
      this.replacements.set(value, copy);
      return copy;
    } catch {
      // A revoked proxy, a proxy refusing a trap, a throwing iterator: none of it is shown.
      this.replacements.set(value, UNREADABLE);
      return UNREADABLE;
    }
  }

  private copyObject(value: object, depth: number): unknown {
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      let changed = false;
      for (const item of value as unknown[]) {
        if (this.nodes >= NODE_BUDGET) {
          items.push(`${TRUNCATED} ${value.length - items.length} more`);
          return items;
        }
        const redacted = this.copy(item, depth + 1);
        if (redacted !== item) changed = true;
        items.push(redacted === OMIT ? undefined : redacted);
      }
      return changed ? items : value;
    }
    if (value instanceof Date) return value;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
    if (value instanceof Map) return this.copyMap(value, depth);
    if (value instanceof Set) {
      const copy = new Set<unknown>();
      for (const item of value) {
        if (this.nodes >= NODE_BUDGET) return copy.add(`${TRUNCATED} ${value.size - copy.size} more`);
        copy.add(this.copy(item, depth + 1));
      }
      return copy;
    }
    if (value instanceof URL) return this.text(value.href);
    if (value instanceof URLSearchParams) return this.text(value.toString());
    if (isHeaders(value)) return this.copyEntries(value.entries(), depth);
    if (isFetchMessage(value)) return this.fetchSummary(value, depth);
    if (value instanceof EventEmitter) return this.emitterSummary(value, depth);
    if (
      value instanceof Promise ||
      value instanceof WeakMap ||
      value instanceof WeakSet ||
      value instanceof WeakRef
    ) {
      return `[${constructorName(value)}]`;
    }
    return this.copyRecord(value, depth);
  }

  /** Own enumerable data properties, string- and symbol-keyed; the same object when nothing changed. */
  private copyRecord(value: object, depth: number): unknown {
    const prototype = Object.getPrototypeOf(value) as unknown;
    let changed = prototype !== Object.prototype && prototype !== null;
    const copy: Record<PropertyKey, unknown> = {};
    const keys = Reflect.ownKeys(value);
    for (const [index, key] of keys.entries()) {
      if (this.nodes >= NODE_BUDGET) {
        copy[TRUNCATED] = `${keys.length - index} more properties`;
        return copy;
      }
      const descriptor = ownDescriptor(value, key);
      if (descriptor === undefined || !descriptor.enumerable || !('value' in descriptor)) {
        changed = true;
        continue;
      }
      const child: unknown = descriptor.value;
      const redacted = this.sensitive(key, child) ? REDACTED_TEXT : this.copy(child, depth + 1);
      if (redacted !== child) changed = true;
      if (redacted !== OMIT) copy[key] = redacted;
    }
    return changed ? copy : value;
  }

  private copyMap(value: Map<unknown, unknown>, depth: number): Map<unknown, unknown> {
    const copy = new Map<unknown, unknown>();
    for (const [key, child] of value) {
      if (this.nodes >= NODE_BUDGET) return copy.set(TRUNCATED, `${value.size - copy.size} more entries`);
      const redacted = this.sensitive(key, child) ? REDACTED_TEXT : this.copy(child, depth + 1);
      copy.set(this.copy(key, depth + 1), redacted === OMIT ? undefined : redacted);
    }
    return copy;
  }

  private copyEntries(entries: Iterable<[string, unknown]>, depth: number): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of entries) {
      if (this.nodes >= NODE_BUDGET) {
        copy[TRUNCATED] = 'more entries';
        return copy;
      }
      const redacted = this.sensitive(key, child) ? REDACTED_TEXT : this.copy(child, depth + 1);
      if (redacted !== OMIT) copy[key] = redacted;
    }
    return copy;
  }

  /** A fetch `Request` or `Response`: what it was, not its body stream or internal state. */
  private fetchSummary(value: FetchMessage, depth: number): Record<string, unknown> {
    const summary: Record<string, unknown> = {};
    if (typeof value.method === 'string') summary.method = value.method;
    if (typeof value.status === 'number') summary.status = value.status;
    if (typeof value.statusText === 'string') summary.statusText = value.statusText;
    if (typeof value.url === 'string') summary.url = this.text(value.url);
    summary.headers = this.copyEntries(value.headers.entries(), depth);
    return summary;
  }

  /**
   * A Node `ClientRequest` or `IncomingMessage` becomes what it said (method, path, status,
   * headers); any other emitter — a socket, an agent, a stream — only its class name.
   */
  private emitterSummary(value: EventEmitter, depth: number): unknown {
    const message = value as unknown as NodeHttpMessage;
    if (typeof message.getHeaders === 'function' && typeof message.method === 'string') {
      const summary: Record<string, unknown> = { method: message.method };
      if (typeof message.protocol === 'string') summary.protocol = message.protocol;
      if (typeof message.host === 'string') summary.host = message.host;
      if (typeof message.path === 'string') summary.path = this.text(message.path);
      summary.headers = this.copyEntries(Object.entries(message.getHeaders() ?? {}), depth);
      return summary;
    }
    if (typeof message.statusCode === 'number' && isRecord(message.headers)) {
      const summary: Record<string, unknown> = { statusCode: message.statusCode };
      if (typeof message.statusMessage === 'string') summary.statusMessage = message.statusMessage;
      if (typeof message.url === 'string' && message.url !== '') summary.url = this.text(message.url);
      summary.headers = this.copyEntries(Object.entries(message.headers), depth);
      return summary;
    }
    return `[${constructorName(value)}]`;
  }

  /** Scrubs known secrets, then credentials a URL or form carries (user info, `?access_token=`). */
  private text(text: string): string {
    let scrubbed = this.redactor.text(text);
    if (scrubbed.includes('@')) scrubbed = scrubbed.replace(URL_USER_INFO, `$1${REDACTED_TEXT}@`);
    if (scrubbed.includes('=')) {
      scrubbed = scrubbed.replace(QUERY_PARAMETER, (parameter, start: string, name: string) =>
        isSensitiveKey(name) ? `${start}${name}=${REDACTED_TEXT}` : parameter,
      );
    }
    return scrubbed;
  }

  private sensitive(key: unknown, value: unknown): boolean {
    const name = typeof key === 'symbol' ? key.description : key;
    return (
      typeof name === 'string' &&
      SENSITIVE_KEY.test(name) &&
      value !== null &&
      value !== undefined &&
      value !== '' &&
      typeof value !== 'function'
    );
  }
}

/** `scheme://user:password@` and `scheme://token@` in URLs. */
const URL_USER_INFO = /\b([a-z][a-z\d+.-]*:\/\/)[^\s/?#@]+@/gi;
/** `name=value` of a query string or form body. */
const QUERY_PARAMETER = /(^|[?&;\s])([^\s=&?#;]+)=[^\s&#;]*/g;

interface FetchMessage {
  readonly headers: { entries(): Iterable<[string, string]> };
  readonly url?: unknown;
  readonly method?: unknown;
  readonly status?: unknown;
  readonly statusText?: unknown;
}

interface NodeHttpMessage {
  readonly getHeaders?: () => Record<string, unknown> | undefined;
  readonly method?: unknown;
  readonly protocol?: unknown;
  readonly host?: unknown;
  readonly path?: unknown;
  readonly statusCode?: unknown;
  readonly statusMessage?: unknown;
  readonly url?: unknown;
  readonly headers?: unknown;
}

function isHeaders(value: object): value is { entries(): Iterable<[string, string]> } {
  return typeof Headers === 'function' && value instanceof Headers;
}

function isFetchMessage(value: object): value is FetchMessage {
  return (
    (typeof Response === 'function' && value instanceof Response) ||
    (typeof Request === 'function' && value instanceof Request)
  );
}

function constructorName(value: object): string {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  const name = prototype?.constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}

function ownDescriptor(value: object, key: PropertyKey): PropertyDescriptor | undefined {
  try {
    return Object.getOwnPropertyDescriptor(value, key);
  } catch {
    return undefined;
  }
}

function readProperty(value: object, key: PropertyKey): unknown {
  try {
    return Reflect.get(value, key);
  } catch {
    return THREW;
  }
}

/**
 * The last resort for an error the walk cannot read at all (a proxy refusing its prototype or
 * its keys): a new `Error` with only the scrubbed message, and the name and code when readable.
 */
function unreadableError(error: unknown, redactor: Redactor): Error {
  const read = (key: string): unknown =>
    typeof error === 'object' && error !== null ? readProperty(error, key) : undefined;
  const message = read('message');
  const copy = new Error(typeof message === 'string' ? redactor.text(message) : UNREADABLE);
  const name = read('name');
  if (typeof name === 'string') copy.name = redactor.text(name);
  const code = read('code');
  if (typeof code === 'string' || typeof code === 'number') {
    (copy as Error & { code?: unknown }).code = typeof code === 'string' ? redactor.text(code) : code;
  }
  return copy;
}

/** Replaces an own property's value (an accessor becomes a data property); false when it cannot. */
function replaceProperty(
  target: object,
  key: PropertyKey,
  descriptor: PropertyDescriptor,
  value: unknown,
): boolean {
  try {
    if (value === OMIT) return Reflect.deleteProperty(target, key);
    if (descriptor.configurable === true) {
      return Reflect.defineProperty(target, key, {
        value,
        writable: true,
        configurable: true,
        enumerable: descriptor.enumerable ?? false,
      });
    }
    return descriptor.writable === true && Reflect.set(target, key, value);
  } catch {
    return false;
  }
}

function serializeError(error: Error): Record<string, unknown> {
  const json = (error as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return json.call(error) as Record<string, unknown>;
  return { name: error.name, message: error.message };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const REDACTED = REDACTED_TEXT;
