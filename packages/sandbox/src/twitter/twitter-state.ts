/** Twitter's snowflake epoch (2010-11-04T01:42:54.657Z): ids carry their creation time from it. */
export const TWITTER_EPOCH_MS = 1_288_834_974_657n;

/** The app-only bearer token of the sandbox app (OAuth 2.0 client credentials). */
export const TWITTER_SANDBOX_BEARER_TOKEN = 'AAAAAAAAAAAAAAAAAAAAASandboxAppBearerToken0000';
/** The OAuth 1.0a consumer key and secret of the sandbox app. */
export const TWITTER_SANDBOX_CONSUMER_KEY = 'sandbox-consumer-key';
export const TWITTER_SANDBOX_CONSUMER_SECRET = 'sandbox-consumer-secret-5c1e9a';

export interface TwitterUser {
  readonly id: string;
  username: string;
  name: string;
  description: string;
  readonly createdAt: string;
  verified: boolean;
  protected: boolean;
}

export type ReferenceType = 'replied_to' | 'quoted' | 'retweeted';

export interface TwitterPoll {
  readonly id: string;
  readonly options: { readonly position: number; readonly label: string; votes: number }[];
  readonly durationMinutes: number;
  readonly endDatetime: string;
}

export interface TwitterTweet {
  readonly id: string;
  readonly text: string;
  readonly authorId: string;
  readonly createdAt: string;
  readonly conversationId: string;
  readonly inReplyToUserId: string | undefined;
  readonly referencedTweets: readonly { readonly type: ReferenceType; readonly id: string }[];
  readonly poll: TwitterPoll | undefined;
  /** Usernames mentioned with `@` in the text. */
  readonly mentions: readonly string[];
  readonly hashtags: readonly string[];
  /** False while the search index has not caught up (search and mentions do not see it yet). */
  indexed: boolean;
  deleted: boolean;
}

export interface TwitterDirectMessage {
  readonly id: string;
  readonly dmConversationId: string;
  readonly senderId: string;
  readonly recipientId: string;
  readonly text: string;
  readonly createdAt: string;
}

/** A user-context credential: an OAuth 2.0 user access token or OAuth 1.0a access token + secret. */
export interface TwitterUserToken {
  readonly kind: 'oauth2' | 'oauth1';
  readonly token: string;
  /** OAuth 1.0a only: the access token secret the requests are signed with. */
  readonly secret?: string;
  readonly userId: string;
}

/** A rate-limit window of one endpoint for one credential. */
export interface RateWindow {
  readonly limit: number;
  remaining: number;
  /** Epoch seconds when the window resets. */
  reset: number;
}

export interface TwitterUserSeed {
  readonly username: string;
  readonly name?: string;
  readonly description?: string;
  readonly verified?: boolean;
  readonly protected?: boolean;
}

export interface TwitterTweetSeed {
  /** Username of the author. */
  readonly author: string;
  readonly text: string;
  /** Id of the tweet it replies to. */
  readonly replyTo?: string;
  readonly quote?: string;
}

export interface TwitterSeed {
  /** Users; the first is the authenticated user of the user-context tokens. Default: sandbox_bot, alice, bob, carol. */
  readonly users?: readonly TwitterUserSeed[];
  /** Tweets, oldest first. Default: a few tweets among the default users. */
  readonly tweets?: readonly TwitterTweetSeed[];
  /** Requests per window by route (`GET /2/tweets/search/recent`), overriding the defaults. */
  readonly rateLimits?: Readonly<Record<string, number>>;
  /** Length of a rate-limit window. Default 900 (15 minutes, as on the API). */
  readonly rateLimitWindowSeconds?: number;
}

