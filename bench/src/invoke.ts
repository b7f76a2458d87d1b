import { createKit } from '@connectorkit/core';
import { type Benchmark, opsPerSecond } from './measure.js';
import { benchConnector, noop } from './noop-connector.js';

export const invokeBenchmark: Benchmark = {
  description:
    'kit.invoke() of a no-op action (input and output validated, timeout armed) vs a direct call of the same function',
  run: async ({ quick }) => {
    const kit = createKit({ connectors: [benchConnector] });
    const input = { id: 'order-1', count: 3, tags: ['a', 'b'] };
    const client = { calls: 0 };
    const context = {
      client,
      signal: new AbortController().signal,
      log: kit.log,
      attempt: 1,
      invocationId: 'direct',
      connection: 'bench',
    };
    const durationMs = quick ? 200 : 1_000;
    // Quick runs (the tests) keep one round: they check that the benchmark works, not its figures.
    const rounds = quick ? 1 : 5;
    try {
      await kit.invoke('bench.noop', input);
      const direct = await opsPerSecond(() => noop.run(input, context), { durationMs, rounds });
      const invoke = await opsPerSecond(() => kit.invoke('bench.noop', input), { durationMs, rounds });
      return {
        name: 'invoke',
        description: invokeBenchmark.description,
        figures: { invokePerSecond: Math.round(invoke), directPerSecond: Math.round(direct) },
        ratios: { invokeVsDirect: Number((invoke / direct).toFixed(4)) },
        targets: { invokePerSecond: 300_000 },
        notes: ['one core (one Node.js thread), sequential awaits in both loops'],
      };
    } finally {
      await kit.close();
    }
  },
};
