import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  ConnectorError,
  defineTrigger,
  type Logger,
  type Static,
  sleep,
  type TriggerContext,
  Type,
} from '@connectorkit/core';
import { Cluster } from 'ioredis';
import { type RawEntry, toStreamEntry } from '../actions/streams.js';
import {
  closeClient,
  keyPrefixOf,
  openDedicatedConnection,
  type RedisClient,
  redisConnection,
} from '../connection.js';
import { toRedisError } from '../error-mapping.js';

const StreamTriggerConfig = Type.Object(
  {
    stream: Type.String({ minLength: 1, description: 'Stream key (the connection keyPrefix is added)' }),
    group: Type.String({ minLength: 1, description: 'Consumer group; replicas sharing it share the work' }),
    consumer: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Consumer name within the group. Give each replica a stable one to resume its own pending entries at once after a restart; default: host, pid and a random suffix',
      }),
    ),
    createGroup: Type.Boolean({
      default: true,
      description:
        'Create the group (and the stream) when missing; otherwise a missing group fails the start',
    }),
    startId: Type.String({
      default: '$',
      pattern: '^(\\$|\\d+(-\\d+)?)$',
      description: "Where a newly created group starts: '$' new entries only, '0' the whole stream",
    }),
    batchSize: Type.Integer({
      minimum: 1,
      maximum: 1_000,
      default: 10,
      description: 'Entries read at a time',
    }),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 1,
      description: 'Entries of a batch handled at the same time; 1 keeps stream order',
    }),
    blockMs: Type.Integer({
      minimum: 1,
      maximum: 60_000,
      default: 5_000,
      description: 'How long one XREADGROUP waits for new entries',
    }),
    claimIdleMs: Type.Integer({
      minimum: 1,
      default: 60_000,
      description:
        "Pending entries of another consumer idle this long are taken over (XAUTOCLAIM): that consumer is presumed dead. Entries in progress are kept fresh by their live consumer, so this need not exceed the flows' duration.",
    }),
    claimIntervalMs: Type.Optional(
      Type.Integer({
        minimum: 10,
        description: 'How often to look for such entries; default claimIdleMs / 2, at most 30 s',
      }),
    ),
    maxDeliveries: Type.Integer({
      minimum: 1,
      default: 10,
      description:
        'An entry delivered this many times without being acknowledged (its consumers kept dying) goes to the dead-letter stream instead of another try',
    }),
    deadLetterStream: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "Where failed entries go, with why-fields (ck.error-code, …); default '<stream>:dead-letter'",
      }),
    ),
    deadLetterMaxLen: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Cap the dead-letter stream at about this many entries' }),
    ),
  },
  { additionalProperties: false },
);

type StreamTriggerConfig = Static<typeof StreamTriggerConfig>;

const StreamEvent = Type.Object({
  stream: Type.String(),
  id: Type.String({ description: 'Entry id, e.g. 1700000000000-0' }),
  fields: Type.Record(Type.String(), Type.String()),
  deliveries: Type.Integer({
    minimum: 1,
    description: 'How many times the entry has been delivered; above 1 it is a redelivery',
  }),
});

type StreamEvent = Static<typeof StreamEvent>;

/** Fields added to a dead-lettered entry, next to its own fields, saying where it came from and why. */
export const DEAD_LETTER_FIELDS = {
  sourceStream: 'ck.source-stream',
  sourceId: 'ck.source-id',
  group: 'ck.group',
  consumer: 'ck.consumer',
  deliveries: 'ck.deliveries',
  errorCode: 'ck.error-code',
  errorMessage: 'ck.error-message',
  deadLetteredAt: 'ck.dead-lettered-at',
} as const;

export const stream = defineTrigger({
  connection: redisConnection,
  title: 'Stream entry',
  description:
    'Each entry of a Redis stream, read through a consumer group (XREADGROUP). Delivery is at-least-once: an entry is acknowledged (XACK) only after its flow succeeded; a flow that fails after its retry policy sends the entry to a dead-letter stream with why-fields, then acknowledges it; entries of a consumer that died are taken over after claimIdleMs (XAUTOCLAIM). A crash before the acknowledgement means redelivery, never loss — flows must tolerate duplicates. stop() ends the blocking read at once and waits for the entries in progress.',
  config: StreamTriggerConfig,
  event: StreamEvent,
  delivery: 'at-least-once',
  start: async (config, ctx) => {
    const consumer = config.consumer ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const log = ctx.log.child({ stream: config.stream, group: config.group, consumer });
    await prepareGroup(ctx.client, config);
    const reader = await openDedicatedConnection(ctx.client, log, 'stream reader', ctx.signal);
    // Ends a blocking XREADGROUP at once instead of after blockMs.
    const interrupt = (): void => reader.disconnect();
    ctx.signal.addEventListener('abort', interrupt, { once: true });
    const consumerLoop = new StreamConsumer(config, consumer, ctx, reader, log);
    const done = consumerLoop.run();
    log.info('consuming');
    return async () => {
      interrupt();
      await done;
      ctx.signal.removeEventListener('abort', interrupt);
      await consumerLoop.forgetConsumerIfIdle();
      await closeClient(reader);
      log.info('stopped');
    };
  },
});

