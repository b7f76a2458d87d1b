import {
  backoffDelay,
  ConnectorError,
  type Kit,
  type Logger,
  type RunningTrigger,
  sleep,
  type TriggerState,
  toConnectorError,
} from '@connectorkit/core';
import { createFlowEngine, type FlowEngine, type FlowRun } from './engine.js';
import { FlowError } from './errors.js';
import { isPromise } from './expression.js';
import type { Flow, TriggerPlan } from './plan.js';
import { newRunId } from './run-id.js';
import { type Clock, startSchedule } from './schedule.js';
import { fileTriggerState, triggerStateFile } from './trigger-state.js';

/** One trigger binding of one flow, as the runtime runs it. */
export interface TriggerBindingInfo {
  readonly flow: string;
  /** `connector.trigger`, `schedule` or `manual`. */
  readonly trigger: string;
  /** Position in the flow's `on:` list. */
  readonly index: number;
}

export interface FlowRuntimeOptions {
  readonly kit: Kit;
  /** The flows whose triggers to start (flows without triggers are only available to `fire`). */
  readonly flows: readonly Flow[];
  /** The engine that runs them (default: a new one on `kit`). */
  readonly engine?: FlowEngine;
  /** Folder for trigger state files (polling positions); kept in memory when absent. */
  readonly stateDir?: string;
  /** Called when a run starts (each attempt of a retried run), with the id the run will have. */
  readonly onRunStart?: (binding: TriggerBindingInfo, event: unknown, runId: string) => void;
  /** Called after each run (each attempt of a retried run), with its record available. */
  readonly onRun?: (run: FlowRun, binding: TriggerBindingInfo) => void;
  /** The scheduler's clock (tests use a fake one). */
  readonly clock?: Clock;
  readonly log?: Logger;
}

/** Runs trigger-bound flows: the embedded, in-process runtime behind `ck start`. */
export interface FlowRuntime {
  /** Starts every trigger binding except `manual`; rejects (after stopping what started) if one cannot start. */
  start(): Promise<void>;
  /**
   * Stops receiving events, lets the runs in flight finish and waits for them: nothing is
   * acknowledged that did not succeed, and a retry waiting for its turn is given up (the
   * event stays unacknowledged, to be delivered again). Safe to call twice.
   */
  stop(): Promise<void>;
  /** Runs a flow once by name, as its `manual` trigger does. */
  fire(flow: string, input?: unknown): Promise<FlowRun>;
  /** The bindings started. */
  readonly bindings: readonly TriggerBindingInfo[];
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Creates the runtime for trigger-bound flows. A connector trigger's events run through the
 * flow; its `emit` resolves only when the run succeeded (so the connector acknowledges after
 * success), a failure is retried per the flow's `retry`, then rejects (so the connector's
 * dead-letter route applies). `schedule` runs on a cron expression; `manual` on `fire`.
 *
 * @example
 * const runtime = createFlowRuntime({ kit, flows, stateDir: '.ck/state', onRun: (run) => console.log(run.status) });
 * await runtime.start();
 * process.once('SIGTERM', () => void runtime.stop());
 */
export function createFlowRuntime(options: FlowRuntimeOptions): FlowRuntime {
  return new Runtime(options);
}

