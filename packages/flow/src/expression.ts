import { ConnectorError } from '@connectorkit/core';
import jsonata from 'jsonata';

/**
 * Expressions and templates.
 *
 * - A string value that starts with `=` is a JSONata expression: `"= input.amount * 2"`.
 *   `==` at the start is an escaped, literal `=`.
 * - Any other string containing `{{ … }}` is a template: each `{{ expression }}` is replaced
 *   by its value (strings as they are, nothing/null as '', objects as JSON). `\{{` is a
 *   literal `{{`.
 *
 * Expressions are parsed when the flow loads. Most evaluate through a small compiled fast
 * path (property paths, literals, arithmetic, comparisons, conditions, object and array
 * constructors over plain data); anything else — functions, predicates, arrays in the data —
 * is evaluated by JSONata itself, so the results are always JSONata's.
 */

/** A compiled value: evaluating may return a promise (when JSONata itself runs). */
export type Evaluate = (scope: object) => unknown;

export interface CompiledValue {
  /** True when the value holds no expression or template. */
  readonly constant: boolean;
  /** The value itself when `constant`. */
  readonly value: unknown;
  readonly evaluate: Evaluate;
  /** Where in the value expressions and templates are (paths relative to the value). */
  readonly dynamicPaths: readonly (readonly (string | number)[])[];
}

/** A path of keys into a value. */
export type ValuePath = readonly (string | number)[];

export interface ValueCompileHooks {
  /** An expression could not be parsed; `offset` is the character index in the string value. */
  syntaxError(path: ValuePath, offset: number, message: string): void;
  /** An expression was parsed; `offset` is where its source starts in the string value. */
  expression?(path: ValuePath, offset: number, expression: CompiledExpression): void;
}

/** One parsed expression. */
export interface CompiledExpression {
  readonly source: string;
  readonly ast: jsonata.ExprNode;
  readonly evaluate: Evaluate;
  /** True when the fast path handles it (JSONata only runs when the data needs it). */
  readonly fast: boolean;
}

/** A part of a string value: literal text or an expression starting at `offset`. */
type Segment = { readonly text: string } | { readonly source: string; readonly offset: number };

/** How a string value reads: literal, one expression, or a template. */
export type MarkedString =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'expression'; readonly source: string; readonly offset: number }
  | { readonly kind: 'template'; readonly segments: readonly Segment[] }
  | { readonly kind: 'invalid'; readonly offset: number; readonly message: string };

const TEMPLATE_OPEN = '{{';
const TEMPLATE_CLOSE = '}}';

/** Reads the marker syntax of one string value. */
export function parseMarkedString(text: string): MarkedString {
  if (text.startsWith('==')) return { kind: 'literal', value: text.slice(1) };
  if (text.startsWith('=')) {
    const body = text.slice(1);
    const leading = body.length - body.trimStart().length;
    const source = body.trim();
    if (source === '') return { kind: 'invalid', offset: 0, message: "empty expression after '='" };
    return { kind: 'expression', source, offset: 1 + leading };
  }
  if (!text.includes(TEMPLATE_OPEN)) return { kind: 'literal', value: text };
  const segments: Segment[] = [];
  let literal = '';
  let index = 0;
  let dynamic = false;
  while (index < text.length) {
    if (text.startsWith(`\\${TEMPLATE_OPEN}`, index)) {
      literal += TEMPLATE_OPEN;
      index += 3;
      continue;
    }
    if (!text.startsWith(TEMPLATE_OPEN, index)) {
      literal += text[index];
      index++;
      continue;
    }
    const close = text.indexOf(TEMPLATE_CLOSE, index + 2);
    if (close === -1) {
      return {
        kind: 'invalid',
        offset: index,
        message: "unclosed '{{' in template — close it with '}}', or write '\\{{' for a literal '{{'",
      };
    }
    const inner = text.slice(index + 2, close);
    const source = inner.trim();
    if (source === '') return { kind: 'invalid', offset: index, message: "empty expression in '{{ }}'" };
    if (literal !== '') segments.push({ text: literal });
    literal = '';
    segments.push({ source, offset: index + 2 + (inner.length - inner.trimStart().length) });
    dynamic = true;
    index = close + 2;
  }
  if (!dynamic) return { kind: 'literal', value: literal };
  if (literal !== '') segments.push({ text: literal });
  return { kind: 'template', segments };
}

