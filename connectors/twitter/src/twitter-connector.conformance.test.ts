import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { CANARY_SECRET, describeConformance } from '@connectorkit/testing';
import { afterAll, beforeAll } from 'vitest';
import { twitterConnector } from './twitter-connector.js';

// The conformance suite against the Twitter/X emulator, reached the way people reach it: `sandbox: true`.
let twitter: Sandbox<EmulatorFor<'twitter'>>;
const saved = { ...process.env };

beforeAll(async () => {
  twitter = await startSandbox('twitter');
  process.env.CONNECTORKIT_SANDBOX_TWITTER_URL = twitter.url;
  process.env.CONNECTORKIT_SANDBOX_TWITTER_USER_ACCESS_TOKEN = twitter.credentials.userAccessToken;
  // User lookups by id answer late: the suite's slow call, which timeouts and cancellation must end.
  twitter.faults.delay({ route: 'GET /2/users/:id', ms: 5_000 });
});

afterAll(async () => {
  process.env = { ...saved };
  await twitter.close();
});

describeConformance({
  connector: twitterConnector,
  connection: { sandbox: true },
  badCredentials: { sandbox: true, bearerToken: CANARY_SECRET },
  failing: { action: 'getTweet', input: { id: '404' }, code: 'NOT_FOUND' },
  slow: { action: 'getUser', input: { id: '12345' } },
});
