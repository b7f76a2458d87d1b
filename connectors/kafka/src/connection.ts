import type { ConnectionOptions } from 'node:tls';
import {
  ConnectorError,
  defineConnection,
  type Logger,
  Redacted,
  Secret,
  type Static,
  Type,
} from '@connectorkit/core';
import {
  type Admin,
  Kafka,
  type KafkaConfig,
  type logCreator,
  logLevel,
  Partitioners,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import { abortable } from './abortable.js';
import { kafkaErrorType, toKafkaError } from './error-mapping.js';

/** The connection configuration of the Kafka connector (connectorkit.yaml `connections.<name>`). */
export const KafkaConnectionConfig = Type.Object(
  {
    brokers: Type.Array(Type.String({ pattern: '^\\S+:\\d+$' }), {
      minItems: 1,
      description: 'Bootstrap brokers as host:port, e.g. ["127.0.0.1:9092"]',
    }),
    clientId: Type.String({
      minLength: 1,
      default: 'connectorkit',
      description: 'Client id shown in broker logs and quotas',
    }),
    ssl: Type.Optional(
      Type.Union(
        [
          Type.Boolean(),
          Type.Object(
            {
              ca: Type.Optional(
                Type.String({ description: 'PEM of the CA that signed the broker certificate' }),
              ),
              cert: Type.Optional(Type.String({ description: 'PEM client certificate (mutual TLS)' })),
              key: Type.Optional(Secret({ description: 'PEM private key of the client certificate' })),
              passphrase: Type.Optional(Secret({ description: 'Passphrase of the private key' })),
              servername: Type.Optional(Type.String({ description: 'TLS server name (SNI)' })),
              rejectUnauthorized: Type.Optional(
                Type.Boolean({ description: 'Verify the broker certificate (default true)' }),
              ),
            },
            { additionalProperties: false },
          ),
        ],
        { description: 'TLS: true for the system CAs, or an object with certificates' },
      ),
    ),
    sasl: Type.Optional(
      Type.Object(
        {
          mechanism: Type.Union(
            [Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')],
            { description: 'SASL mechanism the broker listener enables' },
          ),
          username: Type.String({ minLength: 1 }),
          password: Secret({ description: 'SASL password' }),
        },
        { additionalProperties: false, description: 'SASL authentication (use it together with ssl)' },
      ),
    ),
    connectionTimeoutMs: Type.Integer({
      minimum: 1,
      default: 3_000,
      description: 'Time to open a TCP (and TLS) connection to a broker',
    }),
    authenticationTimeoutMs: Type.Integer({
      minimum: 1,
      default: 10_000,
      description: 'Time for the SASL handshake',
    }),
    requestTimeoutMs: Type.Integer({
      minimum: 1,
      default: 30_000,
      description: 'Time a broker has to answer one request',
    }),
    retries: Type.Integer({
      minimum: 0,
      maximum: 20,
      default: 3,
      description:
        'How often kafkajs retries a failed request itself (exponential backoff from 100 ms); the kit may retry the whole action again',
    }),
    allowAutoTopicCreation: Type.Boolean({
      default: false,
      description: 'Let produce create a missing topic (when the broker allows it); false gives NOT_FOUND',
    }),
    logLevel: Type.Union(
      [
        Type.Literal('nothing'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
      ],
      { default: 'warn', description: 'kafkajs log lines at or above this level go to the kit log' },
    ),
  },
  { additionalProperties: false },
);

export type KafkaConnectionConfig = Static<typeof KafkaConnectionConfig>;

const LOG_LEVELS = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
} as const;

/**
 * Routes kafkajs log lines into a kit logger (structured, redacted) instead of kafkajs' own
 * console logger, which writes to stdout. kafkajs errors arrive as warnings: kafkajs logs every
 * failed request (also those it retries), and what finally fails reaches the caller as a
 * `ConnectorError` anyway.
 */
export function kafkaLogCreator(log: Logger): logCreator {
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, timestamp: _timestamp, logger: _logger, stack: _stack, ...fields } = entry;
      const text = `kafkajs ${namespace}: ${message}`;
      const withNamespace = { ...fields, source: 'kafkajs' };
      // kafkajs logs the CreateTopics answer "topic exists" as an error, then treats it as
      // success (createTopic answers created: false): not worth a warning.
      if (isTopicExistsNoise(message, fields)) log.debug(text, withNamespace);
      else if (level === logLevel.ERROR || level === logLevel.WARN) log.warn(text, withNamespace);
      else if (level === logLevel.INFO) log.info(text, withNamespace);
      else log.debug(text, withNamespace);
    };
}

