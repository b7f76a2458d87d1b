import { Type } from '@connectorkit/core';
import { defineTwitterAction, invalidInput } from '../define-twitter-action.js';
import { fromPartialErrors } from '../error-mapping.js';
import { pagingQuery, readTweetPages } from '../pagination.js';
import { fieldsQuery, Includes, Paging, Tweet, TweetFields, TweetId, TweetList } from '../schemas.js';

export const postTweet = defineTwitterAction({
  title: 'Post tweet',
  description:
    'Posts a tweet as the authenticated user (POST /2/tweets): text, a reply, a quote or a poll. Needs a user-context connection.',
  input: Type.Object(
    {
      text: Type.Optional(Type.String({ minLength: 1, maxLength: 280, description: 'Up to 280 characters' })),
      replyTo: Type.Optional(
        Type.String({ pattern: '^[0-9]{1,19}$', description: 'Id of the tweet this one answers' }),
      ),
      quoteTweetId: Type.Optional(
        Type.String({ pattern: '^[0-9]{1,19}$', description: 'Id of the tweet this one quotes' }),
      ),
      poll: Type.Optional(
        Type.Object(
          {
            options: Type.Array(Type.String({ minLength: 1, maxLength: 25 }), { minItems: 2, maxItems: 4 }),
            durationMinutes: Type.Integer({
              minimum: 5,
              maximum: 10_080,
              description: '5 minutes to 7 days',
            }),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ id: Type.String(), text: Type.String() }),
  examples: [
    { input: { text: 'Deploy finished ✅' } },
    { input: { text: 'Which day?', poll: { options: ['Mon', 'Fri'], durationMinutes: 60 } } },
  ],
  run: async (input, { client, signal }) => {
    if (input.text === undefined && input.poll === undefined && input.quoteTweetId === undefined) {
      throw invalidInput('give `text`, `poll` or `quoteTweetId` — a tweet cannot be empty', '$.text');
    }
    const payload = {
      ...(input.text === undefined ? {} : { text: input.text }),
      ...(input.replyTo === undefined ? {} : { reply: { in_reply_to_tweet_id: input.replyTo } }),
      ...(input.quoteTweetId === undefined ? {} : { quote_tweet_id: input.quoteTweetId }),
      ...(input.poll === undefined
        ? {}
        : { poll: { options: [...input.poll.options], duration_minutes: input.poll.durationMinutes } }),
    };
    const result = await client.call('postTweet', signal, (v2) => v2.tweet(payload));
    return { id: result.data.id, text: result.data.text };
  },
});

export const deleteTweet = defineTwitterAction({
  title: 'Delete tweet',
  description: 'Deletes a tweet of the authenticated user (DELETE /2/tweets/:id).',
  input: Type.Object({ id: TweetId }, { additionalProperties: false }),
  output: Type.Object({ deleted: Type.Boolean() }),
  examples: [{ input: { id: '1790000000000000000' } }],
  run: async ({ id }, { client, signal }) => {
    const result = await client.call('deleteTweet', signal, (v2) => v2.deleteTweet(id));
    return { deleted: result.data.deleted };
  },
});

export const getTweet = defineTwitterAction({
  title: 'Get tweet',
  description: 'Reads one tweet by id (GET /2/tweets/:id), with the fields and expansions asked for.',
  input: Type.Object({ id: TweetId, ...TweetFields }, { additionalProperties: false }),
  output: Type.Object({ tweet: Tweet, includes: Type.Optional(Includes) }),
  idempotent: true,
  examples: [
    {
      input: {
        id: '1790000000000000000',
        tweetFields: ['created_at', 'author_id'],
        expansions: ['author_id'],
      },
    },
  ],
  run: async (input, { client, signal }) => {
    const body = (await client.call('getTweet', signal, (v2) =>
      v2.get(`tweets/${input.id}`, fieldsQuery(input)),
    )) as { data?: Tweet; includes?: Includes };
    if (body.data === undefined) throw fromPartialErrors(body, 'getTweet');
    return { tweet: body.data, ...(body.includes === undefined ? {} : { includes: body.includes }) };
  },
});

export const searchRecent = defineTwitterAction({
  title: 'Search recent tweets',
  description:
    'Searches tweets of the last seven days (GET /2/tweets/search/recent) with the search query language: keywords, "phrases", from:, to:, @mentions, #hashtags, -is:retweet, OR …; newest first, paged.',
  input: Type.Object(
    {
      query: Type.String({ minLength: 1, maxLength: 512, description: 'e.g. "connectorkit -is:retweet"' }),
      ...Paging(10),
      ...TweetFields,
    },
    { additionalProperties: false },
  ),
  output: TweetList,
  idempotent: true,
  examples: [{ input: { query: '#connectorkit -is:retweet', maxResults: 20, expansions: ['author_id'] } }],
  run: async (input, { client, signal }) =>
    readTweetPages(client, signal, {
      operation: 'searchRecent',
      endpoint: 'tweets/search/recent',
      query: { query: input.query, ...pagingQuery(input), ...fieldsQuery(input) },
      tokenParameter: 'next_token',
      maxResults: input.maxResults ?? 10,
      maxPages: input.maxPages ?? 1,
      nextToken: input.nextToken,
    }),
});
