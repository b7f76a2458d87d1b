import {
  backoffDelay,
  ConnectorError,
  DEFAULT_RETRY,
  type Kit,
  type RetryPolicy,
  sleep,
} from '@connectorkit/core';
import { FlowError, type SerializedFlowError } from './errors.js';
import { type CompiledValue, isPromise, jsonEqual, toBoolean } from './expression.js';
import type {
  CallPlan,
  Flow,
  ForEachPlan,
  IfPlan,
  MapPlan,
  ParallelPlan,
  SetPlan,
  StepPlan,
  SubFlowPlan,
  SwitchPlan,
  TryPlan,
} from './plan.js';
import { newRunId } from './run-id.js';
import { milliseconds, type RunRecord, type RunStatus, StepEntry, stepRecords } from './run-record.js';

export interface FlowEngineOptions {
  /** The kit whose actions the flows call. */
  readonly kit: Kit;
  /** Deepest nesting of sub-flows (a guard against a flow calling itself without end). Default 32. */
  readonly maxDepth?: number;
}

export interface RunFlowOptions {
  /** Cancels the run: the action in flight is aborted and the run ends `cancelled`. */
  readonly signal?: AbortSignal;
  /** The trigger event, `event` in expressions. */
  readonly event?: unknown;
  /** The trigger that started the run, for the record. */
  readonly trigger?: string;
  /** Use this run id instead of a generated one. */
  readonly runId?: string;
}

/** The outcome of one run. */
export interface FlowRun {
  readonly runId: string;
  readonly flow: string;
  readonly status: RunStatus;
  /** The flow output (undefined unless the run succeeded). */
  readonly output: unknown;
  readonly error: FlowError | undefined;
  readonly startedAt: Date;
  readonly durationMs: number;
  /** The redacted run record, built when first read. */
  readonly record: RunRecord;
}

/** Runs flows against a kit. */
export interface FlowEngine {
  readonly kit: Kit;
  /** Runs a flow; never rejects — a failure is a run with status `failed` and an `error`. */
  run(flow: Flow, input?: unknown, options?: RunFlowOptions): Promise<FlowRun>;
  /** Runs a flow and resolves to its output, or rejects with the `FlowError`. */
  invoke(flow: Flow, input?: unknown, options?: RunFlowOptions): Promise<unknown>;
}

/**
 * Creates an engine that runs flows on a kit's actions.
 *
 * @example
 * const engine = createFlowEngine({ kit });
 * const run = await engine.run(loadFlow('flows/orders.yaml', { catalog: kit.catalog() }), { orderId: '42' });
 * if (run.status === 'succeeded') console.log(run.output); else console.error(run.error?.message);
 */
export function createFlowEngine(options: FlowEngineOptions): FlowEngine {
  return new Engine(options.kit, options.maxDepth ?? 32);
}

/** The scope expressions see. */
interface Scope {
  readonly input: unknown;
  readonly vars: Record<string, unknown>;
  readonly steps: Record<string, unknown>;
  readonly event: unknown;
  readonly [key: string]: unknown;
}

/** One execution of one flow (a run, or a sub-flow inside a run). */
class Execution {
  returned: { readonly value: unknown } | undefined = undefined;

  constructor(
    readonly flow: Flow,
    readonly runId: string,
    readonly depth: number,
  ) {}
}

interface ExecutionResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly output: unknown;
  readonly error: FlowError | undefined;
  readonly entries: StepEntry[];
  readonly input: unknown;
  readonly startedAt: number;
  readonly durationMs: number;
}

const EMPTY_INPUT = Object.freeze({});
const NO_RUN_OPTIONS: RunFlowOptions = Object.freeze({});

class Engine implements FlowEngine {
  private readonly callRetries = new WeakMap<CallPlan, RetryPolicy | null>();

  constructor(
    readonly kit: Kit,
    private readonly maxDepth: number,
  ) {}

  run(flow: Flow, input?: unknown, options: RunFlowOptions = NO_RUN_OPTIONS): Promise<FlowRun> {
    return this.execute(flow, input, options.signal, options.event, 0, options.runId, options);
  }

