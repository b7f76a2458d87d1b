// A stream consumer in a process of its own, so that a test can SIGKILL it in the middle of an
// entry. It runs the built package (dist), as an installed connector would run.
// Arguments: <redis url> <key prefix> <stream> <group> <consumer> <claimIdleMs> <field n that hangs>
// Prints one JSON line per event it starts ({"started":"<n>"}) and per event it finishes
// ({"finished":"<n>"}), and "ready" once consuming.
import { createKit } from '@connectorkit/core';
import redis from '../../dist/index.js';

const [url, keyPrefix, stream, group, consumer, claimIdleMs, hangOn] = process.argv.slice(2);
const kit = createKit({
  connectors: [redis],
  connections: { cache: { connector: 'redis', url, keyPrefix } },
  logger: { level: 'silent' },
});
await kit.startTrigger(
  'redis.stream',
  { stream, group, consumer, startId: '0', batchSize: 5, blockMs: 200, claimIdleMs: Number(claimIdleMs) },
  {
    handler: async (event) => {
      process.stdout.write(`${JSON.stringify({ started: event.fields.n })}\n`);
      // Never finishes: the process is killed while this entry is in progress.
      if (event.fields.n === hangOn) await new Promise(() => undefined);
      process.stdout.write(`${JSON.stringify({ finished: event.fields.n })}\n`);
    },
  },
);
process.stdout.write('ready\n');