export interface TwitterState {
  readonly users: TwitterUser[];
  readonly tweets: TwitterTweet[];
  /** `${userId}:${tweetId}` */
  readonly likes: string[];
  /** `${sourceUserId}:${targetUserId}` */
  readonly follows: string[];
  readonly directMessages: TwitterDirectMessage[];
  readonly bearerToken: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly userTokens: TwitterUserToken[];
  readonly rateLimits: Readonly<Record<string, number>>;
  readonly rateLimitWindowSeconds: number;
  /** Windows by `${route} ${credential}`. */
  readonly windows: Record<string, RateWindow>;
  /** The newest id handed out (a string, so that the state stays JSON). */
  lastId: string;
}

/** Requests per 15-minute window as the API's Basic/Pro tiers document them (per app or per user). */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, number>> = {
  'GET /2/tweets/search/recent': 450,
  'GET /2/tweets': 300,
  'GET /2/tweets/:id': 300,
  'POST /2/tweets': 200,
  'DELETE /2/tweets/:id': 50,
  'GET /2/users/me': 75,
  'GET /2/users/:id': 300,
  'GET /2/users/by/username/:username': 300,
  'GET /2/users/:id/tweets': 900,
  'GET /2/users/:id/mentions': 450,
  'POST /2/users/:id/likes': 50,
  'DELETE /2/users/:id/likes/:tweet_id': 50,
  'GET /2/users/:id/liked_tweets': 75,
  'POST /2/users/:id/retweets': 50,
  'DELETE /2/users/:id/retweets/:tweet_id': 50,
  'POST /2/users/:id/following': 50,
  'DELETE /2/users/:id/following/:target_user_id': 50,
  'GET /2/users/:id/following': 15,
  'GET /2/users/:id/followers': 15,
  'POST /2/dm_conversations/with/:participant_id/messages': 200,
  'GET /2/dm_events': 300,
};

const DEFAULT_USERS: readonly TwitterUserSeed[] = [
  { username: 'sandbox_bot', name: 'Sandbox Bot', description: 'The account of the sandbox app.' },
  { username: 'alice', name: 'Alice Example', description: 'Writes about integrations.', verified: true },
  { username: 'bob', name: 'Bob Example', description: 'Ships things.' },
  { username: 'carol', name: 'Carol Example', description: 'Reads everything.', protected: false },
];

const DEFAULT_TWEETS: readonly TwitterTweetSeed[] = [
  { author: 'alice', text: 'Hello from the sandbox #connectorkit' },
  { author: 'bob', text: 'Integration day: flows, connectors and coffee #connectorkit' },
  { author: 'carol', text: '@sandbox_bot what does the sandbox emulate?' },
  { author: 'alice', text: 'Shipping the Twitter connector today' },
];