  async invoke(flow: Flow, input?: unknown, options: RunFlowOptions = NO_RUN_OPTIONS): Promise<unknown> {
    const run = await this.execute(flow, input, options.signal, options.event, 0, options.runId, options);
    if (run.error !== undefined) throw run.error;
    return run.output;
  }

  private async execute(
    flow: Flow,
    input: unknown,
    callerSignal: AbortSignal | undefined,
    event: unknown,
    depth: number,
    runId: string = newRunId(),
    options: RunFlowOptions = NO_RUN_OPTIONS,
  ): Promise<CompletedRun> {
    const startedAt = performance.now();
    const { plan } = flow;
    const execution = new Execution(flow, runId, depth);
    const entries: StepEntry[] = [];
    let prepared: unknown = input ?? EMPTY_INPUT;
    let output: unknown;
    let error: FlowError | undefined;
    let signal = callerSignal;
    let timeout: { timer: NodeJS.Timeout; dispose(): void; fired: boolean } | undefined;
    if (plan.timeoutMs !== undefined) {
      const linked = linkedController(callerSignal);
      const state = {
        fired: false,
        dispose: linked.dispose,
        timer: setTimeout(() => {
          state.fired = true;
          linked.controller.abort(
            new ConnectorError('TIMEOUT', `the run timed out after ${plan.timeoutMs} ms`),
          );
        }, plan.timeoutMs),
      };
      timeout = state;
      signal = linked.controller.signal;
    }
    try {
      if (plan.input !== undefined) {
        prepared = plan.input.withDefaults(prepared);
        if (!plan.input.check(prepared)) {
          const issues = plan.input.issues(prepared);
          throw new FlowError(
            'INVALID_INPUT',
            `flow '${flow.name}': invalid input — ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`,
            {
              flow: flow.name,
              runId,
              cause: new ConnectorError('INVALID_INPUT', 'invalid flow input', { issues }),
            },
          );
        }
      }
      const scope: Scope = { input: prepared, vars: {}, steps: {}, event };
      const last =
        plan.steps.length === 0
          ? undefined
          : await this.runList(plan.steps, scope, execution, signal, entries, undefined, undefined);
      if (execution.returned !== undefined) output = execution.returned.value;
      else if (plan.output !== undefined) output = await evaluate(plan.output, scope);
      else output = last;
    } catch (thrown) {
      error = this.runError(thrown, execution, timeout?.fired === true ? plan.timeoutMs : undefined);
    } finally {
      if (timeout !== undefined) {
        clearTimeout(timeout.timer);
        timeout.dispose();
      }
    }
    const status: RunStatus =
      error === undefined
        ? 'succeeded'
        : error.code === 'CANCELLED' && callerSignal?.aborted
          ? 'cancelled'
          : 'failed';
    const result: ExecutionResult = {
      runId,
      status,
      output: error === undefined ? output : undefined,
      error,
      entries,
      input: prepared,
      startedAt,
      durationMs: performance.now() - startedAt,
    };
    return new CompletedRun(this.kit, flow, result, options);
  }

  private runError(thrown: unknown, execution: Execution, timedOutAfter: number | undefined): FlowError {
    const { flow, runId } = execution;
    let error =
      thrown instanceof FlowError && thrown.runId === runId
        ? thrown
        : FlowError.fromStep(thrown, { flow: flow.name, runId });
    if (timedOutAfter !== undefined) {
      error = FlowError.fromStep(
        new ConnectorError('TIMEOUT', `the run timed out after ${timedOutAfter} ms`, { cause: error }),
        { flow: flow.name, step: error.step, kind: error.kind, runId },
      );
    }
    return this.kit.redactor.error(error);
  }

  // ---------------------------------------------------------------- steps

  private async runList(
    plans: readonly StepPlan[],
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    entries: StepEntry[],
    iteration: number | undefined,
    branch: string | undefined,
  ): Promise<unknown> {
    let last: unknown;
    for (const plan of plans) {
      last = await this.runStep(plan, scope, execution, signal, entries, iteration, branch);
      if (execution.returned !== undefined) break;
    }
    return last;
  }

