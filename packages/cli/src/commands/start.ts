import { join, relative } from 'node:path';
import {
  createFlowRuntime,
  type FlowRuntime,
  loadFlows,
  prepareFlows,
  type TriggerBindingInfo,
} from '@connectorkit/flow';
import { type CommandIo, defineCommand, UsageError } from '../command.js';
import { FLOWS_FOLDER, flowFile, projectFlowFiles, projectLibrary } from '../flow-files.js';
import { palette, writeLine } from '../output.js';
import { openCliProject } from '../project.js';
import { type ProjectSandboxes, sandboxFlags, startProjectSandboxes } from '../sandbox-option.js';
import { whenOutputFails } from '../standard-streams.js';

/** Where `ck start` keeps trigger state (polling positions), relative to the project root. */
export const STATE_FOLDER = join('.ck', 'state');

export const startCommand = defineCommand({
  name: 'start',
  summary: 'Run trigger-bound flows until stopped (Ctrl+C or SIGTERM)',
  help: [
    "Starts the trigger of every flow given (default: every flow in the project's flows/ folder",
    'that has an `on:` trigger) and runs the flow for each event, until SIGINT or SIGTERM.',
    'Stopping is graceful: triggers stop receiving, runs in flight finish, and nothing is',
    'acknowledged that did not succeed. A second signal exits at once.',
    `Trigger state (polling positions) is kept in ${STATE_FOLDER}/ of the project.`,
    'Each run prints one line; --json prints its run record as one JSON line instead.',
    '',
    'Examples:',
    '  ck start',
    '  ck start flows/orders.yaml flows/nightly.yaml',
    '  ck start --sandbox --seed sandbox-seed.json',
    '',
    "--sandbox starts the emulators of the connections with 'sandbox: true' in this process.",
  ].join('\n'),
  positionals: [
    { name: 'flows', description: 'Flow files or names (default: every flow in flows/)', variadic: true },
  ],
  flags: sandboxFlags,
  run: async ({ flags, positionals, io }) => {
    const project = openCliProject(io, flags);
    const { kit } = project;
    const root = project.config.root;
    const signals = awaitSignal(io);
    // A closed pipe (`ck start | head`) stops like a signal; registered until the clean-up ends,
    // so that a failed write meanwhile does not cut it short.
    const forgetOutputFailure = whenOutputFails(() => signals.stop('output failed'));
    let runtime: FlowRuntime | undefined;
    let sandboxes: ProjectSandboxes | undefined;
    try {
      if (flags.sandbox === true) {
        sandboxes = await startProjectSandboxes(project.config, io, flags.seed);
        if (flags.json !== true) {
          for (const { name, url } of sandboxes.group.describe()) writeLine(io, `sandbox ${name} at ${url}`);
        }
      } else if (flags.seed !== undefined) throw new UsageError('--seed goes with --sandbox');
      const library = projectLibrary(root);
      const files =
        positionals.length > 0
          ? positionals.map((argument) => flowFile(argument, io, root, library))
          : projectFlowFiles(root);
      if (files.length === 0) {
        throw new UsageError(
          `no flows to start — name flow files, or put flows in ${FLOWS_FOLDER}/ of the project`,
        );
      }
      const flows = loadFlows(files, { catalog: kit.catalog(), library, cwd: io.cwd });
      await prepareFlows(flows);
      const bound = flows.filter((flow) => flow.triggers.some((trigger) => trigger.trigger !== 'manual'));
      if (bound.length === 0) {
        throw new UsageError(
          `none of the ${flows.length} flow${flows.length === 1 ? '' : 's'} has a trigger to start — add 'on: <connector>.<trigger>' or a schedule`,
        );
      }
      const color = palette(io);
      const json = flags.json === true;
      const label = (binding: TriggerBindingInfo): string => `${binding.flow} ← ${binding.trigger}`;
      runtime = createFlowRuntime({
        kit,
        flows: bound,
        stateDir: join(root, STATE_FOLDER),
        onRunStart: (binding, _event, runId) => {
          if (!json) writeLine(io, `${color.dim('▶')} ${label(binding)}  run ${runId.slice(0, 8)} started`);
        },
        onRun: (run, binding) => {
          if (json) {
            io.stdout.write(`${JSON.stringify(run.record)}\n`);
            return;
          }
          const took = `${Math.round(run.durationMs)} ms`;
          writeLine(
            io,
            run.status === 'succeeded'
              ? `${color.green('✓')} ${label(binding)}  run ${run.runId.slice(0, 8)} succeeded in ${took}`
              : `${color.red('✗')} ${label(binding)}  run ${run.runId.slice(0, 8)} ${run.status} in ${took}: ${run.error?.code} ${run.error?.message}`,
          );
        },
      });
      await runtime.start();
      if (!json) {
        for (const binding of runtime.bindings) writeLine(io, `started ${label(binding)}`);
        const shown = relative(io.cwd, join(root, STATE_FOLDER)) || STATE_FOLDER;
        writeLine(
          io,
          color.dim(
            `${runtime.bindings.length} trigger${runtime.bindings.length === 1 ? '' : 's'} running; state in ${shown} — Ctrl+C to stop`,
          ),
        );
      }
      const received = await signals.received;
      if (!json) writeLine(io, `${received}: stopping triggers and waiting for the runs in flight…`);
      await runtime.stop();
      if (!json) writeLine(io, 'stopped');
      return 0;
    } finally {
      signals.dispose();
      try {
        await runtime?.stop();
        await kit.close();
        await sandboxes?.close();
      } finally {
        forgetOutputFailure();
      }
    }
  },
});

type StopReason = NodeJS.Signals | 'output failed';

/** Resolves on the first SIGINT or SIGTERM, or on `stop`; a second signal exits at once. */
function awaitSignal(io: CommandIo): {
  received: Promise<StopReason>;
  stop(reason: StopReason): void;
  dispose(): void;
} {
  let resolve: (reason: StopReason) => void = () => undefined;
  const received = new Promise<StopReason>((done) => {
    resolve = done;
  });
  let count = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    count++;
    if (count > 1) {
      io.stderr.write(`${signal} again: exiting without waiting for the runs in flight\n`);
      process.exit(130);
    }
    resolve(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    received,
    stop: (reason) => resolve(reason),
    dispose: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
