import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorError, type Kit, type Middleware } from '@connectorkit/core';
import { SampleClient } from '@connectorkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlowEngine, type FlowEngine } from './engine.js';
import { FlowError } from './errors.js';
import { createFlowLibrary } from './library.js';
import { loadFlow, parseFlow } from './load.js';
import type { Flow } from './plan.js';
import { fixture, sampleKit } from './test-support/kit.js';

let kit: Kit;
let engine: FlowEngine;

beforeEach(() => {
  SampleClient.reset();
  kit = sampleKit();
  engine = createFlowEngine({ kit });
});

afterEach(async () => {
  await kit.close();
});

const load = (text: string, options: { file?: string } = {}): Flow =>
  parseFlow(text, { catalog: kit.catalog(), ...options });

/** Counts how many invocations run at once. */
function concurrencyProbe(): { middleware: Middleware; max: () => number } {
  let active = 0;
  let max = 0;
  return {
    middleware: async (_info, next) => {
      active++;
      max = Math.max(max, active);
      try {
        return await next();
      } finally {
        active--;
      }
    },
    max: () => max,
  };
}

describe('call, set and output', () => {
  it('runs actions with expressions and templates and returns the output expression', async () => {
    const flow = load(`
name: greet
input:
  type: object
  properties: { name: { type: string }, times: { type: integer, default: 2 } }
  required: [name]
steps:
  - id: hello
    call: sample.echo
    with: { text: "Hello {{ input.name }}! ", times: "= input.times" }
  - set:
      greeting: "= steps.hello.text"
      length: "= $length(vars.greeting)"
  - id: save
    call: sample.put
    with: { key: "= 'greeting-' & input.name", text: "= vars.greeting" }
output: "= { 'greeting': vars.greeting, 'length': vars.length, 'created': steps.save.created }"
`);
    const run = await engine.run(flow, { name: 'Ada' });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ greeting: 'Hello Ada! Hello Ada! ', length: 22, created: true });
    expect(run.record.input).toEqual({ name: 'Ada', times: 2 });
    expect(run.record.steps.map((step) => [step.id, step.kind, step.status, step.attempts])).toEqual([
      ['hello', 'call', 'succeeded', 1],
      ['set-2', 'set', 'succeeded', 1],
      ['save', 'call', 'succeeded', 1],
    ]);
    expect(run.record.steps[0]).toMatchObject({
      action: 'sample.echo',
      input: { text: 'Hello Ada! ', times: 2 },
      output: { text: 'Hello Ada! Hello Ada! ' },
    });
  });

  it("outputs the last step's output when there is no output or return", async () => {
    const flow = load(`
name: last
steps:
  - call: sample.echo
    with: { text: a, times: 3 }
`);
    await expect(engine.invoke(flow)).resolves.toEqual({ text: 'aaa' });
  });

  it('rejects invalid input before any step runs', async () => {
    const flow = load(`
name: strict
input: { type: object, properties: { n: { type: integer } }, required: [n] }
steps:
  - call: sample.echo
    with: { text: x }
`);
    const run = await engine.run(flow, { n: 'one' });
    expect(run.status).toBe('failed');
    expect(run.error).toBeInstanceOf(FlowError);
    expect(run.error?.code).toBe('INVALID_INPUT');
    expect(run.error?.message).toBe(`flow 'strict': invalid input — $.n must be an integer, got "one"`);
    expect(run.record.steps).toEqual([]);
  });
});

describe('if and switch', () => {
  const flow = () =>
    load(`
name: branches
steps:
  - id: size
    if: "= input.amount > 100"
    then:
      - set: { size: big }
    else:
      - set: { size: small }
  - id: route
    switch: "= input.country"
    cases:
      - when: NL
        steps: [{ return: "= 'dutch ' & vars.size" }]
      - when: [BE, LU]
        steps: [{ return: benelux }]
    default:
      - return: "= 'other ' & vars.size"
`);

  it.each([
    [{ amount: 500, country: 'NL' }, 'dutch big'],
    [{ amount: 5, country: 'NL' }, 'dutch small'],
    [{ amount: 5, country: ['BE', 'LU'] }, 'benelux'],
    [{ amount: 500, country: 'FR' }, 'other big'],
  ])('%j → %s', async (input, expected) => {
    await expect(engine.invoke(flow(), input)).resolves.toBe(expected);
  });

  it('records the branch taken', async () => {
    const run = await engine.run(flow(), { amount: 1, country: 'FR' });
    expect(run.record.steps[0]).toMatchObject({
      id: 'size',
      input: false,
      steps: [{ kind: 'set', branch: 'else' }],
    });
    expect(run.record.steps[1]).toMatchObject({
      id: 'route',
      input: 'FR',
      steps: [{ kind: 'return', branch: 'default' }],
    });
  });
});

