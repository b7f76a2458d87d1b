import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kit } from '@connectorkit/core';
import { SampleClient } from '@connectorkit/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowRun } from './engine.js';
import { parseFlow } from './load.js';
import type { Flow } from './plan.js';
import { createFlowRuntime, type FlowRuntime, type FlowRuntimeOptions } from './runtime.js';
import type { Clock } from './schedule.js';
import { sampleKit } from './test-support/kit.js';
import { triggerStateFile } from './trigger-state.js';

let kit: Kit;
let runtime: FlowRuntime | undefined;
let folder: string;

beforeEach(() => {
  SampleClient.reset();
  kit = sampleKit();
  folder = mkdtempSync(join(tmpdir(), 'ck-flow-runtime-'));
});

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  await kit.close();
  rmSync(folder, { recursive: true, force: true });
});

const load = (text: string): Flow => parseFlow(text, { catalog: kit.catalog() });

/** The connected sample client (where the ticks trigger records its acknowledgements). */
function sampleClient(): SampleClient {
  const [client] = [...SampleClient.open];
  if (client === undefined) throw new Error('the sample connection is not open');
  return client;
}

/** Starts a runtime and collects its runs; `runs(n)` resolves once n runs have finished. */
async function start(flows: Flow[], options: Partial<FlowRuntimeOptions> = {}) {
  const finished: FlowRun[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  runtime = createFlowRuntime({
    kit,
    flows,
    ...options,
    onRun: (run, binding) => {
      finished.push(run);
      options.onRun?.(run, binding);
      for (const waiter of waiters) if (finished.length >= waiter.count) waiter.resolve();
    },
  });
  await runtime.start();
  const runs = (count: number): Promise<FlowRun[]> =>
    finished.length >= count
      ? Promise.resolve(finished)
      : new Promise((resolve) => waiters.push({ count, resolve: () => resolve(finished) }));
  return { runtime, runs, finished };
}

describe('connector triggers', () => {
  it('runs the flow per event and the connector acknowledges each success', async () => {
    const flow = load(`
name: on-ticks
on:
  trigger: sample.ticks
  config: { count: 3 }
steps:
  - call: sample.put
    with: { key: "= 'tick-' & event.tick", text: "= $string(input.tick)" }
`);
    const { runs } = await start([flow]);
    const done = await runs(3);
    expect(done.map((run) => [run.status, run.record.trigger, run.record.event])).toEqual([
      ['succeeded', 'sample.ticks', { tick: 1 }],
      ['succeeded', 'sample.ticks', { tick: 2 }],
      ['succeeded', 'sample.ticks', { tick: 3 }],
    ]);
    await runtime?.stop();
    expect(sampleClient().acknowledged).toEqual([1, 2, 3]);
    expect(sampleClient().notes.get('tick-2')).toBe('2');
  });

  it('does not acknowledge an event whose run failed', async () => {
    const flow = load(`
name: picky
on:
  trigger: sample.ticks
  config: { count: 3 }
steps:
  - if: "= event.tick = 2"
    then:
      - id: refuse
        call: sample.crash
        with: { message: "= 'tick ' & event.tick & ' refused'" }
`);
    const { runs } = await start([flow]);
    const done = await runs(3);
    await runtime?.stop();
    expect(done.map((run) => run.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(done[1]?.error?.message).toBe("flow 'picky', step 'refuse': tick 2 refused");
    expect(sampleClient().acknowledged).toEqual([1, 3]);
  });

  it("retries a failed run with the flow's retry policy before giving up on the event", async () => {
    const flow = load(`
name: persistent
retry: { attempts: 3, backoff: { initialDelayMs: 1, maxDelayMs: 2 } }
on:
  trigger: sample.ticks
  config: { count: 2 }
steps:
  - call: sample.flaky
    with: { key: shared, failures: 2 }
`);
    const { runs } = await start([flow]);
    const done = await runs(4);
    await runtime?.stop();
    expect(done.map((run) => [run.record.event, run.status])).toEqual([
      [{ tick: 1 }, 'failed'],
      [{ tick: 1 }, 'failed'],
      [{ tick: 1 }, 'succeeded'],
      [{ tick: 2 }, 'succeeded'],
    ]);
    expect(sampleClient().acknowledged).toEqual([1, 2]);
  });

  it('builds the flow input from the event with `input:`', async () => {
    const flow = load(`
name: mapped
input: { type: object, properties: { n: { type: integer } }, required: [n] }
on:
  trigger: sample.ticks
  config: { count: 1 }
  input: { n: "= event.tick * 100" }
steps:
  - return: "= input.n"
`);
    const { runs } = await start([flow]);
    const [run] = await runs(1);
    expect(run?.output).toBe(100);
  });

  it('keeps polling positions in a state file, so that a restart resumes', async () => {
    const flow = load(`
name: durable
on:
  trigger: sample.ticks
  config: { count: 2 }
steps: [{ return: ok }]
`);
    const first = await start([flow], { stateDir: folder });
    await first.runs(2);
    await runtime?.stop();
    const file = triggerStateFile(folder, 'durable', 'sample.ticks');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ position: 2 });
    const second = await start([flow], { stateDir: folder });
    await runtime?.stop();
    expect(second.finished).toEqual([]);
  });

  it('fails to start with the flow and trigger named, leaving nothing running', async () => {
    await kit.close();
    kit = sampleKit({ connections: { sample: { connector: 'sample', token: 'wrong-token-1234' } } });
    const flow = load('name: locked-out\non: sample.ticks\nsteps: [{ return: 1 }]\n');
    runtime = createFlowRuntime({ kit, flows: [flow] });
    const error = await runtime.start().catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'AUTH', flow: 'locked-out' });
    expect((error as Error).message).toMatch(
      /^flow 'locked-out', trigger sample\.ticks: connection 'sample'/,
    );
    expect((error as Error).message).not.toContain('wrong-token-1234');
  });
});