  private async runStep(
    plan: StepPlan,
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    entries: StepEntry[],
    iteration: number | undefined,
    branch: string | undefined,
  ): Promise<unknown> {
    if (signal?.aborted) throw this.stepError(cancellation(signal), plan, execution);
    const started = performance.now();
    const entry = new StepEntry(plan, started, iteration, branch);
    entries.push(entry);
    const policy = plan.retry ?? (plan.kind === 'call' ? this.callRetry(plan) : undefined);
    for (let attempt = 1; ; attempt++) {
      entry.attempts = attempt;
      try {
        let output = this.attempt(plan, scope, execution, signal, entry);
        if (isPromise(output)) output = await output;
        entry.status = 'succeeded';
        entry.output = output;
        entry.durationMs = performance.now() - started;
        if (plan.named) scope.steps[plan.id] = output;
        return output;
      } catch (thrown) {
        const error = this.stepError(thrown, plan, execution);
        if (
          policy !== undefined &&
          attempt < policy.attempts &&
          error.retryable &&
          signal?.aborted !== true &&
          (error.retryAfterMs === undefined || error.retryAfterMs <= policy.maxRetryAfterMs)
        ) {
          try {
            await sleep(backoffDelay(policy, attempt, error.retryAfterMs), signal);
          } catch {
            throw this.failStep(entry, this.stepError(cancellation(signal), plan, execution), started);
          }
          entry.children = undefined;
          continue;
        }
        this.failStep(entry, error, started);
        if (plan.continueOnError && signal?.aborted !== true) {
          const output = { error: errorScope(error) };
          entry.continued = true;
          entry.output = output;
          if (plan.named) scope.steps[plan.id] = output;
          return output;
        }
        throw error;
      }
    }
  }

  private failStep(entry: StepEntry, error: FlowError, started: number): FlowError {
    entry.status = 'failed';
    entry.error = error;
    entry.durationMs = performance.now() - started;
    return error;
  }

  /** What a step threw, as a `FlowError` naming the step (kept as is when a nested step of this run threw it). */
  private stepError(thrown: unknown, plan: StepPlan, execution: Execution): FlowError {
    if (thrown instanceof FlowError && thrown.runId === execution.runId) return thrown;
    return this.kit.redactor.error(
      FlowError.fromStep(thrown, {
        flow: execution.flow.name,
        step: plan.id,
        kind: plan.kind,
        runId: execution.runId,
      }),
    );
  }

  /** Idempotent actions are retried by default, as `kit.invoke` would. */
  private callRetry(plan: CallPlan): RetryPolicy | undefined {
    let policy = this.callRetries.get(plan);
    if (policy === undefined) {
      const idempotent =
        plan.idempotent ??
        this.kit.manifest(plan.connector)?.actions[plan.action.slice(plan.connector.length + 1)]?.idempotent;
      policy = idempotent === true ? DEFAULT_RETRY : null;
      this.callRetries.set(plan, policy);
    }
    return policy ?? undefined;
  }

  private attempt(
    plan: StepPlan,
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    entry: StepEntry,
  ): unknown {
    if (plan.timeoutMs !== undefined && plan.kind !== 'call') {
      return withTimeout(plan.timeoutMs, signal, (limited) =>
        this.dispatch(plan, scope, execution, limited, entry),
      );
    }
    return this.dispatch(plan, scope, execution, signal, entry);
  }

