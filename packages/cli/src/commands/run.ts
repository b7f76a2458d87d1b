import type { Kit, Project } from '@connectorkit/core';
import {
  createFlowEngine,
  loadFlow,
  prepareFlows,
  type RunRecord,
  type StepRecord,
} from '@connectorkit/flow';
import { type CommandIo, defineCommand, UsageError } from '../command.js';
import { flowFile, projectLibrary, readJsonArgument } from '../flow-files.js';
import { palette, progress, width as terminalWidth, truncate, writeJson } from '../output.js';
import { withKit } from '../project.js';
import { type ProjectSandboxes, sandboxFlags, startProjectSandboxes } from '../sandbox-option.js';

export const runCommand = defineCommand({
  name: 'run',
  summary: 'Run a flow once and print its output',
  help: [
    "The flow is a flow file, or the name of a flow in the project's flows/ folder. The input is",
    'JSON given inline, read from a file with @path, or from standard input with -.',
    '--trace prints every step with its status and duration (on standard error); --json prints',
    'the run record instead of the output: status, timings, redacted inputs and outputs.',
    '',
    'Examples:',
    `  ck run flows/orders.yaml --input '{"batch":"b1","orders":[]}'`,
    '  ck run orders --input @batch.json --trace',
    '  ck run orders --input @batch.json --json > run.json',
    '  ck run leads-to-slack --sandbox --seed sandbox-seed.json --trace',
    '',
    "--sandbox starts the emulators of the connections with 'sandbox: true' in this process, on",
    'free ports, seeded from --seed; after the run it prints what the flow asked of each.',
  ].join('\n'),
  positionals: [
    { name: 'flow', description: 'A flow file, or the name of a flow in flows/', required: true },
  ],
  flags: {
    input: { type: 'string', short: 'i', valueName: 'json|@file|-', description: 'Flow input (default: {})' },
    trace: { type: 'boolean', short: 't', description: 'Print each step with its status and duration' },
    ...sandboxFlags,
  },
  run: async ({ flags, positionals, io }) => {
    const input = (await readJsonArgument(flags.input, io, '--input')) ?? {};
    return withKit(io, flags, async (kit, project) => {
      let sandboxes: ProjectSandboxes | undefined;
      if (flags.sandbox === true) sandboxes = await startProjectSandboxes(project.config, io, flags.seed);
      else if (flags.seed !== undefined) throw new UsageError('--seed goes with --sandbox');
      try {
        return await runFlow(kit, project, sandboxes);
      } finally {
        // The kit's clients first, while their servers still answer.
        if (sandboxes !== undefined) await kit.close();
        await sandboxes?.close();
      }
    });

    async function runFlow(
      kit: Kit,
      project: Project,
      sandboxes: ProjectSandboxes | undefined,
    ): Promise<number> {
      const library = projectLibrary(project.config.root);
      const file = flowFile(positionals[0] ?? '', io, project.config.root, library);
      const flow = loadFlow(file, { catalog: kit.catalog(), library, cwd: io.cwd });
      await prepareFlows([flow]);
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once('SIGINT', onSignal);
      const stop = progress(io, `running ${flow.name}`, flags.json !== true && flags.trace !== true);
      try {
        const run = await createFlowEngine({ kit }).run(flow, input, { signal: controller.signal });
        stop();
        if (flags.json === true) {
          writeJson(io, run.record);
          return run.status === 'succeeded' ? 0 : 1;
        }
        if (flags.trace === true) writeTrace(io, run.record);
        const activity = sandboxes?.activity() ?? [];
        if (activity.length > 0) io.stderr.write(`${activity.join('\n')}\n`);
        if (run.error !== undefined) throw run.error;
        writeJson(io, kit.redact(run.output) ?? null);
        return 0;
      } finally {
        stop();
        process.removeListener('SIGINT', onSignal);
      }
    }
  },
});

/** One line per step, nested steps indented; on standard error, so that standard output stays the output. */
export function writeTrace(io: CommandIo, record: RunRecord): void {
  const color = palette(io, 'stderr');
  const lines: string[] = [];
  const width = Math.max(8, ...collectIds(record.steps).map((id) => id.length));
  const columns = terminalWidth(io);
  const walk = (steps: readonly StepRecord[], depth: number): void => {
    for (const step of steps) {
      const mark =
        step.status === 'succeeded'
          ? color.green('✓')
          : step.continued === true
            ? color.yellow('!')
            : color.red('✗');
      const where = [
        step.iteration === undefined ? undefined : `[${step.iteration}]`,
        step.branch === undefined ? undefined : `(${step.branch})`,
      ]
        .filter((part) => part !== undefined)
        .join(' ');
      const what = step.kind === 'call' ? `call ${step.action}` : step.kind;
      const attempts = step.attempts > 1 ? `, ${step.attempts} attempts` : '';
      const failure = step.error === undefined ? '' : `  ${step.error.code}: ${step.error.message}`;
      lines.push(
        `${'  '.repeat(depth)}${mark} ${step.id.padEnd(width)} ${what.padEnd(24)} ${color.dim(`${formatMs(step.durationMs)}${attempts}`)}${where === '' ? '' : ` ${color.dim(where)}`}${failure}`,
      );
      if (step.kind === 'call' && step.input !== undefined) {
        // What the step sent (already redacted in the record), on one line that fits the terminal.
        const indent = `${'  '.repeat(depth)}  ${' '.repeat(width)} `;
        lines.push(
          color.dim(`${indent}→ ${truncate(JSON.stringify(step.input), columns - indent.length - 2)}`),
        );
      }
      if (step.steps !== undefined) walk(step.steps, depth + 1);
    }
  };
  walk(record.steps, 0);
  const verdict = record.status === 'succeeded' ? color.green(record.status) : color.red(record.status);
  lines.push(
    `${color.bold(record.flow)} ${verdict} in ${formatMs(record.durationMs)} ${color.dim(`(run ${record.runId})`)}`,
  );
  io.stderr.write(`${lines.join('\n')}\n`);
}

function collectIds(steps: readonly StepRecord[]): string[] {
  return steps.flatMap((step) => [step.id, ...(step.steps === undefined ? [] : collectIds(step.steps))]);
}

function formatMs(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}