describe('graceful stop', () => {
  it('lets the run in flight finish and acknowledges nothing after it', async () => {
    const flow = load(`
name: slow-ticks
on:
  trigger: sample.ticks
  config: { count: 5 }
steps:
  - call: sample.wait
    with: { ms: 40 }
`);
    let stopping: Promise<void> | undefined;
    const { runs, finished } = await start([flow], {
      onRunStart: () => {
        stopping ??= runtime?.stop();
      },
    });
    await runs(1);
    await stopping;
    expect(finished.map((run) => run.status)).toEqual(['succeeded']);
    expect(sampleClient().acknowledged).toEqual([1]);
  });

  it('gives up a retry waiting for its turn: the event stays unacknowledged', async () => {
    const flow = load(`
name: patient
retry: { attempts: 5, backoff: { initialDelayMs: 60000, maxDelayMs: 60000 } }
on:
  trigger: sample.ticks
  config: { count: 1 }
steps:
  - call: sample.flaky
    with: { key: once, failures: 1 }
`);
    const { runs } = await start([flow]);
    const [failed] = await runs(1);
    expect(failed?.status).toBe('failed');
    await runtime?.stop();
    expect(sampleClient().acknowledged).toEqual([]);
  });
});

describe('schedule', () => {
  /** A clock whose sleeps pass at once (one macrotask later), moving its time forward. */
  function fakeClock(start: string): Clock {
    let now = Date.parse(start);
    return {
      now: () => now,
      sleep: (ms, signal) =>
        new Promise((resolve, reject) => {
          setImmediate(() => {
            if (signal.aborted) reject(signal.reason);
            else {
              now += ms;
              resolve();
            }
          });
        }),
    };
  }

  it('runs the flow at each time of the cron expression, with the time as the event', async () => {
    const flow = load(`
name: every-minute
on:
  trigger: schedule
  config: { cron: "0 * * * * *", timezone: UTC }
steps:
  - return: "= event.scheduledAt"
`);
    const { runs } = await start([flow], { clock: fakeClock('2030-01-01T10:00:30Z') });
    const done = await runs(3);
    await runtime?.stop();
    expect(done.slice(0, 3).map((run) => run.output)).toEqual([
      '2030-01-01T10:01:00.000Z',
      '2030-01-01T10:02:00.000Z',
      '2030-01-01T10:03:00.000Z',
    ]);
    expect(done[0]?.record.trigger).toBe('schedule');
  });

  it('runs on the real clock (every second)', async () => {
    const flow = load(
      'name: tick-tock\non: { trigger: schedule, config: { cron: "* * * * * *" } }\nsteps: [{ return: tock }]\n',
    );
    const { runs } = await start([flow]);
    const [run] = await runs(1);
    expect(run?.output).toBe('tock');
  });
});

describe('manual', () => {
  it('runs a flow on demand and names the known flows for an unknown one', async () => {
    const flow = load('name: on-demand\non: manual\nsteps: [{ return: "= input.x + 1" }]\n');
    const { runtime: started } = await start([flow]);
    expect(started.bindings).toEqual([]);
    const run = await started.fire('on-demand', { x: 1 });
    expect(run.output).toBe(2);
    expect(run.record.trigger).toBe('manual');
    await expect(started.fire('other')).rejects.toThrow("no flow named 'other' — known: on-demand");
    expect(existsSync(join(folder, 'on-demand.manual.json'))).toBe(false);
  });
});
