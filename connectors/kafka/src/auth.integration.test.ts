import type { LogRecord } from '@connectorkit/core';
import { CANARY_SECRET, errorTexts } from '@connectorkit/testing';
import type { Admin, SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LISTENERS,
  readBrokerCa,
  requireListener,
  type SaslMechanism,
  TEST_PASSWORDS,
  TEST_USER,
} from './test-fixtures/auth.js';
import {
  BROKERS,
  createKafkaKit,
  deleteTopics,
  failure,
  rawAdmin,
  requireBroker,
  uniqueName,
} from './test-fixtures/broker.js';

const MECHANISMS: readonly SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

/** The kafkajs form of the test user's credential, for the listener probes. */
function kafkajsSasl(mechanism: SaslMechanism): SASLOptions {
  const credential = { username: TEST_USER, password: TEST_PASSWORDS[mechanism] };
  switch (mechanism) {
    case 'plain':
      return { mechanism: 'plain', ...credential };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', ...credential };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', ...credential };
  }
}

/** The connection's `sasl` block for the test user (the kit turns the password into a secret). */
const sasl = (mechanism: SaslMechanism, password = TEST_PASSWORDS[mechanism]) => ({
  mechanism,
  username: TEST_USER,
  password,
});

let ca: string;
let admin: Admin | undefined;
const topics: string[] = [];

beforeAll(async () => {
  await requireBroker();
  ca = readBrokerCa();
  for (const mechanism of MECHANISMS) {
    await requireListener(`SASL_PLAINTEXT (${mechanism})`, LISTENERS.saslPlaintext, {
      sasl: kafkajsSasl(mechanism),
    });
  }
  await requireListener('SSL', LISTENERS.ssl, { ssl: { ca } });
  await requireListener('SASL_SSL', LISTENERS.saslSsl, { ssl: { ca }, sasl: kafkajsSasl('scram-sha-512') });
  admin = await rawAdmin();
});

afterAll(async () => {
  if (admin !== undefined) {
    await deleteTopics(admin, topics);
    await admin.disconnect();
  }
});

interface AuthMode {
  readonly name: string;
  readonly brokers: readonly string[];
  /** Connection settings beyond `brokers`; a function because the CA is read in `beforeAll`. */
  readonly settings: () => Record<string, unknown>;
}

const MODES: readonly AuthMode[] = [
  ...MECHANISMS.map(
    (mechanism): AuthMode => ({
      name: `SASL_PLAINTEXT with ${mechanism}`,
      brokers: LISTENERS.saslPlaintext,
      settings: () => ({ sasl: sasl(mechanism) }),
    }),
  ),
  { name: 'SSL trusting the test CA', brokers: LISTENERS.ssl, settings: () => ({ ssl: { ca } }) },
  {
    name: 'SASL_SSL with scram-sha-512 and the test CA',
    brokers: LISTENERS.saslSsl,
    settings: () => ({ ssl: { ca }, sasl: sasl('scram-sha-512') }),
  },
];

describe.each(MODES)('$name', ({ name, brokers, settings }) => {
  it('connects, creates a topic, round-trips a message and deletes the topic', async () => {
    const topic = uniqueName('auth');
    topics.push(topic);
    await using kit = createKafkaKit({ brokers: [...brokers], ...settings() });
    await expect(kit.check('events')).resolves.toMatchObject({ ok: true });
    expect(await kit.invoke('kafka.createTopic', { topic, partitions: 1 })).toEqual({ topic, created: true });

    const produced = await kit.invoke('kafka.produce', {
      topic,
      messages: [{ key: 'order-1', value: { mode: name }, headers: { listener: name } }],
    });
    expect(produced).toEqual({ topic, partitions: [{ partition: 0, baseOffset: '0' }], count: 1 });

    const fetched = await kit.invoke('kafka.fetchMessages', { topic, maxMessages: 10, decode: 'json' });
    expect(
      fetched.messages.map((message) => [message.offset, message.key, message.value, message.headers]),
    ).toEqual([['0', 'order-1', { mode: name }, { listener: name }]]);

    expect(await kit.invoke('kafka.deleteTopic', { topic })).toEqual({ topic, deleted: true });
  });
});

describe('a rejected SASL password', () => {
  it.each(MECHANISMS)(
    'fails with AUTH for %s and shows the password in no error text or log line',
    async (mechanism) => {
      const records: LogRecord[] = [];
      await using kit = createKafkaKit(
        {
          brokers: [...LISTENERS.saslPlaintext],
          retries: 1,
          logLevel: 'debug',
          sasl: sasl(mechanism, CANARY_SECRET),
        },
        { level: 'debug', sink: (record) => records.push(record) },
      );
      const error = await failure(kit.check('events'));
      expect(error.code).toBe('AUTH');
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(/SASL .*authentication failed/i);
      expect(error.message).toContain('sasl.password');
      for (const text of errorTexts(error)) expect(text).not.toContain(CANARY_SECRET);
      // kafkajs logged the attempt at debug level, and none of it shows the password.
      expect(records.some((record) => record.fields.source === 'kafkajs')).toBe(true);
      for (const record of records) expect(JSON.stringify(record)).not.toContain(CANARY_SECRET);
    },
  );
});

describe('TLS without the CA that signed the broker certificate', () => {
  it('fails with AUTH and a message naming the untrusted certificate and `ssl.ca`', async () => {
    await using kit = createKafkaKit({ brokers: [...LISTENERS.ssl], retries: 1, ssl: true });
    const error = await failure(kit.check('events'));
    expect(error.code).toBe('AUTH');
    expect(error.retryable).toBe(false);
    expect(error.vendorCode).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    expect(error.message).toMatch(/self[- ]signed certificate in certificate chain/);
    expect(error.message).toContain('ssl.ca');
  });
});

describe('TLS spoken to the plaintext listener', () => {
  it('fails with UNAVAILABLE and a message that asks whether the listener speaks TLS', async () => {
    await using kit = createKafkaKit({ brokers: [...BROKERS], retries: 1, ssl: true });
    const error = await failure(kit.check('events'));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toContain('during the TLS handshake — is this a plaintext listener?');
    expect(error.message).toContain('Remove `ssl`');
  });
});