/** Compares two snowflake ids as numbers. */
export function compareIds(left: string, right: string): number {
  const a = BigInt(left);
  const b = BigInt(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The next snowflake id: creation time in the high bits, strictly increasing. */
export function nextId(state: TwitterState, now = Date.now()): string {
  const fromClock = (BigInt(now) - TWITTER_EPOCH_MS) << 22n;
  const last = BigInt(state.lastId);
  state.lastId = (fromClock > last ? fromClock : last + 1n).toString();
  return state.lastId;
}

/** When a snowflake id was created (epoch milliseconds). */
export function idTime(id: string): number {
  return Number((BigInt(id) >> 22n) + TWITTER_EPOCH_MS);
}

export function findUser(state: TwitterState, reference: string): TwitterUser | undefined {
  const name = reference.replace(/^@/, '').toLowerCase();
  return state.users.find((user) => user.id === reference || user.username.toLowerCase() === name);
}

export function findTweet(state: TwitterState, id: string): TwitterTweet | undefined {
  return state.tweets.find((tweet) => tweet.id === id && !tweet.deleted);
}

export interface NewTweet {
  readonly author: TwitterUser;
  readonly text: string;
  readonly replyTo?: TwitterTweet | undefined;
  readonly quote?: TwitterTweet | undefined;
  readonly retweetOf?: TwitterTweet | undefined;
  readonly poll?: { readonly options: readonly string[]; readonly durationMinutes: number } | undefined;
  readonly indexed?: boolean;
}

/** Appends a tweet (ids increase with time, as snowflakes do). */
export function addTweet(state: TwitterState, input: NewTweet): TwitterTweet {
  const id = nextId(state);
  const now = new Date(idTime(id));
  const referencedTweets: { type: ReferenceType; id: string }[] = [];
  if (input.replyTo !== undefined) referencedTweets.push({ type: 'replied_to', id: input.replyTo.id });
  if (input.quote !== undefined) referencedTweets.push({ type: 'quoted', id: input.quote.id });
  if (input.retweetOf !== undefined) referencedTweets.push({ type: 'retweeted', id: input.retweetOf.id });
  const poll =
    input.poll === undefined
      ? undefined
      : {
          id: nextId(state),
          options: input.poll.options.map((label, index) => ({ position: index + 1, label, votes: 0 })),
          durationMinutes: input.poll.durationMinutes,
          endDatetime: new Date(now.getTime() + input.poll.durationMinutes * 60_000).toISOString(),
        };
  const tweet: TwitterTweet = {
    id,
    text: input.text,
    authorId: input.author.id,
    createdAt: now.toISOString(),
    conversationId: input.replyTo?.conversationId ?? id,
    inReplyToUserId: input.replyTo?.authorId,
    referencedTweets,
    poll,
    mentions: [...input.text.matchAll(/(?:^|[^\w])@(\w{1,15})/g)].map((match) => match[1] as string),
    hashtags: [...input.text.matchAll(/(?:^|[^\w])#(\w+)/g)].map((match) => match[1] as string),
    indexed: input.indexed ?? true,
    deleted: false,
  };
  state.tweets.push(tweet);
  return tweet;
}

export function addUser(state: TwitterState, seed: TwitterUserSeed): TwitterUser {
  const id = nextId(state, Date.UTC(2020, 0, 1) + state.users.length * 86_400_000);
  const user: TwitterUser = {
    id,
    username: seed.username,
    name: seed.name ?? seed.username,
    description: seed.description ?? '',
    createdAt: new Date(idTime(id)).toISOString(),
    verified: seed.verified ?? false,
    protected: seed.protected ?? false,
  };
  state.users.push(user);
  return user;
}

/** Builds the initial state; the same seed gives the same users, tokens and texts. */
export function createTwitterState(seed: TwitterSeed | undefined): TwitterState {
  const state: TwitterState = {
    users: [],
    tweets: [],
    likes: [],
    follows: [],
    directMessages: [],
    bearerToken: TWITTER_SANDBOX_BEARER_TOKEN,
    consumerKey: TWITTER_SANDBOX_CONSUMER_KEY,
    consumerSecret: TWITTER_SANDBOX_CONSUMER_SECRET,
    userTokens: [],
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...seed?.rateLimits },
    rateLimitWindowSeconds: seed?.rateLimitWindowSeconds ?? 900,
    windows: {},
    lastId: '0',
  };
  for (const user of seed?.users ?? DEFAULT_USERS) addUser(state, user);
  const owner = state.users[0];
  if (owner === undefined) throw new Error('the Twitter sandbox needs at least one user');
  state.userTokens.push(
    { kind: 'oauth2', token: `sandbox-oauth2-user-token-${owner.username}`, userId: owner.id },
    {
      kind: 'oauth1',
      token: `${owner.id}-sandboxAccessToken`,
      secret: 'sandbox-access-secret-31d7c0',
      userId: owner.id,
    },
  );
  for (const tweet of seed?.tweets ?? DEFAULT_TWEETS) {
    const author = findUser(state, tweet.author);
    if (author === undefined) throw new Error(`seed tweet by unknown user '${tweet.author}'`);
    addTweet(state, {
      author,
      text: tweet.text,
      replyTo: tweet.replyTo === undefined ? undefined : findTweet(state, tweet.replyTo),
      quote: tweet.quote === undefined ? undefined : findTweet(state, tweet.quote),
    });
  }
  return state;
}
