import { describe, expect, it } from 'vitest';
import { redisBenchmark } from './redis.js';

// Runs the benchmark briefly against the real Redis so that it cannot rot; figures are not asserted.
// It measures for a fixed wall-clock time, which stretches on a loaded machine: hence the
// generous timeout.
describe('bench redis', () => {
  it('measures the kit, the action functions and raw ioredis with and without pipelining', async () => {
    const result = await redisBenchmark.run({ quick: true, log: () => undefined });
    for (const value of Object.values(result.figures)) expect(value).toBeGreaterThan(0);
    expect(result.ratios.kitVsRaw).toBeGreaterThan(0);
    expect(result.ratios.kitVsRawPipelined).toBeGreaterThan(0);
    expect(Object.keys(result.figures)).toEqual(
      expect.arrayContaining(['actionOpsPerSecond', 'actionPipelinedOpsPerSecond']),
    );
    expect(result.ratios.kitVsAction).toBeGreaterThan(0);
    expect(result.ratios.kitVsActionPipelined).toBeGreaterThan(0);
  }, 120_000);
});
