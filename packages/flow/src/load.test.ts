import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorError, type Kit } from '@connectorkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFlow, expr, step } from './builder.js';
import { FlowLoadError, type FlowProblem, problemLocation } from './errors.js';
import { createFlowLibrary } from './library.js';
import { compileFlow, loadFlow, loadFlows, parseFlow } from './load.js';
import { fixture, sampleKit } from './test-support/kit.js';

let kit: Kit;

beforeAll(() => {
  kit = sampleKit();
});

afterAll(async () => {
  await kit.close();
});

/** The problems loading a fixture reports, as `file:line:column: message`. */
function problems(name: string): string[] {
  try {
    loadFlow(fixture(name), { catalog: kit.catalog(), cwd: fixture('..') });
  } catch (error) {
    expect(error).toBeInstanceOf(FlowLoadError);
    return (error as FlowLoadError).problems.map(
      (problem: FlowProblem) => `${problemLocation(problem)}: ${problem.message}`,
    );
  }
  throw new Error(`${name} loaded without problems`);
}

describe('load-time errors name file:line:column and what was expected', () => {
  it('unknown step kind', () => {
    expect(problems('unknown-step-kind.flow.yaml')).toEqual([
      "test-fixtures/unknown-step-kind.flow.yaml:7:5: unknown step kind 'transform' — expected one of: call, set, map, if, switch, forEach, parallel, try, flow, return",
    ]);
  });

  it('unknown action, and unknown connector', () => {
    expect(problems('unknown-action.flow.yaml')).toEqual([
      "test-fixtures/unknown-action.flow.yaml:5:11: unknown action 'sample.delete' — connector 'sample' has: put, get, echo, wait, flaky, crash, broken",
      "test-fixtures/unknown-action.flow.yaml:7:11: unknown action 'slack.postMessage': no connector 'slack' — installed: sample",
    ]);
  });

  it('literal input that cannot match the action schema (expression parts are not judged)', () => {
    expect(problems('literal-input.flow.yaml')).toEqual([
      'test-fixtures/literal-input.flow.yaml:6:14: input of sample.echo cannot match its schema: $.times must be an integer, got "three"',
      'test-fixtures/literal-input.flow.yaml:8:5: input of sample.put cannot match its schema: $.text is required',
    ]);
  });

  it('bad expression syntax, pointing into the expression (YAML and JSON)', () => {
    expect(problems('bad-expression.flow.yaml')).toEqual([
      `test-fixtures/bad-expression.flow.yaml:6:38: bad expression ''Hello ' & input.name bar': Syntax error: "bar" (S0201)`,
    ]);
    expect(problems('bad-expression.flow.json')).toEqual([
      `test-fixtures/bad-expression.flow.json:3:84: bad expression '$uppercase(input.name': Expected ")" before end of expression (S0203)`,
    ]);
  });

  it('duplicate step id', () => {
    expect(problems('duplicate-id.flow.yaml')).toEqual([
      "test-fixtures/duplicate-id.flow.yaml:8:13: duplicate step id 'fetch' — already used at line 3; step ids must be unique in a flow",
    ]);
  });

  it('reference to an undefined step', () => {
    expect(problems('undefined-step.flow.yaml')).toEqual([
      "test-fixtures/undefined-step.flow.yaml:9:22: expression refers to steps.fecth, but no step has id 'fecth' (did you mean 'fetch'?) — step ids: fetch",
    ]);
  });

  it('unknown trigger', () => {
    expect(problems('unknown-trigger.flow.yaml')).toEqual([
      "test-fixtures/unknown-trigger.flow.yaml:3:14: unknown trigger 'sample.tocks' (did you mean 'sample.ticks'?) — connector 'sample' has triggers: ticks (built-in: schedule, manual)",
      "test-fixtures/unknown-trigger.flow.yaml:5:5: unknown trigger 'timer' — write 'connector.trigger' (e.g. kafka.message), 'schedule' or 'manual'",
    ]);
  });

  it('structure: unknown keys with a suggestion, wrong types', () => {
    expect(problems('structure.flow.yaml')).toEqual([
      "test-fixtures/structure.flow.yaml:4:5: forEach step: unknown key 'concurency' (did you mean 'concurrency'?)",
      `test-fixtures/structure.flow.yaml:10:5: call step: 'timeout' must be an integer, got "soon"`,
    ]);
  });

  it('return inside a loop, unknown sub-flows and an invalid cron', () => {
    expect(problems('return-in-loop.flow.yaml')).toEqual([
      'test-fixtures/return-in-loop.flow.yaml:7:13: return cannot be used inside forEach or parallel (it would end the flow from one item or branch) — set a variable and return after the loop',
    ]);
    expect(problems('unknown-subflow.flow.yaml')).toEqual([
      "test-fixtures/unknown-subflow.flow.yaml:3:11: unknown flow 'nowhere' — no flows are known by name; use a relative path such as ./other.flow.yaml",
      "test-fixtures/unknown-subflow.flow.yaml:4:11: sub-flow file './missing.flow.yaml' not found (looked for test-fixtures/missing.flow.yaml)",
    ]);
    expect(problems('bad-schedule.flow.yaml')).toEqual([
      "test-fixtures/bad-schedule.flow.yaml:4:19: schedule: invalid cron '61 * * * *': CronPattern: Invalid value for minute: 61",
    ]);
  });

  it('is an INVALID_CONFIG ConnectorError whose message starts with the first problem', () => {
    const error = (() => {
      try {
        loadFlow(fixture('unknown-action.flow.yaml'), { catalog: kit.catalog(), cwd: fixture('..') });
      } catch (thrown) {
        return thrown as FlowLoadError;
      }
      throw new Error('loaded');
    })();
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toBe(
      "test-fixtures/unknown-action.flow.yaml:5:11: unknown action 'sample.delete' — connector 'sample' has: put, get, echo, wait, flaky, crash, broken (and 1 more problem)",
    );
    expect(error.issues).toHaveLength(2);
  });
});

