import { createKit } from '@connectorkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleConnector } from './connector.js';
import operations from './test-fixtures/operations.gen.json' with { type: 'json' };
import { type OperationsFixture, startStubServer } from './test-fixtures/stub-server.js';

const fixture: OperationsFixture = operations;
const stub = await startStubServer();
const kit = createKit({
  connectors: [exampleConnector],
  connections: { service: { connector: 'example', ...fixture.connection, baseUrl: stub.url } },
  logger: { level: 'silent' },
});

afterAll(async () => {
  await kit.close();
  await stub.close();
});

describe('each operation, against a stub of the API', () => {
  it.each(fixture.operations)('$action sends $request.method $request.path', async (operation) => {
    stub.respondWith(operation.response);
    const output = await kit.invokeDynamic(`example.${operation.action}`, operation.input, { retry: false });
    expect(output).toEqual(operation.output);
    expect(stub.received).toHaveLength(1);
    const [request] = stub.received;
    const auth = operation.authenticated ? fixture.auth : null;
    expect(request?.method).toBe(operation.request.method);
    expect(request?.path).toBe(operation.request.path);
    expect(request?.query.filter(([name]) => auth?.in !== 'query' || name !== auth.name)).toEqual(
      operation.request.query,
    );
    expect(request?.headers).toMatchObject(operation.request.headers);
    expect(request?.body).toEqual(operation.request.body);
    if (auth?.in === 'header') expect(request?.headers[auth.name]).toBe(auth.value);
    if (auth?.in === 'query') expect(request?.query).toContainEqual([auth.name, auth.value]);
  });

  // An action added by hand needs its call in operations.gen.json; `skipped` holds those the
  // generator could make no sample call for, which the README lists under Notes.
  it('has a call for every action, but those listed as skipped', () => {
    const covered = [...fixture.operations, ...fixture.skipped].map((operation) => operation.action);
    expect(covered.sort()).toEqual(Object.keys(exampleConnector.actions).sort());
  });
});
