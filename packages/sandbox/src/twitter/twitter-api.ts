import { createHmac, timingSafeEqual } from 'node:crypto';
import { type EmulatorResponse, json } from '../define-emulator.js';
import type { EmulatorRequest } from '../emulator-request.js';
import { matchesQuery, parseSearchQuery, SearchQueryError } from './twitter-search.js';
import {
  addTweet,
  compareIds,
  findTweet,
  findUser,
  nextId,
  type RateWindow,
  type TwitterState,
  type TwitterTweet,
  type TwitterUser,
} from './twitter-state.js';

const PROBLEMS = 'https://api.twitter.com/2/problems';

/** Who a request acts as: the app (app-only bearer token) or a user (OAuth 2.0 user token or OAuth 1.0a). */
export type TwitterCaller =
  | { readonly kind: 'app' }
  | { readonly kind: 'user'; readonly user: TwitterUser; readonly via: 'oauth2' | 'oauth1' };

interface Call {
  readonly state: TwitterState;
  readonly request: EmulatorRequest;
  readonly caller: TwitterCaller;
  /** Path parameters of the route (`:id` …). */
  readonly path: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Readonly<Record<string, unknown>>;
}

type Handler = (call: Call) => EmulatorResponse;

interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly matcher: RegExp;
  readonly names: readonly string[];
  /** `user`: refuses app-only tokens with 403, as the API does for endpoints that act as a user. */
  readonly context: 'any' | 'user';
  readonly handler: Handler;
}

/** An API error already in the API's wire format. */
class TwitterProblem extends Error {
  constructor(readonly response: EmulatorResponse) {
    super(`HTTP ${response.status}`);
  }
}

/** A problem+json body, as API v2 sends for errors that concern the whole request. */
export function problem(
  status: number,
  title: string,
  detail: string,
  type = 'about:blank',
  extra: Readonly<Record<string, unknown>> = {},
): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: { title, detail, type, status, ...extra },
  };
}

/** The 400 answer to invalid parameters: an `errors` array naming each parameter. */
export function invalidRequest(parameter: string, value: string, message: string): EmulatorResponse {
  return {
    status: 400,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: {
      errors: [{ parameters: { [parameter]: [value] }, message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: `${PROBLEMS}/invalid-request`,
    },
  };
}

function fail(response: EmulatorResponse): never {
  throw new TwitterProblem(response);
}

const unauthorized = (): EmulatorResponse => problem(401, 'Unauthorized', 'Unauthorized');

function notFoundError(resourceType: 'tweet' | 'user', parameter: string, value: string, detail: string) {
  return {
    value,
    detail,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: `${PROBLEMS}/resource-not-found`,
  };
}

// ---------------------------------------------------------------------------------------------
// Authentication

function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function parseOAuthHeader(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of header.slice('OAuth '.length).matchAll(/([\w-]+)="([^"]*)"/g)) {
    params[decodeURIComponent(match[1] as string)] = decodeURIComponent(match[2] as string);
  }
  return params;
}

