import { describe, expect, it } from 'vitest';
import { mappingBenchmark } from './mapping.js';

// The figures are reported, not asserted: only that the benchmark runs, and that its
// hand-written baselines produce exactly what the mappings produce (checked inside run()).
describe('bench mapping', () => {
  it('produces positive figures and ratios against hand-written functions', async () => {
    const result = await mappingBenchmark.run({ quick: true, log: () => undefined });
    for (const value of Object.values(result.figures)) expect(value).toBeGreaterThan(0);
    expect(result.ratios.jsonMappingVsHand).toBeGreaterThan(0);
    expect(result.ratios.xmlMappingVsHand).toBeGreaterThan(0);
  }, 120_000);
});
