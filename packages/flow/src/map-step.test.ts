import type { Kit } from '@connectorkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlowEngine, type FlowEngine } from './engine.js';
import { FlowLoadError } from './errors.js';
import { toMermaid } from './graph.js';
import { loadFlow, parseFlow } from './load.js';
import type { Flow } from './plan.js';
import { prepareFlows } from './prepare.js';
import { fixture, sampleKit } from './test-support/kit.js';

let kit: Kit;
let engine: FlowEngine;

beforeEach(() => {
  kit = sampleKit();
  engine = createFlowEngine({ kit });
});

afterEach(async () => {
  await kit.close();
});

// The flow sits in test-fixtures/, so its mapping paths are relative to that folder.
const load = (text: string): Flow =>
  parseFlow(text, { catalog: kit.catalog(), file: fixture('contact.flow.yaml') });

const ROUND_TRIP = `
name: contact-round-trip
steps:
  - id: contact
    map: { mapping: mapping/contact.mapping.yaml, input: "= input" }
  - id: message
    map:
      mapping: mapping/contact.mapping.yaml
      direction: export
      input: "= steps.contact"
output: "= { 'contact': steps.contact, 'message': steps.message.value, 'text': steps.message.text }"
`;

describe('map step', () => {
  it('imports a message into the entity (converted as the entity schema says) and exports it back', async () => {
    const flow = load(ROUND_TRIP);
    await prepareFlows([flow]);
    const run = await engine.run(flow, {
      first_name: 'Ada',
      last_name: 'Lovelace',
      age: '36',
      country: 'GB',
    });
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({
      contact: { name: 'Ada Lovelace', age: 36, country: 'United Kingdom' },
      message: { first_name: 'Ada', last_name: 'Lovelace', age: '36', country: 'GB' },
      text: expect.stringContaining('"first_name"'),
    });
    expect(run.record.steps.map((step) => [step.id, step.kind, step.status])).toEqual([
      ['contact', 'map', 'succeeded'],
      ['message', 'map', 'succeeded'],
    ]);
  });

  it('is drawn with its mapping file and direction', () => {
    const chart = toMermaid(load(ROUND_TRIP));
    expect(chart).toContain('contact: map mapping/contact.mapping.yaml');
    expect(chart).toContain('message: map mapping/contact.mapping.yaml (export)');
  });

  it('fails the step with INVALID_INPUT naming the source and target of every violation', async () => {
    const run = await engine.run(load(ROUND_TRIP), {
      first_name: 'Ada',
      last_name: 'Lovelace',
      age: 'old',
      country: 'FR',
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'INVALID_INPUT', step: 'contact' });
    const violations =
      (run.error?.cause as { violations?: { sourcePath?: string; targetPath: string }[] } | undefined)
        ?.violations ?? [];
    expect(violations.map((violation) => violation.targetPath).sort()).toEqual(['$.age', '$.country']);
  });

  it('rejects a flow whose mapping file does not exist at load, with file:line:column', () => {
    let error: unknown;
    try {
      loadFlow(fixture('missing-mapping.flow.yaml'), { catalog: kit.catalog() });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FlowLoadError);
    expect(String((error as Error).message)).toMatch(
      /missing-mapping\.flow\.yaml:5:16: no mapping file 'mapping\/nowhere\.mapping\.yaml'/,
    );
  });

  it('reports a wrong mapping when the flows are prepared, before anything runs', async () => {
    const flow = load(`
name: broken
steps:
  - if: "= true"
    then:
      - map: { mapping: mapping/broken.mapping.yaml, input: "= input" }
`);
    await expect(prepareFlows([flow])).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(/broken\.mapping\.yaml:\d+:\d+/),
    });
  });
});
