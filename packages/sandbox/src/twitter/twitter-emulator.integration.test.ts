import { Agent } from 'node:http';
import { ApiResponseError, TwitterApi, type TwitterApiTokens, TwitterApiv2 } from 'twitter-api-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startEmulator } from '../start-emulator.js';
import { twitterEmulator } from './twitter-emulator.js';

// The official twitter-api-v2 client against the emulator: nothing is stubbed.

let twitter: Sandbox<typeof twitterEmulator>;
const agent = new Agent({ keepAlive: false });

/** The SDK's v2 client with its base URL moved to the emulator. */
class EmulatorV2 extends TwitterApiv2 {
  constructor(client: TwitterApi, prefix: string) {
    super(client);
    this.setPrefix(prefix);
  }
}

function v2(auth: string | TwitterApiTokens): TwitterApiv2 {
  // The SDK sends with `https.request`; an http agent lets it reach the emulator's http URL.
  const settings = { httpAgent: agent };
  const client = typeof auth === 'string' ? new TwitterApi(auth, settings) : new TwitterApi(auth, settings);
  return new EmulatorV2(client, twitter.credentials.apiUrl);
}

async function apiError(promise: Promise<unknown>): Promise<ApiResponseError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiResponseError);
  return error as ApiResponseError;
}

beforeAll(async () => {
  twitter = await startEmulator(twitterEmulator);
});

afterAll(async () => {
  await twitter.close();
  agent.destroy();
});

beforeEach(() => twitter.reset());

