import { describeConformance } from '@connectorkit/testing';
import { afterAll } from 'vitest';
import { exampleConnector } from './connector.js';
import operations from './test-fixtures/operations.gen.json' with { type: 'json' };
import { type OperationsFixture, startStubServer } from './test-fixtures/stub-server.js';

const fixture: OperationsFixture = operations;
const stub = await startStubServer();
afterAll(() => stub.close());

// The stub answers 404 to every call here, which the first operation must report as NOT_FOUND.
const [first] = fixture.operations;

describeConformance({
  connector: exampleConnector,
  connection: { ...fixture.connection, baseUrl: stub.url },
  ...(first === undefined
    ? {}
    : { failing: { action: first.action, input: first.input, code: 'NOT_FOUND' as const } }),
});
