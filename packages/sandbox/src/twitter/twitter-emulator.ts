import { defineEmulator, invalidBody } from '../define-emulator.js';
import { answerTwitterApi, problem, spendRateWindow, TWITTER_ROUTES, twitterRouteOf } from './twitter-api.js';
import {
  addTweet,
  createTwitterState,
  findTweet,
  findUser,
  type TwitterDirectMessage,
  type TwitterSeed,
  type TwitterState,
  type TwitterTweet,
  type TwitterUser,
} from './twitter-state.js';

/** Test credentials of the Twitter/X emulator (a type alias, so that it is a string record). */
export type TwitterCredentials = {
  /** The API v2 base URL (ends with `/2/`). */
  readonly apiUrl: string;
  /** App-only bearer token (OAuth 2.0 client credentials). */
  readonly bearerToken: string;
  /** OAuth 2.0 user-context access token of `userId`. */
  readonly userAccessToken: string;
  /** OAuth 1.0a consumer keys of the app and the access token of `userId`. */
  readonly appKey: string;
  readonly appSecret: string;
  readonly accessToken: string;
  readonly accessSecret: string;
  /** The authenticated user of the user-context credentials. */
  readonly userId: string;
  readonly username: string;
};

/** Helpers to drive the Twitter/X emulator from tests. */
export interface TwitterControls {
  /**
   * Posts a tweet as any user, as people do on X. With `indexed: false` the tweet exists but
   * search and mentions do not see it until `indexTweet` — the late indexing that makes
   * results arrive out of order.
   */
  postTweet(input: {
    readonly author: string;
    readonly text: string;
    readonly replyTo?: string;
    readonly indexed?: boolean;
  }): TwitterTweet;
  /** Makes a tweet posted with `indexed: false` visible to search and mentions. */
  indexTweet(id: string): void;
  /** A user by id or username. */
  user(reference: string): TwitterUser | undefined;
  /** A tweet by id (undefined once deleted). */
  tweet(id: string): TwitterTweet | undefined;
  /** Whether `user` likes `tweetId`. */
  likes(user: string, tweetId: string): boolean;
  /** Whether `source` follows `target`. */
  follows(source: string, target: string): boolean;
  /** Direct messages sent so far, oldest first. */
  directMessages(): readonly TwitterDirectMessage[];
  /**
   * Spends the rate-limit window of a route (`GET /2/tweets/search/recent`) for every
   * credential: the next requests get 429 until the window resets `resetInSeconds` from now.
   */
  spendRateLimit(route: string, options?: { readonly resetInSeconds?: number }): void;
}

/**
 * The Twitter/X emulator: the API v2 endpoints the Connector Kit Twitter connector uses, with
 * the API's wire format (`data`/`includes`/`meta`, `errors` arrays and problem+json bodies,
 * `next_token`/`pagination_token` paging, `since_id`/`until_id`, snowflake ids, `x-rate-limit-*`
 * headers and 429 per endpoint window, app-only and user-context credentials).
 */
export const twitterEmulator = defineEmulator({
  name: 'twitter',
  title: 'Twitter/X',
  description: `Twitter/X API v2 (${TWITTER_ROUTES.join(', ')}) with app-only bearer, OAuth 2.0 user and OAuth 1.0a credentials and per-endpoint rate-limit windows.`,
  defaultPort: 4101,
  createState: (seed: TwitterSeed | undefined): TwitterState => createTwitterState(seed),
  credentials: (state: TwitterState, url: string): TwitterCredentials => {
    const oauth2 = state.userTokens.find((token) => token.kind === 'oauth2');
    const oauth1 = state.userTokens.find((token) => token.kind === 'oauth1');
    const user = findUser(state, oauth2?.userId ?? '');
    return {
      apiUrl: `${url}/2/`,
      bearerToken: state.bearerToken,
      userAccessToken: oauth2?.token ?? '',
      appKey: state.consumerKey,
      appSecret: state.consumerSecret,
      accessToken: oauth1?.token ?? '',
      accessSecret: oauth1?.secret ?? '',
      userId: user?.id ?? '',
      username: user?.username ?? '',
    };
  },
  routeOf: (request) => twitterRouteOf(request),
  handle: (request, context) => answerTwitterApi(request, context.state),
  faultResponses: {
    rateLimited: (retryAfterSeconds) => {
      const limited = problem(429, 'Too Many Requests', 'Too Many Requests');
      return {
        ...limited,
        headers: {
          ...limited.headers,
          'x-rate-limit-limit': '1',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + retryAfterSeconds),
        },
      };
    },
    serverError: (status) =>
      problem(
        status,
        status === 503 ? 'Service Unavailable' : 'Internal Server Error',
        'Something went wrong. Try again later.',
      ),
    invalidToken: () => problem(401, 'Unauthorized', 'Unauthorized'),
    invalidBody: (status, message) =>
      status === 413
        ? invalidBody(status, message)
        : problem(400, 'Invalid Request', message, 'https://api.twitter.com/2/problems/invalid-request'),
  },
  controls: (context): TwitterControls => ({
    postTweet: (input) => {
      const state = context.state;
      const author = findUser(state, input.author);
      if (author === undefined) throw new Error(`no user '${input.author}' in the Twitter sandbox`);
      const replyTo = input.replyTo === undefined ? undefined : findTweet(state, input.replyTo);
      if (input.replyTo !== undefined && replyTo === undefined)
        throw new Error(`no tweet ${input.replyTo} to reply to`);
      return addTweet(state, { author, text: input.text, replyTo, indexed: input.indexed ?? true });
    },
    indexTweet: (id) => {
      const tweet = context.state.tweets.find((each) => each.id === id);
      if (tweet === undefined) throw new Error(`no tweet ${id} in the Twitter sandbox`);
      tweet.indexed = true;
    },
    user: (reference) => findUser(context.state, reference),
    tweet: (id) => findTweet(context.state, id),
    likes: (user, tweetId) => {
      const found = findUser(context.state, user);
      return found !== undefined && context.state.likes.includes(`${found.id}:${tweetId}`);
    },
    follows: (source, target) => {
      const from = findUser(context.state, source);
      const to = findUser(context.state, target);
      return from !== undefined && to !== undefined && context.state.follows.includes(`${from.id}:${to.id}`);
    },
    directMessages: () => context.state.directMessages,
    spendRateLimit: (route, options = {}) =>
      spendRateWindow(context.state, route, options.resetInSeconds ?? 1),
  }),
});
