import type { ConnectionOptions as TlsOptions } from 'node:tls';
import {
  ConnectorError,
  defineConnection,
  type Logger,
  Redacted,
  Secret,
  type Static,
  Type,
} from '@connectorkit/core';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { toRedisError } from './error-mapping.js';

/**
 * The pooled client every action and trigger receives as `ctx.client`: an ioredis `Redis`
 * (standalone and Sentinel modes) or `Cluster` (cluster mode). Both carry the connection's
 * `keyPrefix`, which ioredis adds to every key argument.
 */
export type RedisClient = Redis | Cluster;

const HostAndPort = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'Host name or IP address' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, description: 'TCP port' }),
  },
  { additionalProperties: false },
);

/** Configuration of a Redis connection (connectorkit.yaml or `createKit({ connections })`). */
export const RedisConnectionConfig = Type.Object(
  {
    url: Type.Optional(
      Secret({
        description:
          'redis://[[username][:password]@]host[:port][/db] — rediss:// for TLS. Treated as a secret because it may carry the password. Fields given explicitly override its parts.',
      }),
    ),
    host: Type.Optional(Type.String({ minLength: 1, description: 'Host (default 127.0.0.1)' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Port (default 6379)' })),
    db: Type.Optional(Type.Integer({ minimum: 0, description: 'Database number (standalone and Sentinel)' })),
    username: Type.Optional(Type.String({ minLength: 1, description: 'ACL user name (Redis 6+)' })),
    password: Type.Optional(Secret({ description: 'Password (AUTH)' })),
    tls: Type.Optional(
      Type.Union(
        [
          Type.Boolean(),
          Type.Object(
            {
              rejectUnauthorized: Type.Optional(
                Type.Boolean({ description: 'Verify the certificate (default true)' }),
              ),
              ca: Type.Optional(Type.String({ description: 'PEM of the certificate authority to trust' })),
              servername: Type.Optional(Type.String({ description: 'SNI server name' })),
            },
            { additionalProperties: false },
          ),
        ],
        { description: 'Connect over TLS: true, or TLS options' },
      ),
    ),
    keyPrefix: Type.Optional(
      Type.String({
        description:
          'Prepended to every key (not to pub/sub channels); keys returned by scan have it removed',
      }),
    ),
    mode: Type.Union([Type.Literal('standalone'), Type.Literal('sentinel'), Type.Literal('cluster')], {
      default: 'standalone',
      description: 'standalone (url/host), sentinel (sentinels + masterName) or cluster (nodes or url/host)',
    }),
    sentinels: Type.Optional(
      Type.Array(HostAndPort, { minItems: 1, description: 'Sentinel mode: the Sentinels to ask' }),
    ),
    masterName: Type.Optional(
      Type.String({ minLength: 1, description: 'Sentinel mode: the monitored master group name' }),
    ),
    sentinelUsername: Type.Optional(
      Type.String({ minLength: 1, description: 'Sentinel mode: ACL user of the Sentinels' }),
    ),
    sentinelPassword: Type.Optional(Secret({ description: 'Sentinel mode: password of the Sentinels' })),
    nodes: Type.Optional(
      Type.Array(HostAndPort, { minItems: 1, description: 'Cluster mode: startup nodes (or use url/host)' }),
    ),
    connectTimeoutMs: Type.Integer({
      minimum: 1,
      default: 5_000,
      description: 'How long the first connection and each reconnection attempt may take',
    }),
    silenceTimeoutMs: Type.Integer({
      minimum: 0,
      default: 10_000,
      description:
        'When commands wait and the server sends nothing for this long, the connection counts as dead (a server that hangs, a network partition): the waiting commands fail with UNAVAILABLE, later ones fail at once until it is back, and it reconnects. 0 turns it off. Not applied to the connections of the triggers (blocking reads, subscriptions).',
    }),
    autoPipelining: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Send the commands issued in the same event-loop tick as one pipeline (ioredis enableAutoPipelining): more throughput under concurrency',
      }),
    ),
    reconnectMaxDelayMs: Type.Integer({
      minimum: 10,
      default: 2_000,
      description:
        'Upper bound of the wait between reconnection attempts. Reconnection never stops and never blocks callers: while Redis is down, calls fail at once with UNAVAILABLE.',
    }),
  },
  { additionalProperties: false },
);

export type RedisConnectionConfig = Static<typeof RedisConnectionConfig>;

/** How to build the ioredis client for a configuration. */
export type ClientPlan =
  | { readonly mode: 'standalone' | 'sentinel'; readonly options: RedisOptions }
  | {
      readonly mode: 'cluster';
      readonly nodes: readonly { host: string; port: number }[];
      readonly options: ClusterOptions;
    };

