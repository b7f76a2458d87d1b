import { type ConnectorError, type Logger, sleep, type TriggerState, Type } from '@connectorkit/core';
import { fromPartialErrors } from '../error-mapping.js';
import { Includes, Tweet, User } from '../schemas.js';
import type { RateLimitPolicy, TwitterClient } from '../twitter-client.js';

/** Twitter's snowflake epoch: ids carry their creation time (milliseconds) above bit 22. */
const TWITTER_EPOCH_MS = 1_288_834_974_657n;

/** When a snowflake id was made (epoch milliseconds). */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + TWITTER_EPOCH_MS);
}

/** The smallest snowflake id made at `time` (epoch milliseconds). */
export function snowflakeAt(time: number): string {
  const since = BigInt(Math.max(0, Math.floor(time))) - TWITTER_EPOCH_MS;
  return (since > 0n ? since << 22n : 0n).toString();
}

export function compareIds(left: string, right: string): number {
  const a = BigInt(left);
  const b = BigInt(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Where polling stands: the newest id handled, and every id handled inside the look-back
 * window below it (tweets the index surfaces late still arrive; none arrives twice).
 */
export interface PollPosition {
  readonly newestId?: string;
  readonly seen: readonly string[];
}

export const POSITION_KEY = 'position';

/** Waits for any rate-limit reset: a poll never fails because a window is spent. */
const WAIT_FOR_RESET: RateLimitPolicy = {
  retries: Number.MAX_SAFE_INTEGER,
  maxWaitMs: Number.POSITIVE_INFINITY,
};

/** The config fields both polling triggers share. */
export const PollConfig = {
  intervalMs: Type.Integer({ minimum: 50, default: 60_000, description: 'Pause between polls' }),
  lookbackMs: Type.Integer({
    minimum: 0,
    default: 120_000,
    description:
      'How far below the newest handled tweet each poll looks again, for tweets the API surfaces late (out of order); each is still delivered once',
  }),
  startFrom: Type.Union([Type.Literal('now'), Type.Literal('beginning')], {
    default: 'now',
    description:
      "Without a stored position: 'now' (tweets from now on) or 'beginning' (every tweet the endpoint returns)",
  }),
  pageSize: Type.Integer({ minimum: 10, maximum: 100, default: 100, description: 'Tweets per request' }),
  tweetFields: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      description: 'Extra tweet.fields (author_id and created_at are always asked for)',
    }),
  ),
  userFields: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), { description: 'user.fields of the author' }),
  ),
};

/** The event both polling triggers emit: one tweet, its author and what the expansions pulled in. */
export const TweetEvent = Type.Object({
  tweet: Tweet,
  author: Type.Optional(User),
  includes: Type.Optional(Includes),
});

export interface PollSource {
  readonly name: string;
  readonly endpoint: string;
  readonly query: Readonly<Record<string, string>>;
  readonly client: TwitterClient;
  readonly config: {
    readonly intervalMs: number;
    readonly lookbackMs: number;
    readonly startFrom: 'now' | 'beginning';
    readonly pageSize: number;
    readonly tweetFields?: readonly string[] | undefined;
    readonly userFields?: readonly string[] | undefined;
  };
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly state: TriggerState;
  emit(event: { tweet: Tweet; author?: User; includes?: Includes }): Promise<void>;
}

interface Body {
  readonly data?: readonly Tweet[];
  readonly includes?: Includes;
  readonly errors?: readonly unknown[];
  readonly meta?: { readonly next_token?: string };
}

/** The lowest id a poll asks for (exclusive), from the newest id handled. */
function floorOf(position: PollPosition, lookbackMs: number): string | undefined {
  if (position.newestId === undefined) return undefined;
  const floor = snowflakeAt(snowflakeTime(position.newestId) - lookbackMs);
  return compareIds(floor, position.newestId) < 0 ? floor : position.newestId;
}