describe('loading', () => {
  it('reports YAML syntax errors with their position', () => {
    expect(() => parseFlow('name: x\nsteps:\n  - call: [a\n', { file: 'broken.yaml', cwd: '/' })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^broken\.yaml:4:1: /) }),
    );
  });

  it('reports a missing file', () => {
    expect(() => loadFlow('nowhere.flow.yaml', { cwd: fixture('.') })).toThrow(
      'nowhere.flow.yaml: cannot read flow file: no such file',
    );
  });

  it('accepts expressions where the schema wants another type, and literal parts that fit', () => {
    const flow = parseFlow(
      `
name: fine
steps:
  - call: sample.echo
    with: { text: literal, times: "= input.n", tags: ["a", "= input.tag"] }
`,
      { catalog: kit.catalog() },
    );
    expect(flow.name).toBe('fine');
    expect(flow.plan.stepCount).toBe(1);
  });

  it('does not check actions without a catalog', () => {
    expect(parseFlow('name: loose\nsteps:\n  - call: anything.goes\n').plan.steps[0]).toMatchObject({
      kind: 'call',
      action: 'anything.goes',
    });
  });

  it('checks named connections against the catalog', () => {
    expect(() =>
      parseFlow(
        'name: c\nconnections: { sample: nope }\nsteps:\n  - call: sample.echo\n    connection: other\n    with: { text: a }\n',
        { catalog: kit.catalog(), file: 'c.yaml', cwd: '/' },
      ),
    ).toThrow(
      expect.objectContaining({
        problems: [
          { file: 'c.yaml', line: 2, column: 24, message: "unknown connection 'nope' — configured: sample" },
          { file: 'c.yaml', line: 5, column: 17, message: "unknown connection 'other' — configured: sample" },
        ],
      }),
    );
  });

  it('loads flows that call each other (a cycle) and shares sub-flows between files', () => {
    const folder = mkdtempSync(join(tmpdir(), 'ck-flow-load-'));
    try {
      writeFileSync(
        join(folder, 'ping.flow.yaml'),
        'name: ping\nsteps:\n  - if: "= input.n > 0"\n    then: [{ flow: ./pong.flow.yaml }]\n',
      );
      writeFileSync(join(folder, 'pong.flow.yaml'), 'name: pong\nsteps:\n  - flow: ping\n');
      const library = createFlowLibrary({ folders: [folder] });
      const [ping, pong] = loadFlows([join(folder, 'ping.flow.yaml'), join(folder, 'pong.flow.yaml')], {
        library,
      });
      expect(ping?.name).toBe('ping');
      expect(pong?.name).toBe('pong');
      expect(library.names()).toEqual(['ping', 'pong']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('normalises triggers', () => {
    const flow = parseFlow(
      `
name: triggered
on:
  - sample.ticks
  - trigger: schedule
    config: { cron: "*/5 * * * *" }
  - trigger: sample.ticks
    connection: sample
    config: { count: 2 }
    input: { n: "= event.tick" }
steps: [{ return: 1 }]
`,
      { catalog: kit.catalog() },
    );
    expect(
      flow.triggers.map((trigger) => [
        trigger.trigger,
        trigger.config,
        trigger.connection,
        trigger.input?.constant,
      ]),
    ).toEqual([
      ['sample.ticks', {}, undefined, undefined],
      ['schedule', { cron: '*/5 * * * *' }, undefined, undefined],
      ['sample.ticks', { count: 2 }, 'sample', false],
    ]);
  });

  it('rejects trigger config that does not match the trigger schema', () => {
    expect(() =>
      parseFlow('name: t\non:\n  trigger: sample.ticks\n  config: { count: 0 }\nsteps: [{ return: 1 }]\n', {
        catalog: kit.catalog(),
        file: 't.yaml',
        cwd: '/',
      }),
    ).toThrow('t.yaml:4:20: config of trigger sample.ticks: $.count must be >= 1, got 0');
  });
});

describe('flows built in code', () => {
  it('compile like files, and problems name the flow and the path', () => {
    const good = defineFlow({
      name: 'coded',
      steps: [step.call('sample.echo', { text: expr('input.text'), times: 2 }, { id: 'echo' })],
      output: expr('steps.echo.text'),
    });
    expect(compileFlow(good, { catalog: kit.catalog() }).name).toBe('coded');
    const bad = defineFlow({
      name: 'coded-bad',
      steps: [step.call('sample.echo', { text: expr('steps.nope.text') }), step.set({ a: '= (' })],
    });
    expect(() => compileFlow(bad, { catalog: kit.catalog() })).toThrow(
      expect.objectContaining({
        problems: [
          {
            file: "flow 'coded-bad'",
            line: 0,
            column: 0,
            message:
              "steps[0].with.text: expression refers to steps.nope, but no step has id 'nope' — no step has an id",
          },
          {
            file: "flow 'coded-bad'",
            line: 0,
            column: 0,
            message: `steps[1].set.a: bad expression '(': Expected ")" before end of expression (S0203)`,
          },
        ],
      }),
    );
  });
});
