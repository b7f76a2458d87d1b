import { describe, expect, it } from 'vitest';
import { kafkaBenchmark } from './kafka.js';

// Runs against the broker of `scripts/services/kafka start` (fails, never skips, without one).
// The figures are reported, not asserted: only that the benchmark still runs and measures.
describe('bench kafka', () => {
  it('produces positive figures and ratios against raw kafkajs', async () => {
    const result = await kafkaBenchmark.run({ quick: true, log: () => undefined });
    for (const key of [
      'produceInvokePerSecond',
      'produceRawPerSecond',
      'consumeTriggerPerSecond',
      'consumeRawPerSecond',
      'consumeFlowPerSecond',
    ]) {
      expect(result.figures[key], key).toBeGreaterThan(0);
    }
    expect(result.ratios.produceInvokeVsRaw).toBeGreaterThan(0);
    expect(result.ratios.consumeTriggerVsRaw).toBeGreaterThan(0);
    expect(result.ratios.consumeFlowVsRaw).toBeGreaterThan(0);
  }, 120_000);
});