interface UrlParts {
  host?: string;
  port?: number;
  db?: number;
  username?: string;
  password?: string;
  tls: boolean;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 6379;

/**
 * Parses a redis:// or rediss:// URL. The URL may carry a password, so no message quotes it.
 */
export function parseRedisUrl(url: string): UrlParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidConfig('`url` is not a valid URL — expected redis://host:port/db or rediss://…', '$.url');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw invalidConfig(`\`url\` must start with redis:// or rediss:// (got ${parsed.protocol}//)`, '$.url');
  }
  const parts: UrlParts = { tls: parsed.protocol === 'rediss:' };
  if (parsed.hostname !== '') parts.host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (parsed.port !== '') parts.port = Number(parsed.port);
  if (parsed.username !== '') parts.username = decodeURIComponent(parsed.username);
  if (parsed.password !== '') parts.password = decodeURIComponent(parsed.password);
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '') {
    if (!/^\d+$/.test(path)) throw invalidConfig('`url` path must be a database number (e.g. /0)', '$.url');
    parts.db = Number(path);
  }
  return parts;
}

/**
 * Turns a validated configuration into ioredis options. Pure: unit-tested without a server.
 * Every mode gets the same failure policy: no offline queue (calls fail fast with
 * UNAVAILABLE while disconnected), in-flight commands failed at once when the connection
 * drops (`maxRetriesPerRequest: 0`: a command is never silently re-sent), and a
 * reconnection strategy that keeps trying in the background with capped backoff.
 */
export function planClient(config: RedisConnectionConfig): ClientPlan {
  const fromUrl = config.url === undefined ? { tls: false } : parseRedisUrl(Redacted.reveal(config.url));
  const password = config.password === undefined ? fromUrl.password : Redacted.reveal(config.password);
  const username = config.username ?? fromUrl.username;
  const tls = tlsOptions(config.tls, fromUrl.tls);
  const maxDelay = config.reconnectMaxDelayMs;
  const reconnectDelay = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay);
  const common: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: config.connectTimeoutMs,
    ...(config.silenceTimeoutMs > 0 ? { socketTimeout: config.silenceTimeoutMs } : {}),
    retryStrategy: reconnectDelay,
    ...(config.autoPipelining === true ? { enableAutoPipelining: true } : {}),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
  };
  const keyPrefix =
    config.keyPrefix === undefined || config.keyPrefix === '' ? {} : { keyPrefix: config.keyPrefix };
  const db = config.db ?? fromUrl.db;

  if (config.mode === 'cluster') {
    if (db !== undefined && db !== 0) {
      throw invalidConfig('cluster mode has only database 0 — remove `db` (or the /db of the url)', '$.db');
    }
    const seed = {
      host: config.host ?? fromUrl.host ?? DEFAULT_HOST,
      port: config.port ?? fromUrl.port ?? DEFAULT_PORT,
    };
    const nodes = config.nodes ?? [seed];
    // Node connections inside a cluster are managed (and reconnected) by the Cluster client.
    const {
      lazyConnect: _lazy,
      enableOfflineQueue: _offline,
      retryStrategy: _retry,
      enableAutoPipelining: _pipelining,
      ...redisOptions
    } = common;
    return {
      mode: 'cluster',
      nodes,
      options: {
        ...keyPrefix,
        lazyConnect: true,
        enableOfflineQueue: false,
        clusterRetryStrategy: reconnectDelay,
        ...(config.autoPipelining === true ? { enableAutoPipelining: true } : {}),
        redisOptions,
      },
    };
  }

  if (config.mode === 'sentinel') {
    if (config.sentinels === undefined || config.masterName === undefined) {
      throw invalidConfig(
        'sentinel mode needs `sentinels` (a list of { host, port }) and `masterName` (the monitored group, e.g. mymaster)',
        config.sentinels === undefined ? '$.sentinels' : '$.masterName',
      );
    }
    return {
      mode: 'sentinel',
      options: {
        ...common,
        ...keyPrefix,
        ...(db === undefined ? {} : { db }),
        sentinels: config.sentinels.map(({ host, port }) => ({ host, port })),
        name: config.masterName,
        sentinelRetryStrategy: reconnectDelay,
        ...(config.sentinelUsername === undefined ? {} : { sentinelUsername: config.sentinelUsername }),
        ...(config.sentinelPassword === undefined
          ? {}
          : { sentinelPassword: Redacted.reveal(config.sentinelPassword) }),
        ...(tls === undefined ? {} : { enableTLSForSentinelMode: true }),
      },
    };
  }

  for (const key of ['sentinels', 'masterName', 'nodes'] as const) {
    if (config[key] !== undefined) {
      throw invalidConfig(
        `\`${key}\` applies to ${key === 'nodes' ? 'cluster' : 'sentinel'} mode only — set mode: ${key === 'nodes' ? 'cluster' : 'sentinel'} or remove it`,
        `$.${key}`,
      );
    }
  }
  return {
    mode: 'standalone',
    options: {
      ...common,
      ...keyPrefix,
      host: config.host ?? fromUrl.host ?? DEFAULT_HOST,
      port: config.port ?? fromUrl.port ?? DEFAULT_PORT,
      ...(db === undefined ? {} : { db }),
    },
  };
}

function tlsOptions(tls: RedisConnectionConfig['tls'], fromUrl: boolean): TlsOptions | undefined {
  if (tls === false) return undefined;
  if (tls === undefined) return fromUrl ? {} : undefined;
  if (tls === true) return {};
  return {
    ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
  };
}

