import { type ConnectionConfig, createKit, type Kit } from '@connectorkit/core';
import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { CANARY_SECRET, failureOf } from '@connectorkit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { twitterConnector } from './twitter-connector.js';

// Every action runs through the kit, the connector and the real twitter-api-v2 client against the
// Twitter/X emulator of @connectorkit/sandbox: nothing is stubbed.

let twitter: Sandbox<EmulatorFor<'twitter'>>;
const kits: Kit[] = [];

function kitFor(connection: Readonly<Record<string, unknown>>) {
  const kit = createKit({
    connectors: [twitterConnector],
    connections: { x: { connector: 'twitter', ...connection } as ConnectionConfig },
    logger: { level: 'silent' },
  });
  kits.push(kit as unknown as Kit);
  return kit;
}

let kit: ReturnType<typeof kitFor>;
let app: ReturnType<typeof kitFor>;
let oauth1: ReturnType<typeof kitFor>;

const userId = (name: string): string => twitter.controls.user(name)?.id ?? '';

beforeAll(async () => {
  twitter = await startSandbox('twitter');
  const { apiUrl, userAccessToken, bearerToken, appKey, appSecret, accessToken, accessSecret } =
    twitter.credentials;
  kit = kitFor({ baseUrl: apiUrl, userAccessToken });
  app = kitFor({ baseUrl: apiUrl, bearerToken });
  oauth1 = kitFor({ baseUrl: apiUrl, appKey, appSecret, accessToken, accessSecret });
});

afterAll(async () => {
  await Promise.all(kits.map((each) => each.close()));
  await twitter.close();
});

beforeEach(() => {
  twitter.reset();
});

describe('tweets', () => {
  it('posts a tweet, a reply, a quote and a poll, reads one back with expansions, and deletes it', async () => {
    const posted = await kit.invoke('twitter.postTweet', { text: 'Deploy finished @alice #connectorkit' });
    expect(posted.text).toBe('Deploy finished @alice #connectorkit');
    const reply = await kit.invoke('twitter.postTweet', { text: 'details inside', replyTo: posted.id });
    const quote = await kit.invoke('twitter.postTweet', { text: 'worth reading', quoteTweetId: posted.id });
    const poll = await kit.invoke('twitter.postTweet', {
      text: 'Which day?',
      poll: { options: ['Mon', 'Fri'], durationMinutes: 60 },
    });
    expect(BigInt(reply.id) > BigInt(posted.id)).toBe(true);

    const read = await kit.invoke('twitter.getTweet', {
      id: reply.id,
      tweetFields: ['author_id', 'conversation_id', 'referenced_tweets'],
      expansions: ['author_id', 'referenced_tweets.id'],
    });
    expect(read.tweet).toMatchObject({
      id: reply.id,
      author_id: twitter.credentials.userId,
      conversation_id: posted.id,
      referenced_tweets: [{ type: 'replied_to', id: posted.id }],
    });
    expect(read.includes?.users?.[0]?.username).toBe('sandbox_bot');
    const quoted = await kit.invoke('twitter.getTweet', { id: quote.id, tweetFields: ['referenced_tweets'] });
    expect(quoted.tweet.referenced_tweets).toEqual([{ type: 'quoted', id: posted.id }]);
    const withPoll = await app.invoke('twitter.getTweet', {
      id: poll.id,
      expansions: ['attachments.poll_ids'],
    });
    expect(withPoll.includes?.polls?.[0]).toMatchObject({ options: [{ label: 'Mon' }, { label: 'Fri' }] });

    expect(await kit.invoke('twitter.deleteTweet', { id: reply.id })).toEqual({ deleted: true });
    const gone = await failureOf(app.invoke('twitter.getTweet', { id: reply.id }));
    expect(gone.code).toBe('NOT_FOUND');
    expect(gone.message).toContain(reply.id);
  });

  it('posts through OAuth 1.0a user keys as well', async () => {
    const posted = await oauth1.invoke('twitter.postTweet', { text: 'signed with OAuth 1.0a' });
    expect(twitter.controls.tweet(posted.id)?.authorId).toBe(twitter.credentials.userId);
  });

  it('rejects an empty tweet and maps the API refusals', async () => {
    const empty = await failureOf(kit.invoke('twitter.postTweet', {}));
    expect(empty).toMatchObject({ code: 'INVALID_INPUT', path: '$.text' });
    await kit.invoke('twitter.postTweet', { text: 'once' });
    const duplicate = await failureOf(kit.invoke('twitter.postTweet', { text: 'once' }));
    expect(duplicate.code).toBe('FORBIDDEN');
    expect(duplicate.message).toContain('duplicate content');
    const appOnly = await failureOf(app.invoke('twitter.postTweet', { text: 'as the app' }));
    expect(appOnly).toMatchObject({ code: 'FORBIDDEN', vendorCode: 'unsupported-authentication' });
    const others = twitter.controls.postTweet({ author: 'alice', text: 'not yours' });
    const notMine = await failureOf(kit.invoke('twitter.deleteTweet', { id: others.id }));
    expect(notMine.code).toBe('FORBIDDEN');
  });
});

