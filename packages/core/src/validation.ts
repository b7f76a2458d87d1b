import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { ValidationIssue } from './errors.js';
import { SECRET_KEYWORD } from './redaction.js';

const MAX_ISSUES = 20;

/**
 * A validator compiled once per schema. `check` is the fast path; `issues` explains a failure
 * with every violation and its path; `withDefaults` fills in the schema's defaults without ever
 * changing the value passed in: it returns that value itself when nothing is missing (or the
 * schema has no defaults), else a copy — shallow when the defaults sit on the object's own
 * properties, deep otherwise.
 */
export interface Validator<T = unknown> {
  readonly schema: object;
  check(value: unknown): value is T;
  issues(value: unknown): ValidationIssue[];
  withDefaults(value: unknown): unknown;
}

function createAjv(options: { allErrors: boolean; useDefaults: boolean }): Ajv {
  const ajv = new Ajv({
    ...options,
    verbose: options.allErrors,
    strict: false,
    coerceTypes: false,
    validateFormats: true,
  });
  (formatsPlugin as unknown as (ajv: Ajv) => Ajv)(ajv);
  ajv.addKeyword({ keyword: SECRET_KEYWORD, schemaType: 'boolean' });
  return ajv;
}

let fastAjv: Ajv | undefined;
let explainAjv: Ajv | undefined;
let defaultsAjv: Ajv | undefined;
const cache = new WeakMap<object, Validator>();

/** Compiles (once, then cached) a validator for a JSON Schema — TypeBox-built or plain JSON. */
export function compileValidator<T = unknown>(schema: object): Validator<T> {
  const cached = cache.get(schema);
  if (cached !== undefined) return cached as Validator<T>;
  fastAjv ??= createAjv({ allErrors: false, useDefaults: false });
  const check = fastAjv.compile(schema);
  let explain: ValidateFunction | undefined;
  const validator: Validator<T> = {
    schema,
    check: (value: unknown): value is T => check(value),
    issues: (value) => {
      explainAjv ??= createAjv({ allErrors: true, useDefaults: false });
      explain ??= explainAjv.compile(schema);
      explain(value);
      return toIssues(schema, explain.errors ?? []);
    },
    withDefaults: defaultsFiller(schema),
  };
  cache.set(schema, validator);
  return validator;
}

/** Returns why a schema cannot be compiled, or `undefined` when it can. */
export function schemaProblem(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== 'object') return 'a schema must be an object';
  try {
    compileValidator(schema);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function toIssues(schema: object, errors: readonly ErrorObject[]): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of withoutLiteralBranches(errors)) {
    const issue = describe(schema, error);
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
    if (issues.length >= MAX_ISSUES) break;
  }
  return issues;
}

/**
 * A union of literals (TypeBox's enum) fails once per branch; those failures are folded into
 * the union's own error, described as "must be one of …".
 */
function withoutLiteralBranches(errors: readonly ErrorObject[]): readonly ErrorObject[] {
  const folded = errors
    .filter((error) => error.keyword === 'anyOf' && literalBranches(error) !== undefined)
    .map((error) => ({ instancePath: error.instancePath, prefix: `${error.schemaPath}/` }));
  if (folded.length === 0) return errors;
  return errors.filter(
    (error) =>
      !folded.some(
        (union) => error.instancePath === union.instancePath && error.schemaPath.startsWith(union.prefix),
      ),
  );
}

/** The allowed values of a union whose every branch is a `const`, else undefined. */
function literalBranches(error: ErrorObject): unknown[] | undefined {
  const branches = (error.parentSchema as Record<string, unknown> | undefined)?.anyOf;
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const values: unknown[] = [];
  for (const branch of branches) {
    if (branch === null || typeof branch !== 'object' || !Object.hasOwn(branch, 'const')) return undefined;
    values.push((branch as { const: unknown }).const);
  }
  return values;
}

