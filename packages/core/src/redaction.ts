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
   * Rewrites the text of an error in place — message, stack, string properties, a string
   * cause — along its cause chain and into the errors of an AggregateError, so that no secret
   * travels with it.
   */
  error<E>(error: E): E {
    this.scrubError(error, 0);
    return error;
  }

  private scrubError(error: unknown, nesting: number): void {
    let current: unknown = error;
    for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
      for (const key of new Set(['message', 'stack', ...Object.keys(current)])) {
        scrubProperty(current, key, this);
      }
      if (typeof current.cause === 'string') scrubProperty(current, 'cause', this);
      const inner = (current as { errors?: unknown }).errors;
      if (Array.isArray(inner) && nesting < 4) {
        for (const item of inner) this.scrubError(item, nesting + 1);
      }
      current = current.cause;
    }
  }
}

function scrubProperty(target: Error, key: string, redactor: Redactor): void {
  const text = (target as unknown as Record<string, unknown>)[key];
  if (typeof text !== 'string') return;
  const scrubbed = redactor.text(text);
  if (scrubbed === text) return;
  try {
    Object.defineProperty(target, key, {
      value: scrubbed,
      writable: true,
      configurable: true,
      enumerable: Object.getOwnPropertyDescriptor(target, key)?.enumerable ?? false,
    });
  } catch {
    // A frozen error keeps its text; the caller still scrubs whatever it prints.
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
