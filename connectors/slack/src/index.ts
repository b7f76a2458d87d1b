export { apiCall } from './actions/api-call.js';
export {
  createChannel,
  getChannel,
  history,
  invite,
  listChannels,
  replies,
} from './actions/conversations.js';
export { uploadFile } from './actions/files.js';
export {
  deleteMessage,
  postEphemeral,
  postMessage,
  scheduleMessage,
  updateMessage,
} from './actions/messages.js';
export { addReaction, removeReaction } from './actions/reactions.js';
export { getUser, listUsers, lookupUserByEmail } from './actions/users.js';
export {
  resolveTarget,
  SLACK_API_URL,
  SlackConnectionConfig,
  type SlackTarget,
  slackConnection,
} from './connection.js';
export { fromSlackErrorString, SLACK_ERROR_RULES, SlackSdkError, toSlackError } from './error-mapping.js';
export { findSlackSandbox, type SlackSandboxTarget } from './sandbox-discovery.js';
export { Channel, FileSummary, Message, User } from './schemas.js';
export type { RateLimitPolicy, SlackClient } from './slack-client.js';
export { slackConnector as default, slackConnector } from './slack-connector.js';
export { event, SlackEvent, SlackEventConfig } from './triggers/event.js';
export { type SignatureProblem, verifySlackSignature } from './triggers/request-signature.js';
