import { defineTrigger, Type } from '@connectorkit/core';
import { twitterConnection } from '../connection.js';
import { PollConfig, startPolling, TweetEvent } from './poll-tweets.js';

export const searchTrigger = defineTrigger({
  connection: twitterConnection,
  title: 'New tweet matching a search',
  description:
    'Polls recent search (GET /2/tweets/search/recent) with since_id and starts one run per new matching tweet, oldest first. The position is kept in the trigger state and moves only after the flow handled the tweet (at-least-once); tweets the index surfaces late are still delivered; a spent rate-limit window is waited out.',
  config: Type.Object(
    {
      query: Type.String({
        minLength: 1,
        maxLength: 512,
        description: 'A search query, e.g. "#connectorkit -is:retweet"',
      }),
      ...PollConfig,
    },
    { additionalProperties: false },
  ),
  event: TweetEvent,
  delivery: 'at-least-once',
  start: (config, ctx) =>
    startPolling({
      name: 'search',
      endpoint: 'tweets/search/recent',
      query: { query: config.query },
      client: ctx.client,
      config,
      signal: ctx.signal,
      log: ctx.log,
      state: ctx.state,
      emit: (event) => ctx.emit(event),
    }),
});
