import { type ActionInput, type ActionOutput, createKit } from '@connectorkit/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { postTweet } from './actions/tweets.js';
import { twitterConnector } from './twitter-connector.js';

const kit = createKit({
  connectors: [twitterConnector],
  connections: { x: { connector: 'twitter', bearerToken: 'app-token' } },
});

describe('twitter connector types', () => {
  it('types action input and output from the schemas', () => {
    expectTypeOf<ActionInput<typeof postTweet>>().toHaveProperty('text').toEqualTypeOf<string | undefined>();
    expectTypeOf<ActionOutput<typeof postTweet>>().toHaveProperty('id').toEqualTypeOf<string>();
    expectTypeOf(twitterConnector.name).toEqualTypeOf<'twitter'>();
    expectTypeOf(twitterConnector.contract).toEqualTypeOf<1>();
  });

  it('types kit.invoke by action name', async () => {
    const page = await kit.invoke('twitter.searchRecent', { query: 'hello' });
    expectTypeOf(page.nextToken).toEqualTypeOf<string | undefined>();
    expectTypeOf(page.tweets[0]?.id).toEqualTypeOf<string | undefined>();
    const user = await kit.invoke('twitter.getUserByUsername', { username: 'alice' });
    expectTypeOf(user.user.username).toEqualTypeOf<string>();
    const dm = await kit.invoke('twitter.sendDirectMessage', { participantId: '1', text: 'hi' });
    expectTypeOf(dm.dmEventId).toEqualTypeOf<string>();
  });

  it('rejects wrong names and inputs at compile time', () => {
    // @ts-expect-error — there is no twitter.tweet
    void kit.invoke('twitter.tweet', { text: 'hi' });
    // @ts-expect-error — `query` is required
    void kit.invoke('twitter.searchRecent', { maxResults: 10 });
    // @ts-expect-error — `tweetId` is a string
    void kit.invoke('twitter.like', { tweetId: 1 });
  });
});