/** Checks an OAuth 1.0a HMAC-SHA1 signature (query and form parameters signed; JSON bodies are not). */
function verifyOAuth1(
  request: EmulatorRequest,
  params: Readonly<Record<string, string>>,
  consumerSecret: string,
  tokenSecret: string,
): boolean {
  const signed: [string, string][] = Object.entries(params).filter(([key]) => key !== 'oauth_signature');
  for (const [key, value] of request.query) signed.push([key, value]);
  const contentType = request.headers['content-type'] ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) signed.push([key, value]);
  }
  const parameterString = signed
    .map(([key, value]) => [percentEncode(key), percentEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const baseUrl = `http://${request.headers.host ?? ''}${request.path}`;
  const base = [request.method.toUpperCase(), percentEncode(baseUrl), percentEncode(parameterString)].join(
    '&',
  );
  const expected = createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`)
    .update(base)
    .digest();
  const given = Buffer.from(params.oauth_signature ?? '', 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Who sent the request, or undefined when the credential is missing or not accepted. */
export function authenticate(state: TwitterState, request: EmulatorRequest): TwitterCaller | undefined {
  const header = request.headers.authorization?.trim() ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  if (bearer !== undefined) {
    if (bearer === state.bearerToken) return { kind: 'app' };
    const token = state.userTokens.find(
      (candidate) => candidate.kind === 'oauth2' && candidate.token === bearer,
    );
    const user = token === undefined ? undefined : findUser(state, token.userId);
    return user === undefined ? undefined : { kind: 'user', user, via: 'oauth2' };
  }
  if (header.startsWith('OAuth ')) {
    const params = parseOAuthHeader(header);
    if (params.oauth_consumer_key !== state.consumerKey) return undefined;
    const token = state.userTokens.find(
      (candidate) => candidate.kind === 'oauth1' && candidate.token === params.oauth_token,
    );
    if (token === undefined || !verifyOAuth1(request, params, state.consumerSecret, token.secret ?? '')) {
      return undefined;
    }
    const user = findUser(state, token.userId);
    return user === undefined ? undefined : { kind: 'user', user, via: 'oauth1' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Rate limits

function credentialKey(caller: TwitterCaller): string {
  return caller.kind === 'app' ? 'app' : `user:${caller.user.id}`;
}

/** The current window of a route for one credential (a fresh one once the reset time has passed). */
export function rateWindow(
  state: TwitterState,
  route: string,
  credential: string,
  now = Date.now(),
): RateWindow {
  const key = `${route} ${credential}`;
  const seconds = Math.floor(now / 1000);
  const current = state.windows[key];
  if (current !== undefined && current.reset > seconds) return current;
  const limit = state.rateLimits[route] ?? 900;
  const fresh: RateWindow = { limit, remaining: limit, reset: seconds + state.rateLimitWindowSeconds };
  state.windows[key] = fresh;
  return fresh;
}

function rateHeaders(window: RateWindow): Record<string, string> {
  return {
    'x-rate-limit-limit': String(window.limit),
    'x-rate-limit-remaining': String(window.remaining),
    'x-rate-limit-reset': String(window.reset),
  };
}

/** Spends what is left of a route's window for every credential, until `resetInSeconds` from now. */
export function spendRateWindow(state: TwitterState, route: string, resetInSeconds: number): void {
  const credentials = ['app', ...state.users.map((user) => `user:${user.id}`)];
  const reset = Math.ceil((Date.now() + resetInSeconds * 1000) / 1000);
  for (const credential of credentials) {
    const window = rateWindow(state, route, credential);
    state.windows[`${route} ${credential}`] = { limit: window.limit, remaining: 0, reset };
  }
}

// ---------------------------------------------------------------------------------------------
// Fields and expansions

const TWEET_FIELDS = [
  'attachments',
  'author_id',
  'conversation_id',
  'created_at',
  'edit_history_tweet_ids',
  'entities',
  'id',
  'in_reply_to_user_id',
  'lang',
  'possibly_sensitive',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'text',
] as const;
const USER_FIELDS = [
  'created_at',
  'description',
  'id',
  'name',
  'protected',
  'public_metrics',
  'username',
  'verified',
] as const;
const POLL_FIELDS = ['duration_minutes', 'end_datetime', 'id', 'options', 'voting_status'] as const;
const TWEET_EXPANSIONS = [
  'attachments.poll_ids',
  'author_id',
  'entities.mentions.username',
  'in_reply_to_user_id',
  'referenced_tweets.id',
  'referenced_tweets.id.author_id',
] as const;
const USER_EXPANSIONS = ['pinned_tweet_id'] as const;

function listParameter(query: URLSearchParams, name: string, allowed: readonly string[]): Set<string> {
  const raw = query.get(name);
  if (raw === null || raw === '') return new Set();
  const values = raw.split(',').map((value) => value.trim());
  for (const value of values) {
    if (!allowed.includes(value)) {
      fail(
        invalidRequest(
          name,
          value,
          `The \`${name}\` query parameter value [${value}] is not one of [${allowed.join(',')}]`,
        ),
      );
    }
  }
  return new Set(values);
}

interface Rendering {
  readonly tweetFields: Set<string>;
  readonly userFields: Set<string>;
  readonly pollFields: Set<string>;
  readonly expansions: Set<string>;
}

function renderingOf(query: URLSearchParams, kind: 'tweet' | 'user'): Rendering {
  return {
    tweetFields: listParameter(query, 'tweet.fields', TWEET_FIELDS),
    userFields: listParameter(query, 'user.fields', USER_FIELDS),
    pollFields: listParameter(query, 'poll.fields', POLL_FIELDS),
    expansions: listParameter(query, 'expansions', kind === 'tweet' ? TWEET_EXPANSIONS : USER_EXPANSIONS),
  };
}