async function prepareGroup(client: RedisClient, config: StreamTriggerConfig): Promise<void> {
  try {
    if (config.createGroup) {
      await createGroup(client, config);
      return;
    }
    const groups = (await client.call('XINFO', 'GROUPS', prefixedStream(client, config))) as unknown[][];
    const names = groups.map((group) => String(group[group.indexOf('name') + 1]));
    if (!names.includes(config.group)) throw new Error('NOGROUP');
  } catch (error) {
    const mapped = toRedisError(error);
    if (!GROUP_MISSING.test(mapped.message)) {
      // Redis down, a refused login, a stream key holding another type …: what it is, and where.
      throw new ConnectorError(
        mapped.code,
        `redis.stream: could not prepare consumer group '${config.group}' on stream '${config.stream}' — ${mapped.message}`,
        {
          retryable: mapped.retryable,
          vendorCode: mapped.vendorCode,
          ...(mapped.retryAfterMs === undefined ? {} : { retryAfterMs: mapped.retryAfterMs }),
          cause: error,
        },
      );
    }
    throw new ConnectorError(
      'NOT_FOUND',
      `redis.stream: consumer group '${config.group}' does not exist on stream '${config.stream}' — create it (XGROUP CREATE ${config.stream} ${config.group} $ MKSTREAM) or set createGroup: true`,
      { path: '$.group', cause: error },
    );
  }
}

/** Redis's words for a group or stream that is not there (XINFO GROUPS, XREADGROUP). */
const GROUP_MISSING = /NOGROUP|no such key|requires the key to exist/i;

/** ioredis does not prefix keys after a subcommand (XGROUP CREATE key, XINFO GROUPS key): we do. */
function prefixedStream(client: RedisClient, config: StreamTriggerConfig): string {
  return `${keyPrefixOf(client)}${config.stream}`;
}

async function createGroup(client: RedisClient, config: StreamTriggerConfig): Promise<void> {
  try {
    await client.xgroup('CREATE', prefixedStream(client, config), config.group, config.startId, 'MKSTREAM');
  } catch (error) {
    if (toRedisError(error).vendorCode !== 'BUSYGROUP') throw error;
  }
}

interface Delivery {
  readonly id: string;
  /** null when the entry was deleted from the stream while pending. */
  readonly fields: Record<string, string> | null;
  readonly deliveries: number;
}

/**
 * The consumer loop: claim stalled entries, read new ones, hand each to the flow, then
 * acknowledge it or dead-letter it. Read failures (Redis down) are retried with backoff
 * for as long as the trigger runs.
 */
class StreamConsumer {
  private readonly claimIntervalMs: number;
  private readonly deadLetterStream: string;

  constructor(
    private readonly config: StreamTriggerConfig,
    private readonly consumer: string,
    private readonly ctx: TriggerContext<RedisClient, StreamEvent>,
    private readonly reader: RedisClient,
    private readonly log: Logger,
  ) {
    this.claimIntervalMs = config.claimIntervalMs ?? Math.max(10, Math.min(config.claimIdleMs / 2, 30_000));
    this.deadLetterStream = config.deadLetterStream ?? `${config.stream}:dead-letter`;
  }

  private get client(): RedisClient {
    return this.ctx.client;
  }

  private get signal(): AbortSignal {
    return this.ctx.signal;
  }

