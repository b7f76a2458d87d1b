import { ConnectorError } from '@connectorkit/core';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  compileValue,
  ExpressionSyntaxError,
  jsonEqual,
  parseMarkedString,
  stepReferences,
  templateText,
  toBoolean,
  type ValuePath,
} from './expression.js';

const noHooks = {
  syntaxError: (path: ValuePath, offset: number, message: string) => {
    throw new Error(`unexpected syntax error at ${path.join('.')}+${offset}: ${message}`);
  },
};

describe('the marker syntax', () => {
  it.each([
    ['plain text', { kind: 'literal', value: 'plain text' }],
    ['= input.a', { kind: 'expression', source: 'input.a', offset: 2 }],
    ['=input.a', { kind: 'expression', source: 'input.a', offset: 1 }],
    ['==literal', { kind: 'literal', value: '=literal' }],
    ['a = b', { kind: 'literal', value: 'a = b' }],
    ['\\{{ not a template }}', { kind: 'literal', value: '{{ not a template }}' }],
    [
      'Hi {{ input.name }}!',
      { kind: 'template', segments: [{ text: 'Hi ' }, { source: 'input.name', offset: 6 }, { text: '!' }] },
    ],
  ])('reads %j', (text, expected) => {
    expect(parseMarkedString(text)).toEqual(expected);
  });

  it('rejects an empty expression and an unclosed template', () => {
    expect(parseMarkedString('=  ')).toMatchObject({
      kind: 'invalid',
      message: "empty expression after '='",
    });
    expect(parseMarkedString('a {{ b')).toMatchObject({ kind: 'invalid', offset: 2 });
  });
});

