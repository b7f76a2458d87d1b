import { CANARY_SECRET, describeConformance } from '@connectorkit/testing';
import { EXAMPLE_DEMO_TOKEN } from './client.js';
import { exampleConnector } from './connector.js';

describeConformance({
  connector: exampleConnector,
  connection: { token: EXAMPLE_DEMO_TOKEN },
  badCredentials: { token: CANARY_SECRET },
  failing: { action: 'getItem', input: { id: 'missing' }, code: 'NOT_FOUND' },
  slow: { action: 'getItem', input: { id: 'slow' } },
  runExamples: true,
});
