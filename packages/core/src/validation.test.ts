import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { Redacted, Secret } from './redaction.js';
import { appendPath, cloneJson, compileValidator, pointerToJsonPath, schemaProblem } from './validation.js';

const CANARY = 'canary-5d1e-secret';

const Order = Type.Object(
  {
    id: Type.String(),
    items: Type.Array(
      Type.Object({ name: Type.String(), quantity: Type.Integer({ minimum: 1, default: 1 }) }),
    ),
    status: Type.Unsafe<string>({ type: 'string', enum: ['open', 'closed'] }),
    priority: Type.Union([Type.Literal('low'), Type.Literal('high')]),
    note: Type.Optional(Type.String({ default: 'none' })),
  },
  { additionalProperties: false },
);

describe('compileValidator', () => {
  it('accepts a valid value', () => {
    const validator = compileValidator(Order);
    const value = { id: 'a', items: [{ name: 'x', quantity: 2 }], status: 'open', priority: 'low' };
    expect(validator.check(value)).toBe(true);
    expect(validator.issues(value)).toEqual([]);
  });

  it('compiles a schema once', () => {
    expect(compileValidator(Order)).toBe(compileValidator(Order));
  });

  it('lists every violation with its JSONPath', () => {
    const validator = compileValidator(Order);
    const value = {
      id: 7,
      items: [{ name: 1, quantity: 1 }, { quantity: 0 }],
      status: 'pending',
      priority: 'urgent',
      extra: true,
    };
    expect(validator.check(value)).toBe(false);
    expect(validator.issues(value)).toEqual([
      { path: '$.extra', message: 'is not an allowed property' },
      { path: '$.id', message: 'must be a string, got 7' },
      { path: '$.items[0].name', message: 'must be a string, got 1' },
      { path: '$.items[1].name', message: 'is required' },
      { path: '$.items[1].quantity', message: 'must be >= 1, got 0' },
      { path: '$.status', message: 'must be one of "open", "closed", got "pending"' },
      { path: '$.priority', message: 'must be one of "low", "high", got "urgent"' },
    ]);
  });

  it('reports a missing required property at its own path', () => {
    expect(compileValidator(Order).issues({})).toEqual([
      { path: '$.id', message: 'is required' },
      { path: '$.items', message: 'is required' },
      { path: '$.status', message: 'is required' },
      { path: '$.priority', message: 'is required' },
    ]);
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'must be an object, got null'],
    ['an array', [], 'must be an object, got an array'],
    ['a boolean', true, 'must be an object, got true'],
    ['a string', 'text', 'must be an object, got "text"'],
  ])('describes what it got instead of an object: %s', (_label, value, message) => {
    expect(compileValidator(Order).issues(value)).toEqual([{ path: '$', message }]);
  });

  it('describes a long string by its length only', () => {
    const issues = compileValidator(Type.Object({ n: Type.Number() })).issues({ n: 'x'.repeat(50) });
    expect(issues).toEqual([{ path: '$.n', message: 'must be a number, got a string of 50 characters' }]);
  });

  it('describes const, nullable types and formats', () => {
    const validator = compileValidator(
      Type.Object({
        version: Type.Literal(2),
        count: Type.Unsafe<number | null>({ type: ['integer', 'null'] }),
        email: Type.String({ format: 'email' }),
      }),
    );
    expect(validator.issues({ version: 1, count: 'x', email: 'nope' })).toEqual([
      { path: '$.version', message: 'must be 2, got 1' },
      { path: '$.count', message: 'must be one of integer,null, got "x"' },
      { path: '$.email', message: 'must match format "email", got "nope"' },
    ]);
  });

  it('stops at 20 issues', () => {
    const validator = compileValidator(Type.Array(Type.String()));
    expect(validator.issues(Array.from({ length: 50 }, (_, index) => index))).toHaveLength(20);
  });

  it('writes property names that are not identifiers in brackets', () => {
    const validator = compileValidator(Type.Object({ 'content-type': Type.String(), 'a b': Type.String() }));
    expect(validator.issues({ 'content-type': 1, 'a b': 1 })).toEqual([
      { path: '$.content-type', message: 'must be a string, got 1' },
      { path: '$["a b"]', message: 'must be a string, got 1' },
    ]);
  });

  describe('secrets', () => {
    const Connection = Type.Object({
      token: Secret({ minLength: 40 }),
      fallback: Type.Union([Secret({ minLength: 40 }), Type.Null()]),
      pin: Type.Unsafe<string>({ ...Secret(), pattern: '^[0-9]+$' }),
    });

    it('never echoes a value at a secret field, even inside a union', () => {
      const issues = compileValidator(Connection).issues({ token: CANARY, fallback: CANARY, pin: CANARY });
      expect(issues.map((issue) => issue.path)).toEqual(
        expect.arrayContaining(['$.token', '$.fallback', '$.pin']),
      );
      expect(JSON.stringify(issues)).not.toContain(CANARY);
    });

    it('does not echo a non-string value at a secret field either', () => {
      const issues = compileValidator(Connection).issues({ token: 12345678, fallback: null, pin: '1' });
      expect(issues).toEqual([{ path: '$.token', message: 'must be a string' }]);
    });
  });

  describe('withDefaults', () => {
    it('fills defaults in a copy without changing the value passed in', () => {
      const validator = compileValidator(Order);
      const value = { id: 'a', items: [{ name: 'x' }], status: 'open', priority: 'low' };
      const snapshot = structuredClone(value);
      const filled = validator.withDefaults(value);
      expect(filled).toEqual({
        id: 'a',
        items: [{ name: 'x', quantity: 1 }],
        status: 'open',
        priority: 'low',
        note: 'none',
      });
      expect(value).toEqual(snapshot);
      expect(filled).not.toBe(value);
    });

    it('gives each call its own copy of an object default', () => {
      const validator = compileValidator(Type.Object({ tags: Type.Array(Type.String(), { default: [] }) }));
      const first = validator.withDefaults({}) as { tags: string[] };
      first.tags.push('x');
      expect(validator.withDefaults({})).toEqual({ tags: [] });
    });

    it('fills every default even when the value has an error before them', () => {
      const validator = compileValidator(
        Type.Array(Type.Object({ name: Type.String(), quantity: Type.Integer({ default: 1 }) })),
      );
      const filled = validator.withDefaults([{ name: 1 }, { name: 'x' }]);
      expect(filled).toEqual([
        { name: 1, quantity: 1 },
        { name: 'x', quantity: 1 },
      ]);
      expect(validator.issues(filled)).toEqual([{ path: '$[0].name', message: 'must be a string, got 1' }]);
    });

    it('keeps values that are given', () => {
      expect(compileValidator(Order).withDefaults({ note: 'mine' })).toEqual({ note: 'mine' });
    });

    it('returns the same value when the schema has no defaults', () => {
      const value = { a: 1 };
      expect(compileValidator(Type.Object({ a: Type.Number() })).withDefaults(value)).toBe(value);
    });

    it('with defaults only on its own properties, uses a complete value as it is and copies one that lacks some', () => {
      const validator = compileValidator(
        Type.Object({
          id: Type.String(),
          lines: Type.Array(Type.Object({ sku: Type.String() })),
          region: Type.Optional(Type.String({ default: 'eu' })),
        }),
      );
      const complete = { id: 'a', lines: [{ sku: 'x' }], region: 'us' };
      expect(validator.withDefaults(complete)).toBe(complete);
      const partial = { id: 'a', lines: [{ sku: 'x' }] };
      const filled = validator.withDefaults(partial) as typeof complete;
      expect(filled).toEqual({ id: 'a', lines: [{ sku: 'x' }], region: 'eu' });
      expect(partial).toEqual({ id: 'a', lines: [{ sku: 'x' }] });
      expect(validator.withDefaults({ ...partial, region: undefined })).toEqual(filled);
      expect(validator.withDefaults('not an object')).toBe('not an object');
    });

    it('never sets the prototype from a default named __proto__', () => {
      const schema = JSON.parse(
        '{"type":"object","properties":{"__proto__":{"type":"object","default":{"polluted":true}},"a":{"type":"number"}}}',
      ) as object;
      const filled = compileValidator(schema).withDefaults({ a: 1 }) as Record<string, unknown>;
      expect(Object.getPrototypeOf(filled)).toBe(Object.prototype);
      expect(filled.polluted).toBeUndefined();
    });

    it('keeps class instances (a Redacted secret) by reference', () => {
      const secret = Redacted.make(CANARY);
      const filled = compileValidator(
        Type.Object({ token: Type.Unknown(), region: Type.String({ default: 'eu' }) }),
      ).withDefaults({ token: secret }) as { token: unknown };
      expect(filled.token).toBe(secret);
    });
  });
});

