import type { sampleConnector } from '@connectorkit/core/testing';
import { describe, expectTypeOf, it } from 'vitest';
import { defineFlow, expr, step, stepsFor } from './builder.js';
import type { CallStep, FlowDefinition } from './definition.js';

describe('defineFlow', () => {
  it('keeps the literal structure and checks it against the format', () => {
    const flow = defineFlow({ name: 'typed', steps: [{ call: 'sample.echo', with: { text: 'a' } }] });
    expectTypeOf(flow).toExtend<FlowDefinition>();
    expectTypeOf(flow.name).toEqualTypeOf<'typed'>();
    // @ts-expect-error — a flow needs steps
    defineFlow({ name: 'no-steps' });
    // @ts-expect-error — onError is continue or fail
    defineFlow({ name: 'bad', steps: [{ call: 'a.b', onError: 'ignore' }] });
  });

  it('marks expressions', () => {
    expectTypeOf(expr('input.a')).toEqualTypeOf<'= input.a'>();
  });
});

describe('stepsFor', () => {
  const typed = stepsFor<[typeof sampleConnector]>();

  it('accepts the actions of the connectors with their input types, expressions in any place', () => {
    expectTypeOf(typed.call('sample.echo', { text: 'hi', times: 2 })).toEqualTypeOf<CallStep>();
    typed.call('sample.echo', { text: expr('input.text'), times: expr('input.n') });
    typed.call('sample.put', expr('input.note'));
    typed.call('sample.echo', { text: 'Hi {{ input.name }}', times: 1, tags: ['a', expr('input.tag')] });
  });

  it('rejects unknown actions and wrong literal inputs', () => {
    // @ts-expect-error — no such action
    typed.call('sample.delete', { key: 'a' });
    // @ts-expect-error — times is an integer
    typed.call('sample.echo', { text: 'a', times: 'twice' });
    // @ts-expect-error — text is required
    typed.call('sample.echo', { times: 1 });
  });

  it('leaves the untyped helpers open to any action', () => {
    expectTypeOf(step.call('anything.goes', { free: [1, 'form'] })).toEqualTypeOf<CallStep>();
  });
});
