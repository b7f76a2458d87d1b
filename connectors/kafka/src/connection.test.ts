import { inspect } from 'node:util';
import { ConnectorError, createKit, createLogger, type LogRecord, Redacted } from '@connectorkit/core';
import { CANARY_SECRET, errorTexts } from '@connectorkit/testing';
import { logLevel } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { KafkaClient, type KafkaConnectionConfig, kafkaLogCreator, toKafkaConfig } from './connection.js';
import kafka from './index.js';

function config(overrides: Partial<KafkaConnectionConfig> = {}): KafkaConnectionConfig {
  return {
    brokers: ['127.0.0.1:9092'],
    clientId: 'test',
    connectionTimeoutMs: 3_000,
    authenticationTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    retries: 3,
    allowAutoTopicCreation: false,
    logLevel: 'warn',
    ...overrides,
  };
}

function recordingLogger(): { log: ReturnType<typeof createLogger>; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { log: createLogger({ level: 'debug', sink: (record) => records.push(record) }), records };
}

describe('toKafkaConfig', () => {
  it('maps timeouts, retries and the log level', () => {
    const kafkaConfig = toKafkaConfig(
      config({ connectionTimeoutMs: 1_500, requestTimeoutMs: 9_000, retries: 1, logLevel: 'info' }),
      recordingLogger().log,
    );
    expect(kafkaConfig).toMatchObject({
      brokers: ['127.0.0.1:9092'],
      clientId: 'test',
      connectionTimeout: 1_500,
      authenticationTimeout: 10_000,
      requestTimeout: 9_000,
      enforceRequestTimeout: true,
      retry: { retries: 1 },
      logLevel: logLevel.INFO,
    });
    expect(kafkaConfig.ssl).toBeUndefined();
    expect(kafkaConfig.sasl).toBeUndefined();
  });

  it('reveals SASL and TLS secrets only into the kafkajs configuration', () => {
    const kafkaConfig = toKafkaConfig(
      config({
        sasl: { mechanism: 'scram-sha-512', username: 'app', password: Redacted.make('sasl-secret') },
        ssl: { ca: 'CA PEM', key: Redacted.make('key-secret'), passphrase: Redacted.make('pass-secret') },
      }),
      recordingLogger().log,
    );
    expect(kafkaConfig.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'app',
      password: 'sasl-secret',
    });
    expect(kafkaConfig.ssl).toEqual({ ca: 'CA PEM', key: 'key-secret', passphrase: 'pass-secret' });
    expect(toKafkaConfig(config({ ssl: true }), recordingLogger().log).ssl).toBe(true);
  });
});

describe('kafkaLogCreator', () => {
  it('routes kafkajs lines into the kit log, errors as warnings, and writes nothing to stdout', () => {
    const write = vi.spyOn(process.stdout, 'write');
    const { log, records } = recordingLogger();
    const line = kafkaLogCreator(log)(logLevel.DEBUG);
    const entry = (level: logLevel, message: string) =>
      line({
        namespace: 'Connection',
        level,
        label: 'X',
        log: { timestamp: 'now', message, broker: '127.0.0.1:9092', stack: 'at …' },
      });
    entry(logLevel.ERROR, 'Connection error');
    entry(logLevel.WARN, 'Rebalancing');
    entry(logLevel.INFO, 'Starting');
    entry(logLevel.DEBUG, 'Request');
    expect(records.map((record) => [record.level, record.message])).toEqual([
      ['warn', 'kafkajs Connection: Connection error'],
      ['warn', 'kafkajs Connection: Rebalancing'],
      ['info', 'kafkajs Connection: Starting'],
      ['debug', 'kafkajs Connection: Request'],
    ]);
    expect(records[0]?.fields).toEqual({ broker: '127.0.0.1:9092', source: 'kafkajs' });
    expect(write).not.toHaveBeenCalled();
    write.mockRestore();
  });

  it('keeps the "topic exists" answer to CreateTopics (a success for createTopic) out of the warnings', () => {
    const { log, records } = recordingLogger();
    const line = kafkaLogCreator(log)(logLevel.DEBUG);
    const response = (error: string) =>
      line({
        namespace: 'Connection',
        level: logLevel.ERROR,
        label: 'ERROR',
        log: { timestamp: 'now', message: 'Response CreateTopics(key: 19, version: 3)', error },
      });
    response('Topic creation errors');
    response('The request timed out');
    expect(records.map((record) => record.level)).toEqual(['debug', 'warn']);
  });
});

describe('KafkaClient', () => {
  it('never shows the SASL password when printed', async () => {
    const client = new KafkaClient(
      config({ sasl: { mechanism: 'plain', username: 'app', password: Redacted.make(CANARY_SECRET) } }),
      recordingLogger().log,
    );
    expect(inspect(client, { depth: 6 })).not.toContain(CANARY_SECRET);
    expect(JSON.stringify(Object.keys(client))).not.toContain(CANARY_SECRET);
    await client.close();
  });

  it('rejects producer() after close', async () => {
    const client = new KafkaClient(config(), recordingLogger().log);
    await client.close();
    await expect(client.producer()).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('connecting to a broker that is not there', () => {
  it('fails with UNAVAILABLE, quickly, without echoing the password', async () => {
    const kit = createKit({
      connectors: [kafka],
      connections: {
        nowhere: {
          connector: 'kafka',
          brokers: ['127.0.0.1:1'],
          retries: 1,
          sasl: { mechanism: 'plain', username: 'app', password: CANARY_SECRET },
        },
      },
      logger: { level: 'silent' },
    });
    const started = Date.now();
    const error = await kit.check('nowhere').catch((caught: unknown) => caught);
    await kit.close();
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('UNAVAILABLE');
    expect((error as ConnectorError).message).toContain('ECONNREFUSED');
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const text of errorTexts(error)) expect(text).not.toContain(CANARY_SECRET);
  });
});