describe('search and timelines', () => {
  it('searches with operators and pages with nextToken and maxPages', async () => {
    for (let index = 0; index < 25; index += 1) {
      twitter.controls.postTweet({ author: 'bob', text: `release note ${index} #ship` });
    }
    twitter.controls.postTweet({ author: 'alice', text: 'release party #ship' });
    const first = await app.invoke('twitter.searchRecent', {
      query: 'release from:bob -is:retweet',
      maxResults: 10,
      expansions: ['author_id'],
    });
    expect(first.resultCount).toBe(10);
    expect(first.tweets[0]?.text).toBe('release note 24 #ship');
    expect(first.includes?.users?.map((user) => user.username)).toEqual(['bob']);
    expect(first.nextToken).toBeDefined();
    const rest = await app.invoke('twitter.searchRecent', {
      query: 'release from:bob -is:retweet',
      maxResults: 10,
      maxPages: 5,
      nextToken: first.nextToken ?? '',
    });
    expect(rest.resultCount).toBe(15);
    expect(rest.nextToken).toBeUndefined();
    const ids = [...first.tweets, ...rest.tweets].map((tweet) => tweet.id);
    expect(new Set(ids).size).toBe(25);
    const since = await app.invoke('twitter.searchRecent', {
      query: '#ship',
      sinceId: first.tweets[1]?.id ?? '',
    });
    expect(since.tweets.map((tweet) => tweet.text)).toEqual(['release party #ship', 'release note 24 #ship']);
    const bad = await failureOf(app.invoke('twitter.searchRecent', { query: 'lang:en hello' }));
    expect(bad).toMatchObject({ code: 'INVALID_INPUT', path: '$.query' });
  });

  it('reads users, a timeline without retweets and the mentions of the authenticated user', async () => {
    const alice = await app.invoke('twitter.getUserByUsername', {
      username: '@alice',
      userFields: ['verified'],
    });
    expect(alice.user).toMatchObject({ username: 'alice', verified: true });
    const byId = await app.invoke('twitter.getUser', { id: alice.user.id, userFields: ['description'] });
    expect(byId.user.description).toBe('Writes about integrations.');
    const missing = await failureOf(app.invoke('twitter.getUserByUsername', { username: 'nobody_here' }));
    expect(missing.code).toBe('NOT_FOUND');

    const mine = twitter.controls.postTweet({ author: 'alice', text: 'original thought' });
    twitter.controls.postTweet({ author: 'sandbox_bot', text: 'my own words' });
    await kit.invoke('twitter.retweet', { tweetId: mine.id });
    const timeline = await app.invoke('twitter.userTimeline', {
      userId: alice.user.id,
      exclude: ['retweets'],
      maxResults: 5,
    });
    expect(timeline.tweets[0]?.text).toBe('original thought');
    const botTimeline = await app.invoke('twitter.userTimeline', { userId: twitter.credentials.userId });
    expect(botTimeline.tweets[0]?.text).toBe('RT @alice: original thought');
    const botOriginals = await app.invoke('twitter.userTimeline', {
      userId: twitter.credentials.userId,
      exclude: ['retweets'],
    });
    expect(botOriginals.tweets.map((tweet) => tweet.text)).toContain('my own words');
    expect(botOriginals.tweets.map((tweet) => tweet.text)).not.toContain('RT @alice: original thought');

    twitter.controls.postTweet({ author: 'bob', text: '@sandbox_bot ping' });
    const mentions = await kit.invoke('twitter.mentions', { maxResults: 5 });
    expect(mentions.tweets[0]?.text).toBe('@sandbox_bot ping');
    const appMentions = await failureOf(app.invoke('twitter.mentions', {}));
    expect(appMentions.code).toBe('FORBIDDEN');
  });
});

describe('engagement', () => {
  it('likes, unlikes, retweets, follows and sends a direct message', async () => {
    const tweet = twitter.controls.postTweet({ author: 'alice', text: 'like me' });
    expect(await kit.invoke('twitter.like', { tweetId: tweet.id })).toEqual({ liked: true });
    expect(twitter.controls.likes('sandbox_bot', tweet.id)).toBe(true);
    expect(await kit.invoke('twitter.unlike', { tweetId: tweet.id })).toEqual({ liked: false });
    expect(twitter.controls.likes('sandbox_bot', tweet.id)).toBe(false);
    const retweeted = (): boolean =>
      twitter.state.tweets.some(
        (each) =>
          !each.deleted &&
          each.authorId === twitter.credentials.userId &&
          each.referencedTweets.some(
            (reference) => reference.type === 'retweeted' && reference.id === tweet.id,
          ),
      );
    expect(await kit.invoke('twitter.retweet', { tweetId: tweet.id })).toEqual({ retweeted: true });
    expect(retweeted()).toBe(true);
    expect(await kit.invoke('twitter.retweet', { tweetId: tweet.id, undo: true })).toEqual({
      retweeted: false,
    });
    expect(retweeted()).toBe(false);
    expect(await kit.invoke('twitter.follow', { userId: userId('alice') })).toEqual({
      following: true,
      pendingFollow: false,
    });
    expect(twitter.controls.follows('sandbox_bot', 'alice')).toBe(true);
    expect(await kit.invoke('twitter.follow', { userId: userId('alice'), undo: true })).toMatchObject({
      following: false,
    });
    expect(twitter.controls.follows('sandbox_bot', 'alice')).toBe(false);
    const dm = await kit.invoke('twitter.sendDirectMessage', {
      participantId: userId('bob'),
      text: 'report ready',
    });
    expect(dm.dmConversationId).toContain(userId('bob'));
    expect(twitter.controls.directMessages()[0]).toMatchObject({ id: dm.dmEventId, text: 'report ready' });
    const missing = await failureOf(kit.invoke('twitter.like', { tweetId: '123' }));
    expect(missing.code).toBe('NOT_FOUND');
  });
});