function tweetJson(state: TwitterState, tweet: TwitterTweet, fields: Set<string>): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: tweet.id,
    text: tweet.text,
    edit_history_tweet_ids: [tweet.id],
  };
  if (fields.has('author_id')) body.author_id = tweet.authorId;
  if (fields.has('created_at')) body.created_at = tweet.createdAt;
  if (fields.has('conversation_id')) body.conversation_id = tweet.conversationId;
  if (fields.has('in_reply_to_user_id') && tweet.inReplyToUserId !== undefined)
    body.in_reply_to_user_id = tweet.inReplyToUserId;
  if (fields.has('referenced_tweets') && tweet.referencedTweets.length > 0)
    body.referenced_tweets = tweet.referencedTweets.map((reference) => ({ ...reference }));
  if (fields.has('attachments') && tweet.poll !== undefined) body.attachments = { poll_ids: [tweet.poll.id] };
  if (fields.has('lang')) body.lang = 'en';
  if (fields.has('possibly_sensitive')) body.possibly_sensitive = false;
  if (fields.has('reply_settings')) body.reply_settings = 'everyone';
  if (fields.has('entities')) {
    const entities: Record<string, unknown> = {};
    const mentions = entityPositions(tweet.text, '@', tweet.mentions).map((mention) => ({
      ...mention.span,
      username: mention.value,
      ...(findUser(state, mention.value) === undefined ? {} : { id: findUser(state, mention.value)?.id }),
    }));
    const hashtags = entityPositions(tweet.text, '#', tweet.hashtags).map((hashtag) => ({
      ...hashtag.span,
      tag: hashtag.value,
    }));
    if (mentions.length > 0) entities.mentions = mentions;
    if (hashtags.length > 0) entities.hashtags = hashtags;
    if (Object.keys(entities).length > 0) body.entities = entities;
  }
  if (fields.has('public_metrics')) {
    const live = state.tweets.filter((other) => !other.deleted);
    const referencing = (type: string) =>
      live.filter((other) => other.referencedTweets.some((ref) => ref.type === type && ref.id === tweet.id))
        .length;
    body.public_metrics = {
      retweet_count: referencing('retweeted'),
      reply_count: referencing('replied_to'),
      like_count: state.likes.filter((like) => like.endsWith(`:${tweet.id}`)).length,
      quote_count: referencing('quoted'),
      bookmark_count: 0,
      impression_count: 0,
    };
  }
  return body;
}

function entityPositions(
  text: string,
  sign: string,
  values: readonly string[],
): { span: { start: number; end: number }; value: string }[] {
  const found: { span: { start: number; end: number }; value: string }[] = [];
  let from = 0;
  for (const value of values) {
    const start = text.indexOf(`${sign}${value}`, from);
    if (start === -1) continue;
    const end = start + value.length + 1;
    found.push({ span: { start, end }, value });
    from = end;
  }
  return found;
}

function userJson(state: TwitterState, user: TwitterUser, fields: Set<string>): Record<string, unknown> {
  const body: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
  if (fields.has('created_at')) body.created_at = user.createdAt;
  if (fields.has('description')) body.description = user.description;
  if (fields.has('protected')) body.protected = user.protected;
  if (fields.has('verified')) body.verified = user.verified;
  if (fields.has('public_metrics')) {
    body.public_metrics = {
      followers_count: state.follows.filter((follow) => follow.endsWith(`:${user.id}`)).length,
      following_count: state.follows.filter((follow) => follow.startsWith(`${user.id}:`)).length,
      tweet_count: state.tweets.filter((tweet) => tweet.authorId === user.id && !tweet.deleted).length,
      listed_count: 0,
    };
  }
  return body;
}

function pollJson(tweet: TwitterTweet): Record<string, unknown> | undefined {
  const poll = tweet.poll;
  if (poll === undefined) return undefined;
  return {
    id: poll.id,
    options: poll.options.map((option) => ({ ...option })),
    duration_minutes: poll.durationMinutes,
    end_datetime: poll.endDatetime,
    voting_status: Date.parse(poll.endDatetime) > Date.now() ? 'open' : 'closed',
  };
}

