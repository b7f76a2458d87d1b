import { type ActionOn, actionsOn, type TSchema } from '@connectorkit/core';
import { slackConnection } from './connection.js';
import type { SlackClient } from './slack-client.js';

/** An action of this connector: `defineAction` without the connection, which is always this one. */
export type SlackActionDefinition<TInput extends TSchema, TOutput extends TSchema> = ActionOn<
  TInput,
  TOutput,
  SlackClient
>;

/**
 * Declares a Slack action bound to the Slack connection. Calls go through `ctx.client.call`,
 * which already maps Slack's failures onto `ConnectorError`s.
 *
 * @example
 * export const getUser = defineSlackAction({
 *   description: 'Reads one user by id (users.info).',
 *   input: Type.Object({ user: Type.String() }),
 *   output: Type.Object({ user: User }),
 *   idempotent: true,
 *   run: async ({ user }, { client, signal }) =>
 *     ({ user: toUser((await client.call<UsersInfoResponse>('users.info', { user }, signal)).user ?? {}) }),
 * });
 */
export const defineSlackAction = actionsOn(slackConnection);

export { invalidInput } from '@connectorkit/core';