/** A JSONata parse failure: `offset` is the character index in the expression source. */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parses and compiles one JSONata expression. Throws `ExpressionSyntaxError`. */
export function compileExpression(source: string): CompiledExpression {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source);
  } catch (error) {
    const { code, position, token, message } = error as Partial<jsonata.JsonataError>;
    const end = typeof position === 'number' ? Math.min(position, source.length) : 0;
    const start =
      typeof token === 'string' && token !== '(end)' && end >= token.length ? end - token.length : end;
    throw new ExpressionSyntaxError(
      `${message ?? 'syntax error'}${code === undefined ? '' : ` (${code})`}`,
      start,
    );
  }
  const ast = expression.ast();
  const slow: Evaluate = (scope) =>
    expression.evaluate(scope).then(undefined, (error: unknown) => {
      throw expressionFailure(source, error);
    });
  const fast = compileFast(ast);
  if (fast === undefined) return { source, ast, evaluate: slow, fast: false };
  return {
    source,
    ast,
    fast: true,
    evaluate: (scope) => {
      const result = fast(scope);
      return result === FALLBACK ? slow(scope) : result;
    },
  };
}

function expressionFailure(source: string, error: unknown): ConnectorError {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return new ConnectorError(
    'INVALID_INPUT',
    `expression '${source}' failed: ${text}${typeof code === 'string' ? ` (${code})` : ''}`,
    { cause: error },
  );
}

/**
 * Compiles a flow value (JSON with expressions and templates). Syntax errors go to
 * `hooks.syntaxError` and leave a value that evaluates to undefined.
 */
export function compileValue(raw: unknown, hooks: ValueCompileHooks, path: ValuePath = []): CompiledValue {
  const dynamicPaths: ValuePath[] = [];
  const evaluate = compileNode(raw, hooks, path, path.length, dynamicPaths);
  if (evaluate === undefined) {
    return { constant: true, value: raw, evaluate: () => raw, dynamicPaths };
  }
  return { constant: false, value: undefined, evaluate, dynamicPaths };
}

/** Returns undefined for a constant node. */
function compileNode(
  raw: unknown,
  hooks: ValueCompileHooks,
  path: ValuePath,
  base: number,
  dynamicPaths: ValuePath[],
): Evaluate | undefined {
  if (typeof raw === 'string') {
    const marked = parseMarkedString(raw);
    switch (marked.kind) {
      case 'literal':
        return marked.value === raw ? undefined : () => marked.value;
      case 'invalid':
        hooks.syntaxError(path, marked.offset, marked.message);
        dynamicPaths.push(path.slice(base));
        return () => undefined;
      case 'expression': {
        dynamicPaths.push(path.slice(base));
        const compiled = compileOne(marked.source, marked.offset, path, hooks);
        return compiled?.evaluate ?? (() => undefined);
      }
      case 'template': {
        dynamicPaths.push(path.slice(base));
        const parts = marked.segments.map((segment): string | Evaluate => {
          if ('text' in segment) return segment.text;
          return compileOne(segment.source, segment.offset, path, hooks)?.evaluate ?? (() => undefined);
        });
        return compileTemplate(parts);
      }
    }
  }
  if (Array.isArray(raw)) {
    const items = raw.map((item, index) => compileNode(item, hooks, [...path, index], base, dynamicPaths));
    if (items.every((item) => item === undefined)) return undefined;
    const evaluators = items.map((item, index): Evaluate => item ?? (() => raw[index]));
    return (scope) => {
      const values = evaluators.map((evaluator) => evaluator(scope));
      return values.some(isPromise)
        ? Promise.all(values).then((settled) => settled.map(arrayItem))
        : values.map(arrayItem);
    };
  }
  if (raw !== null && typeof raw === 'object') {
    const keys = Object.keys(raw);
    const record = raw as Record<string, unknown>;
    const fields = keys.map((key) => compileNode(record[key], hooks, [...path, key], base, dynamicPaths));
    if (fields.every((field) => field === undefined)) return undefined;
    const evaluators = fields.map((field, index): Evaluate => field ?? (() => record[keys[index] as string]));
    const build = (values: readonly unknown[]): Record<string, unknown> => {
      const result: Record<string, unknown> = {};
      for (let index = 0; index < keys.length; index++) {
        const value = values[index];
        // An expression that yields nothing leaves its key out (optional fields stay absent).
        if (value !== undefined) result[keys[index] as string] = value;
      }
      return result;
    };
    return (scope) => {
      const values = evaluators.map((evaluator) => evaluator(scope));
      return values.some(isPromise) ? Promise.all(values).then(build) : build(values);
    };
  }
  return undefined;
}