/** `data` plus the `includes` the expansions ask for. */
function tweetsBody(state: TwitterState, tweets: readonly TwitterTweet[], rendering: Rendering) {
  const data = tweets.map((tweet) => tweetJson(state, tweet, rendering.tweetFields));
  const users = new Map<string, TwitterUser>();
  const included = new Map<string, TwitterTweet>();
  const polls: Record<string, unknown>[] = [];
  const addUser = (id: string | undefined): void => {
    const user = id === undefined ? undefined : findUser(state, id);
    if (user !== undefined) users.set(user.id, user);
  };
  const { expansions } = rendering;
  for (const tweet of tweets) {
    if (expansions.has('author_id')) addUser(tweet.authorId);
    if (expansions.has('in_reply_to_user_id')) addUser(tweet.inReplyToUserId);
    if (expansions.has('entities.mentions.username')) for (const name of tweet.mentions) addUser(name);
    if (expansions.has('attachments.poll_ids')) {
      const poll = pollJson(tweet);
      if (poll !== undefined) polls.push(poll);
    }
    if (expansions.has('referenced_tweets.id') || expansions.has('referenced_tweets.id.author_id')) {
      for (const reference of tweet.referencedTweets) {
        const referenced = findTweet(state, reference.id);
        if (referenced === undefined) continue;
        if (expansions.has('referenced_tweets.id')) included.set(referenced.id, referenced);
        if (expansions.has('referenced_tweets.id.author_id')) addUser(referenced.authorId);
      }
    }
  }
  const includes: Record<string, unknown> = {};
  if (users.size > 0)
    includes.users = [...users.values()].map((user) => userJson(state, user, rendering.userFields));
  if (included.size > 0)
    includes.tweets = [...included.values()].map((tweet) => tweetJson(state, tweet, rendering.tweetFields));
  if (polls.length > 0) includes.polls = polls;
  return { data, ...(Object.keys(includes).length > 0 ? { includes } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Paging

const TOKEN_PREFIX = 'sbx1:';

function pageToken(id: string): string {
  return Buffer.from(`${TOKEN_PREFIX}${id}`).toString('base64url');
}

function pageAfter(query: URLSearchParams, parameter: string): string | undefined {
  const raw = query.get(parameter);
  if (raw === null || raw === '') return undefined;
  const decoded = Buffer.from(raw, 'base64url').toString('utf8');
  if (!decoded.startsWith(TOKEN_PREFIX) || !/^\d+$/.test(decoded.slice(TOKEN_PREFIX.length))) {
    fail(invalidRequest(parameter, raw, `The \`${parameter}\` query parameter value [${raw}] is not valid`));
  }
  return decoded.slice(TOKEN_PREFIX.length);
}

function integerParameter(query: URLSearchParams, name: string, min: number, max: number, fallback: number) {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(
      invalidRequest(
        name,
        raw,
        `The \`${name}\` query parameter value [${raw}] is not between ${min} and ${max}`,
      ),
    );
  }
  return value;
}

function idParameter(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,19}$/.test(raw)) {
    fail(
      invalidRequest(
        name,
        raw,
        `The \`${name}\` query parameter value [${raw}] does not match ^[0-9]{1,19}$`,
      ),
    );
  }
  return raw;
}

function timeParameter(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const time = Date.parse(raw);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(raw)) {
    fail(invalidRequest(name, raw, `Invalid '${name}':'${raw}'. '${name}' must be a RFC 3339 timestamp.`));
  }
  return time;
}

/** One page of tweets, newest first, with `since_id`/`until_id`/times and the page token. */
function tweetPage(
  call: Call,
  candidates: readonly TwitterTweet[],
  options: { readonly min: number; readonly max: number; readonly tokenParameter: string },
): EmulatorResponse {
  const { query } = call;
  const maxResults = integerParameter(query, 'max_results', options.min, options.max, 10);
  const sinceId = idParameter(query, 'since_id');
  const untilId = idParameter(query, 'until_id');
  const startTime = timeParameter(query, 'start_time');
  const endTime = timeParameter(query, 'end_time');
  const after = pageAfter(query, options.tokenParameter);
  const rendering = renderingOf(query, 'tweet');
  const matching = candidates
    .filter((tweet) => !tweet.deleted)
    .filter((tweet) => sinceId === undefined || compareIds(tweet.id, sinceId) > 0)
    .filter((tweet) => untilId === undefined || compareIds(tweet.id, untilId) < 0)
    .filter((tweet) => startTime === undefined || Date.parse(tweet.createdAt) >= startTime)
    .filter((tweet) => endTime === undefined || Date.parse(tweet.createdAt) < endTime)
    .filter((tweet) => after === undefined || compareIds(tweet.id, after) < 0)
    .sort((a, b) => compareIds(b.id, a.id));
  const page = matching.slice(0, maxResults);
  const newest = page[0];
  const oldest = page.at(-1);
  const meta: Record<string, unknown> = { result_count: page.length };
  if (newest !== undefined && oldest !== undefined) {
    meta.newest_id = newest.id;
    meta.oldest_id = oldest.id;
    if (matching.length > page.length) meta.next_token = pageToken(oldest.id);
  }
  if (page.length === 0) return json(200, { meta });
  return json(200, { ...tweetsBody(call.state, page, rendering), meta });
}