describe('cloneJson', () => {
  it('copies plain objects and arrays deeply, and keeps other objects by reference', () => {
    const date = new Date();
    const value = { list: [{ a: 1 }], date, nothing: null };
    const copy = cloneJson(value);
    expect(copy).toEqual(value);
    expect(copy.list).not.toBe(value.list);
    expect(copy.list[0]).not.toBe(value.list[0]);
    expect(copy.date).toBe(date);
    expect(cloneJson('text')).toBe('text');
  });
});

describe('pointerToJsonPath', () => {
  it.each([
    ['', '$'],
    ['/', '$'],
    ['/items/0/name', '$.items[0].name'],
    ['/a~1b', '$["a/b"]'],
    ['/a~0b', '$["a~b"]'],
    ['/0/1', '$[0][1]'],
    ['/with space', '$["with space"]'],
    ['/$ref', '$.$ref'],
  ])('%j → %s', (pointer, path) => {
    expect(pointerToJsonPath(pointer)).toBe(path);
  });

  it('appends indexes and names', () => {
    expect(appendPath('$', 3)).toBe('$[3]');
    expect(appendPath('$.a', 'b')).toBe('$.a.b');
    expect(appendPath('$', 'x"y')).toBe('$["x\\"y"]');
  });
});

describe('schemaProblem', () => {
  it('accepts TypeBox and plain JSON schemas', () => {
    expect(schemaProblem(Order)).toBeUndefined();
    expect(schemaProblem({ type: 'object', properties: { a: { type: 'string' } } })).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['an unknown type', { type: 'strnig' }, 'schema is invalid'],
    ['a bad minimum', { type: 'number', minimum: 'one' }, 'schema is invalid'],
    ['a missing reference', { $ref: '#/definitions/nothing' }, "can't resolve reference"],
    ['null', null, 'a schema must be an object'],
    ['a string', 'string', 'a schema must be an object'],
  ])('explains %s', (_label, schema, message) => {
    expect(schemaProblem(schema)).toContain(message);
  });
});
