import {
  type ActionContext,
  type ActionDefinition,
  type ActionExample,
  type ConnectorError,
  defineAction,
  type Static,
  type TSchema,
} from '@connectorkit/core';
import { type RedisClient, redisConnection } from './connection.js';
import { toRedisError } from './error-mapping.js';

/** An action of this connector: `defineAction` without the connection, which is always Redis. */
export interface RedisActionDefinition<TInput extends TSchema, TOutput extends TSchema> {
  readonly title?: string;
  readonly description: string;
  readonly input: TInput;
  readonly output: TOutput;
  readonly idempotent?: boolean;
  readonly examples?: readonly ActionExample<Static<TInput>, Static<TOutput>>[];
  run(input: Static<TInput>, ctx: ActionContext<RedisClient>): Promise<Static<TOutput>>;
}

/**
 * Declares a Redis action: binds it to the Redis connection and maps whatever ioredis throws
 * onto a `ConnectorError` (see `toRedisError`), so that every action fails the same way. The
 * mapping is the action's `mapError`: core calls it on failure only, so a successful call
 * goes through no extra promise.
 *
 * @example
 * export const get = defineRedisAction({
 *   description: 'Reads a string value.',
 *   input: Type.Object({ key: Key }),
 *   output: Type.Object({ value: Type.Union([Type.String(), Type.Null()]) }),
 *   idempotent: true,
 *   run: async ({ key }, { client }) => ({ value: await client.get(key) }),
 * });
 */
export function defineRedisAction<const TInput extends TSchema, const TOutput extends TSchema>(
  definition: RedisActionDefinition<TInput, TOutput>,
): ActionDefinition<TInput, TOutput, RedisClient> {
  return defineAction({ ...definition, connection: redisConnection, mapError: mapRedisError });
}

function mapRedisError(error: unknown): ConnectorError {
  return toRedisError(error);
}
