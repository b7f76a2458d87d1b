import type { StepKind } from './definition.js';
import type { FlowError, SerializedFlowError } from './errors.js';
import type { StepPlan } from './plan.js';

export type RunStatus = 'succeeded' | 'failed' | 'cancelled';
export type StepStatus = 'succeeded' | 'failed';

/**
 * What a run did, for logs, `ck run --json` and audits. Inputs, outputs, events and errors
 * are redacted with the kit's redactor: no secret of a connection appears in it.
 */
export interface RunRecord {
  readonly runId: string;
  readonly flow: string;
  /** The flow file, when the flow was loaded from one. */
  readonly file?: string;
  readonly status: RunStatus;
  /** The trigger that started the run. */
  readonly trigger?: string;
  readonly event?: unknown;
  /** ISO time the run started. */
  readonly startedAt: string;
  readonly durationMs: number;
  /** The validated flow input (defaults applied). */
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: SerializedFlowError;
  /** The steps that ran, in the order they started; composite steps nest theirs. */
  readonly steps: readonly StepRecord[];
}

export interface StepRecord {
  readonly id: string;
  readonly kind: StepKind;
  /** The action of a `call` step. */
  readonly action?: string;
  readonly status: StepStatus;
  /** The step failed but `onError: continue` let the flow go on. */
  readonly continued?: true;
  /** Milliseconds from the start of the run to the start of the step. */
  readonly offsetMs: number;
  readonly durationMs: number;
  readonly attempts: number;
  /** The item index, for steps run by a `forEach`. */
  readonly iteration?: number;
  /** The branch, for steps run by a `parallel` (or `catch`/`finally` of a `try`). */
  readonly branch?: string;
  /** What the step worked on: a call's input, a condition's value, the items of a loop … */
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: SerializedFlowError;
  /** The run id of a sub-flow. */
  readonly runId?: string;
  readonly steps?: readonly StepRecord[];
}

/** @internal What the engine notes while a step runs; turned into a `StepRecord` on demand. */
export class StepEntry {
  status: StepStatus | 'running' = 'running';
  durationMs = 0;
  attempts = 0;
  hasInput = false;
  input: unknown = undefined;
  output: unknown = undefined;
  error: FlowError | undefined = undefined;
  continued = false;
  children: StepEntry[] | undefined = undefined;
  runId: string | undefined = undefined;

  constructor(
    readonly plan: StepPlan,
    readonly startedAt: number,
    readonly iteration: number | undefined,
    readonly branch: string | undefined,
  ) {}

  setInput(input: unknown): void {
    this.hasInput = true;
    this.input = input;
  }
}

/** Turns step entries into redacted step records. */
export function stepRecords(
  entries: readonly StepEntry[],
  runStartedAt: number,
  redact: (value: unknown) => unknown,
): StepRecord[] {
  return entries.map((entry) => {
    const { plan } = entry;
    return {
      id: plan.id,
      kind: plan.kind,
      ...(plan.kind === 'call' ? { action: plan.action } : {}),
      status: entry.status === 'running' ? 'failed' : entry.status,
      ...(entry.continued ? { continued: true as const } : {}),
      offsetMs: milliseconds(entry.startedAt - runStartedAt),
      durationMs: milliseconds(entry.durationMs),
      attempts: entry.attempts,
      ...(entry.iteration === undefined ? {} : { iteration: entry.iteration }),
      ...(entry.branch === undefined ? {} : { branch: entry.branch }),
      ...(entry.hasInput ? { input: redact(entry.input) ?? null } : {}),
      ...(entry.status === 'succeeded' || entry.continued ? { output: redact(entry.output) ?? null } : {}),
      ...(entry.error === undefined ? {} : { error: redact(entry.error.toJSON()) as SerializedFlowError }),
      ...(entry.runId === undefined ? {} : { runId: entry.runId }),
      ...(entry.children === undefined ? {} : { steps: stepRecords(entry.children, runStartedAt, redact) }),
    };
  });
}

export function milliseconds(value: number): number {
  return Math.round(value * 1000) / 1000;
}
