export {
  type ClientPlan,
  planClient,
  type RedisClient,
  RedisConnectionConfig,
  redisConnection,
} from './connection.js';
export { redis as default, VERSION } from './connector.js';
export { toRedisError } from './error-mapping.js';
export { DEAD_LETTER_FIELDS } from './triggers/stream.js';
