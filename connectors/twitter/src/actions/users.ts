import { Type } from '@connectorkit/core';
import { defineTwitterAction } from '../define-twitter-action.js';
import { fromPartialErrors } from '../error-mapping.js';
import { pagingQuery, readTweetPages } from '../pagination.js';
import { fieldsQuery, Paging, TweetFields, TweetList, User, UserId } from '../schemas.js';

const UserFields = {
  userFields: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      description: 'user.fields, e.g. created_at, description, verified, public_metrics',
    }),
  ),
};

export const getUser = defineTwitterAction({
  title: 'Get user',
  description: 'Reads one user by id (GET /2/users/:id).',
  input: Type.Object({ id: UserId, ...UserFields }, { additionalProperties: false }),
  output: Type.Object({ user: User }),
  idempotent: true,
  examples: [{ input: { id: '2244994945', userFields: ['description'] } }],
  run: async (input, { client, signal }) => {
    const body = (await client.call('getUser', signal, (v2) =>
      v2.get(`users/${input.id}`, fieldsQuery(input)),
    )) as {
      data?: User;
    };
    if (body.data === undefined) throw fromPartialErrors(body, 'getUser');
    return { user: body.data };
  },
});

export const getUserByUsername = defineTwitterAction({
  title: 'Get user by username',
  description: 'Reads one user by handle (GET /2/users/by/username/:username).',
  input: Type.Object(
    {
      username: Type.String({
        pattern: '^@?[A-Za-z0-9_]{1,15}$',
        description: 'The handle, with or without @',
      }),
      ...UserFields,
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ user: User }),
  idempotent: true,
  examples: [{ input: { username: 'XDevelopers' } }],
  run: async (input, { client, signal }) => {
    const username = input.username.replace(/^@/, '');
    const body = (await client.call('getUserByUsername', signal, (v2) =>
      v2.get(`users/by/username/${username}`, fieldsQuery(input)),
    )) as { data?: User };
    if (body.data === undefined) throw fromPartialErrors(body, 'getUserByUsername');
    return { user: body.data };
  },
});

export const userTimeline = defineTwitterAction({
  title: 'User timeline',
  description: "Reads a user's tweets, newest first (GET /2/users/:id/tweets), paged.",
  input: Type.Object(
    {
      userId: UserId,
      exclude: Type.Optional(
        Type.Array(Type.Union([Type.Literal('replies'), Type.Literal('retweets')]), { uniqueItems: true }),
      ),
      ...Paging(5),
      ...TweetFields,
    },
    { additionalProperties: false },
  ),
  output: TweetList,
  idempotent: true,
  examples: [{ input: { userId: '2244994945', exclude: ['retweets'], maxResults: 20 } }],
  run: async (input, { client, signal }) =>
    readTweetPages(client, signal, {
      operation: 'userTimeline',
      endpoint: `users/${input.userId}/tweets`,
      query: {
        ...pagingQuery(input),
        ...fieldsQuery(input),
        ...(input.exclude === undefined || input.exclude.length === 0
          ? {}
          : { exclude: input.exclude.join(',') }),
      },
      tokenParameter: 'pagination_token',
      maxResults: input.maxResults ?? 10,
      maxPages: input.maxPages ?? 1,
      nextToken: input.nextToken,
    }),
});

export const mentions = defineTwitterAction({
  title: 'Mentions',
  description:
    'Reads tweets mentioning a user, newest first (GET /2/users/:id/mentions), paged; the authenticated user when `userId` is absent.',
  input: Type.Object(
    { userId: Type.Optional(UserId), ...Paging(5), ...TweetFields },
    { additionalProperties: false },
  ),
  output: TweetList,
  idempotent: true,
  examples: [{ input: { maxResults: 10, tweetFields: ['author_id', 'created_at'] } }],
  run: async (input, { client, signal }) => {
    const userId = input.userId ?? (await client.me(signal)).id;
    return readTweetPages(client, signal, {
      operation: 'mentions',
      endpoint: `users/${userId}/mentions`,
      query: { ...pagingQuery(input), ...fieldsQuery(input) },
      tokenParameter: 'pagination_token',
      maxResults: input.maxResults ?? 10,
      maxPages: input.maxPages ?? 1,
      nextToken: input.nextToken,
    });
  },
});
