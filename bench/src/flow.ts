import { createKit } from '@connectorkit/core';
import { compileFlow, createFlowEngine, defineFlow, expr, type Step, step } from '@connectorkit/flow';
import { type Benchmark, opsPerSecond } from './measure.js';
import { benchConnector } from './noop-connector.js';

const STEPS = 10;

/** Ten calls; each input is built by expressions over the flow input and the previous step's output. */
const tenSteps = defineFlow({
  name: 'bench-ten-steps',
  input: {
    type: 'object',
    properties: { id: { type: 'string' }, count: { type: 'integer' }, tag: { type: 'string' } },
    required: ['id', 'count', 'tag'],
  },
  steps: Array.from(
    { length: STEPS },
    (_, index): Step =>
      step.call(
        'bench.noop',
        {
          id: index === 0 ? expr('input.id') : expr(`steps.s${index - 1}.id`),
          count: expr(`input.count + ${index}`),
          tags: ['flow', expr('input.tag')],
        },
        { id: `s${index}` },
      ),
  ),
  output: expr(`steps.s${STEPS - 1}.id`),
});

export const flowBenchmark: Benchmark = {
  description:
    'a 10-step flow (each step a no-op action whose input is built by JSONata expressions) vs the same 10 kit.invoke calls written in TypeScript',
  run: async ({ quick }) => {
    const kit = createKit({ connectors: [benchConnector] });
    const engine = createFlowEngine({ kit });
    const flow = compileFlow(tenSteps, { catalog: kit.catalog() });
    const input = { id: 'order-1', count: 3, tag: 'bench' };
    const direct = async (): Promise<string> => {
      let previous = { id: input.id };
      for (let index = 0; index < STEPS; index++) {
        previous = await kit.invoke('bench.noop', {
          id: previous.id,
          count: input.count + index,
          tags: ['flow', input.tag],
        });
      }
      return previous.id;
    };
    const durationMs = quick ? 200 : 1_000;
    const batch = quick ? 100 : 500;
    // Quick runs (the tests) keep one round: they check that the benchmark works, not its figures.
    const rounds = quick ? 1 : 5;
    try {
      const check = await engine.run(flow, input);
      if (check.status !== 'succeeded' || check.output !== (await direct())) {
        throw new Error(`the benchmark flow does not work: ${check.error?.message ?? String(check.output)}`);
      }
      const directRuns = await opsPerSecond(direct, { durationMs, batch, rounds });
      const flowRuns = await opsPerSecond(() => engine.run(flow, input), { durationMs, batch, rounds });
      const recordedRuns = await opsPerSecond(async () => (await engine.run(flow, input)).record, {
        durationMs,
        batch,
        rounds,
      });
      return {
        name: 'flow',
        description: flowBenchmark.description,
        figures: {
          flowRunsPerSecond: Math.round(flowRuns),
          flowStepsPerSecond: Math.round(flowRuns * STEPS),
          recordedRunsPerSecond: Math.round(recordedRuns),
          directRunsPerSecond: Math.round(directRuns),
          directCallsPerSecond: Math.round(directRuns * STEPS),
        },
        ratios: {
          flowVsDirect: Number((flowRuns / directRuns).toFixed(4)),
          recordedVsDirect: Number((recordedRuns / directRuns).toFixed(4)),
        },
        targets: { flowRunsPerSecond: 20_000 },
        notes: [
          'one core (one Node.js thread), runs awaited one after the other',
          'a run record is built (and redacted) only when read; recordedRuns reads it after every run',
        ],
      };
    } finally {
      await kit.close();
    }
  },
};