function isTopicExistsNoise(message: string, fields: Record<string, unknown>): boolean {
  return message.startsWith('Response CreateTopics') && fields.error === 'Topic creation errors';
}

/** The kafkajs client configuration for a connection; secrets are revealed here and only here. */
export function toKafkaConfig(config: KafkaConnectionConfig, log: Logger): KafkaConfig {
  return {
    brokers: [...config.brokers],
    clientId: config.clientId,
    connectionTimeout: config.connectionTimeoutMs,
    authenticationTimeout: config.authenticationTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    enforceRequestTimeout: true,
    retry: { retries: config.retries, initialRetryTime: 100, maxRetryTime: 5_000 },
    logLevel: LOG_LEVELS[config.logLevel],
    logCreator: kafkaLogCreator(log),
    ...(config.ssl === undefined ? {} : { ssl: toTls(config.ssl) }),
    ...(config.sasl === undefined ? {} : { sasl: toSasl(config.sasl) }),
  };
}

function toTls(ssl: NonNullable<KafkaConnectionConfig['ssl']>): ConnectionOptions | boolean {
  if (typeof ssl === 'boolean') return ssl;
  const options: ConnectionOptions = {};
  if (ssl.ca !== undefined) options.ca = ssl.ca;
  if (ssl.cert !== undefined) options.cert = ssl.cert;
  if (ssl.key !== undefined) options.key = Redacted.reveal(ssl.key);
  if (ssl.passphrase !== undefined) options.passphrase = Redacted.reveal(ssl.passphrase);
  if (ssl.servername !== undefined) options.servername = ssl.servername;
  if (ssl.rejectUnauthorized !== undefined) options.rejectUnauthorized = ssl.rejectUnauthorized;
  return options;
}

function toSasl(sasl: NonNullable<KafkaConnectionConfig['sasl']>): SASLOptions {
  return { mechanism: sasl.mechanism, username: sasl.username, password: Redacted.reveal(sasl.password) };
}

/** Something the client opened for one call or trigger and must close when the kit closes. */
interface Closable {
  disconnect(): Promise<void>;
}

/**
 * The pooled client of one Kafka connection: an admin, a producer connected on first use, and
 * factories for the consumers that triggers and `fetchMessages` own.
 *
 * kafkajs remembers every topic a client has looked up and asks for all of them on each metadata
 * refresh; once one of them is deleted, every later call of that client fails with
 * UNKNOWN_TOPIC_OR_PARTITION. `withAdmin` and `withProducer` replace such a client and try once more.
 */
export class KafkaClient {
  /** The kafkajs client; its logs go to the connection log. */
  readonly kafka: Kafka;
  readonly allowAutoTopicCreation: boolean;
  readonly clientId: string;
  // Private fields stay out of `util.inspect` and JSON: the config holds revealed secrets.
  readonly #config: KafkaConfig;
  readonly #owned = new Set<Closable>();
  #admin: Admin;
  #adminReady: Promise<Admin>;
  #producer: Promise<Producer> | undefined;
  #closing: Promise<void> | undefined;