  private dispatch(
    plan: StepPlan,
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    entry: StepEntry,
  ): unknown {
    switch (plan.kind) {
      case 'call': {
        const input = plan.input.constant ? plan.input.value : plan.input.evaluate(scope);
        if (isPromise(input)) return input.then((value) => this.call(plan, value, signal, entry));
        return this.call(plan, input, signal, entry);
      }
      case 'set':
        return this.set(plan, scope, entry);
      case 'map':
        return this.map(plan, scope, entry);
      case 'if':
        return this.branch(plan, scope, execution, signal, entry);
      case 'switch':
        return this.switch(plan, scope, execution, signal, entry);
      case 'forEach':
        return this.forEach(plan, scope, execution, signal, entry);
      case 'parallel':
        return this.parallel(plan, scope, execution, signal, entry);
      case 'try':
        return this.try(plan, scope, execution, signal, entry);
      case 'flow':
        return this.subFlow(plan, scope, execution, signal, entry);
      case 'return':
        return this.return(plan.value, scope, execution, entry);
    }
  }

  private call(
    plan: CallPlan,
    input: unknown,
    signal: AbortSignal | undefined,
    entry: StepEntry,
  ): Promise<unknown> {
    entry.setInput(input);
    return this.kit.invokeDynamic(
      plan.action,
      input,
      signal === undefined ? plan.options : { ...plan.options, signal },
    );
  }

  private async set(plan: SetPlan, scope: Scope, entry: StepEntry): Promise<unknown> {
    const values: Record<string, unknown> = {};
    for (const [name, value] of plan.assignments) {
      const result = await evaluate(value, scope);
      scope.vars[name] = result;
      values[name] = result;
    }
    entry.setInput(values);
    return values;
  }

  private async map(plan: MapPlan, scope: Scope, entry: StepEntry): Promise<unknown> {
    const input = await evaluate(plan.input, scope);
    entry.setInput(input);
    const mapping = await plan.mapping();
    if (plan.direction === 'export') {
      const result = await mapping.export(input);
      if (!result.ok) throw result.error;
      return { value: result.value, text: result.text };
    }
    const result = await mapping.import(input);
    if (!result.ok) throw result.error;
    return result.value;
  }

  private async branch(
    plan: IfPlan,
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    entry: StepEntry,
  ): Promise<unknown> {
    const condition = await evaluate(plan.condition, scope);
    entry.setInput(condition);
    const steps = toBoolean(condition) ? plan.whenTrue : plan.whenFalse;
    entry.children = [];
    return this.runList(
      steps,
      scope,
      execution,
      signal,
      entry.children,
      undefined,
      toBoolean(condition) ? 'then' : 'else',
    );
  }

  private async switch(
    plan: SwitchPlan,
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    entry: StepEntry,
  ): Promise<unknown> {
    const value = await evaluate(plan.value, scope);
    entry.setInput(value);
    entry.children = [];
    for (const [index, entryCase] of plan.cases.entries()) {
      if (jsonEqual(value, await evaluate(entryCase.when, scope))) {
        return this.runList(
          entryCase.steps,
          scope,
          execution,
          signal,
          entry.children,
          undefined,
          `case ${index + 1}`,
        );
      }
    }
    return this.runList(plan.default, scope, execution, signal, entry.children, undefined, 'default');
  }

  private async forEach(
    plan: ForEachPlan,
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    entry: StepEntry,
  ): Promise<unknown> {
    const value = await evaluate(plan.items, scope);
    const items: readonly unknown[] =
      value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    entry.setInput(items);
    const children: StepEntry[] = [];
    entry.children = children;
    const results: unknown[] = new Array(items.length).fill(null);
    const runItem = async (index: number, itemSignal: AbortSignal | undefined): Promise<void> => {
      const item = items[index];
      // Each item sees its own step outputs; variables are the flow's.
      const itemScope: Scope = { ...scope, steps: { ...scope.steps }, item, index };
      if (plan.as !== undefined) (itemScope as Record<string, unknown>)[plan.as] = item;
      const last = await this.runList(
        plan.steps,
        itemScope,
        execution,
        itemSignal,
        children,
        index,
        undefined,
      );
      const result = plan.output === undefined ? last : await evaluate(plan.output, itemScope);
      results[index] = result === undefined ? null : result;
    };
    if (plan.concurrency <= 1 || items.length <= 1) {
      for (let index = 0; index < items.length; index++) await runItem(index, signal);
      return results;
    }
    let next = 0;
    await concurrently(Math.min(plan.concurrency, items.length), signal, async (limited, failed) => {
      while (next < items.length && !failed()) await runItem(next++, limited);
    });
    return results;
  }