class Runtime implements FlowRuntime {
  readonly bindings: TriggerBindingInfo[] = [];
  private readonly engine: FlowEngine;
  private readonly log: Logger;
  private readonly stopping = new AbortController();
  private readonly stops: (() => Promise<void>)[] = [];
  /** Runs in flight, and who waits for none to be (stop): a counter, not a set of promises. */
  private inFlight = 0;
  private drained: (() => void)[] = [];
  private starting: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: FlowRuntimeOptions) {
    this.engine = options.engine ?? createFlowEngine({ kit: options.kit });
    this.log = options.log ?? options.kit.log;
  }

  start(): Promise<void> {
    this.starting ??= this.startAll();
    return this.starting;
  }

  private async startAll(): Promise<void> {
    try {
      for (const flow of this.options.flows) {
        for (const [index, trigger] of flow.triggers.entries()) {
          if (trigger.trigger === 'manual') continue;
          const binding: TriggerBindingInfo = { flow: flow.name, trigger: trigger.trigger, index };
          await this.startBinding(flow, trigger, binding);
          this.bindings.push(binding);
        }
      }
    } catch (error) {
      this.stopping.abort(new ConnectorError('CANCELLED', 'the flow runtime did not start'));
      await this.stopAll();
      throw error;
    }
  }

  private async startBinding(flow: Flow, trigger: TriggerPlan, binding: TriggerBindingInfo): Promise<void> {
    if (this.stopping.signal.aborted) throw new ConnectorError('CANCELLED', 'the flow runtime is stopped');
    if (trigger.trigger === 'schedule') {
      const stop = startSchedule({
        cron: String(trigger.config.cron),
        ...(typeof trigger.config.timezone === 'string' ? { timezone: trigger.config.timezone } : {}),
        ...(this.options.clock === undefined ? {} : { clock: this.options.clock }),
        log: this.log.child({ flow: flow.name, trigger: 'schedule' }),
        fire: (event) => this.tracked(this.handle(flow, trigger, binding, event)).then(ignore, ignore),
      });
      this.stops.push(stop);
      return;
    }
    const connector = trigger.trigger.slice(0, trigger.trigger.indexOf('.'));
    const connection = trigger.connection ?? flow.definition.connections?.[connector];
    let running: RunningTrigger;
    try {
      running = await this.options.kit.startTriggerDynamic(trigger.trigger, trigger.config, {
        ...(connection === undefined ? {} : { connection }),
        ...this.state(flow, binding),
        handler: (event) => this.tracked(this.handle(flow, trigger, binding, event)),
      });
    } catch (error) {
      const cause = toConnectorError(error);
      throw new FlowError(cause.code, `flow '${flow.name}', trigger ${trigger.trigger}: ${cause.message}`, {
        flow: flow.name,
        cause,
      });
    }
    // A stop() that came while this trigger was starting waits for start(), then stops it with the others.
    this.stops.push(() => running.stop());
  }

  private state(flow: Flow, binding: TriggerBindingInfo): { state?: TriggerState } {
    const folder = this.options.stateDir;
    if (folder === undefined) return {};
    return { state: fileTriggerState(triggerStateFile(folder, flow.name, binding.trigger, binding.index)) };
  }

  /**
   * Runs the flow for one event with the flow's retry policy. Resolves when a run succeeded;
   * rejects with the last failure — or with CANCELLED when the runtime stopped before a retry.
   */
  private async handle(
    flow: Flow,
    trigger: TriggerPlan,
    binding: TriggerBindingInfo,
    event: unknown,
  ): Promise<FlowRun> {
    if (this.stopping.signal.aborted) {
      throw new ConnectorError(
        'CANCELLED',
        `flow '${flow.name}': the runtime is stopping — the event was not handled`,
      );
    }
    let input: unknown = event;
    if (trigger.input !== undefined) {
      try {
        const built = trigger.input.constant ? trigger.input.value : trigger.input.evaluate({ event });
        input = isPromise(built) ? await built : built;
      } catch (error) {
        const cause = toConnectorError(error);
        this.log.warn('the flow input could not be built from the event', {
          flow: flow.name,
          code: cause.code,
        });
        throw new FlowError(
          cause.code,
          `flow '${flow.name}', trigger ${trigger.trigger}: input: ${cause.message}`,
          {
            flow: flow.name,
            cause,
          },
        );
      }
    }
    const policy = flow.plan.retry;
    for (let attempt = 1; ; attempt++) {
      const runId = newRunId();
      this.options.onRunStart?.(binding, event, runId);
      const run = await this.engine.run(flow, input, { event, trigger: trigger.trigger, runId });
      this.options.onRun?.(run, binding);
      const error = run.error;
      if (error === undefined) return run;
      if (policy === undefined || attempt >= policy.attempts || !error.retryable) throw error;
      if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) throw error;
      try {
        await sleep(backoffDelay(policy, attempt, error.retryAfterMs), this.stopping.signal);
      } catch {
        throw new ConnectorError(
          'CANCELLED',
          `flow '${flow.name}': the runtime stopped before retry ${attempt} of ${policy.attempts - 1} — the event was not handled`,
          { cause: error },
        );
      }
    }
  }

  /** `work`, counted in flight until it settles (stop waits for it); settles as `work` does. */
  private tracked(work: Promise<unknown>): Promise<void> {
    this.inFlight++;
    return work.then(this.settled, this.failed);
  }

  private readonly settled = (): void => {
    if (--this.inFlight > 0 || this.drained.length === 0) return;
    const waiting = this.drained;
    this.drained = [];
    for (const wake of waiting) wake();
  };

  private readonly failed = (error: unknown): never => {
    this.settled();
    throw error;
  };

  async fire(name: string, input?: unknown): Promise<FlowRun> {
    const flow = this.options.flows.find((candidate) => candidate.name === name);
    if (flow === undefined) {
      throw new ConnectorError(
        'NOT_FOUND',
        `no flow named '${name}' — known: ${this.options.flows.map((candidate) => candidate.name).join(', ') || 'none'}`,
      );
    }
    if (this.stopping.signal.aborted) throw new ConnectorError('CANCELLED', 'the flow runtime is stopped');
    const binding: TriggerBindingInfo = { flow: name, trigger: 'manual', index: -1 };
    const running = (async () => {
      const runId = newRunId();
      this.options.onRunStart?.(binding, input, runId);
      const run = await this.engine.run(flow, input, { trigger: 'manual', runId });
      this.options.onRun?.(run, binding);
      return run;
    })();
    void this.tracked(running).catch(ignore);
    return running;
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping.abort(new ConnectorError('CANCELLED', 'the flow runtime is stopping'));
      // Triggers still starting are stopped too: wait for start to settle first.
      await this.starting?.catch(() => undefined);
      await this.stopAll();
    })();
    return this.stopped;
  }

  private async stopAll(): Promise<void> {
    const results = await Promise.allSettled(this.stops.splice(0).map((stop) => stop()));
    for (const result of results) {
      if (result.status === 'rejected') {
        this.log.warn('a trigger did not stop cleanly', { error: String(result.reason) });
      }
    }
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

function ignore(): void {}