// ---------------------------------------------------------------------------------------------
// Endpoints

function requireUser(call: Call): TwitterUser {
  if (call.caller.kind !== 'user') {
    fail(
      problem(
        403,
        'Unsupported Authentication',
        'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
        `${PROBLEMS}/unsupported-authentication`,
      ),
    );
  }
  return call.caller.user;
}

/** The `:id` of a user-context route must be the authenticated user. */
function requireSelf(call: Call, parameter = 'id'): TwitterUser {
  const user = requireUser(call);
  if (call.path[parameter] !== user.id) {
    fail(
      problem(
        403,
        'Forbidden',
        `You are not permitted to perform this action on behalf of user ${call.path[parameter]}: the id must be the authenticated user's (${user.id}).`,
      ),
    );
  }
  return user;
}

function stringField(call: Call, name: string): string {
  const value = call.body[name];
  if (typeof value !== 'string' || value === '') {
    fail(invalidRequest(name, String(value ?? ''), `\`${name}\` is required and must be a string`));
  }
  return value;
}

function existingUser(call: Call, id: string, parameter: string): TwitterUser {
  const user = findUser(call.state, id);
  if (user === undefined || user.id !== id) {
    fail(
      problem(
        404,
        'Not Found Error',
        `Could not find user with ${parameter}: [${id}].`,
        `${PROBLEMS}/resource-not-found`,
        {
          resource_type: 'user',
          parameter,
          value: id,
        },
      ),
    );
  }
  return user;
}

function existingTweet(call: Call, id: string, parameter: string): TwitterTweet {
  const tweet = /^\d{1,19}$/.test(id) ? findTweet(call.state, id) : undefined;
  if (tweet === undefined) {
    fail(
      problem(
        404,
        'Not Found Error',
        `Could not find tweet with ${parameter}: [${id}].`,
        `${PROBLEMS}/resource-not-found`,
        {
          resource_type: 'tweet',
          parameter,
          value: id,
        },
      ),
    );
  }
  return tweet;
}

function createTweet(call: Call): EmulatorResponse {
  const author = requireUser(call);
  const { body, state } = call;
  const reply = body.reply as { in_reply_to_tweet_id?: unknown } | undefined;
  const pollInput = body.poll as { options?: unknown; duration_minutes?: unknown } | undefined;
  const text = typeof body.text === 'string' ? body.text : '';
  if (text === '' && pollInput === undefined && body.quote_tweet_id === undefined) {
    fail(invalidRequest('text', '', 'You must specify text, media, a poll or a quote tweet'));
  }
  if ([...text].length > 280) {
    fail(problem(403, 'Forbidden', 'You are not permitted to create a Tweet longer than 280 characters.'));
  }
  const duplicate = state.tweets.some(
    (tweet) => !tweet.deleted && tweet.authorId === author.id && text !== '' && tweet.text === text,
  );
  if (duplicate)
    fail(problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.'));
  let replyTo: TwitterTweet | undefined;
  if (reply !== undefined) {
    const id = String(reply.in_reply_to_tweet_id ?? '');
    replyTo = findTweet(state, id);
    if (replyTo === undefined) {
      fail(
        problem(403, 'Forbidden', 'You attempted to reply to a Tweet that is deleted or not visible to you.'),
      );
    }
  }
  let quote: TwitterTweet | undefined;
  if (body.quote_tweet_id !== undefined) {
    const id = String(body.quote_tweet_id);
    quote = findTweet(state, id);
    if (quote === undefined) {
      fail(invalidRequest('quote_tweet_id', id, `The \`quote_tweet_id\` [${id}] is not a Tweet you can see`));
    }
  }
  let poll: { options: string[]; durationMinutes: number } | undefined;
  if (pollInput !== undefined) {
    const options = pollInput.options;
    if (
      !Array.isArray(options) ||
      options.length < 2 ||
      options.length > 4 ||
      options.some((option) => typeof option !== 'string' || option.length < 1 || option.length > 25)
    ) {
      fail(
        invalidRequest(
          'poll.options',
          JSON.stringify(options),
          'A poll needs 2 to 4 options of 1 to 25 characters',
        ),
      );
    }
    const duration = Number(pollInput.duration_minutes);
    if (!Number.isInteger(duration) || duration < 5 || duration > 10_080) {
      fail(
        invalidRequest(
          'poll.duration_minutes',
          String(pollInput.duration_minutes),
          'The poll duration must be between 5 and 10080 minutes',
        ),
      );
    }
    poll = { options: options as string[], durationMinutes: duration };
  }
  const tweet = addTweet(state, { author, text, replyTo, quote, poll });
  return json(201, { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } });
}

