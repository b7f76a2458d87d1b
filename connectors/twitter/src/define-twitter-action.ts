import { type ActionOn, actionsOn, type TSchema } from '@connectorkit/core';
import { twitterConnection } from './connection.js';
import type { TwitterClient } from './twitter-client.js';

/** An action of this connector: `defineAction` without the connection, which is always this one. */
export type TwitterActionDefinition<TInput extends TSchema, TOutput extends TSchema> = ActionOn<
  TInput,
  TOutput,
  TwitterClient
>;

/**
 * Declares a Twitter/X action bound to the Twitter/X connection. Calls go through
 * `ctx.client.call`, which already waits out rate limits and maps failures onto `ConnectorError`s.
 *
 * @example
 * export const getUser = defineTwitterAction({
 *   description: 'Reads one user by id (GET /2/users/:id).',
 *   input: Type.Object({ id: Type.String() }),
 *   output: Type.Object({ user: User }),
 *   idempotent: true,
 *   run: async ({ id }, { client, signal }) =>
 *     ({ user: requireData(await client.call('getUser', signal, (v2) => v2.user(id)), 'getUser') }),
 * });
 */
export const defineTwitterAction = actionsOn(twitterConnection);

export { invalidInput } from '@connectorkit/core';