  private async parallel(
    plan: ParallelPlan,
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    entry: StepEntry,
  ): Promise<unknown> {
    const children: StepEntry[] = [];
    entry.children = children;
    const output: Record<string, unknown> = {};
    let next = 0;
    await concurrently(plan.branches.length, signal, async (limited) => {
      const branch = plan.branches[next++];
      if (branch === undefined) return;
      const last = await this.runList(
        branch.steps,
        scope,
        execution,
        limited,
        children,
        undefined,
        branch.name,
      );
      output[branch.name] = last === undefined ? null : last;
    });
    // Branch order, not completion order.
    return Object.fromEntries(plan.branches.map((branch) => [branch.name, output[branch.name] ?? null]));
  }

  private async try(
    plan: TryPlan,
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    entry: StepEntry,
  ): Promise<unknown> {
    const children: StepEntry[] = [];
    entry.children = children;
    let result: unknown;
    try {
      result = await this.runList(plan.try, scope, execution, signal, children, undefined, undefined);
    } catch (thrown) {
      // A cancellation is not handled: the run (or the step's time limit) is ending.
      if (plan.catch === undefined || signal?.aborted === true) {
        await this.finally(plan, scope, execution, signal, children);
        throw thrown;
      }
      const error = this.stepError(thrown, plan, execution);
      try {
        result = await this.runList(
          plan.catch,
          { ...scope, error: errorScope(error) },
          execution,
          signal,
          children,
          undefined,
          'catch',
        );
      } catch (again) {
        await this.finally(plan, scope, execution, signal, children);
        throw again;
      }
    }
    await this.finally(plan, scope, execution, signal, children);
    return result;
  }

  private async finally(
    plan: TryPlan,
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    children: StepEntry[],
  ): Promise<void> {
    if (plan.finally === undefined) return;
    // A `return` in try or catch still lets finally run, then ends the flow.
    const returned = execution.returned;
    execution.returned = undefined;
    await this.runList(plan.finally, scope, execution, signal, children, undefined, 'finally');
    execution.returned ??= returned;
  }

  private async subFlow(
    plan: SubFlowPlan,
    scope: Scope,
    execution: Execution,
    signal: AbortSignal | undefined,
    entry: StepEntry,
  ): Promise<unknown> {
    const target = plan.target.flow;
    if (target === undefined) {
      throw new ConnectorError('INTERNAL', `sub-flow '${plan.reference}' was not loaded`);
    }
    if (execution.depth + 1 > this.maxDepth) {
      throw new ConnectorError(
        'UNSUPPORTED',
        `sub-flows nest deeper than ${this.maxDepth} levels — does '${target.name}' call itself without an end?`,
      );
    }
    const input = plan.input === undefined ? EMPTY_INPUT : await evaluate(plan.input, scope);
    entry.setInput(input);
    const run = await this.execute(target, input, signal, undefined, execution.depth + 1);
    entry.children = run.result.entries;
    entry.runId = run.runId;
    if (run.error !== undefined) throw run.error;
    return run.output;
  }

  private async return(
    value: CompiledValue,
    scope: Scope,
    execution: Execution,
    entry: StepEntry,
  ): Promise<unknown> {
    const result = await evaluate(value, scope);
    entry.setInput(result);
    execution.returned = { value: result };
    return result;
  }
}

/** A run's outcome; its record is built (and redacted) when first read. */
class CompletedRun implements FlowRun {
  readonly runId: string;
  readonly flow: string;
  readonly status: RunStatus;
  readonly output: unknown;
  readonly error: FlowError | undefined;
  readonly durationMs: number;
  private built: RunRecord | undefined;
  private startDate: Date | undefined;

  constructor(
    private readonly kit: Kit,
    private readonly source: Flow,
    readonly result: ExecutionResult,
    private readonly options: RunFlowOptions,
  ) {
    this.runId = result.runId;
    this.flow = source.name;
    this.status = result.status;
    this.output = result.output;
    this.error = result.error;
    this.durationMs = milliseconds(result.durationMs);
  }