describe('forEach', () => {
  it('runs the steps per item, in order, with item, index and the `as` name in scope', async () => {
    const flow = load(`
name: loop
steps:
  - id: each
    forEach: "= input.orders"
    as: order
    steps:
      - id: line
        call: sample.echo
        with: { text: "{{ index }}:{{ order.id }}:{{ item.qty }};" }
    output: "= steps.line.text"
output: "= $join(steps.each)"
`);
    await expect(
      engine.invoke(flow, {
        orders: [
          { id: 'a', qty: 1 },
          { id: 'b', qty: 2 },
        ],
      }),
    ).resolves.toBe('0:a:1;1:b:2;');
  });

  it('treats a single value as one item and nothing as no items', async () => {
    const flow = load(`
name: items
steps:
  - forEach: "= input.items"
    steps: [{ call: sample.echo, with: { text: "= item", times: 1 } }]
`);
    await expect(engine.invoke(flow, { items: 'solo' })).resolves.toEqual([{ text: 'solo' }]);
    await expect(engine.invoke(flow, {})).resolves.toEqual([]);
  });

  it('never runs more items at once than its concurrency', async () => {
    const probe = concurrencyProbe();
    await kit.close();
    kit = sampleKit({ middleware: [probe.middleware] });
    engine = createFlowEngine({ kit });
    const flow = load(`
name: limited
steps:
  - forEach: "= input.items"
    concurrency: 3
    steps:
      - call: sample.wait
        with: { ms: 15 }
      - call: sample.echo
        with: { text: "= $string(item)", times: 1 }
    output: "= item * 10"
`);
    const output = await engine.invoke(flow, { items: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    expect(output).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(probe.max()).toBe(3);
  });

  it('stops the other items when one fails and reports the failing step', async () => {
    const flow = load(`
name: failing-loop
steps:
  - forEach: "= input.items"
    concurrency: 2
    steps:
      - id: read
        call: sample.get
        with: { key: "= item" }
`);
    await kit.invokeDynamic('sample.put', { key: 'a', text: 'A' });
    const run = await engine.run(flow, { items: ['a', 'missing', 'a', 'a', 'a'] });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'NOT_FOUND', flow: 'failing-loop', step: 'read' });
    const iterations = run.record.steps[0]?.steps?.map((step) => step.iteration);
    expect(iterations).not.toContain(4);
  });
});

describe('parallel', () => {
  it('runs the branches at the same time and maps each to its last output', async () => {
    const probe = concurrencyProbe();
    await kit.close();
    kit = sampleKit({ middleware: [probe.middleware] });
    engine = createFlowEngine({ kit });
    const flow = load(`
name: fan-out
steps:
  - id: both
    parallel:
      left:
        - call: sample.wait
          with: { ms: 20 }
        - call: sample.echo
          with: { text: L }
      right:
        - id: right
          call: sample.wait
          with: { ms: 20 }
output: "= { 'both': steps.both, 'right': steps.right.waitedMs }"
`);
    await expect(engine.invoke(flow)).resolves.toEqual({
      both: { left: { text: 'L' }, right: { waitedMs: 20 } },
      right: 20,
    });
    expect(probe.max()).toBe(2);
  });
});

