import { readFileSync } from 'node:fs';
import { compileValidator } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defineFlow, expr, step } from './builder.js';
import { flowJsonSchema } from './schema.js';
import { fixture } from './test-support/kit.js';

// One schema object: ajv refuses a second schema with the same $id.
const generated = flowJsonSchema();
const published = (): unknown =>
  JSON.parse(readFileSync(new URL('../schema/flow.schema.json', import.meta.url), 'utf8')) as unknown;

describe('the published JSON Schema', () => {
  it('is the one the TypeBox definitions generate (run `pnpm build` to refresh it)', () => {
    expect(published()).toEqual(generated);
  });

  it('accepts the example flow and flows built in code', () => {
    const validator = compileValidator(generated);
    const orders = parse(readFileSync(fixture('orders.flow.yaml'), 'utf8')) as unknown;
    expect(validator.issues(orders)).toEqual([]);
    const built = defineFlow({
      name: 'built',
      on: 'manual',
      steps: [
        step.set({ n: expr('input.n') }),
        step.if(expr('vars.n > 1'), [step.call('sample.echo', { text: 'big' })], [step.return('small')]),
        step.switch(expr('input.kind'), [{ when: 'a', steps: [step.flow('other', { x: 1 })] }], []),
        step.forEach(expr('input.items'), [step.call('sample.put', { key: expr('item'), text: 'x' })], {
          concurrency: 2,
          as: 'entry',
        }),
        step.parallel({ left: [step.return(1)], right: [] }),
        step.try(
          [step.call('sample.get', { key: 'a' })],
          { catch: [step.set({ failed: true })], finally: [] },
          { id: 'guard' },
        ),
      ],
    });
    expect(validator.issues(built)).toEqual([]);
  });

  it('rejects an unknown step kind, a step with two kinds and a bad variable name', () => {
    const validator = compileValidator(generated);
    expect(validator.check({ name: 'x', steps: [{ transform: 1 }] })).toBe(false);
    expect(validator.check({ name: 'x', steps: [{ call: 'a.b', set: { a: 1 } }] })).toBe(false);
    expect(validator.check({ name: 'x', steps: [{ set: { 'not-a-name': 1 } }] })).toBe(false);
    expect(validator.check({ name: 'x', steps: [{ set: { fine: 1 } }] })).toBe(true);
  });
});
