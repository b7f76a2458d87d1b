import { describe, expect, it } from 'vitest';
import { flowBenchmark } from './flow.js';

// The benchmark is run (quickly) so that it cannot rot; its figures are reported, not asserted.
// It measures for a fixed wall-clock time, which stretches on a loaded machine (CI runs every
// package's tests at once on two cores): hence the generous timeout.
describe('bench flow', () => {
  it('produces positive figures and a ratio against the direct calls', async () => {
    const result = await flowBenchmark.run({ quick: true, log: () => undefined });
    expect(result.figures.flowRunsPerSecond).toBeGreaterThan(0);
    expect(result.figures.flowStepsPerSecond).toBeGreaterThan(0);
    expect(result.figures.directRunsPerSecond).toBeGreaterThan(0);
    expect(result.ratios.flowVsDirect).toBeGreaterThan(0);
  }, 120_000);
});