describe('try, catch and finally', () => {
  it('gives the handler the error (code, message, step) and always runs finally', async () => {
    const flow = load(`
name: guarded
steps:
  - id: guard
    try:
      - id: read
        call: sample.get
        with: { key: nothing-here }
    catch:
      - set:
          caught: "= error.code & ' at ' & error.step"
          message: "= error.message"
    finally:
      - call: sample.put
        with: { key: cleanup, text: done }
output: "= vars"
`);
    const output = (await engine.invoke(flow)) as Record<string, string>;
    expect(output.caught).toBe('NOT_FOUND at read');
    expect(output.message).toBe("flow 'guarded', step 'read': no note under key 'nothing-here'");
    await expect(kit.invokeDynamic('sample.get', { key: 'cleanup' })).resolves.toEqual({
      key: 'cleanup',
      text: 'done',
    });
  });

  it('fails with the handler’s own failure, after finally ran', async () => {
    const flow = load(`
name: rethrow
steps:
  - try:
      - call: sample.get
        with: { key: a }
    catch:
      - id: handler
        call: sample.crash
        with: { message: "= 'handler saw ' & error.code" }
    finally:
      - call: sample.put
        with: { key: finally, text: ran }
`);
    const run = await engine.run(flow);
    expect(run.error).toMatchObject({
      code: 'INTERNAL',
      step: 'handler',
      message: "flow 'rethrow', step 'handler': handler saw NOT_FOUND",
    });
    await expect(kit.invokeDynamic('sample.get', { key: 'finally' })).resolves.toEqual({
      key: 'finally',
      text: 'ran',
    });
    expect(run.record.steps[0]?.steps?.map((step) => [step.kind, step.branch ?? null, step.status])).toEqual([
      ['call', null, 'failed'],
      ['call', 'catch', 'failed'],
      ['call', 'finally', 'succeeded'],
    ]);
  });
});