function invalidConfig(message: string, path: string): ConnectorError {
  return new ConnectorError('INVALID_CONFIG', message, { issues: [{ path, message }] });
}

/** Creates the ioredis client for a plan without connecting it. */
export function createClient(plan: ClientPlan): RedisClient {
  return plan.mode === 'cluster'
    ? new Cluster(
        plan.nodes.map(({ host, port }) => ({ host, port })),
        plan.options,
      )
    : new Redis(plan.options);
}

/**
 * Connects a client created with `lazyConnect`. Fails with the reason of the last connection
 * error (ECONNREFUSED → UNAVAILABLE, WRONGPASS → AUTH, …) instead of ioredis' bare
 * "Connection is closed", and stops the background reconnection of a client that never
 * connected.
 */
export async function connectClient(
  client: RedisClient,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RedisClient> {
  let lastError: unknown;
  const remember = (error: unknown): void => {
    lastError = error;
  };
  client.on('error', remember);
  let timedOut = false;
  // Sentinel and cluster discovery can retry on their own; this bounds the whole first connection.
  const timer = setTimeout(() => {
    timedOut = true;
    client.disconnect();
  }, timeoutMs);
  const onAbort = (): void => client.disconnect();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    await client.connect();
    return client;
  } catch (error) {
    client.disconnect();
    if (signal?.aborted) throw signal.reason;
    if (timedOut && lastError === undefined) {
      throw new ConnectorError(
        'TIMEOUT',
        `${where(client)}: not ready within ${timeoutMs} ms (connectTimeoutMs)`,
        {
          cause: error,
        },
      );
    }
    const mapped = toRedisError(lastError ?? error);
    throw new ConnectorError(mapped.code, `${where(client)}: ${mapped.message}`, {
      ...mapped.toJSON(),
      cause: mapped.cause ?? error,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    client.off('error', remember);
  }
}

/** "Redis at host:port", "Redis cluster", "Redis Sentinel group 'x'" — never credentials. */
function where(client: RedisClient): string {
  if (client instanceof Cluster) return 'Redis cluster';
  const options = client.options;
  if (options.sentinels !== undefined && options.sentinels !== null) {
    return `Redis Sentinel group '${options.name ?? ''}'`;
  }
  return `Redis at ${options.host ?? DEFAULT_HOST}:${options.port ?? DEFAULT_PORT}`;
}

/**
 * Logs connection loss and recovery once each (not every reconnection attempt), and keeps
 * ioredis from printing "Unhandled error event" for errors that callers already receive.
 */
export function watchConnection(client: RedisClient, log: Logger, label = 'connection'): void {
  let down = false;
  client.on('error', (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (down) {
      log.debug(`Redis ${label}: still failing`, { error: message });
      return;
    }
    down = true;
    log.warn(`Redis ${label} failed; reconnecting in the background`, { error: message });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.info(`Redis ${label} restored`);
  });
}

/** Closes a client gracefully when it is connected, at once otherwise. */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/**
 * A second connection with the same options, for what must not share the pooled one:
 * blocking reads (XREADGROUP BLOCK) and subscriptions.
 */
export async function openDedicatedConnection(
  client: RedisClient,
  log: Logger,
  label: string,
  signal?: AbortSignal,
): Promise<RedisClient> {
  // Its reads block on purpose and a subscription waits for messages: silence is no failure there.
  // (ioredis merges the override into the options: an undefined socketTimeout turns it off.)
  const noSilenceTimeout = { socketTimeout: undefined } as unknown as Partial<RedisOptions>;
  const duplicate =
    client instanceof Cluster
      ? client.duplicate(undefined, {
          redisOptions: { ...client.options.redisOptions, ...noSilenceTimeout },
        })
      : client.duplicate(noSilenceTimeout);
  const timeoutMs =
    client instanceof Cluster
      ? (client.options.redisOptions?.connectTimeout ?? 5_000)
      : (client.options.connectTimeout ?? 5_000);
  await connectClient(duplicate, timeoutMs, signal);
  watchConnection(duplicate, log, label);
  return duplicate;
}

/** The key prefix ioredis adds to keys on this client ('' when none). */
export function keyPrefixOf(client: RedisClient): string {
  const prefix = client.options.keyPrefix;
  return typeof prefix === 'string' ? prefix : '';
}

/**
 * The Redis connection: url or host/port/db/username/password/TLS, key prefix, Sentinel and
 * Cluster modes.
 *
 * @example
 * connections:
 *   cache: { connector: redis, url: '${REDIS_URL}', keyPrefix: 'app:' }
 */
export const redisConnection = defineConnection({
  config: RedisConnectionConfig,
  connect: async (config, ctx): Promise<RedisClient> => {
    const client = await connectClient(createClient(planClient(config)), config.connectTimeoutMs, ctx.signal);
    watchConnection(client, ctx.log);
    return client;
  },
  disconnect: (client) => closeClient(client),
  check: async (client) => {
    try {
      await client.ping();
    } catch (error) {
      throw toRedisError(error);
    }
  },
});
