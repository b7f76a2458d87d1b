#!/usr/bin/env node
// `pnpm bench <name> [--json] [--quick]`: runs bench/<name> and prints its figures and ratios.
import { parseArgs } from 'node:util';
import { flowBenchmark } from './flow.js';
import { invokeBenchmark } from './invoke.js';
import { kafkaBenchmark } from './kafka.js';
import { mappingBenchmark } from './mapping.js';
import type { Benchmark, BenchResult } from './measure.js';
import { redisBenchmark } from './redis.js';

export const benchmarks: Readonly<Record<string, Benchmark>> = {
  invoke: invokeBenchmark,
  redis: redisBenchmark,
  kafka: kafkaBenchmark,
  flow: flowBenchmark,
  mapping: mappingBenchmark,
};

function format(result: BenchResult): string {
  const lines = [`${result.name}: ${result.description}`];
  for (const [key, value] of Object.entries(result.figures)) {
    const target = result.targets?.[key];
    const verdict =
      target === undefined
        ? ''
        : value >= target
          ? `  (target ${target.toLocaleString('en')}: met)`
          : `  (target ${target.toLocaleString('en')}: NOT met)`;
    lines.push(`  ${key.padEnd(22)} ${value.toLocaleString('en').padStart(14)}${verdict}`);
  }
  for (const [key, value] of Object.entries(result.ratios)) {
    const target = result.targets?.[key];
    const verdict =
      target === undefined ? '' : `  (target ${target}: ${value >= target ? 'met' : 'NOT met'})`;
    lines.push(`  ${key.padEnd(22)} ${value.toFixed(3).padStart(14)}${verdict}`);
  }
  for (const note of result.notes ?? []) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { json: { type: 'boolean' }, quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  const names = positionals.length > 0 ? positionals : [];
  if (values.help === true || names.length === 0) {
    process.stdout.write(
      `Usage: pnpm bench <name…> [--json] [--quick]\n\nBenchmarks:\n${Object.entries(benchmarks)
        .map(([name, bench]) => `  ${name.padEnd(10)} ${bench.description}`)
        .join('\n')}\n`,
    );
    return values.help === true ? 0 : 2;
  }
  const unknown = names.filter((name) => !Object.hasOwn(benchmarks, name));
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown benchmark ${unknown.join(', ')} — known: ${Object.keys(benchmarks).join(', ')}\n`,
    );
    return 2;
  }
  const results: BenchResult[] = [];
  for (const name of names) {
    const benchmark = benchmarks[name] as Benchmark;
    if (values.json !== true) process.stderr.write(`running ${name}…\n`);
    const result = await benchmark.run({
      quick: values.quick === true,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    results.push(result);
    if (values.json !== true) process.stdout.write(`${format(result)}\n`);
  }
  if (values.json === true)
    process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results)}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
