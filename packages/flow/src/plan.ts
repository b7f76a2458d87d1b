import type { InvokeOptions, RetryPolicy, Validator } from '@connectorkit/core';
import type { Mapping } from '@connectorkit/mapping';
import type { FlowDefinition, StepKind } from './definition.js';
import type { CompiledValue } from './expression.js';

/**
 * The compiled form of a flow: what the loader produces and the engine runs. Expressions are
 * parsed, validators compiled, sub-flows resolved — nothing is looked up by name at run time.
 */
export interface Flow {
  readonly name: string;
  readonly description: string | undefined;
  /** The file it was loaded from (absolute), or undefined for a flow built in code. */
  readonly file: string | undefined;
  /** The flow as written (parsed YAML/JSON, or what `defineFlow` returned). */
  readonly definition: FlowDefinition;
  /** The triggers that start it (`on:`), normalised. */
  readonly triggers: readonly TriggerPlan[];
  /** @internal The compiled steps. */
  readonly plan: FlowPlan;
}

export interface TriggerPlan {
  /** `connector.trigger`, `schedule` or `manual`. */
  readonly trigger: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly connection: string | undefined;
  /** Builds the flow input from `event`; undefined: the event is the input. */
  readonly input: CompiledValue | undefined;
}

/** @internal */
export interface FlowPlan {
  readonly input: Validator | undefined;
  readonly steps: readonly StepPlan[];
  readonly output: CompiledValue | undefined;
  readonly retry: RetryPolicy | undefined;
  readonly timeoutMs: number | undefined;
  /** Number of steps in the flow, nested ones included. */
  readonly stepCount: number;
}

/** @internal */
export interface StepPlanBase {
  readonly kind: StepKind;
  /** The step's id, or a generated one (`call-3`) when it has none. */
  readonly id: string;
  /** True when the id was written in the flow (the output is then `steps.<id>`). */
  readonly named: boolean;
  /** `file:line:column` (or the step's path in a flow built in code). */
  readonly location: string;
  readonly retry: RetryPolicy | undefined;
  readonly timeoutMs: number | undefined;
  readonly continueOnError: boolean;
}

export interface CallPlan extends StepPlanBase {
  readonly kind: 'call';
  readonly action: string;
  readonly connector: string;
  readonly input: CompiledValue;
  /** Options passed to `kit.invokeDynamic` (connection, timeout, `retry: false`: the engine retries). */
  readonly options: InvokeOptions;
  /** True when the action is known to be idempotent (it is then retried by default). */
  readonly idempotent: boolean | undefined;
}

export interface SetPlan extends StepPlanBase {
  readonly kind: 'set';
  readonly assignments: readonly (readonly [string, CompiledValue])[];
}

export interface IfPlan extends StepPlanBase {
  readonly kind: 'if';
  readonly condition: CompiledValue;
  /** The `then` steps (named otherwise here: an object with a `then` property looks like a promise). */
  readonly whenTrue: readonly StepPlan[];
  readonly whenFalse: readonly StepPlan[];
}

export interface SwitchPlan extends StepPlanBase {
  readonly kind: 'switch';
  readonly value: CompiledValue;
  readonly cases: readonly { readonly when: CompiledValue; readonly steps: readonly StepPlan[] }[];
  readonly default: readonly StepPlan[];
}

export interface ForEachPlan extends StepPlanBase {
  readonly kind: 'forEach';
  readonly items: CompiledValue;
  readonly as: string | undefined;
  readonly concurrency: number;
  readonly steps: readonly StepPlan[];
  readonly output: CompiledValue | undefined;
}

export interface ParallelPlan extends StepPlanBase {
  readonly kind: 'parallel';
  readonly branches: readonly { readonly name: string; readonly steps: readonly StepPlan[] }[];
}

export interface TryPlan extends StepPlanBase {
  readonly kind: 'try';
  readonly try: readonly StepPlan[];
  readonly catch: readonly StepPlan[] | undefined;
  readonly finally: readonly StepPlan[] | undefined;
}

export interface SubFlowPlan extends StepPlanBase {
  readonly kind: 'flow';
  readonly reference: string;
  readonly input: CompiledValue | undefined;
  /** The target, set once every file of a cycle has loaded. */
  readonly target: { flow: Flow | undefined };
}

export interface MapPlan extends StepPlanBase {
  readonly kind: 'map';
  /** The mapping file as written, and resolved. */
  readonly reference: string;
  readonly file: string;
  readonly direction: 'import' | 'export';
  readonly input: CompiledValue;
  /** Loads and compiles the mapping once (the same promise every time). */
  readonly mapping: () => Promise<Mapping>;
}

export interface ReturnPlan extends StepPlanBase {
  readonly kind: 'return';
  readonly value: CompiledValue;
}

export type StepPlan =
  | CallPlan
  | SetPlan
  | MapPlan
  | IfPlan
  | SwitchPlan
  | ForEachPlan
  | ParallelPlan
  | TryPlan
  | SubFlowPlan
  | ReturnPlan;
