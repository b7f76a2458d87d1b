import { type Static, Type } from '@connectorkit/core';

/** A tweet as API v2 returns it: `id` and `text` always, the other fields when asked for (`tweetFields`). */
export const Tweet = Type.Object(
  {
    id: Type.String({ description: 'Snowflake id (a string: it does not fit a JavaScript number)' }),
    text: Type.String(),
    edit_history_tweet_ids: Type.Optional(Type.Array(Type.String())),
    author_id: Type.Optional(Type.String()),
    created_at: Type.Optional(Type.String()),
    conversation_id: Type.Optional(Type.String()),
    in_reply_to_user_id: Type.Optional(Type.String()),
    referenced_tweets: Type.Optional(
      Type.Array(
        Type.Object({
          type: Type.String({ description: 'replied_to, quoted or retweeted' }),
          id: Type.String(),
        }),
      ),
    ),
  },
  { additionalProperties: true },
);
export type Tweet = Static<typeof Tweet>;

/** A user as API v2 returns it: `id`, `name`, `username` always, the others when asked for (`userFields`). */
export const User = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    username: Type.String({ description: 'The handle, without @' }),
    created_at: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    verified: Type.Optional(Type.Boolean()),
    protected: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);
export type User = Static<typeof User>;

/** Objects the expansions pulled in (`includes`). */
export const Includes = Type.Object(
  {
    users: Type.Optional(Type.Array(User)),
    tweets: Type.Optional(Type.Array(Tweet)),
    polls: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  },
  { additionalProperties: true, description: 'Users, tweets, polls … referenced by `expansions`' },
);
export type Includes = Static<typeof Includes>;

const fieldList = (description: string) =>
  Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description }));

/** Which fields and expansions to ask for (API v2 names). */
export const TweetFields = {
  tweetFields: fieldList(
    'tweet.fields, e.g. created_at, author_id, conversation_id, entities, public_metrics',
  ),
  userFields: fieldList('user.fields of expanded users, e.g. description, created_at, verified'),
  pollFields: fieldList('poll.fields of expanded polls'),
  expansions: fieldList('expansions, e.g. author_id, referenced_tweets.id, attachments.poll_ids'),
};

/** The fields and expansions of an input as API v2 query parameters. */
export function fieldsQuery(input: {
  readonly tweetFields?: readonly string[] | undefined;
  readonly userFields?: readonly string[] | undefined;
  readonly pollFields?: readonly string[] | undefined;
  readonly expansions?: readonly string[] | undefined;
}): Record<string, string> {
  const query: Record<string, string> = {};
  if (input.tweetFields !== undefined && input.tweetFields.length > 0)
    query['tweet.fields'] = input.tweetFields.join(',');
  if (input.userFields !== undefined && input.userFields.length > 0)
    query['user.fields'] = input.userFields.join(',');
  if (input.pollFields !== undefined && input.pollFields.length > 0)
    query['poll.fields'] = input.pollFields.join(',');
  if (input.expansions !== undefined && input.expansions.length > 0)
    query.expansions = input.expansions.join(',');
  return query;
}

export const TweetId = Type.String({
  pattern: '^[0-9]{1,19}$',
  description: 'A tweet id (snowflake, digits)',
});
export const UserId = Type.String({ pattern: '^[0-9]{1,19}$', description: 'A user id (digits)' });

/** A page (or several) of tweets. */
export const TweetList = Type.Object({
  tweets: Type.Array(Tweet, { description: 'Newest first' }),
  includes: Type.Optional(Includes),
  resultCount: Type.Integer({ minimum: 0 }),
  newestId: Type.Optional(Type.String()),
  oldestId: Type.Optional(Type.String()),
  nextToken: Type.Optional(Type.String({ description: 'Pass back as `nextToken` for the following page' })),
});
export type TweetList = Static<typeof TweetList>;

/** Paging inputs of the list actions. */
export const Paging = (minimum: number) => ({
  maxResults: Type.Optional(
    Type.Integer({ minimum, maximum: 100, default: 10, description: `Tweets per page (${minimum}–100)` }),
  ),
  maxPages: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 50,
      default: 1,
      description: 'Pages to read in this call, following the next token',
    }),
  ),
  nextToken: Type.Optional(Type.String({ minLength: 1, description: 'Continue from a previous call' })),
  sinceId: Type.Optional(TweetId),
  untilId: Type.Optional(TweetId),
  startTime: Type.Optional(
    Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T', description: 'RFC 3339, e.g. 2024-03-01T00:00:00Z' }),
  ),
  endTime: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T', description: 'RFC 3339' })),
});
