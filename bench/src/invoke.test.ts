import { describe, expect, it } from 'vitest';
import { invokeBenchmark } from './invoke.js';

// The benchmark is run (quickly) so that it cannot rot; its figures are reported, not asserted.
// It measures for a fixed wall-clock time, which stretches on a loaded machine (CI runs every
// package's tests at once on two cores): hence the generous timeout.
describe('bench invoke', () => {
  it('produces positive figures and a ratio against the direct call', async () => {
    const result = await invokeBenchmark.run({ quick: true, log: () => undefined });
    expect(result.figures.invokePerSecond).toBeGreaterThan(0);
    expect(result.figures.directPerSecond).toBeGreaterThan(0);
    expect(result.ratios.invokeVsDirect).toBeCloseTo(
      (result.figures.invokePerSecond ?? 0) / (result.figures.directPerSecond ?? 1),
      2,
    );
  }, 120_000);
});
