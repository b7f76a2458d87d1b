// Test support for the Redis connector's own tests; excluded from the build.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionConfig, createKit, type Kit, type LogRecord } from '@connectorkit/core';
import { Redis } from 'ioredis';
import { escapeGlob } from '../actions/keys.js';
import redis from '../index.js';

/** The shared development Redis. Tests fail (never skip) when it is not running. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const NOT_RUNNING = `Redis is not reachable at ${REDIS_URL} — start it with \`scripts/services/redis start\` (the integration tests need a real server and never skip)`;

/** Fails loudly when the shared Redis is not up. */
export async function assertRedisRunning(): Promise<void> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  let reason: unknown;
  probe.on('error', (error: unknown) => {
    reason = error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const cause = reason ?? error;
    throw new Error(`${NOT_RUNNING} (${cause instanceof Error ? cause.message : String(cause)})`);
  } finally {
    probe.disconnect();
  }
}

/** A kit whose `cache` connection writes under a key prefix of its own, and a raw client to look behind it. */
export interface TestKit extends AsyncDisposable {
  readonly kit: Kit<readonly [typeof redis]>;
  /** `ck-test:<random>:` — every key the kit touches starts with it. */
  readonly prefix: string;
  /** A plain ioredis client without the prefix. */
  readonly raw: Redis;
  /** Log lines written by the kit. */
  readonly logs: LogRecord[];
  /** Deletes every key under the prefix. */
  clean(): Promise<void>;
  close(): Promise<void>;
}

export async function createTestKit(
  connection: Partial<Omit<ConnectionConfig, 'connector'>> = {},
): Promise<TestKit> {
  await assertRedisRunning();
  const prefix =
    typeof connection.keyPrefix === 'string' ? connection.keyPrefix : `ck-test:${randomUUID().slice(0, 8)}:`;
  const logs: LogRecord[] = [];
  const kit = createKit({
    connectors: [redis],
    connections: {
      cache: { connector: 'redis', url: REDIS_URL, keyPrefix: prefix, ...connection } as ConnectionConfig,
    },
    logger: { level: 'debug', sink: (record: LogRecord) => logs.push(record) },
  });
  const raw = new Redis(REDIS_URL);
  const clean = async (): Promise<void> => deleteKeys(raw, `${escapeGlob(prefix)}*`);
  const close = async (): Promise<void> => {
    await kit.close();
    await clean();
    await raw.quit();
  };
  return { kit, prefix, raw, logs, clean, close, [Symbol.asyncDispose]: close };
}

/** Deletes keys matching a pattern, scanning (never KEYS). */
export async function deleteKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own, without persistence, on a port and in a directory of its own. */
export class OwnRedisServer implements AsyncDisposable {
  private process: ChildProcess | undefined;
  /** With `tls`: the PEM of the CA that signed the server's certificate (for 127.0.0.1). */
  ca: string | undefined;

  private constructor(
    readonly port: number,
    readonly directory: string,
    private readonly extraArguments: readonly string[],
    private readonly configFile: string | undefined,
  ) {}

  /**
   * @param options.arguments extra command-line options, e.g. `['--requirepass', 'x']`
   * @param options.config the text of a config file, for what only a file can say (Sentinel)
   */
  static async start(
    options: { arguments?: readonly string[]; config?: string; tls?: boolean } = {},
  ): Promise<OwnRedisServer> {
    const directory = await mkdtemp(join(tmpdir(), 'ck-redis-'));
    let configFile: string | undefined;
    if (options.config !== undefined) {
      configFile = join(directory, 'redis.conf');
      await writeFile(configFile, options.config);
    }
    const port = await freePort();
    const tlsArguments = options.tls === true ? makeTlsFiles(directory, port) : [];
    const server = new OwnRedisServer(
      port,
      directory,
      [...tlsArguments, ...(options.arguments ?? [])],
      configFile,
    );
    if (options.tls === true) server.ca = readFileSync(join(directory, 'ca.crt'), 'utf8');
    try {
      await server.start();
    } catch (error) {
      await server[Symbol.asyncDispose]();
      throw error;
    }
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts, after `kill`) the server on the same port. */
  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        ...(this.configFile === undefined ? [] : [this.configFile]),
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.directory,
        '--save',
        '',
        '--appendonly',
        'no',
        ...this.extraArguments,
      ],
      { stdio: 'ignore' },
    );
    this.process = child;
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(new Error(`could not start redis-server (is it installed?): ${error.message}`)),
      );
    });
    await waitUntil(async () => {
      if (child.exitCode !== null)
        throw new Error(`redis-server on port ${this.port} exited with ${child.exitCode}`);
      const probe = new Redis(this.port, '127.0.0.1', {
        ...(this.ca === undefined ? {} : { tls: { ca: this.ca } }),
        lazyConnect: true,
        enableReadyCheck: false,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        // A password-protected server answers NOAUTH, which still means it is up.
        await probe.ping().catch((error: Error) => {
          if (!/NOAUTH/.test(error.message)) throw error;
        });
        return true;
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }, `redis-server on port ${this.port} to accept connections`);
  }

  /** Stops the server at once (SIGKILL) and waits until it has exited. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server (SIGSTOP): it keeps its connections open and answers nothing. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  /** Lets a paused server go on (SIGCONT). */
  resume(): void {
    this.process?.kill('SIGCONT');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.resume();
    await this.kill();
    await rm(this.directory, { recursive: true, force: true });
  }
}

/**
 * A CA and a server certificate for 127.0.0.1 signed by it, made with openssl in `directory`;
 * returns the redis-server options that serve TLS only, on `port`.
 */
function makeTlsFiles(directory: string, port: number): string[] {
  const file = (name: string): string => join(directory, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  openssl(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=ck-test-ca'],
    ...['-keyout', file('ca.key'), '-out', file('ca.crt')],
  );
  openssl(
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1'],
    ...['-keyout', file('server.key'), '-out', file('server.csr')],
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key')],
    ...['-CAcreateserial', '-days', '2', '-extfile', file('san.ext'), '-out', file('server.crt')],
  );
  return [
    ...['--port', '0', '--tls-port', String(port)],
    ...['--tls-cert-file', file('server.crt'), '--tls-key-file', file('server.key')],
    ...['--tls-ca-cert-file', file('ca.crt'), '--tls-auth-clients', 'no'],
  ];
}

/** Polls `condition` until it holds, failing with `what` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
