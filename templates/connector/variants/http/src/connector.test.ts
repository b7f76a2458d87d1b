import { CANARY_SECRET, describeConformance } from '@connectorkit/testing';
import { afterAll } from 'vitest';
import { exampleConnector } from './connector.js';
import { API_TOKEN, startApiServer } from './test-fixtures/api-server.js';

const server = await startApiServer();
afterAll(() => server.close());

describeConformance({
  connector: exampleConnector,
  connection: { baseUrl: server.url, token: API_TOKEN },
  badCredentials: { baseUrl: server.url, token: CANARY_SECRET },
  failing: { action: 'getItem', input: { id: 'missing' }, code: 'NOT_FOUND' },
  slow: { action: 'getItem', input: { id: 'slow' } },
  runExamples: true,
});