  async run(): Promise<void> {
    // Our own pending entries first (a restart under the same consumer name), then new ones.
    let historyCursor: string | undefined = '0';
    let nextClaimAt = 0;
    let failures = 0;
    while (!this.signal.aborted) {
      try {
        if (performance.now() >= nextClaimAt) {
          await this.claimStalled();
          nextClaimAt = performance.now() + this.claimIntervalMs;
          if (this.signal.aborted) break;
        }
        const blockMs = Math.max(
          1,
          Math.min(this.config.blockMs, Math.ceil(nextClaimAt - performance.now())),
        );
        const entries = await this.read(historyCursor ?? '>', blockMs);
        failures = 0;
        if (historyCursor !== undefined) {
          const last = entries.at(-1);
          historyCursor = last?.id;
          if (last === undefined) continue;
          await this.handleBatch(await this.withDeliveryCounts(entries));
        } else {
          await this.handleBatch(entries.map((entry) => ({ ...entry, deliveries: 1 })));
        }
      } catch (error) {
        if (this.signal.aborted) break;
        const mapped = toRedisError(error);
        failures++;
        if (mapped.vendorCode === 'NOGROUP' && this.config.createGroup) {
          // The stream or group was deleted while we ran: recreate it and go on.
          this.log.warn('consumer group vanished; recreating it', { code: mapped.code });
          await createGroup(this.client, this.config).catch(() => undefined);
        }
        const level = failures === 1 ? 'warn' : 'debug';
        this.log[level]('reading the stream failed; retrying', {
          code: mapped.code,
          error: mapped.message,
          failures,
        });
        const delay = Math.min(100 * 2 ** Math.min(failures, 6), 5_000) * (0.5 + Math.random() / 2);
        await sleep(delay, this.signal).catch(() => undefined);
      }
    }
  }

  private async read(
    id: string,
    blockMs: number,
  ): Promise<{ id: string; fields: Record<string, string> | null }[]> {
    const reply = (await this.reader.xreadgroup(
      'GROUP',
      this.config.group,
      this.consumer,
      'COUNT',
      this.config.batchSize,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.config.stream,
      id,
    )) as [stream: string, entries: RawEntry[]][] | null;
    const raw = reply?.[0]?.[1] ?? [];
    return raw.map((entry) => ({
      id: entry[0],
      fields: entry[1] === null ? null : toStreamEntry(entry).fields,
    }));
  }

