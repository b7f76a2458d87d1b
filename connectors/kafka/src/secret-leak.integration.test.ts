import { CANARY_SECRET, secretLeaks } from '@connectorkit/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  LISTENERS,
  requireListener,
  type SaslMechanism,
  TEST_PASSWORDS,
  TEST_USER,
} from './test-fixtures/auth.js';
import { createKafkaKit, failure, requireBroker } from './test-fixtures/broker.js';

// A rejected SASL password must not travel with the error the kit returns, however the caller
// prints it: not in the kafkajs error kept as `cause`, nor in the broker or socket objects it holds.

const MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

beforeAll(async () => {
  await requireBroker();
  await requireListener('SASL_PLAINTEXT (plain)', LISTENERS.saslPlaintext, {
    sasl: { mechanism: 'plain', username: TEST_USER, password: TEST_PASSWORDS.plain },
  });
});

describe.each(MECHANISMS)('a SASL %s password the broker rejects', (mechanism) => {
  const connection = {
    brokers: [...LISTENERS.saslPlaintext],
    retries: 1,
    sasl: { mechanism, username: TEST_USER, password: CANARY_SECRET },
  };

  it('shows in no printed form of the error of the connection check', async () => {
    await using kit = createKafkaKit(connection);
    const error = await failure(kit.check('events'));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });

  it('shows in no printed form of the error of an action', async () => {
    await using kit = createKafkaKit(connection);
    const error = await failure(kit.invoke('kafka.listTopics', {}, { retry: false }));
    expect(error.code).toBe('AUTH');
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });
});
