import { type ConnectionConfig, createKit, type LogRecord, type TriggerState } from '@connectorkit/core';
import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { twitterConnector } from '../twitter-connector.js';
import type { PollPosition } from './poll-tweets.js';

// The polling triggers through the kit against the Twitter/X emulator (twitter-api-v2 underneath).

let twitter: Sandbox<EmulatorFor<'twitter'>>;
let kit: ReturnType<typeof createKitFor>;
/** Warnings the kit logged during the current test. */
const warnings: LogRecord[] = [];

function createKitFor(sandbox: Sandbox<EmulatorFor<'twitter'>>) {
  return createKit({
    connectors: [twitterConnector],
    connections: {
      x: {
        connector: 'twitter',
        baseUrl: sandbox.credentials.apiUrl,
        userAccessToken: sandbox.credentials.userAccessToken,
      } as ConnectionConfig,
    },
    logger: { level: 'warn', sink: (record) => void warnings.push(record) },
  });
}

interface TweetEvent {
  tweet: { id: string; text: string; author_id?: string };
  author?: { username: string };
}

function memoryState(): TriggerState & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: async <T>(key: string) => structuredClone(values.get(key)) as T | undefined,
    set: async (key, value) => {
      values.set(key, structuredClone(value));
    },
  };
}

async function eventually(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the condition did not become true in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const polls = (route: string): number => twitter.requests.filter((request) => request.route === route).length;

beforeAll(async () => {
  twitter = await startSandbox('twitter');
  kit = createKitFor(twitter);
});

afterAll(async () => {
  await kit.close();
  await twitter.close();
});

beforeEach(() => {
  twitter.reset();
  warnings.length = 0;
});

describe('search trigger', () => {
  it('delivers each new matching tweet once, oldest first, across polls — none before the start', async () => {
    twitter.controls.postTweet({ author: 'alice', text: 'old news #launch' });
    const events: TweetEvent[] = [];
    const state = memoryState();
    const running = await kit.startTrigger(
      'twitter.search',
      { query: '#launch -is:retweet', intervalMs: 100 },
      { connection: 'x', state, handler: async (event) => void events.push(event as TweetEvent) },
    );
    try {
      const first = ['one #launch', 'two #launch', 'three #launch'].map(
        (text) => twitter.controls.postTweet({ author: 'bob', text }).id,
      );
      twitter.controls.postTweet({ author: 'bob', text: 'unrelated' });
      await eventually(() => events.length >= 3);
      const before = polls('GET /2/tweets/search/recent');
      await eventually(() => polls('GET /2/tweets/search/recent') >= before + 2);
      const second = ['four #launch', 'five #launch'].map(
        (text) => twitter.controls.postTweet({ author: 'carol', text }).id,
      );
      await eventually(() => events.length >= 5);
      const after = polls('GET /2/tweets/search/recent');
      await eventually(() => polls('GET /2/tweets/search/recent') >= after + 2);
      expect(events.map((event) => event.tweet.id)).toEqual([...first, ...second]);
      expect(events[0]?.author?.username).toBe('bob');
      expect((state.values.get('position') as PollPosition).newestId).toBe(second[1]);
    } finally {
      await running.stop();
    }
  });

  it('reads every page of a busy poll and delivers the tweets in id order', async () => {
    const events: TweetEvent[] = [];
    const running = await kit.startTrigger(
      'twitter.search',
      { query: 'busy', intervalMs: 100, pageSize: 10 },
      { connection: 'x', handler: async (event) => void events.push(event as TweetEvent) },
    );
    try {
      const ids = Array.from(
        { length: 25 },
        (_, index) => twitter.controls.postTweet({ author: 'bob', text: `busy ${index}` }).id,
      );
      await eventually(() => events.length >= 25);
      expect(events.map((event) => event.tweet.id)).toEqual(ids);
    } finally {
      await running.stop();
    }
  });

  it('reads all the pages in one poll: three requests for 25 tweets in pages of 10', async () => {
    const ids = Array.from(
      { length: 25 },
      (_, index) => twitter.controls.postTweet({ author: 'bob', text: `paged ${index}` }).id,
    );
    const events: TweetEvent[] = [];
    // One poll only: the first runs at the start, the next would be a minute later.
    const running = await kit.startTrigger(
      'twitter.search',
      { query: 'paged', startFrom: 'beginning', intervalMs: 60_000, pageSize: 10 },
      { connection: 'x', handler: async (event) => void events.push(event as TweetEvent) },
    );
    try {
      await eventually(() => events.length >= 25);
      expect(events.map((event) => event.tweet.id)).toEqual(ids);
      expect(polls('GET /2/tweets/search/recent')).toBe(3);
    } finally {
      await running.stop();
    }
  });

  it('still delivers a tweet the index surfaces late (out of order), without repeating the newer one', async () => {
    const events: TweetEvent[] = [];
    const running = await kit.startTrigger(
      'twitter.search',
      { query: '#late', intervalMs: 100 },
      { connection: 'x', handler: async (event) => void events.push(event as TweetEvent) },
    );
    try {
      const late = twitter.controls.postTweet({
        author: 'alice',
        text: 'first written #late',
        indexed: false,
      });
      const early = twitter.controls.postTweet({ author: 'bob', text: 'second written #late' });
      await eventually(() => events.length >= 1);
      twitter.controls.indexTweet(late.id);
      await eventually(() => events.length >= 2);
      const settled = polls('GET /2/tweets/search/recent');
      await eventually(() => polls('GET /2/tweets/search/recent') >= settled + 2);
      expect(events.map((event) => event.tweet.id)).toEqual([early.id, late.id]);
    } finally {
      await running.stop();
    }
  });

  it('redelivers a tweet whose flow failed, before any newer one, and resumes from the stored position', async () => {
    const events: string[] = [];
    let failures = 0;
    const state = memoryState();
    const handler = async (event: unknown): Promise<void> => {
      const { tweet } = event as TweetEvent;
      if (tweet.text === 'b #retry' && failures === 0) {
        failures += 1;
        throw new Error('the flow failed once');
      }
      events.push(tweet.text);
    };
    const first = await kit.startTrigger(
      'twitter.search',
      { query: '#retry', intervalMs: 100 },
      { connection: 'x', state, handler },
    );
    try {
      for (const text of ['a #retry', 'b #retry', 'c #retry'])
        twitter.controls.postTweet({ author: 'bob', text });
      await eventually(() => events.length >= 3);
      expect(events).toEqual(['a #retry', 'b #retry', 'c #retry']);
      expect(failures).toBe(1);
    } finally {
      await first.stop();
    }
    // Stopped: tweets written now are picked up by the next run from the stored position.
    twitter.controls.postTweet({ author: 'bob', text: 'd #retry' });
    const second = await kit.startTrigger(
      'twitter.search',
      { query: '#retry', intervalMs: 100 },
      { connection: 'x', state, handler },
    );
    try {
      await eventually(() => events.length >= 4);
      const settled = polls('GET /2/tweets/search/recent');
      await eventually(() => polls('GET /2/tweets/search/recent') >= settled + 2);
      expect(events).toEqual(['a #retry', 'b #retry', 'c #retry', 'd #retry']);
    } finally {
      await second.stop();
    }
  });
});

describe('mentions trigger', () => {
  it('waits for a spent rate-limit window to reset instead of failing', async () => {
    const route = 'GET /2/users/:id/mentions';
    const events: TweetEvent[] = [];
    const running = await kit.startTrigger(
      'twitter.mentions',
      { intervalMs: 100 },
      { connection: 'x', handler: async (event) => void events.push(event as TweetEvent) },
    );
    try {
      twitter.controls.spendRateLimit(route, { resetInSeconds: 2 });
      const window = twitter.state.windows[`${route} user:${twitter.credentials.userId}`];
      const resetMs = (window?.reset ?? Number.NaN) * 1000;
      const mention = twitter.controls.postTweet({ author: 'carol', text: '@sandbox_bot are you there?' });
      await eventually(() => events.length >= 1);
      expect(events.map((event) => event.tweet.id)).toEqual([mention.id]);

      // One 429 for the spent window, then nothing until it reset: no re-poll every intervalMs.
      const calls = twitter.requests.filter((request) => request.route === route);
      expect(calls.filter((request) => request.status === 429)).toHaveLength(1);
      const next = calls[calls.findIndex((request) => request.status === 429) + 1];
      expect(next?.status).toBe(200);
      expect(next?.time).toBeGreaterThanOrEqual(resetMs);
      expect(warnings.map((record) => record.message)).toEqual([
        'rate-limit window spent; waiting for its reset',
      ]);
      expect(warnings.some((record) => record.message.startsWith('polling failed'))).toBe(false);
    } finally {
      await running.stop();
    }
  }, 30_000);
});
