export {
  runSandboxCommand,
  type SandboxCommandContext,
  type SandboxCommandFlags,
  type SandboxCommandIo,
  sandboxCommand,
} from './cli-command.js';
export {
  type AnyEmulatorDefinition,
  type ControlRoute,
  type ControlsOf,
  type CredentialsOf,
  defineEmulator,
  type EmulatorContext,
  type EmulatorDefinition,
  type EmulatorResponse,
  type FaultResponses,
  invalidBody,
  json,
  type SeedOf,
  type StateOf,
} from './define-emulator.js';
export {
  announceSandboxes,
  readSandboxDiscovery,
  type SandboxDiscovery,
  type SandboxDiscoveryEntry,
  sandboxDiscoveryFile,
  withdrawSandboxes,
} from './discovery-file.js';
export { bearerToken, type EmulatorRequest, type UploadedFile } from './emulator-request.js';
export type { Fault, FaultKind, FaultSpec, Faults, FaultTarget } from './faults.js';
export {
  type SalesforceControls,
  type SalesforceCredentials,
  salesforceEmulator,
} from './salesforce/salesforce-emulator.js';
export type { SalesforceCustomObjectSeed, SalesforceFieldSeed } from './salesforce/salesforce-objects.js';
export type {
  SalesforceBulkPace,
  SalesforceRecord,
  SalesforceSeed,
  SalesforceState,
} from './salesforce/salesforce-state.js';
export {
  type SlackControls,
  type SlackCredentials,
  type SlackUrlVerification,
  slackEmulator,
} from './slack/slack-emulator.js';
export type { SlackDeliverOptions, SlackDeliveryOutcome } from './slack/slack-events.js';
export { signSlackRequest, slackSignatureHeaders } from './slack/slack-signature.js';
export {
  DEFAULT_BOT_SCOPES,
  SLACK_SANDBOX_BOT_TOKEN,
  SLACK_SANDBOX_SIGNING_SECRET,
  type SlackApp,
  type SlackChannel,
  type SlackChannelSeed,
  type SlackDelivery,
  type SlackEventsConfig,
  type SlackFile,
  type SlackMessage,
  type SlackMessageSeed,
  type SlackSeed,
  type SlackState,
  type SlackTeam,
  type SlackUser,
  type SlackUserSeed,
} from './slack/slack-state.js';
export { SLACK_METHOD_NAMES } from './slack/slack-web-api.js';
export {
  type RecordedRequest,
  type Sandbox,
  type StartEmulatorOptions,
  startEmulator,
} from './start-emulator.js';
export {
  type EmulatorFor,
  type EmulatorName,
  emulatorNames,
  emulators,
  isEmulatorName,
  type SandboxDescription,
  type SandboxGroup,
  type StartSandboxesOptions,
  startSandbox,
  startSandboxes,
  UnknownEmulatorError,
} from './start-sandbox.js';
export {
  type TwitterControls,
  type TwitterCredentials,
  twitterEmulator,
} from './twitter/twitter-emulator.js';
export {
  TWITTER_SANDBOX_BEARER_TOKEN,
  TWITTER_SANDBOX_CONSUMER_KEY,
  TWITTER_SANDBOX_CONSUMER_SECRET,
  type TwitterDirectMessage,
  type TwitterPoll,
  type TwitterSeed,
  type TwitterState,
  type TwitterTweet,
  type TwitterTweetSeed,
  type TwitterUser,
  type TwitterUserSeed,
} from './twitter/twitter-state.js';
