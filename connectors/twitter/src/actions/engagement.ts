import { Type } from '@connectorkit/core';
import { defineTwitterAction } from '../define-twitter-action.js';
import { TweetId, UserId } from '../schemas.js';

export const like = defineTwitterAction({
  title: 'Like tweet',
  description: 'Likes a tweet as the authenticated user (POST /2/users/:id/likes). Liking twice is harmless.',
  input: Type.Object({ tweetId: TweetId }, { additionalProperties: false }),
  output: Type.Object({ liked: Type.Boolean() }),
  idempotent: true,
  examples: [{ input: { tweetId: '1790000000000000000' } }],
  run: async ({ tweetId }, { client, signal }) => {
    const me = await client.me(signal);
    const result = await client.call('like', signal, (v2) => v2.like(me.id, tweetId));
    return { liked: result.data.liked };
  },
});

export const unlike = defineTwitterAction({
  title: 'Unlike tweet',
  description: 'Removes the like of the authenticated user (DELETE /2/users/:id/likes/:tweet_id).',
  input: Type.Object({ tweetId: TweetId }, { additionalProperties: false }),
  output: Type.Object({ liked: Type.Boolean() }),
  idempotent: true,
  examples: [{ input: { tweetId: '1790000000000000000' } }],
  run: async ({ tweetId }, { client, signal }) => {
    const me = await client.me(signal);
    const result = await client.call('unlike', signal, (v2) => v2.unlike(me.id, tweetId));
    return { liked: result.data.liked };
  },
});

export const retweet = defineTwitterAction({
  title: 'Retweet',
  description:
    'Retweets a tweet as the authenticated user (POST /2/users/:id/retweets), or takes the retweet back with `undo: true` (DELETE).',
  input: Type.Object(
    {
      tweetId: TweetId,
      undo: Type.Optional(Type.Boolean({ default: false, description: 'Remove the retweet instead' })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ retweeted: Type.Boolean() }),
  idempotent: true,
  examples: [{ input: { tweetId: '1790000000000000000' } }],
  run: async ({ tweetId, undo }, { client, signal }) => {
    const me = await client.me(signal);
    const result = await client.call('retweet', signal, (v2) =>
      undo === true ? v2.unretweet(me.id, tweetId) : v2.retweet(me.id, tweetId),
    );
    return { retweeted: result.data.retweeted };
  },
});

export const follow = defineTwitterAction({
  title: 'Follow user',
  description:
    'Follows a user as the authenticated user (POST /2/users/:id/following), or unfollows with `undo: true`. Following a protected account makes a pending request.',
  input: Type.Object(
    {
      userId: UserId,
      undo: Type.Optional(Type.Boolean({ default: false, description: 'Unfollow instead' })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ following: Type.Boolean(), pendingFollow: Type.Boolean() }),
  idempotent: true,
  examples: [{ input: { userId: '2244994945' } }],
  run: async ({ userId, undo }, { client, signal }) => {
    const me = await client.me(signal);
    if (undo === true) {
      const result = await client.call('follow', signal, (v2) => v2.unfollow(me.id, userId));
      return { following: result.data.following, pendingFollow: false };
    }
    const result = await client.call('follow', signal, (v2) => v2.follow(me.id, userId));
    return { following: result.data.following, pendingFollow: result.data.pending_follow };
  },
});

export const sendDirectMessage = defineTwitterAction({
  title: 'Send direct message',
  description:
    'Sends a direct message to a user in their one-to-one conversation (POST /2/dm_conversations/with/:participant_id/messages).',
  input: Type.Object(
    { participantId: UserId, text: Type.String({ minLength: 1, maxLength: 10_000 }) },
    { additionalProperties: false },
  ),
  output: Type.Object({ dmConversationId: Type.String(), dmEventId: Type.String() }),
  examples: [{ input: { participantId: '2244994945', text: 'Your report is ready.' } }],
  run: async ({ participantId, text }, { client, signal }) => {
    const result = (await client.call('sendDirectMessage', signal, (v2) =>
      v2.sendDmToParticipant(participantId, { text }),
    )) as unknown as {
      data?: { dm_conversation_id?: string; dm_event_id?: string };
      dm_conversation_id?: string;
      dm_event_id?: string;
    };
    // The API wraps the result in `data`; the SDK's type describes it unwrapped.
    const data = result.data ?? result;
    return {
      dmConversationId: String(data.dm_conversation_id ?? ''),
      dmEventId: String(data.dm_event_id ?? ''),
    };
  },
});