  constructor(config: KafkaConnectionConfig, log: Logger) {
    this.#config = toKafkaConfig(config, log);
    this.kafka = new Kafka(this.#config);
    this.allowAutoTopicCreation = config.allowAutoTopicCreation;
    this.clientId = config.clientId;
    this.#admin = this.kafka.admin();
    this.#adminReady = Promise.resolve(this.#admin);
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Connects the admin; `connect` of the connection calls it. */
  async connect(): Promise<void> {
    const admin = this.#admin;
    this.#adminReady = admin.connect().then(() => admin);
    await this.#adminReady;
  }

  /** A kafkajs client with this connection's settings whose logs go to `log` (a trigger's log). */
  kafkaWithLog(log: Logger): Kafka {
    return new Kafka({ ...this.#config, logCreator: kafkaLogCreator(log) });
  }

  /** Runs an admin operation; replaces the admin once when its topic metadata went stale. */
  async withAdmin<T>(operation: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = await this.#adminReady;
    try {
      return await operation(admin);
    } catch (error) {
      if (kafkaErrorType(error) !== 'UNKNOWN_TOPIC_OR_PARTITION' || this.#closing !== undefined) throw error;
      return operation(await this.replaceAdmin(admin));
    }
  }

  private replaceAdmin(stale: Admin): Promise<Admin> {
    if (this.#admin === stale) {
      const fresh = this.kafka.admin();
      this.#admin = fresh;
      this.#adminReady = fresh.connect().then(() => fresh);
      this.retire(stale);
    }
    return this.#adminReady;
  }

  /**
   * Runs a producer operation on the shared producer (connected on first use). After
   * UNKNOWN_TOPIC_OR_PARTITION the producer is replaced; when `topic` exists, the operation runs
   * once more on the new one.
   */
  async withProducer<T>(topic: string, operation: (producer: Producer) => Promise<T>): Promise<T> {
    const current = this.producer();
    const producer = await current;
    try {
      return await operation(producer);
    } catch (error) {
      if (kafkaErrorType(error) !== 'UNKNOWN_TOPIC_OR_PARTITION' || this.#closing !== undefined) throw error;
      if (this.#producer === current) {
        this.#producer = undefined;
        this.retire(producer);
      }
      const exists = await this.withAdmin((admin) => admin.listTopics()).then(
        (topics) => topics.includes(topic),
        () => false,
      );
      if (!exists) throw error;
      return operation(await this.producer());
    }
  }

  /** The shared producer, connected on first use (and again after a failed connect). */
  producer(): Promise<Producer> {
    if (this.#closing !== undefined) return Promise.reject(closedError());
    if (this.#producer === undefined) {
      const producer = this.kafka.producer({
        allowAutoTopicCreation: this.allowAutoTopicCreation,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const connecting = producer.connect().then(
        () => producer,
        async (error: unknown) => {
          if (this.#producer === connecting) this.#producer = undefined;
          await producer.disconnect().catch(() => undefined);
          throw error;
        },
      );
      this.#producer = connecting;
    }
    return this.#producer;
  }

  /** Disconnects a replaced client once the calls still using it had time to finish. */
  private retire(resource: Closable): void {
    this.#owned.add(resource);
    const timer = setTimeout(() => {
      this.#owned.delete(resource);
      resource.disconnect().catch(() => undefined);
    }, 10_000);
    timer.unref();
  }

  /** Registers a consumer (or other resource) to disconnect on close; returns its release function. */
  own(resource: Closable): () => void {
    if (this.#closing !== undefined) throw closedError();
    this.#owned.add(resource);
    return () => {
      this.#owned.delete(resource);
    };
  }

  /** Disconnects everything the client opened. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const producer = this.#producer;
      this.#producer = undefined;
      await Promise.allSettled([
        ...[...this.#owned].map((resource) => resource.disconnect()),
        producer?.then((connected) => connected.disconnect()),
        this.#admin.disconnect(),
      ]);
      this.#owned.clear();
    })();
    return this.#closing;
  }
}

function closedError(): ConnectorError {
  return new ConnectorError('CANCELLED', 'the Kafka connection is closed');
}

/**
 * The Kafka connection: brokers, TLS, SASL (plain, SCRAM-SHA-256/512) and timeouts. `connect`
 * connects an admin client, so that a wrong broker address fails here with UNAVAILABLE and a
 * rejected credential with AUTH.
 */
export const kafkaConnection = defineConnection({
  config: KafkaConnectionConfig,
  connect: async (config, ctx) => {
    const client = new KafkaClient(config, ctx.log);
    try {
      await abortable(client.connect(), ctx.signal, () => client.close());
      return client;
    } catch (error) {
      await client.close();
      if (ctx.signal.aborted) throw error;
      throw toKafkaError(error);
    }
  },
  disconnect: (client) => client.close(),
  check: async (client, { signal }) => {
    try {
      await abortable(
        client.withAdmin((admin) => admin.describeCluster()),
        signal,
      );
    } catch (error) {
      throw toKafkaError(error);
    }
  },
});