  /** Takes over entries that another (presumably dead) consumer left pending for claimIdleMs. */
  private async claimStalled(): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, raw] = (await this.client.xautoclaim(
        this.config.stream,
        this.config.group,
        this.consumer,
        this.config.claimIdleMs,
        cursor,
        'COUNT',
        this.config.batchSize,
      )) as [next: string, entries: RawEntry[], deleted?: string[]];
      cursor = next;
      const entries = raw.map((entry) => ({
        id: entry[0],
        fields: entry[1] === null ? null : toStreamEntry(entry).fields,
      }));
      if (entries.length === 0) continue;
      this.log.info('took over pending entries of a stalled consumer', { count: entries.length });
      await this.handleBatch(await this.withDeliveryCounts(entries));
    } while (cursor !== '0-0' && !this.signal.aborted);
  }

  /** Redeliveries carry their delivery count, read from the pending entries list. */
  private async withDeliveryCounts(
    entries: readonly { id: string; fields: Record<string, string> | null }[],
  ): Promise<Delivery[]> {
    const first = entries[0]?.id;
    const last = entries.at(-1)?.id;
    const counts = new Map<string, number>();
    if (first !== undefined && last !== undefined) {
      const pending = (await this.client.xpending(
        this.config.stream,
        this.config.group,
        first,
        last,
        entries.length,
        this.consumer,
      )) as [id: string, consumer: string, idleMs: number, deliveries: number][];
      for (const [id, , , deliveries] of pending) counts.set(id, deliveries);
    }
    return entries.map((entry) => ({ ...entry, deliveries: counts.get(entry.id) ?? 1 }));
  }

  private async handleBatch(batch: readonly Delivery[]): Promise<void> {
    const unfinished = new Set(batch.map((entry) => entry.id));
    // Keeps the batch's entries from looking stalled to other consumers while we work on them.
    // JUSTID does not count as a delivery.
    const heartbeat = setInterval(
      () => {
        if (unfinished.size === 0) return;
        this.client
          .xclaim(this.config.stream, this.config.group, this.consumer, 0, ...unfinished, 'JUSTID')
          .catch((error: unknown) => this.log.debug('heartbeat failed', { error: String(error) }));
      },
      Math.max(5, Math.floor(this.config.claimIdleMs / 3)),
    );
    try {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (!this.signal.aborted) {
          const entry = batch[next++];
          if (entry === undefined) return;
          await this.handle(entry);
          unfinished.delete(entry.id);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.config.concurrency, batch.length) }, worker));
    } finally {
      clearInterval(heartbeat);
    }
    if (unfinished.size > 0) {
      this.log.info('stopping: entries not started stay pending and will be redelivered', {
        count: unfinished.size,
      });
    }
  }

  private async handle(entry: Delivery): Promise<void> {
    if (entry.fields === null) {
      // Deleted from the stream while pending: nothing to hand over.
      await this.acknowledge(entry.id);
      return;
    }
    if (entry.deliveries > this.config.maxDeliveries) {
      await this.deadLetter(
        entry,
        entry.fields,
        new ConnectorError(
          'INTERNAL',
          `delivered ${entry.deliveries} times without being acknowledged (maxDeliveries ${this.config.maxDeliveries}); its consumers kept failing`,
        ),
      );
      return;
    }
    try {
      await this.ctx.emit({
        stream: this.config.stream,
        id: entry.id,
        fields: entry.fields,
        deliveries: entry.deliveries,
      });
    } catch (error) {
      if (this.signal.aborted) {
        this.log.info('flow ended while stopping; entry left pending for redelivery', { id: entry.id });
        return;
      }
      await this.deadLetter(entry, entry.fields, error);
      return;
    }
    await this.acknowledge(entry.id);
  }

  private async acknowledge(id: string): Promise<void> {
    try {
      await this.client.xack(this.config.stream, this.config.group, id);
    } catch (error) {
      // Still pending: another consumer (or this one) redelivers it after claimIdleMs.
      this.log.warn('acknowledging failed; the entry will be redelivered', {
        id,
        code: toRedisError(error).code,
      });
    }
  }

  /** Copies the entry with why-fields to the dead-letter stream, then acknowledges it. */
  private async deadLetter(
    entry: Delivery,
    entryFields: Record<string, string>,
    cause: unknown,
  ): Promise<void> {
    const error = cause instanceof ConnectorError ? cause : toRedisError(cause);
    const why: Record<string, string> = {
      [DEAD_LETTER_FIELDS.sourceStream]: this.config.stream,
      [DEAD_LETTER_FIELDS.sourceId]: entry.id,
      [DEAD_LETTER_FIELDS.group]: this.config.group,
      [DEAD_LETTER_FIELDS.consumer]: this.consumer,
      [DEAD_LETTER_FIELDS.deliveries]: String(entry.deliveries),
      [DEAD_LETTER_FIELDS.errorCode]: error.code,
      [DEAD_LETTER_FIELDS.errorMessage]: error.message,
      [DEAD_LETTER_FIELDS.deadLetteredAt]: new Date().toISOString(),
    };
    const trim =
      this.config.deadLetterMaxLen === undefined ? [] : ['MAXLEN', '~', this.config.deadLetterMaxLen];
    const fields = Object.entries({ ...entryFields, ...why }).flat();
    try {
      if (this.client instanceof Cluster) {
        // The two streams may live on different nodes: no transaction across them.
        await this.client.xadd(this.deadLetterStream, ...trim, '*', ...fields);
        await this.client.xack(this.config.stream, this.config.group, entry.id);
      } else {
        const replies = await this.client
          .multi()
          .xadd(this.deadLetterStream, ...trim, '*', ...fields)
          .xack(this.config.stream, this.config.group, entry.id)
          .exec();
        const failed = replies?.find(([replyError]) => replyError !== null)?.[0];
        if (replies === null || failed) throw failed ?? new Error('the transaction was aborted');
      }
      this.log.warn('entry sent to the dead-letter stream', {
        id: entry.id,
        deadLetterStream: this.deadLetterStream,
        code: error.code,
      });
    } catch (writeError) {
      this.log.error('dead-lettering failed; the entry stays pending and will be redelivered', {
        id: entry.id,
        code: toRedisError(writeError).code,
      });
    }
  }

  /** Removes this consumer from the group on stop when it holds no pending entries. */
  async forgetConsumerIfIdle(): Promise<void> {
    try {
      const pending = (await this.client.xpending(
        this.config.stream,
        this.config.group,
        '-',
        '+',
        1,
        this.consumer,
      )) as unknown[];
      if (pending.length === 0) {
        await this.client.xgroup(
          'DELCONSUMER',
          prefixedStream(this.client, this.config),
          this.config.group,
          this.consumer,
        );
      }
    } catch (error) {
      this.log.debug('could not remove the consumer from its group', { error: String(error) });
    }
  }
}