describe('return', () => {
  it('ends the flow with its value; finally still runs', async () => {
    const flow = load(`
name: early
steps:
  - try:
      - if: "= input.stop"
        then: [{ return: "= 'stopped at ' & input.stop" }]
    finally:
      - set: { cleaned: true }
  - call: sample.put
    with: { key: after, text: reached }
output: never
`);
    await expect(engine.invoke(flow, { stop: 'one' })).resolves.toBe('stopped at one');
    await expect(kit.invokeDynamic('sample.get', { key: 'after' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(engine.invoke(flow, { stop: false })).resolves.toBe('never');
  });
});

describe('sub-flows', () => {
  it('runs a flow by relative path and by name with its own input, nesting its steps in the record', async () => {
    const library = createFlowLibrary({ folders: [fixture('library')] });
    const parent = parseFlow(
      `
name: parent
steps:
  - id: byPath
    flow: ./library/shout.flow.yaml
    input: { text: "= input.word" }
  - id: byName
    flow: shout
    input: { text: "= steps.byPath" }
output: "= steps.byName"
`,
      { catalog: kit.catalog(), library, file: fixture('parent.flow.yaml') },
    );
    const run = await engine.run(parent, { word: 'hey' });
    expect(run.error).toBeUndefined();
    expect(run.output).toBe('HEY!!');
    const step = run.record.steps[0];
    expect(step).toMatchObject({ id: 'byPath', kind: 'flow', input: { text: 'hey' }, output: 'HEY!' });
    expect(step?.runId).toEqual(expect.any(String));
    expect(step?.runId).not.toBe(run.runId);
    expect(step?.steps?.map((child) => child.id)).toEqual(['echo']);
  });

  it('names both flows when the sub-flow fails', async () => {
    const library = createFlowLibrary({ folders: [fixture('library')] });
    const withLibrary = parseFlow(
      'name: caller\nsteps:\n  - id: child\n    flow: shout\n    input: { text: 12 }\n',
      { catalog: kit.catalog(), library },
    );
    const run = await engine.run(withLibrary);
    expect(run.error?.code).toBe('INVALID_INPUT');
    expect(run.error?.step).toBe('child');
    expect(run.error?.message).toBe(
      "flow 'caller', step 'child': flow 'shout': invalid input — $.text must be a string, got 12",
    );
  });

  it('stops a flow that calls itself without end', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ck-flow-'));
    const file = join(folder, 'forever.flow.yaml');
    writeFileSync(file, 'name: forever\nsteps:\n  - flow: ./forever.flow.yaml\n');
    const flow = loadFlow(file, { catalog: kit.catalog() });
    const deep = createFlowEngine({ kit, maxDepth: 5 });
    const run = await deep.run(flow);
    expect(run.error?.code).toBe('UNSUPPORTED');
    expect(run.error?.message).toContain(
      "sub-flows nest deeper than 5 levels — does 'forever' call itself without an end?",
    );
    rmSync(folder, { recursive: true, force: true });
  });
});

describe('retries', () => {
  it('retries a retryable failure per the step policy and records the attempts', async () => {
    const flow = load(`
name: retrying
steps:
  - id: shaky
    call: sample.flaky
    with: { key: k1, failures: 2, code: UNAVAILABLE }
    retry: { attempts: 3, backoff: { initialDelayMs: 1, maxDelayMs: 2 } }
`);
    const run = await engine.run(flow);
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual({ attempts: 1 });
    expect(run.record.steps[0]).toMatchObject({ id: 'shaky', status: 'succeeded', attempts: 3 });
  });

  it('gives up after the last attempt with the last error', async () => {
    const flow = load(`
name: exhausted
steps:
  - id: shaky
    call: sample.flaky
    with: { key: k2, failures: 5, code: RATE_LIMITED }
    retry: { attempts: 2, backoff: { initialDelayMs: 1 } }
`);
    const run = await engine.run(flow);
    expect(run.error).toMatchObject({ code: 'RATE_LIMITED', step: 'shaky', retryable: true });
    expect(run.record.steps[0]?.attempts).toBe(2);
  });

  it('does not retry what cannot succeed, nor a non-idempotent action without a policy', async () => {
    const flow = load(`
name: no-retry
steps:
  - id: permanent
    call: sample.flaky
    with: { key: k3, failures: 1, code: FORBIDDEN }
    retry: { attempts: 5, backoff: { initialDelayMs: 1 } }
    onError: continue
  - id: unguarded
    call: sample.flaky
    with: { key: k4, failures: 1, code: UNAVAILABLE }
`);
    const run = await engine.run(flow);
    expect(run.record.steps.map((step) => [step.id, step.attempts, step.error?.code])).toEqual([
      ['permanent', 1, 'FORBIDDEN'],
      ['unguarded', 1, 'UNAVAILABLE'],
    ]);
  });

  it('retries a composite step as a whole', async () => {
    const flow = load(`
name: composite-retry
steps:
  - id: group
    retry: { attempts: 3, backoff: { initialDelayMs: 1 } }
    try:
      - call: sample.put
        with: { key: seen, text: x }
      - call: sample.flaky
        with: { key: k5, failures: 2 }
`);
    const run = await engine.run(flow);
    expect(run.status).toBe('succeeded');
    expect(run.record.steps[0]?.attempts).toBe(3);
    expect(run.record.steps[0]?.steps).toHaveLength(2);
  });
});

describe('timeouts', () => {
  it('fails a call that exceeds its timeout with TIMEOUT naming the step', async () => {
    const flow = load(`
name: slow
steps:
  - id: nap
    call: sample.wait
    with: { ms: 5000 }
    timeout: 20
`);
    const run = await engine.run(flow);
    expect(run.error).toMatchObject({ code: 'TIMEOUT', step: 'nap', flow: 'slow', action: 'wait' });
  });

  it('limits a composite step, cancelling what runs inside it', async () => {
    const flow = load(`
name: slow-group
steps:
  - id: group
    timeout: 20
    try:
      - id: inner
        call: sample.wait
        with: { ms: 5000 }
    catch:
      - set: { handled: true }
`);
    const run = await engine.run(flow);
    expect(run.error).toMatchObject({ code: 'TIMEOUT', step: 'group' });
    expect(run.error?.message).toBe("flow 'slow-group', step 'group': timed out after 20 ms");
    expect(run.record.steps[0]?.steps?.[0]).toMatchObject({
      id: 'inner',
      status: 'failed',
      error: { code: 'CANCELLED' },
    });
  });

  it('limits a whole run with the flow timeout', async () => {
    const flow = load(`
name: bounded
timeout: 20
steps:
  - id: nap
    call: sample.wait
    with: { ms: 5000 }
`);
    const run = await engine.run(flow);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'TIMEOUT', step: 'nap' });
    expect(run.error?.message).toBe("flow 'bounded', step 'nap': the run timed out after 20 ms");
  });
});