function deleteTweet(call: Call): EmulatorResponse {
  const user = requireUser(call);
  const tweet = existingTweet(call, call.path.id as string, 'id');
  if (tweet.authorId !== user.id) {
    fail(problem(403, 'Forbidden', 'You are not authorized to delete this Tweet.'));
  }
  tweet.deleted = true;
  return json(200, { data: { deleted: true } });
}

function lookupTweets(call: Call, ids: readonly string[], parameter: string): EmulatorResponse {
  const rendering = renderingOf(call.query, 'tweet');
  const found = ids.map((id) => findTweet(call.state, id)).filter((tweet) => tweet !== undefined);
  const errors = ids
    .filter((id) => findTweet(call.state, id) === undefined)
    .map((id) => notFoundError('tweet', parameter, id, `Could not find tweet with ${parameter}: [${id}].`));
  const body: Record<string, unknown> = found.length > 0 ? tweetsBody(call.state, found, rendering) : {};
  if (parameter === 'id' && body.data !== undefined) body.data = (body.data as unknown[])[0];
  if (errors.length > 0) body.errors = errors;
  return json(200, body);
}

function lookupUser(
  call: Call,
  user: TwitterUser | undefined,
  parameter: string,
  value: string,
): EmulatorResponse {
  const rendering = renderingOf(call.query, 'user');
  if (user === undefined) {
    const what = parameter === 'username' ? 'username' : 'id';
    return json(200, {
      errors: [notFoundError('user', parameter, value, `Could not find user with ${what}: [${value}].`)],
    });
  }
  return json(200, { data: userJson(call.state, user, rendering.userFields) });
}

function visibleInSearch(state: TwitterState): TwitterTweet[] {
  const weekAgo = Date.now() - 7 * 86_400_000;
  return state.tweets.filter(
    (tweet) => tweet.indexed && !tweet.deleted && Date.parse(tweet.createdAt) >= weekAgo,
  );
}

function searchRecent(call: Call): EmulatorResponse {
  const raw = call.query.get('query');
  if (raw === null || raw.trim() === '') {
    fail(invalidRequest('query', '', 'The `query` query parameter can not be empty'));
  }
  if (raw.length > 512) {
    fail(invalidRequest('query', raw, 'The `query` query parameter value is longer than 512 characters'));
  }
  let parsed: ReturnType<typeof parseSearchQuery>;
  try {
    parsed = parseSearchQuery(raw);
  } catch (error) {
    if (!(error instanceof SearchQueryError)) throw error;
    fail(invalidRequest('query', raw, `There were errors processing your request: ${error.message}`));
  }
  const matching = visibleInSearch(call.state).filter((tweet) => matchesQuery(call.state, tweet, parsed));
  return tweetPage(call, matching, { min: 10, max: 100, tokenParameter: 'next_token' });
}

function timeline(call: Call): EmulatorResponse {
  const user = existingUser(call, call.path.id as string, 'id');
  const exclude = listParameter(call.query, 'exclude', ['replies', 'retweets']);
  const tweets = call.state.tweets.filter(
    (tweet) =>
      tweet.authorId === user.id &&
      !(
        exclude.has('retweets') && tweet.referencedTweets.some((reference) => reference.type === 'retweeted')
      ) &&
      !(
        exclude.has('replies') && tweet.referencedTweets.some((reference) => reference.type === 'replied_to')
      ),
  );
  return tweetPage(call, tweets, { min: 5, max: 100, tokenParameter: 'pagination_token' });
}