describe('Twitter/X emulator', () => {
  it('posts, reads, replies to and deletes tweets with an OAuth 2.0 user token', async () => {
    const client = v2(twitter.credentials.userAccessToken);
    const posted = await client.tweet('Hello from a test @alice #sandbox');
    expect(posted.data.text).toBe('Hello from a test @alice #sandbox');
    const reply = await client.reply('and a reply', posted.data.id);
    expect(BigInt(reply.data.id) > BigInt(posted.data.id)).toBe(true);
    const read = await client.singleTweet(reply.data.id, {
      'tweet.fields': ['author_id', 'conversation_id', 'referenced_tweets', 'in_reply_to_user_id'],
      expansions: ['author_id', 'referenced_tweets.id'],
    });
    expect(read.data).toMatchObject({
      author_id: twitter.credentials.userId,
      conversation_id: posted.data.id,
      referenced_tweets: [{ type: 'replied_to', id: posted.data.id }],
    });
    expect(read.includes?.users?.[0]?.username).toBe('sandbox_bot');
    expect(read.includes?.tweets?.[0]?.id).toBe(posted.data.id);
    expect((await client.deleteTweet(reply.data.id)).data.deleted).toBe(true);
    const gone = await client.singleTweet(reply.data.id);
    expect(gone.data).toBeUndefined();
    expect(gone.errors?.[0]).toMatchObject({ title: 'Not Found Error', resource_type: 'tweet' });
  });

  it('signs OAuth 1.0a requests and rejects a wrong signature', async () => {
    const { appKey, appSecret, accessToken, accessSecret } = twitter.credentials;
    const me = await v2({ appKey, appSecret, accessToken, accessSecret }).get('users/me');
    expect(me.data.username).toBe('sandbox_bot');
    const wrong = await apiError(
      v2({ appKey, appSecret: 'not-the-secret', accessToken, accessSecret }).get('users/me'),
    );
    expect(wrong.code).toBe(401);
  });

  it('refuses user-context endpoints to the app-only token with 403, and bad tokens with 401', async () => {
    const app = v2(twitter.credentials.bearerToken);
    const forbidden = await apiError(app.tweet('not allowed'));
    expect(forbidden.code).toBe(403);
    expect(forbidden.data).toMatchObject({ title: 'Unsupported Authentication', status: 403 });
    const bad = await apiError(v2('not-a-token').userByUsername('alice'));
    expect(bad.code).toBe(401);
    expect(bad.data).toMatchObject({ title: 'Unauthorized' });
  });

  it('searches with operators and pages with next_token and since_id', async () => {
    for (let index = 0; index < 12; index += 1) {
      twitter.controls.postTweet({ author: 'bob', text: `release note ${index} #ship` });
    }
    twitter.controls.postTweet({ author: 'alice', text: 'release party #ship' });
    const app = v2(twitter.credentials.bearerToken);
    const first = await app.get('tweets/search/recent', {
      query: 'release from:bob -is:retweet',
      max_results: 10,
    });
    expect(first.meta.result_count).toBe(10);
    expect(first.data[0].text).toBe('release note 11 #ship');
    const second = await app.get('tweets/search/recent', {
      query: 'release from:bob -is:retweet',
      max_results: 10,
      next_token: first.meta.next_token,
    });
    expect(second.meta).toMatchObject({ result_count: 2 });
    expect(second.meta.next_token).toBeUndefined();
    const newer = await app.get('tweets/search/recent', { query: '#ship', since_id: first.data[1].id });
    expect(newer.data.map((tweet: { text: string }) => tweet.text)).toEqual([
      'release party #ship',
      'release note 11 #ship',
    ]);
    const invalid = await apiError(app.get('tweets/search/recent', { query: 'x', max_results: 1000 }));
    expect(invalid.code).toBe(400);
    expect(invalid.data).toMatchObject({
      title: 'Invalid Request',
      errors: [{ parameters: { max_results: ['1000'] } }],
    });
  });

  it('sends x-rate-limit headers and answers 429 once a window is spent', async () => {
    const app = v2(twitter.credentials.bearerToken);
    const answer = await app.get('users/by/username/alice', undefined, { fullResponse: true });
    expect(answer.rateLimit).toMatchObject({ limit: 300, remaining: 299 });
    twitter.controls.spendRateLimit('GET /2/users/by/username/:username', { resetInSeconds: 60 });
    const limited = await apiError(app.userByUsername('alice'));
    expect(limited.code).toBe(429);
    expect(limited.rateLimit?.remaining).toBe(0);
    expect(limited.rateLimit?.reset).toBeGreaterThan(Date.now() / 1000);
  });

  it('counts a window down to 0, then answers 429 with its headers until it resets', async () => {
    const route = 'GET /2/users/by/username/:username';
    twitter.reset({ rateLimits: { [route]: 3 }, rateLimitWindowSeconds: 2 });
    const app = v2(twitter.credentials.bearerToken);
    const windows = [];
    for (let call = 0; call < 3; call += 1) {
      const answer = await app.get('users/by/username/alice', undefined, { fullResponse: true });
      windows.push(answer.rateLimit);
    }
    const reset = windows[0]?.reset ?? 0;
    expect(windows).toEqual([
      { limit: 3, remaining: 2, reset },
      { limit: 3, remaining: 1, reset },
      { limit: 3, remaining: 0, reset },
    ]);

    const limited = await apiError(app.userByUsername('alice'));
    expect(limited.code).toBe(429);
    expect(limited.headers).toMatchObject({
      'x-rate-limit-limit': '3',
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(reset),
    });
    expect(limited.data).toMatchObject({ title: 'Too Many Requests', status: 429 });
    // Windows are per credential and per endpoint.
    const user = v2(twitter.credentials.userAccessToken);
    const own = await user.get('users/by/username/alice', undefined, { fullResponse: true });
    expect(own.rateLimit).toMatchObject({ limit: 3, remaining: 2 });
    expect(
      (await app.get(`users/${twitter.credentials.userId}`, undefined, { fullResponse: true })).rateLimit,
    ).toMatchObject({ remaining: 299 });

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, reset * 1000 - Date.now()) + 50));
    const fresh = await app.get('users/by/username/alice', undefined, { fullResponse: true });
    expect(fresh.rateLimit).toMatchObject({ limit: 3, remaining: 2 });
    expect(fresh.rateLimit?.reset).toBeGreaterThan(reset);
    expect(
      twitter.requests.filter((request) => request.route === route).map((request) => request.status),
    ).toEqual([200, 200, 200, 429, 200, 200]);
  });

  it('likes, retweets, follows and sends direct messages as the authenticated user', async () => {
    const client = v2(twitter.credentials.userAccessToken);
    const me = twitter.credentials.userId;
    const alice = twitter.controls.user('alice')?.id ?? '';
    const tweet = twitter.controls.postTweet({ author: 'alice', text: 'like me' });
    expect((await client.like(me, tweet.id)).data.liked).toBe(true);
    expect(twitter.controls.likes('sandbox_bot', tweet.id)).toBe(true);
    expect((await client.unlike(me, tweet.id)).data.liked).toBe(false);
    expect((await client.retweet(me, tweet.id)).data.retweeted).toBe(true);
    const timeline = await client.get(`users/${me}/tweets`, { max_results: 5 });
    expect(timeline.data[0].text).toBe('RT @alice: like me');
    expect((await client.follow(me, alice)).data.following).toBe(true);
    expect(twitter.controls.follows('sandbox_bot', 'alice')).toBe(true);
    // The API wraps the result in `data` (the SDK's type leaves the wrapper out).
    const dm = (await client.sendDmToParticipant(alice, { text: 'hi Alice' })) as unknown as {
      data: { dm_conversation_id: string; dm_event_id: string };
    };
    expect(dm.data.dm_conversation_id).toContain(alice);
    expect(twitter.controls.directMessages()[0]?.text).toBe('hi Alice');
    const other = await apiError(client.like(alice, tweet.id));
    expect(other.code).toBe(403);
  });

  it('hides tweets from mentions until they are indexed', async () => {
    const app = v2(twitter.credentials.bearerToken);
    const me = twitter.credentials.userId;
    const late = twitter.controls.postTweet({
      author: 'alice',
      text: '@sandbox_bot late one',
      indexed: false,
    });
    const before = await app.get(`users/${me}/mentions`, { max_results: 5 });
    expect(before.data.map((tweet: { id: string }) => tweet.id)).not.toContain(late.id);
    twitter.controls.indexTweet(late.id);
    const after = await app.get(`users/${me}/mentions`, { max_results: 5 });
    expect(after.data[0].id).toBe(late.id);
  });
});