function compileOne(
  source: string,
  offset: number,
  path: ValuePath,
  hooks: ValueCompileHooks,
): CompiledExpression | undefined {
  try {
    const compiled = compileExpression(source);
    hooks.expression?.(path, offset, compiled);
    return compiled;
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    hooks.syntaxError(path, offset + error.offset, `bad expression '${source}': ${error.message}`);
    return undefined;
  }
}

function compileTemplate(parts: readonly (string | Evaluate)[]): Evaluate {
  return (scope) => {
    const values = parts.map((part) => (typeof part === 'string' ? part : part(scope)));
    return values.some(isPromise)
      ? Promise.all(values).then((settled) => settled.map(templateText).join(''))
      : values.map(templateText).join('');
  };
}

/** How a value reads inside a template. */
export function templateText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

function arrayItem(value: unknown): unknown {
  return value === undefined ? null : value;
}

export function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}

/** JSONata's truthiness (`$boolean`). */
export function toBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'function') return false;
  if (Array.isArray(value)) return value.some(toBoolean);
  return typeof value === 'object' && Object.keys(value).length > 0;
}

/** Deep equality of JSON values (the `switch` match). */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (left === null || right === null || typeof left !== 'object' || typeof right !== 'object') return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => jsonEqual(item, right[index]));
  }
  const leftKeys = Object.keys(left);
  const rightRecord = right as Record<string, unknown>;
  return (
    leftKeys.length === Object.keys(right).length &&
    leftKeys.every(
      (key) =>
        Object.hasOwn(right, key) && jsonEqual((left as Record<string, unknown>)[key], rightRecord[key]),
    )
  );
}

// ---------------------------------------------------------------- step references

/** A `steps.<id>` reference in an expression; `offset` is where `<id>` starts in the source. */
export interface StepReference {
  readonly id: string;
  readonly offset: number;
}

/**
 * The `steps.<id>` references an expression makes to the flow's scope: paths starting with
 * `steps` in the expression's own context, and `$$.steps` / `$.steps` anywhere.
 */
export function stepReferences(ast: jsonata.ExprNode, source: string): StepReference[] {
  const found: StepReference[] = [];
  const visit = (node: unknown, root: boolean): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child, root);
      return;
    }
    const record = node as Record<string, unknown>;
    if (record.type === 'path' && Array.isArray(record.steps)) {
      const steps = record.steps as Record<string, unknown>[];
      const first = steps[0];
      const anchored = first?.type === 'variable' && (first.value === '$' || (first.value === '' && root));
      const start = anchored ? 1 : root ? 0 : -1;
      const head = start >= 0 ? steps[start] : undefined;
      const target = start >= 0 ? steps[start + 1] : undefined;
      if (head?.type === 'name' && head.value === 'steps' && target?.type === 'name') {
        const id = String(target.value);
        const end = typeof target.position === 'number' ? target.position : 0;
        const written = source.slice(Math.max(0, end - id.length - 2), end).startsWith('`');
        found.push({ id, offset: Math.max(0, end - id.length - (written ? 2 : 0)) });
      }
      for (const [index, step] of steps.entries()) {
        // Only the first step of a path reads the expression's context; later steps and
        // predicates read the items the path has reached.
        const { type: _type, value: _value, position: _position, ...rest } = step;
        visit(rest, root && index === 0 && step.type !== 'name');
      }
      return;
    }
    if (record.type === 'lambda') {
      visit(record.body, false);
      return;
    }
    for (const [key, child] of Object.entries(record)) {
      if (key === 'position' || key === 'value' || key === 'type') continue;
      visit(child, root);
    }
  };
  visit(ast, true);
  return found;
}

