import { describe, expect, it } from 'vitest';
import { matchesQuery, parseSearchQuery, SearchQueryError } from './twitter-search.js';
import { addTweet, createTwitterState, findUser, type TwitterUser } from './twitter-state.js';

const state = createTwitterState({
  users: [{ username: 'sandbox_bot' }, { username: 'alice' }, { username: 'bob' }],
  tweets: [],
});
const alice = findUser(state, 'alice') as TwitterUser;
const bob = findUser(state, 'bob') as TwitterUser;
const original = addTweet(state, { author: alice, text: 'Shipping the Connector Kit #launch' });
const reply = addTweet(state, { author: bob, text: '@alice congrats on the launch', replyTo: original });
const retweet = addTweet(state, {
  author: bob,
  text: 'RT @alice: Shipping the Connector Kit #launch',
  retweetOf: original,
});

function matching(query: string): string[] {
  const parsed = parseSearchQuery(query);
  return [original, reply, retweet]
    .filter((tweet) => matchesQuery(state, tweet, parsed))
    .map((tweet) => tweet.id);
}

describe('search queries', () => {
  it.each([
    ['shipping', [original.id, retweet.id]],
    ['"connector kit" -is:retweet', [original.id]],
    ['from:bob', [reply.id, retweet.id]],
    ['to:alice', [reply.id]],
    ['@alice -is:retweet', [reply.id]],
    ['#launch', [original.id, retweet.id]],
    ['is:reply OR is:retweet', [reply.id, retweet.id]],
    ['from:alice OR congrats', [original.id, reply.id]],
    ['has:mentions -from:bob', []],
    [`conversation_id:${original.id}`, [original.id, reply.id]],
  ])('%s', (query, expected) => {
    expect(matching(query)).toEqual(expected);
  });

  it.each(['(a OR b)', 'lang:en hello', '-hello', 'OR hello', 'is:verified', '""'])('rejects %s', (query) => {
    expect(() => parseSearchQuery(query)).toThrow(SearchQueryError);
  });
});
