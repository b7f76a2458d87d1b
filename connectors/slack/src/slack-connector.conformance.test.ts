import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { CANARY_SECRET, describeConformance } from '@connectorkit/testing';
import { afterAll, beforeAll } from 'vitest';
import { slackConnector } from './slack-connector.js';

// The conformance suite against the Slack emulator, reached the way people reach it: `sandbox: true`.
let slack: Sandbox<EmulatorFor<'slack'>>;
const saved = { ...process.env };

beforeAll(async () => {
  slack = await startSandbox('slack');
  process.env.CONNECTORKIT_SANDBOX_SLACK_URL = slack.url;
  process.env.CONNECTORKIT_SANDBOX_SLACK_TOKEN = slack.credentials.botToken;
  // conversations.info answers late: the suite's slow call, which timeouts and cancellation must end.
  slack.faults.delay({ route: 'conversations.info', ms: 5_000 });
});

afterAll(async () => {
  process.env = { ...saved };
  await slack.close();
});

describeConformance({
  connector: slackConnector,
  connection: { sandbox: true },
  badCredentials: { sandbox: true, token: CANARY_SECRET },
  failing: { action: 'getUser', input: { user: 'U404' }, code: 'NOT_FOUND' },
  // Any channel id: the emulator delays the answer before it looks at the request.
  slow: { action: 'getChannel', input: { channel: 'C0SLOW' } },
});