function describe(schema: object, error: ErrorObject): ValidationIssue {
  const path = pointerToJsonPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  // A value at a secret field is never echoed back, even when it is wrong.
  const got = secretField(schema, error) ? '' : received(error.data);
  switch (error.keyword) {
    case 'required':
      return { path: appendPath(path, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return {
        path: appendPath(path, String(params.additionalProperty)),
        message: 'is not an allowed property',
      };
    case 'type':
      return { path, message: `must be ${articled(String(params.type))}${got}` };
    case 'enum':
      return { path, message: `must be one of ${listed(params.allowedValues as unknown[])}${got}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}${got}` };
    case 'anyOf': {
      const literals = literalBranches(error);
      if (literals !== undefined) return { path, message: `must be one of ${listed(literals)}${got}` };
      return { path, message: `${error.message ?? 'is invalid'}${got}` };
    }
    default:
      return { path, message: `${error.message ?? 'is invalid'}${got}` };
  }
}

function listed(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/**
 * True when the failing value sits at a secret field: the schema that failed, or any schema
 * on the way to it (a union with a `Secret()` branch, say), is marked secret.
 */
function secretField(schema: object, error: ErrorObject): boolean {
  if (isSecretNode(error.parentSchema)) return true;
  let node: unknown = schema;
  for (const raw of error.schemaPath.replace(/^#\/?/, '').split('/')) {
    if (isSecretNode(node)) return true;
    if (raw === '' || node === null || typeof node !== 'object') break;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isSecretNode(node);
}

function isSecretNode(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  const record = node as Record<string, unknown>;
  if (record[SECRET_KEYWORD] === true) return true;
  return (['anyOf', 'oneOf', 'allOf'] as const).some((key) => {
    const branches = record[key];
    return (
      Array.isArray(branches) &&
      branches.some(
        (branch) =>
          branch !== null &&
          typeof branch === 'object' &&
          (branch as Record<string, unknown>)[SECRET_KEYWORD] === true,
      )
    );
  });
}

function articled(type: string): string {
  if (type.includes(',')) return `one of ${type}`;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function received(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return ', got null';
  if (Array.isArray(value)) return ', got an array';
  switch (typeof value) {
    case 'string':
      return value.length > 40
        ? `, got a string of ${value.length} characters`
        : `, got ${JSON.stringify(value)}`;
    case 'number':
    case 'boolean':
      return `, got ${String(value)}`;
    case 'object':
      return ', got an object';
    default:
      return `, got ${typeof value}`;
  }
}

/** `/items/0/name` → `$.items[0].name` */
export function pointerToJsonPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '$';
  let path = '$';
  for (const raw of pointer.slice(1).split('/')) {
    path = appendPath(path, raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return path;
}

/** Appends a property name or array index to a JSONPath. */
export function appendPath(path: string, segment: string | number): string {
  if (typeof segment === 'number' || /^\d+$/.test(segment)) return `${path}[${segment}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(segment)) return `${path}.${segment}`;
  return `${path}[${JSON.stringify(segment)}]`;
}

/**
 * `withDefaults` for a schema: the identity without defaults; with defaults only on the object's
 * own properties (the common case), a value that has them all is used as it is and one that
 * lacks some gets a shallow copy filled in; otherwise a deep copy filled in.
 */
function defaultsFiller(schema: object): (value: unknown) => unknown {
  if (!containsDefaults(schema)) return (value) => value;
  let fill: ValidateFunction | undefined;
  const fillIn = (copy: unknown): unknown => {
    // allErrors: an early stop at the first error would leave later defaults unfilled, and
    // `issues` would then report fields that have a default as missing.
    defaultsAjv ??= createAjv({ allErrors: true, useDefaults: true });
    fill ??= defaultsAjv.compile(schema);
    fill(copy);
    return copy;
  };
  const topLevel = topLevelDefaults(schema);
  if (topLevel === undefined) return (value) => fillIn(cloneJson(value));
  const keys = topLevel.map(([key]) => key);
  const fallbacks = topLevel.map(([, fallback]) => fallback);
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      if (record[key] !== undefined) continue;
      // Object.assign, not a spread: adding a property to a spread copy is ten times slower.
      copy ??= Object.assign({}, record);
      copy[key] = cloneJson(fallbacks[index]);
    }
    return copy ?? value;
  };
}

/**
 * The properties carrying a `default`, with it, when an object schema has defaults on its own
 * properties only (none nested, none on the object itself); otherwise undefined.
 */
function topLevelDefaults(schema: object): [string, unknown][] | undefined {
  const { properties, ...rest } = schema as { properties?: unknown };
  if (
    (schema as { type?: unknown }).type !== 'object' ||
    properties === null ||
    typeof properties !== 'object'
  )
    return undefined;
  if (containsDefaults(rest)) return undefined;
  const defaults: [string, unknown][] = [];
  for (const [key, property] of Object.entries(properties)) {
    if (property === null || typeof property !== 'object') continue;
    const { default: fallback, ...inner } = property as { default?: unknown };
    if (containsDefaults(inner)) return undefined;
    if (Object.hasOwn(property, 'default')) defaults.push([key, fallback]);
  }
  return defaults;
}

function containsDefaults(schema: unknown, depth = 0): boolean {
  if (schema === null || typeof schema !== 'object' || depth > 64) return false;
  if (Object.hasOwn(schema, 'default')) return true;
  return Object.values(schema).some(
    (child) => typeof child === 'object' && containsDefaults(child, depth + 1),
  );
}

/** A deep copy of a JSON-like value; class instances (Dates, Buffers, Redacted) are kept by reference. */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = cloneJson((value as Record<string, unknown>)[key]);
  return copy as T;
}
