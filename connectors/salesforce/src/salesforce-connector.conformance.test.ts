import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { CANARY_SECRET, describeConformance } from '@connectorkit/testing';
import { afterAll, beforeAll } from 'vitest';
import { salesforceConnector } from './salesforce-connector.js';

// The conformance suite against the Salesforce emulator, reached the way people reach it: `sandbox: true`.
let salesforce: Sandbox<EmulatorFor<'salesforce'>>;
const saved = { ...process.env };

beforeAll(async () => {
  salesforce = await startSandbox('salesforce');
  process.env.CONNECTORKIT_SANDBOX_SALESFORCE_URL = salesforce.url;
  // Queries answer late: the suite's slow call, which timeouts and cancellation must end.
  salesforce.faults.delay({ route: 'query', ms: 5_000 });
});

afterAll(async () => {
  process.env = { ...saved };
  await salesforce.close();
});

describeConformance({
  connector: salesforceConnector,
  connection: { sandbox: true },
  badCredentials: {
    sandbox: true,
    auth: { type: 'clientCredentials', clientId: 'connectorkit-sandbox-client', clientSecret: CANARY_SECRET },
  },
  failing: { action: 'get', input: { sobject: 'Account', id: '001000000000000AAA' }, code: 'NOT_FOUND' },
  slow: { action: 'query', input: { soql: 'SELECT Id FROM Account' } },
});