/** Every tweet newer than `sinceId`, following the page tokens; waits out spent windows. */
async function readSince(source: PollSource, sinceId: string | undefined, pageSize: number) {
  const tweets: Tweet[] = [];
  const users = new Map<string, User>();
  const tokenParameter = source.endpoint.includes('search') ? 'next_token' : 'pagination_token';
  const tweetFields = [...new Set(['author_id', 'created_at', ...(source.config.tweetFields ?? [])])];
  let token: string | undefined;
  do {
    const query: Record<string, string | number> = {
      ...source.query,
      max_results: pageSize,
      'tweet.fields': tweetFields.join(','),
      expansions: 'author_id',
      ...(source.config.userFields === undefined
        ? {}
        : { 'user.fields': source.config.userFields.join(',') }),
      ...(sinceId === undefined ? {} : { since_id: sinceId }),
      ...(token === undefined ? {} : { [tokenParameter]: token }),
    };
    const body = (await source.client.call(
      source.name,
      source.signal,
      (v2) => v2.get(source.endpoint, query),
      { rateLimit: WAIT_FOR_RESET },
    )) as Body;
    if (body.data === undefined && body.errors !== undefined && body.errors.length > 0) {
      throw fromPartialErrors(body, source.name);
    }
    tweets.push(...(body.data ?? []));
    for (const user of body.includes?.users ?? []) users.set(user.id, user);
    token = body.meta?.next_token;
  } while (token !== undefined && !source.signal.aborted);
  return { tweets, users };
}

async function initialPosition(source: PollSource): Promise<PollPosition> {
  if (source.config.startFrom === 'beginning') return { seen: [] };
  // 'now': the newest tweet there is, and every tweet inside the look-back window, count as handled.
  const minimum = source.endpoint.includes('search') ? 10 : 5;
  const newest = await readNewest(source, minimum);
  const newestId = newest ?? snowflakeAt(Date.now());
  const floor = floorOf({ newestId, seen: [] }, source.config.lookbackMs);
  const { tweets } = await readSince(source, floor, source.config.pageSize);
  return { newestId, seen: tweets.map((tweet) => tweet.id) };
}

async function readNewest(source: PollSource, pageSize: number): Promise<string | undefined> {
  const body = (await source.client.call(
    source.name,
    source.signal,
    (v2) => v2.get(source.endpoint, { ...source.query, max_results: pageSize }),
    { rateLimit: WAIT_FOR_RESET },
  )) as Body;
  return body.data?.[0]?.id;
}

/**
 * Polls an endpoint that lists tweets newest first, and emits every tweet once (at least once:
 * the position moves only after the flow handled the tweet), oldest first. Returns the stop function.
 */
export async function startPolling(source: PollSource): Promise<() => Promise<void>> {
  const { state, log, signal, config } = source;
  let position = (await state.get<PollPosition>(POSITION_KEY)) ?? (await initialPosition(source));
  await state.set(POSITION_KEY, position);

  const poll = async (): Promise<void> => {
    const floor = floorOf(position, config.lookbackMs);
    const { tweets, users } = await readSince(source, floor, config.pageSize);
    const seen = new Set(position.seen);
    const fresh = tweets
      .filter(
        (tweet, index) => !seen.has(tweet.id) && tweets.findIndex((other) => other.id === tweet.id) === index,
      )
      .sort((a, b) => compareIds(a.id, b.id));
    for (const tweet of fresh) {
      if (signal.aborted) return;
      const author = tweet.author_id === undefined ? undefined : users.get(tweet.author_id);
      try {
        await source.emit({ tweet, ...(author === undefined ? {} : { author }) });
      } catch (error) {
        // Not acknowledged: the position stays, and the next poll delivers it again.
        log.warn('a tweet was not handled; it will be delivered again', {
          tweetId: tweet.id,
          code: (error as ConnectorError).code,
        });
        return;
      }
      const newestId =
        position.newestId === undefined || compareIds(tweet.id, position.newestId) > 0
          ? tweet.id
          : position.newestId;
      const nextFloor = floorOf({ newestId, seen: [] }, config.lookbackMs) ?? '0';
      position = {
        newestId,
        seen: [...position.seen, tweet.id].filter((id) => compareIds(id, nextFloor) > 0 || id === newestId),
      };
      await state.set(POSITION_KEY, position);
    }
  };

  const loop = (async () => {
    while (!signal.aborted) {
      try {
        await poll();
      } catch (error) {
        if (signal.aborted) break;
        const failure = error as ConnectorError;
        log.warn('polling failed; trying again after the interval', {
          trigger: source.name,
          code: failure.code,
          error: failure.message,
        });
      }
      await sleep(config.intervalMs, signal).catch(() => undefined);
    }
  })();
  return () => loop;
}
