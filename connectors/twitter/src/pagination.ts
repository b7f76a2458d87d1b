import { fromPartialErrors } from './error-mapping.js';
import type { Includes, Tweet, TweetList } from './schemas.js';
import type { CallOptions, TwitterClient } from './twitter-client.js';

interface ListBody {
  readonly data?: readonly Tweet[];
  readonly includes?: Includes;
  readonly errors?: readonly unknown[];
  readonly meta?: {
    readonly result_count?: number;
    readonly newest_id?: string;
    readonly oldest_id?: string;
    readonly next_token?: string;
  };
}

export interface ListRequest {
  readonly operation: string;
  /** Endpoint relative to the API base, e.g. `tweets/search/recent`. */
  readonly endpoint: string;
  readonly query: Readonly<Record<string, string | number>>;
  /** `next_token` (search) or `pagination_token` (timelines). */
  readonly tokenParameter: 'next_token' | 'pagination_token';
  readonly maxResults: number;
  readonly maxPages: number;
  readonly nextToken?: string | undefined;
}

function mergeById<T extends { readonly id?: unknown }>(into: T[], items: readonly T[] | undefined): void {
  for (const item of items ?? []) {
    if (!into.some((existing) => existing.id === item.id)) into.push(item);
  }
}

/** Reads up to `maxPages` pages of a tweet list, following the API's token; newest first. */
export async function readTweetPages(
  client: TwitterClient,
  signal: AbortSignal,
  request: ListRequest,
  options: CallOptions = {},
): Promise<TweetList> {
  const tweets: Tweet[] = [];
  const users: NonNullable<Includes['users']>[number][] = [];
  const referenced: Tweet[] = [];
  const polls: Record<string, unknown>[] = [];
  let token = request.nextToken;
  let newestId: string | undefined;
  let oldestId: string | undefined;
  for (let page = 0; page < request.maxPages; page += 1) {
    const query = {
      ...request.query,
      max_results: request.maxResults,
      ...(token === undefined ? {} : { [request.tokenParameter]: token }),
    };
    const body = (await client.call(
      request.operation,
      signal,
      (v2) => v2.get(request.endpoint, query),
      options,
    )) as ListBody;
    if (body.data === undefined && body.errors !== undefined && body.errors.length > 0) {
      throw fromPartialErrors(body, request.operation);
    }
    tweets.push(...(body.data ?? []));
    mergeById(users, body.includes?.users);
    mergeById(referenced, body.includes?.tweets);
    mergeById(polls, body.includes?.polls as Record<string, unknown>[] | undefined);
    newestId ??= body.meta?.newest_id;
    oldestId = body.meta?.oldest_id ?? oldestId;
    token = body.meta?.next_token;
    if (token === undefined) break;
  }
  const includes: Includes = {
    ...(users.length > 0 ? { users } : {}),
    ...(referenced.length > 0 ? { tweets: referenced } : {}),
    ...(polls.length > 0 ? { polls } : {}),
  };
  return {
    tweets,
    ...(Object.keys(includes).length > 0 ? { includes } : {}),
    resultCount: tweets.length,
    ...(newestId === undefined ? {} : { newestId }),
    ...(oldestId === undefined ? {} : { oldestId }),
    ...(token === undefined ? {} : { nextToken: token }),
  };
}

/** The query parameters of the common paging inputs. */
export function pagingQuery(input: {
  readonly sinceId?: string | undefined;
  readonly untilId?: string | undefined;
  readonly startTime?: string | undefined;
  readonly endTime?: string | undefined;
}): Record<string, string> {
  const query: Record<string, string> = {};
  if (input.sinceId !== undefined) query.since_id = input.sinceId;
  if (input.untilId !== undefined) query.until_id = input.untilId;
  if (input.startTime !== undefined) query.start_time = input.startTime;
  if (input.endTime !== undefined) query.end_time = input.endTime;
  return query;
}
