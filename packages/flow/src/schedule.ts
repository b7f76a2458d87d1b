import { type Logger, sleep } from '@connectorkit/core';
import { Cron } from 'croner';

/** Time for the scheduler; replaceable in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: (ms, signal) => sleep(ms, signal) };

/** The event of the `schedule` trigger. */
export interface ScheduleEvent {
  /** The time the cron expression named (ISO). */
  readonly scheduledAt: string;
  /** When the run was started (ISO). */
  readonly firedAt: string;
}

export interface ScheduleOptions {
  readonly cron: string;
  readonly timezone?: string;
  readonly clock?: Clock;
  readonly log: Logger;
  /** Runs one scheduled run. A run still going at the next time skips that time. */
  readonly fire: (event: ScheduleEvent) => Promise<void>;
}

/** Longest single wait; a far-away next time is reached in steps (timers overflow after ~24 days). */
const MAX_WAIT_MS = 60 * 60 * 1000;

/**
 * Runs `fire` at every time of a cron expression (5 fields, or 6 with seconds), until the
 * returned stop function is called; stop resolves when the run in progress has finished.
 * Delivery is at-most-once: a time missed while stopped or busy is not made up.
 */
export function startSchedule(options: ScheduleOptions): () => Promise<void> {
  const clock = options.clock ?? systemClock;
  const cron = new Cron(options.cron, {
    paused: true,
    ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
  });
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  let last = clock.now();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      const next = cron.nextRun(new Date(Math.max(clock.now(), last)));
      if (next === null) return;
      const wait = next.getTime() - clock.now();
      try {
        await clock.sleep(Math.max(0, Math.min(wait, MAX_WAIT_MS)), controller.signal);
      } catch {
        return;
      }
      if (wait > MAX_WAIT_MS) continue;
      last = next.getTime();
      if (running !== undefined) {
        options.log.warn('schedule: the previous run is still going — this time is skipped', {
          cron: options.cron,
          scheduledAt: next.toISOString(),
        });
        continue;
      }
      const event: ScheduleEvent = {
        scheduledAt: next.toISOString(),
        firedAt: new Date(clock.now()).toISOString(),
      };
      running = options
        .fire(event)
        .catch(() => undefined)
        .finally(() => {
          running = undefined;
        });
    }
  })();
  return async () => {
    controller.abort();
    cron.stop();
    await loop;
    await running;
  };
}
