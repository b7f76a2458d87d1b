export {
  resolveTarget,
  TWITTER_API_URL,
  TwitterConnectionConfig,
  type TwitterTarget,
  twitterConnection,
} from './connection.js';
export { defineTwitterAction, type TwitterActionDefinition } from './define-twitter-action.js';
export {
  fromPartialErrors,
  TWITTER_PROBLEM_CODES,
  TwitterSdkError,
  toTwitterError,
} from './error-mapping.js';
export { Includes, Tweet, TweetList, User } from './schemas.js';
export { type PollPosition, snowflakeAt, snowflakeTime } from './triggers/poll-tweets.js';
export type { RateLimitPolicy, TwitterAuth, TwitterClient, TwitterMe } from './twitter-client.js';
export { twitterConnector, twitterConnector as default } from './twitter-connector.js';