// ---------------------------------------------------------------- fast path

/** The fast path cannot decide: let JSONata evaluate. */
const FALLBACK: unique symbol = Symbol('fallback');
type Fast = (scope: object) => unknown;

const ARITHMETIC: Readonly<Record<string, (left: number, right: number) => number>> = {
  '+': (left, right) => left + right,
  '-': (left, right) => left - right,
  '*': (left, right) => left * right,
  '/': (left, right) => left / right,
  '%': (left, right) => left % right,
};

const ORDER: Readonly<Record<string, (left: number | string, right: number | string) => boolean>> = {
  '<': (left, right) => left < right,
  '<=': (left, right) => left <= right,
  '>': (left, right) => left > right,
  '>=': (left, right) => left >= right,
};

const ALLOWED_STEP_KEYS = new Set(['type', 'value', 'position']);

/**
 * Compiles the subset of JSONata whose results on plain (array-free) data are easy to match
 * exactly. Returns undefined when the expression is outside the subset; the compiled function
 * returns FALLBACK when the data is outside it (an array, a non-number in arithmetic …).
 */
function compileFast(node: jsonata.ExprNode): Fast | undefined {
  const keys = Object.keys(node);
  // 'path' is missing from the published node types.
  switch (node.type as string) {
    case 'string':
    case 'number':
    case 'value': {
      if (keys.some((key) => !ALLOWED_STEP_KEYS.has(key))) return undefined;
      const value: unknown = node.value;
      return () => value;
    }
    case 'variable': {
      if (keys.some((key) => !ALLOWED_STEP_KEYS.has(key))) return undefined;
      return node.value === '' || node.value === '$' ? (scope) => scope : undefined;
    }
    case 'path':
      return compilePath(node);
    case 'binary':
      return compileBinary(node);
    case 'unary':
      return compileUnary(node);
    case 'condition': {
      const record = node as unknown as Record<string, jsonata.ExprNode | undefined>;
      const condition = record.condition === undefined ? undefined : compileFast(record.condition);
      const then = record.then === undefined ? undefined : compileFast(record.then);
      const otherwise = record.else === undefined ? () => undefined : compileFast(record.else);
      if (condition === undefined || then === undefined || otherwise === undefined) return undefined;
      return (scope) => {
        const test = condition(scope);
        if (test === FALLBACK || !isPrimitive(test)) return FALLBACK;
        return toBoolean(test) ? then(scope) : otherwise(scope);
      };
    }
    case 'block': {
      const expressions = node.expressions ?? [];
      const only = expressions[0];
      return expressions.length === 1 && only !== undefined ? compileFast(only) : undefined;
    }
    default:
      return undefined;
  }
}

function compilePath(node: jsonata.ExprNode): Fast | undefined {
  if (Object.keys(node).some((key) => key !== 'type' && key !== 'steps')) return undefined;
  const steps = node.steps ?? [];
  let names: string[] = [];
  for (const [index, step] of steps.entries()) {
    if (Object.keys(step).some((key) => !ALLOWED_STEP_KEYS.has(key))) return undefined;
    if (index === 0 && step.type === 'variable' && (step.value === '' || step.value === '$')) continue;
    if (step.type !== 'name' || typeof step.value !== 'string') return undefined;
    names = [...names, step.value];
  }
  if (names.length === 0) return undefined;
  return (scope) => {
    let current: unknown = scope;
    for (const name of names) {
      if (Array.isArray(current)) return FALLBACK;
      if (current === null || typeof current !== 'object' || !Object.hasOwn(current, name)) return undefined;
      current = (current as Record<string, unknown>)[name];
    }
    return Array.isArray(current) || typeof current === 'function' ? FALLBACK : current;
  };
}