function mentions(call: Call): EmulatorResponse {
  const user = existingUser(call, call.path.id as string, 'id');
  const name = user.username.toLowerCase();
  const tweets = call.state.tweets.filter(
    (tweet) => tweet.indexed && tweet.mentions.some((mention) => mention.toLowerCase() === name),
  );
  return tweetPage(call, tweets, { min: 5, max: 100, tokenParameter: 'pagination_token' });
}

function like(call: Call): EmulatorResponse {
  const user = requireSelf(call);
  const tweet = existingTweet(call, stringField(call, 'tweet_id'), 'tweet_id');
  const key = `${user.id}:${tweet.id}`;
  if (!call.state.likes.includes(key)) call.state.likes.push(key);
  return json(200, { data: { liked: true } });
}

function unlike(call: Call): EmulatorResponse {
  const user = requireSelf(call);
  const key = `${user.id}:${call.path.tweet_id}`;
  const index = call.state.likes.indexOf(key);
  if (index !== -1) call.state.likes.splice(index, 1);
  return json(200, { data: { liked: false } });
}

function retweetOf(state: TwitterState, userId: string, tweetId: string): TwitterTweet | undefined {
  return state.tweets.find(
    (tweet) =>
      !tweet.deleted &&
      tweet.authorId === userId &&
      tweet.referencedTweets.some((reference) => reference.type === 'retweeted' && reference.id === tweetId),
  );
}

function retweet(call: Call): EmulatorResponse {
  const user = requireSelf(call);
  const source = existingTweet(call, stringField(call, 'tweet_id'), 'tweet_id');
  const existing = retweetOf(call.state, user.id, source.id);
  const author = findUser(call.state, source.authorId);
  const created =
    existing ??
    addTweet(call.state, {
      author: user,
      text: `RT @${author?.username ?? 'unknown'}: ${source.text}`,
      retweetOf: source,
    });
  return json(200, { data: { retweeted: true, rest_id: created.id } });
}

function unretweet(call: Call): EmulatorResponse {
  const user = requireSelf(call);
  const existing = retweetOf(call.state, user.id, call.path.tweet_id as string);
  if (existing !== undefined) existing.deleted = true;
  return json(200, { data: { retweeted: false } });
}

function follow(call: Call): EmulatorResponse {
  const user = requireSelf(call);
  const target = existingUser(call, stringField(call, 'target_user_id'), 'target_user_id');
  if (target.id === user.id) fail(problem(403, 'Forbidden', 'You cannot follow yourself.'));
  const key = `${user.id}:${target.id}`;
  if (!target.protected && !call.state.follows.includes(key)) call.state.follows.push(key);
  return json(200, { data: { following: !target.protected, pending_follow: target.protected } });
}

function unfollow(call: Call): EmulatorResponse {
  const user = requireSelf(call);
  const index = call.state.follows.indexOf(`${user.id}:${call.path.target_user_id}`);
  if (index !== -1) call.state.follows.splice(index, 1);
  return json(200, { data: { following: false } });
}

function sendDirectMessage(call: Call): EmulatorResponse {
  const sender = requireUser(call);
  const participantId = call.path.participant_id as string;
  const recipient = findUser(call.state, participantId);
  if (recipient === undefined || recipient.id !== participantId) {
    fail(
      invalidRequest(
        'participant_id',
        participantId,
        `The \`participant_id\` [${participantId}] is not a user`,
      ),
    );
  }
  if (recipient.id === sender.id) {
    fail(problem(403, 'Forbidden', 'You cannot send a Direct Message to yourself.'));
  }
  const text = stringField(call, 'text');
  if ([...text].length > 10_000) {
    fail(invalidRequest('text', text.slice(0, 20), 'A Direct Message is at most 10000 characters'));
  }
  const [low, high] = [sender.id, recipient.id].sort(compareIds);
  const message = {
    id: nextId(call.state),
    dmConversationId: `${low}-${high}`,
    senderId: sender.id,
    recipientId: recipient.id,
    text,
    createdAt: new Date().toISOString(),
  };
  call.state.directMessages.push(message);
  return json(201, { data: { dm_conversation_id: message.dmConversationId, dm_event_id: message.id } });
}

