import { defineTrigger, Type } from '@connectorkit/core';
import { twitterConnection } from '../connection.js';
import { UserId } from '../schemas.js';
import { PollConfig, startPolling, TweetEvent } from './poll-tweets.js';

export const mentionsTrigger = defineTrigger({
  connection: twitterConnection,
  title: 'New mention',
  description:
    'Polls the mentions of a user (GET /2/users/:id/mentions) with since_id and starts one run per new tweet, oldest first. The position is kept in the trigger state and moves only after the flow handled the tweet (at-least-once); tweets the API surfaces late are still delivered; a spent rate-limit window is waited out.',
  config: Type.Object(
    {
      userId: Type.Optional(UserId),
      ...PollConfig,
    },
    { additionalProperties: false },
  ),
  event: TweetEvent,
  delivery: 'at-least-once',
  start: async (config, ctx) => {
    const userId = config.userId ?? (await ctx.client.me(ctx.signal)).id;
    return startPolling({
      name: 'mentions',
      endpoint: `users/${userId}/mentions`,
      query: {},
      client: ctx.client,
      config,
      signal: ctx.signal,
      log: ctx.log,
      state: ctx.state,
      emit: (event) => ctx.emit(event),
    });
  },
});