describe('apiCall', () => {
  it('calls any v2 endpoint with the connection credentials and returns the rate-limit state', async () => {
    const me = await oauth1.invoke('twitter.apiCall', {
      method: 'GET',
      path: 'users/me',
      query: { 'user.fields': 'created_at' },
    });
    expect(me.body).toMatchObject({ data: { username: 'sandbox_bot' } });
    expect(me.rateLimit).toMatchObject({ limit: 75, remaining: 74 });
    const created = await kit.invoke('twitter.apiCall', {
      method: 'POST',
      path: 'tweets',
      body: { text: 'raw post' },
    });
    expect(created.body).toMatchObject({ data: { text: 'raw post' } });
    const createdId = (created.body as { data: { id: string } }).data.id;
    expect(twitter.controls.tweet(createdId)?.authorId).toBe(twitter.credentials.userId);
    const unknown = await failureOf(
      kit.invoke('twitter.apiCall', { method: 'GET', path: 'no/such/endpoint' }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
  });
});

describe('rate limits and failures', () => {
  it('waits for a window that resets soon, and re-sends the call', async () => {
    const route = 'GET /2/users/by/username/:username';
    twitter.controls.spendRateLimit(route, { resetInSeconds: 1 });
    const resetMs = (twitter.state.windows[`${route} app`]?.reset ?? Number.NaN) * 1000;
    // No retry by the kit: the wait and the re-send are the connector's own.
    const user = await app.invoke('twitter.getUserByUsername', { username: 'bob' }, { retry: false });
    expect(user.user.username).toBe('bob');
    const calls = twitter.requests.filter((request) => request.route === route);
    expect(calls.map((request) => request.status)).toEqual([429, 200]);
    expect(calls[1]?.time).toBeGreaterThanOrEqual(resetMs);
  }, 30_000);

  it('fails with RATE_LIMITED and retryAfterMs when the reset is further away than the connection waits', async () => {
    const impatient = kitFor({
      baseUrl: twitter.credentials.apiUrl,
      bearerToken: twitter.credentials.bearerToken,
      maxRateLimitWaitMs: 1_000,
    });
    twitter.controls.spendRateLimit('GET /2/tweets/search/recent', { resetInSeconds: 600 });
    const error = await failureOf(
      impatient.invoke('twitter.searchRecent', { query: 'hello' }, { retry: false }),
    );
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBeGreaterThan(500_000);
    expect(error.retryable).toBe(true);
  });

  it('maps a bad token to AUTH without echoing it, and a server error to UNAVAILABLE', async () => {
    const bad = kitFor({ baseUrl: twitter.credentials.apiUrl, bearerToken: CANARY_SECRET });
    const error = await failureOf(bad.invoke('twitter.getUserByUsername', { username: 'alice' }));
    expect(error.code).toBe('AUTH');
    expect(JSON.stringify(error)).not.toContain(CANARY_SECRET);
    expect(String(error.stack)).not.toContain(CANARY_SECRET);
    expect(JSON.stringify(error.cause ?? null)).not.toContain(CANARY_SECRET);
    twitter.faults.serverError({ route: 'GET /2/users/:id', status: 503 });
    const down = await failureOf(app.invoke('twitter.getUser', { id: userId('alice') }, { retry: false }));
    expect(down.code).toBe('UNAVAILABLE');
  });

  it('never shows a secret of the connection in its check, errors or catalog', async () => {
    const leaky = kitFor({
      baseUrl: twitter.credentials.apiUrl,
      appKey: twitter.credentials.appKey,
      appSecret: CANARY_SECRET,
      accessToken: twitter.credentials.accessToken,
      accessSecret: CANARY_SECRET,
    });
    const error = await failureOf(leaky.check('x'));
    expect(error.code).toBe('AUTH');
    expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain(CANARY_SECRET);
    expect(JSON.stringify(leaky.catalog())).not.toContain(CANARY_SECRET);
  });
});

describe('apiCall paths', () => {
  it.each(['../oauth2/token', 'https://example.com/steal', 'users//me'])('refuses %s', async (path) => {
    const error = await failureOf(kit.invoke('twitter.apiCall', { method: 'GET', path }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.path' });
  });
});