describe('errors', () => {
  it('lets the flow go on past a step with onError: continue, its error in steps.<id>.error', async () => {
    const flow = load(`
name: tolerant
steps:
  - id: read
    call: sample.get
    with: { key: absent }
    onError: continue
  - if: "= steps.read.error.code = 'NOT_FOUND'"
    then: [{ return: "= 'defaulted after ' & steps.read.error.step" }]
`);
    const run = await engine.run(flow);
    expect(run.output).toBe('defaulted after read');
    expect(run.record.steps[0]).toMatchObject({
      status: 'failed',
      continued: true,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('turns a crashing action into an INTERNAL FlowError, and invoke rejects with it', async () => {
    const flow = load(`
name: crashing
steps:
  - call: sample.crash
    with: { message: boom }
`);
    const error = await engine.invoke(flow).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(FlowError);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'INTERNAL', flow: 'crashing', step: 'call-1', kind: 'call' });
    expect((error as FlowError).toJSON()).toMatchObject({
      name: 'ConnectorError',
      code: 'INTERNAL',
      flow: 'crashing',
      step: 'call-1',
      kind: 'call',
      message: "flow 'crashing', step 'call-1': boom",
    });
  });

  it('fails a step whose expression fails at run time with INVALID_INPUT', async () => {
    const flow = load(`
name: bad-data
steps:
  - id: compute
    set: { total: "= input.amount + 'x'" }
`);
    const run = await engine.run(flow, { amount: 1 });
    expect(run.error).toMatchObject({ code: 'INVALID_INPUT', step: 'compute' });
    expect(run.error?.message).toContain(`expression 'input.amount + 'x'' failed`);
  });
});

describe('cancellation', () => {
  it('aborts the action in flight and ends the run cancelled', async () => {
    const flow = load(`
name: cancellable
steps:
  - id: nap
    call: sample.wait
    with: { ms: 5000 }
  - call: sample.put
    with: { key: after-cancel, text: x }
`);
    const controller = new AbortController();
    const running = engine.run(flow, {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    const run = await running;
    expect(run.status).toBe('cancelled');
    expect(run.error).toMatchObject({ code: 'CANCELLED', step: 'nap' });
    expect(run.record.steps).toHaveLength(1);
  });
});

describe('run records', () => {
  const CANARY = 'flow-canary-5e1d9';

  it('never carry a secret of a connection, in inputs, outputs or errors', async () => {
    await kit.close();
    kit = sampleKit({
      connections: {
        sample: { connector: 'sample', token: 'sample-valid-token' },
        stolen: { connector: 'sample', token: CANARY },
      },
    });
    engine = createFlowEngine({ kit });
    const flow = load(`
name: leaky
steps:
  - id: echo
    call: sample.echo
    with: { text: "= 'token is ' & input.secret" }
  - id: wrong
    call: sample.echo
    connection: stolen
    with: { text: x }
    onError: continue
  - call: sample.get
    with: { key: "= input.secret" }
`);
    const run = await engine.run(flow, { secret: CANARY });
    expect(run.status).toBe('failed');
    const json = JSON.stringify(run.record);
    expect(json).not.toContain(CANARY);
    expect(json).not.toContain('sample-valid-token');
    expect(run.error?.message).not.toContain(CANARY);
    expect(run.record.input).toEqual({ secret: '<redacted>' });
    expect(run.record.steps[0]?.output).toEqual({ text: 'token is <redacted>' });
    expect(run.record.steps[1]).toMatchObject({ status: 'failed', continued: true, error: { code: 'AUTH' } });
  });

  it('carry the run id, flow, status, times and trigger', async () => {
    const flow = load('name: tiny\nsteps:\n  - return: 1\n');
    const run = await engine.run(flow, {}, { trigger: 'manual', event: { by: 'test' }, runId: 'run-1' });
    expect(run.record).toMatchObject({
      runId: 'run-1',
      flow: 'tiny',
      status: 'succeeded',
      trigger: 'manual',
      event: { by: 'test' },
      output: 1,
    });
    expect(new Date(run.record.startedAt).toISOString()).toBe(run.record.startedAt);
    expect(run.record.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(JSON.stringify(run))).toEqual(run.record);
  });
});

describe('the example flow (every step kind)', () => {
  it('runs end to end', async () => {
    const flow = loadFlow(fixture('orders.flow.yaml'), { catalog: kit.catalog() });
    const run = await engine.run(flow, {
      batch: 'b1',
      orders: [
        { id: 'a', amount: 600 },
        { id: 'b', amount: 500 },
      ],
    });
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({ batch: 'b1', stored: ['order-a', 'order-b'], size: 'large', shout: 'B1!' });
    expect(run.record.steps.map((step) => step.kind)).toEqual([
      'set',
      'if',
      'forEach',
      'parallel',
      'switch',
      'try',
      'return',
    ]);
    await expect(kit.invokeDynamic('sample.get', { key: 'order-b' })).resolves.toEqual({
      key: 'order-b',
      text: '500 (large batch b1)',
    });
  });
});