function compileBinary(node: jsonata.ExprNode): Fast | undefined {
  const operator = node.value as string;
  const lhs = node.lhs as jsonata.ExprNode | undefined;
  if (lhs === undefined || Array.isArray(lhs) || node.rhs === undefined) return undefined;
  const left = compileFast(lhs);
  const right = compileFast(node.rhs);
  if (left === undefined || right === undefined) return undefined;
  const arithmetic = ARITHMETIC[operator];
  if (arithmetic !== undefined) {
    return (scope) => {
      const a = left(scope);
      const b = right(scope);
      if (typeof a !== 'number' || typeof b !== 'number') return FALLBACK;
      const result = arithmetic(a, b);
      return Number.isFinite(result) ? result : FALLBACK;
    };
  }
  const order = ORDER[operator];
  if (order !== undefined) {
    return (scope) => {
      const a = left(scope);
      const b = right(scope);
      if (
        (typeof a === 'number' && typeof b === 'number') ||
        (typeof a === 'string' && typeof b === 'string')
      ) {
        return order(a, b);
      }
      return FALLBACK;
    };
  }
  switch (operator) {
    case '&':
      return (scope) => {
        const a = left(scope);
        const b = right(scope);
        if ((typeof a !== 'string' && a !== undefined) || (typeof b !== 'string' && b !== undefined))
          return FALLBACK;
        return (a ?? '') + (b ?? '');
      };
    case '=':
    case '!=': {
      const equal = operator === '=';
      return (scope) => {
        const a = left(scope);
        const b = right(scope);
        if (a === FALLBACK || b === FALLBACK) return FALLBACK;
        if (a === undefined || b === undefined) return false;
        if (!isPrimitive(a) || !isPrimitive(b)) return FALLBACK;
        return (a === b) === equal;
      };
    }
    case 'and':
    case 'or': {
      const conjunction = operator === 'and';
      return (scope) => {
        const a = left(scope);
        if (a === FALLBACK || !isPrimitive(a)) return FALLBACK;
        if (conjunction ? !toBoolean(a) : toBoolean(a)) return !conjunction;
        const b = right(scope);
        if (b === FALLBACK || !isPrimitive(b)) return FALLBACK;
        return toBoolean(b);
      };
    }
    default:
      return undefined;
  }
}

function compileUnary(node: jsonata.ExprNode): Fast | undefined {
  if (node.value === '-') {
    const operand = (node as unknown as { expression?: jsonata.ExprNode }).expression;
    const inner = operand === undefined ? undefined : compileFast(operand);
    if (inner === undefined) return undefined;
    return (scope) => {
      const value = inner(scope);
      return typeof value === 'number' ? -value : FALLBACK;
    };
  }
  if (node.value === '{') {
    const pairs = node.lhs as [jsonata.ExprNode, jsonata.ExprNode][] | undefined;
    if (
      !Array.isArray(pairs) ||
      Object.keys(node).some((key) => !['type', 'value', 'position', 'lhs'].includes(key))
    )
      return undefined;
    const names: string[] = [];
    const values: Fast[] = [];
    for (const [key, value] of pairs) {
      if (key.type !== 'string' || typeof key.value !== 'string' || names.includes(key.value))
        return undefined;
      const compiled = compileFast(value);
      if (compiled === undefined) return undefined;
      names.push(key.value);
      values.push(compiled);
    }
    return (scope) => {
      const result: Record<string, unknown> = {};
      for (let index = 0; index < names.length; index++) {
        const value = (values[index] as Fast)(scope);
        if (value === FALLBACK || Array.isArray(value)) return FALLBACK;
        if (value !== undefined) result[names[index] as string] = value;
      }
      return result;
    };
  }
  if (node.value === '[') {
    if (Object.keys(node).some((key) => !['type', 'value', 'position', 'expressions'].includes(key)))
      return undefined;
    const items: Fast[] = [];
    for (const expression of node.expressions ?? []) {
      const compiled = compileFast(expression);
      if (compiled === undefined) return undefined;
      items.push(compiled);
    }
    return (scope) => {
      const result: unknown[] = [];
      for (const item of items) {
        const value = item(scope);
        if (value === FALLBACK || Array.isArray(value)) return FALLBACK;
        if (value !== undefined) result.push(value);
      }
      return result;
    };
  }
  return undefined;
}

function isPrimitive(value: unknown): value is string | number | boolean | null | undefined {
  return value === null || value === undefined || (typeof value !== 'object' && typeof value !== 'function');
}
