/** Figures one benchmark prints; `ratio` is always subject ÷ baseline of the same run. */
export interface BenchResult {
  readonly name: string;
  readonly description: string;
  readonly figures: Readonly<Record<string, number>>;
  readonly ratios: Readonly<Record<string, number>>;
  /** Targets the figures are compared with (reported, never asserted). */
  readonly targets?: Readonly<Record<string, number>>;
  readonly notes?: readonly string[];
}

export interface Benchmark {
  readonly description: string;
  run(options: { quick: boolean; log: (line: string) => void }): Promise<BenchResult>;
}

/**
 * Operations per second of `operation`, run back to back for about `durationMs` after a
 * warm-up; the median of `rounds` rounds, so that one GC pause does not decide the result.
 */
export async function opsPerSecond(
  operation: () => Promise<unknown> | unknown,
  {
    durationMs = 1_000,
    rounds = 5,
    batch = 1_000,
  }: { durationMs?: number; rounds?: number; batch?: number } = {},
): Promise<number> {
  const until = performance.now() + Math.min(300, durationMs);
  while (performance.now() < until) for (let index = 0; index < batch; index++) await operation();
  const results: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let count = 0;
    const started = performance.now();
    const deadline = started + durationMs;
    while (performance.now() < deadline) {
      for (let index = 0; index < batch; index++) await operation();
      count += batch;
    }
    results.push(count / ((performance.now() - started) / 1000));
  }
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)] ?? 0;
}
