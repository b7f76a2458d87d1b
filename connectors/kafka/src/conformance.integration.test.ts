import { CANARY_SECRET, describeConformance } from '@connectorkit/testing';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import kafka from './index.js';
import { BROKERS, deleteTopics, rawAdmin, requireBroker, uniqueName } from './test-fixtures/broker.js';

// An empty topic: reading it with a long wait is the slow call that timeouts and cancels end.
const emptyTopic = uniqueName('conformance-empty');
let admin: Admin;

beforeAll(async () => {
  await requireBroker();
  admin = await rawAdmin();
  await admin.createTopics({ topics: [{ topic: emptyTopic }], waitForLeaders: true });
});

afterAll(async () => {
  if (admin === undefined) return;
  await deleteTopics(admin, [emptyTopic]);
  await admin.disconnect();
});

describeConformance({
  connector: kafka,
  connection: { brokers: BROKERS },
  // The test broker has a PLAINTEXT listener only: SASL is refused there (ILLEGAL_SASL_STATE),
  // which exercises the AUTH mapping and the redaction of the password, not a wrong password.
  badCredentials: {
    brokers: BROKERS,
    sasl: { mechanism: 'plain', username: 'app', password: CANARY_SECRET },
  },
  failing: {
    action: 'describeTopic',
    input: { topic: uniqueName('conformance-missing') },
    code: 'NOT_FOUND',
  },
  slow: { action: 'fetchMessages', input: { topic: emptyTopic, waitMs: 30_000 } },
});
