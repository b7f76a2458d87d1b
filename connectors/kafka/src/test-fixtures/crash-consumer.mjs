// A consumer process for the crash test: runs the built connector's `message` trigger and
// appends the value of every message it handled to a file, one line each, before the handler
// returns (so before the offset can be committed). SIGTERM stops it cleanly; the test also
// kills it with SIGKILL in the middle.
//
//   node crash-consumer.mjs <brokers> <topic> <groupId> <output file>
import { appendFileSync } from 'node:fs';
import { createKit } from '@connectorkit/core';
import kafka from '../../dist/index.js';

const [brokers, topic, groupId, output] = process.argv.slice(2);
if (output === undefined) {
  process.stderr.write('usage: crash-consumer.mjs <brokers> <topic> <groupId> <output file>\n');
  process.exit(2);
}

const kit = createKit({
  connectors: [kafka],
  connections: { events: { connector: 'kafka', brokers: brokers.split(',') } },
  logger: { level: 'error' },
});

let handled = 0;
const trigger = await kit.startTrigger(
  'kafka.message',
  {
    groupId,
    topics: [topic],
    fromBeginning: true,
    // The broker's minimum: a SIGKILLed member holds its partitions until its session expires.
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
    rebalanceTimeoutMs: 6_000,
    maxWaitTimeMs: 100,
    commitIntervalMs: 200,
  },
  {
    handler: async (event) => {
      appendFileSync(output, `${event.value}\n`);
      // A little work per message, so that the test can kill the process half-way.
      if (++handled % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    },
  },
);
process.stdout.write('ready\n');

process.once('SIGTERM', async () => {
  await trigger.stop();
  await kit.close();
  process.exit(0);
});