const ROUTES: readonly Route[] = [
  route('GET', '/2/users/me', 'user', (call) =>
    json(200, { data: userJson(call.state, requireUser(call), renderingOf(call.query, 'user').userFields) }),
  ),
  route('GET', '/2/users/by/username/:username', 'any', (call) => {
    const username = call.path.username as string;
    const user = call.state.users.find((each) => each.username.toLowerCase() === username.toLowerCase());
    return lookupUser(call, user, 'username', username);
  }),
  route('GET', '/2/users/:id/tweets', 'any', timeline),
  route('GET', '/2/users/:id/mentions', 'any', mentions),
  route('POST', '/2/users/:id/likes', 'user', like),
  route('DELETE', '/2/users/:id/likes/:tweet_id', 'user', unlike),
  route('POST', '/2/users/:id/retweets', 'user', retweet),
  route('DELETE', '/2/users/:id/retweets/:tweet_id', 'user', unretweet),
  route('POST', '/2/users/:id/following', 'user', follow),
  route('DELETE', '/2/users/:id/following/:target_user_id', 'user', unfollow),
  route('GET', '/2/users/:id', 'any', (call) => {
    const id = call.path.id as string;
    const user = findUser(call.state, id);
    return lookupUser(call, user?.id === id ? user : undefined, 'id', id);
  }),
  route('GET', '/2/tweets/search/recent', 'any', searchRecent),
  route('GET', '/2/tweets', 'any', (call) => {
    const ids = (call.query.get('ids') ?? '').split(',').filter((id) => id !== '');
    if (ids.length === 0 || ids.length > 100) {
      fail(
        invalidRequest('ids', call.query.get('ids') ?? '', 'The `ids` query parameter needs 1 to 100 ids'),
      );
    }
    return lookupTweets(call, ids, 'ids');
  }),
  route('POST', '/2/tweets', 'user', createTweet),
  route('GET', '/2/tweets/:id', 'any', (call) => lookupTweets(call, [call.path.id as string], 'id')),
  route('DELETE', '/2/tweets/:id', 'user', deleteTweet),
  route('POST', '/2/dm_conversations/with/:participant_id/messages', 'user', sendDirectMessage),
];

function route(method: string, pattern: string, context: 'any' | 'user', handler: Handler): Route {
  const names: string[] = [];
  const source = pattern.replace(/:(\w+)/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { method, pattern, matcher: new RegExp(`^${source}$`), names, context, handler };
}

function findRoute(request: Pick<EmulatorRequest, 'method' | 'path'>) {
  const path = request.path.replace(/\/+$/, '');
  for (const candidate of ROUTES) {
    if (candidate.method !== request.method) continue;
    const match = candidate.matcher.exec(path);
    if (match === null) continue;
    const params: Record<string, string> = {};
    candidate.names.forEach((name, index) => {
      params[name] = decodeURIComponent(match[index + 1] as string);
    });
    return { route: candidate, params };
  }
  return undefined;
}

/** The route name faults, rate limits and the request log know a request by: `GET /2/users/:id`. */
export function twitterRouteOf(request: Pick<EmulatorRequest, 'method' | 'path'>): string {
  const found = findRoute(request);
  return found === undefined
    ? `${request.method} ${request.path}`
    : `${found.route.method} ${found.route.pattern}`;
}

/** The routes the emulator answers, for descriptions. */
export const TWITTER_ROUTES: readonly string[] = ROUTES.map((each) => `${each.method} ${each.pattern}`);

/** Answers one API v2 request: authentication, the route's rate-limit window, then the endpoint. */
export function answerTwitterApi(request: EmulatorRequest, state: TwitterState): EmulatorResponse {
  const found = findRoute(request);
  const caller = authenticate(state, request);
  if (caller === undefined) return unauthorized();
  if (found === undefined) {
    return problem(
      404,
      'Not Found Error',
      `There is no endpoint ${request.method} ${request.path}.`,
      `${PROBLEMS}/resource-not-found`,
    );
  }
  const name = `${found.route.method} ${found.route.pattern}`;
  const window = rateWindow(state, name, credentialKey(caller));
  if (window.remaining <= 0) {
    const limited = problem(429, 'Too Many Requests', 'Too Many Requests');
    return { ...limited, headers: { ...limited.headers, ...rateHeaders(window) } };
  }
  window.remaining -= 1;
  const call: Call = {
    state,
    request,
    caller,
    path: found.params,
    query: request.query,
    body: request.isJson ? request.params : {},
  };
  let response: EmulatorResponse;
  try {
    if (found.route.context === 'user') requireUser(call);
    response = found.route.handler(call);
  } catch (error) {
    if (!(error instanceof TwitterProblem)) throw error;
    response = error.response;
  }
  return { ...response, headers: { ...response.headers, ...rateHeaders(window) } };
}
