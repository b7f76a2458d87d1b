import { randomInt, randomUUID } from 'node:crypto';

// Starts anywhere, so that short ids of different processes (or restarts) differ too.
let counter = randomInt(0, 0x7fffffff);
let suffix = randomUUID().slice(8);

/**
 * A new run id, shaped like a UUID: the first eight hex digits count the runs of this
 * process from a random start (so that a short id, `runId.slice(0, 8)`, tells runs apart), the
 * rest is random per process (so that ids of different processes do not collide). A
 * `randomUUID()` per run cost a tenth of a no-op flow run.
 */
export function newRunId(): string {
  if (counter === 0xffffffff) {
    counter = 0;
    suffix = randomUUID().slice(8);
  }
  counter++;
  return counter.toString(16).padStart(8, '0') + suffix;
}