  get startedAt(): Date {
    // Worked out when first read (the wall clock now, less the time elapsed since the start on
    // the monotonic clock): a run whose start nobody reads costs no wall-clock read.
    this.startDate ??= new Date(Date.now() - (performance.now() - this.result.startedAt));
    return this.startDate;
  }

  get record(): RunRecord {
    if (this.built !== undefined) return this.built;
    const redact = (value: unknown): unknown => this.kit.redact(value);
    const { result, options } = this;
    this.built = {
      runId: this.runId,
      flow: this.flow,
      ...(this.source.file === undefined ? {} : { file: this.source.file }),
      status: this.status,
      ...(options.trigger === undefined ? {} : { trigger: options.trigger }),
      ...(options.event === undefined ? {} : { event: redact(options.event) }),
      startedAt: this.startedAt.toISOString(),
      durationMs: this.durationMs,
      input: redact(result.input) ?? null,
      ...(this.status === 'succeeded' ? { output: redact(this.output) ?? null } : {}),
      ...(this.error === undefined ? {} : { error: redact(this.error.toJSON()) as SerializedFlowError }),
      steps: stepRecords(result.entries, result.startedAt, redact),
    };
    return this.built;
  }

  toJSON(): RunRecord {
    return this.record;
  }
}

function evaluate(value: CompiledValue, scope: Scope): unknown {
  return value.constant ? value.value : value.evaluate(scope);
}

/** The `error` a catch handler (or an `onError: continue` step's output) sees. */
function errorScope(error: FlowError): Record<string, unknown> {
  return {
    code: error.code,
    message: error.message,
    step: error.step ?? null,
    flow: error.flow,
    retryable: error.retryable,
    ...(error.connector === undefined ? {} : { connector: error.connector }),
    ...(error.action === undefined ? {} : { action: error.action }),
    ...(error.status === undefined ? {} : { status: error.status }),
  };
}

function cancellation(signal: AbortSignal | undefined): ConnectorError {
  const reason: unknown = signal?.reason;
  if (reason instanceof ConnectorError && reason.code === 'CANCELLED') return reason;
  const because = reason instanceof Error ? `: ${reason.message}` : '';
  return new ConnectorError('CANCELLED', `cancelled${because}`, { cause: reason });
}

function linkedController(parent: AbortSignal | undefined): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  if (parent === undefined) return { controller, dispose: () => undefined };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, dispose: () => undefined };
  }
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', onAbort) };
}

/**
 * Runs `workers` copies of `work` at once. The first failure stops the others (their signal
 * aborts), every worker is waited for, then the failure is thrown.
 */
async function concurrently(
  workers: number,
  signal: AbortSignal | undefined,
  work: (signal: AbortSignal, failed: () => boolean) => Promise<void>,
): Promise<void> {
  const { controller, dispose } = linkedController(signal);
  let failure: { error: unknown } | undefined;
  const failed = (): boolean => failure !== undefined || controller.signal.aborted;
  try {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        try {
          await work(controller.signal, failed);
        } catch (error) {
          if (failure === undefined) {
            failure = { error };
            controller.abort(new ConnectorError('CANCELLED', 'a sibling failed', { cause: error }));
          }
        }
      }),
    );
  } finally {
    dispose();
  }
  if (failure !== undefined) throw failure.error;
  if (signal?.aborted) throw cancellation(signal);
}

/** Runs `work` with a signal that aborts after `timeoutMs`; a run cut short fails with TIMEOUT. */
async function withTimeout(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  work: (signal: AbortSignal) => unknown,
): Promise<unknown> {
  const { controller, dispose } = linkedController(signal);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new ConnectorError('CANCELLED', `the step's time limit of ${timeoutMs} ms passed`));
  }, timeoutMs);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (timedOut && signal?.aborted !== true) {
      throw new ConnectorError('TIMEOUT', `timed out after ${timeoutMs} ms`, { cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    dispose();
  }
}