describe('compileExpression', () => {
  it('reports a syntax error with the offset of the offending token', () => {
    const error = (() => {
      try {
        compileExpression('input.a bar');
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ExpressionSyntaxError);
    expect(error).toMatchObject({ offset: 8, message: 'Syntax error: "bar" (S0201)' });
  });

  it('reports the end of the source for an unfinished expression', () => {
    expect(() => compileExpression('$string(')).toThrow(
      expect.objectContaining({ offset: 8, message: 'Expected ")" before end of expression (S0203)' }),
    );
  });

  it('turns an evaluation failure into an INVALID_INPUT ConnectorError naming the expression', async () => {
    const compiled = compileExpression('input.a + "x"');
    const failure = await Promise.resolve(compiled.evaluate({ input: { a: 1 } })).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure).toMatchObject({ code: 'INVALID_INPUT' });
    expect((failure as Error).message).toBe(
      `expression 'input.a + "x"' failed: The right side of the "+" operator must evaluate to a number (T2002)`,
    );
  });
});

describe('the fast path agrees with JSONata', () => {
  const scope = {
    input: {
      amount: 21,
      name: 'Ada',
      nested: { deep: { value: true } },
      tags: ['a', 'b'],
      single: ['x'],
      zero: 0,
    },
    vars: { count: 3, text: '', flag: false, nothing: null },
    steps: { fetch: { text: 'hello', items: [{ price: 5 }, { price: 15 }] } },
    event: undefined,
  };
  const expressions = [
    'input.amount',
    'input.amount * 2',
    'input.amount / 4',
    'input.amount % 5',
    'input.amount - vars.count + 1',
    '-input.amount',
    'input.missing',
    'input.missing + 1',
    'input.name & "!"',
    'input.name & input.missing',
    'input.amount & "x"',
    'input.nested.deep.value',
    'input.nested',
    'input.tags',
    'input.single',
    'input.tags[0]',
    'steps.fetch.items.price',
    'steps.fetch.items[price > 10]',
    'input.amount > 20',
    'input.amount <= 20',
    'input.name < "B"',
    'input.name = "Ada"',
    'input.name != "Ada"',
    'input.missing = 1',
    'input.nested = input.nested',
    'vars.flag or input.amount > 1',
    'vars.flag and input.missing',
    'vars.text or vars.nothing',
    'input.zero ? "yes" : "no"',
    'input.amount > 100 ? "big"',
    'input.tags ? "has" : "none"',
    '{ "total": input.amount * 2, "who": input.name, "none": input.missing }',
    '{ "tags": input.tags }',
    '[input.amount, input.missing, input.name]',
    '[input.tags]',
    '(input.amount)',
    '$.input.name',
    '$$.vars.count',
    '"literal"',
    '42',
    'true',
    'null',
    '$string(input.amount)',
    '$count(input.tags)',
    'input.amount / 0',
  ];

  it.each(expressions)('%s', async (source) => {
    const compiled = compileExpression(source);
    const expected = await jsonata(source)
      .evaluate(scope)
      .then(
        (value: unknown) => ({ value: JSON.parse(JSON.stringify(value ?? null)) as unknown }),
        (error: { code?: string }) => ({ error: error.code }),
      );
    const actual = await Promise.resolve(compiled.evaluate(scope)).then(
      (value: unknown) => ({ value: JSON.parse(JSON.stringify(value ?? null)) as unknown }),
      (error: ConnectorError) => ({ error: /\((\w+)\)$/.exec(error.message)?.[1] }),
    );
    expect(actual).toEqual(expected);
  });

  it('takes the fast path for plain paths, arithmetic and constructors only', () => {
    expect(compileExpression('input.amount * 2').fast).toBe(true);
    expect(compileExpression('{ "a": input.b, "c": [1, 2] }').fast).toBe(true);
    expect(compileExpression('$string(input.amount)').fast).toBe(false);
    expect(compileExpression('input.items[price > 1]').fast).toBe(false);
  });

  it('returns plain values synchronously on the fast path', () => {
    expect(compileExpression('input.a + 1').evaluate({ input: { a: 1 } })).toBe(2);
  });
});

describe('compileValue', () => {
  it('keeps constants as they are and evaluates expressions and templates in place', async () => {
    const constant = compileValue({ a: 1, b: ['x'] }, noHooks);
    expect(constant.constant).toBe(true);
    expect(constant.value).toEqual({ a: 1, b: ['x'] });
    const dynamic = compileValue(
      {
        key: '= input.id',
        text: 'order {{ input.id }} for {{ input.who.name }}',
        list: ['= input.id', 2],
        fixed: 'x',
      },
      noHooks,
    );
    expect(dynamic.constant).toBe(false);
    expect(dynamic.dynamicPaths).toEqual([['key'], ['text'], ['list', 0]]);
    await expect(
      Promise.resolve(dynamic.evaluate({ input: { id: 7, who: { name: 'Ada' } } })),
    ).resolves.toEqual({
      key: 7,
      text: 'order 7 for Ada',
      list: [7, 2],
      fixed: 'x',
    });
  });

  it('leaves out keys whose expression yields nothing, and awaits JSONata where it runs', async () => {
    const value = compileValue({ a: '= input.missing', b: '= $uppercase(input.name)' }, noHooks);
    const result = value.evaluate({ input: { name: 'ada' } });
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toEqual({ b: 'ADA' });
  });

  it('reports syntax errors with the path and the offset inside the string', () => {
    const problems: [ValuePath, number, string][] = [];
    compileValue(
      { a: { b: 'x {{ input. }}' } },
      { syntaxError: (path, offset, message) => problems.push([path, offset, message]) },
      ['with'],
    );
    expect(problems).toEqual([
      [['with', 'a', 'b'], 11, "bad expression 'input.': Unexpected end of expression (S0207)"],
    ]);
  });
});

describe('stepReferences', () => {
  const references = (source: string) => stepReferences(compileExpression(source).ast, source);

  it('finds steps.<id> in the flow scope with the offset of the id', () => {
    expect(references('steps.fetch.text & steps.save.key')).toEqual([
      { id: 'fetch', offset: 6 },
      { id: 'save', offset: 25 },
    ]);
    expect(references('$.steps.a')).toEqual([{ id: 'a', offset: 8 }]);
    expect(references('input.items[$$.steps.b.n > price]')).toEqual([{ id: 'b', offset: 21 }]);
    expect(
      references('$count(steps.c) ? { "x": steps.d } : [steps.e]').map((reference) => reference.id),
    ).toEqual(['c', 'd', 'e']);
  });

  it('ignores paths relative to something else than the flow scope', () => {
    expect(references('input.steps.x')).toEqual([]);
    expect(references('input.items[steps.x > 1]')).toEqual([]);
    expect(references('input.items.(steps.x)')).toEqual([]);
  });
});

describe('helpers', () => {
  it('converts values like JSONata $boolean', () => {
    expect([undefined, null, 0, '', [], {}, [0, ''], false].map(toBoolean)).toEqual(Array(8).fill(false));
    expect([1, 'a', [0, 1], { a: 1 }, true].map(toBoolean)).toEqual(Array(5).fill(true));
  });

  it('renders template values and compares JSON deeply', () => {
    expect([undefined, null, 'a', 1, true, { a: [1] }].map(templateText)).toEqual([
      '',
      '',
      'a',
      '1',
      'true',
      '{"a":[1]}',
    ]);
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });
});
