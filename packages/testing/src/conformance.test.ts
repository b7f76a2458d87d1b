import { SAMPLE_VALID_TOKEN, SampleClient, sampleConnector } from '@connectorkit/core/testing';
import { CANARY_SECRET, describeConformance } from './index.js';

SampleClient.reset();

describeConformance({
  connector: sampleConnector,
  connection: { token: SAMPLE_VALID_TOKEN },
  badCredentials: { token: CANARY_SECRET },
  failing: { action: 'get', input: { key: 'missing' }, code: 'NOT_FOUND' },
  slow: { action: 'wait', input: { ms: 5_000 } },
  runExamples: true,
});
