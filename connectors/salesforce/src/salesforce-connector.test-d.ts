import { type ActionInput, type ActionOutput, createKit } from '@connectorkit/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { query } from './actions/query.js';
import type { SalesforceClient } from './salesforce-client.js';
import { salesforceConnector } from './salesforce-connector.js';
import type { changedRecords } from './triggers/changed-records.js';

const kit = createKit({
  connectors: [salesforceConnector],
  connections: { crm: { connector: 'salesforce', sandbox: true } },
});

describe('salesforce connector types', () => {
  it('types action input and output from the schemas', () => {
    expectTypeOf<ActionInput<typeof query>>().toHaveProperty('soql').toEqualTypeOf<string>();
    expectTypeOf<ActionInput<typeof query>>().toHaveProperty('all').toEqualTypeOf<boolean | undefined>();
    expectTypeOf<ActionOutput<typeof query>>()
      .toHaveProperty('nextRecordsUrl')
      .toEqualTypeOf<string | undefined>();
    expectTypeOf(salesforceConnector.name).toEqualTypeOf<'salesforce'>();
    expectTypeOf(salesforceConnector.contract).toEqualTypeOf<1>();
  });

  it('types kit.invoke by action name', async () => {
    const page = await kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Account' });
    expectTypeOf(page.records).toEqualTypeOf<Record<string, unknown>[]>();
    expectTypeOf(page.totalSize).toEqualTypeOf<number>();
    const upserted = await kit.invoke('salesforce.upsert', {
      sobject: 'Account',
      externalIdField: 'External_Id__c',
      externalId: 'A-1',
      record: { Name: 'Acme' },
    });
    expectTypeOf(upserted).toEqualTypeOf<{ id: string; created: boolean }>();
  });

  it('rejects wrong names and inputs at compile time', () => {
    // @ts-expect-error — there is no salesforce.select
    void kit.invoke('salesforce.select', { soql: 'SELECT Id FROM Account' });
    // @ts-expect-error — `soql` is required
    void kit.invoke('salesforce.query', { parameters: {} });
    // @ts-expect-error — a parameter value is a scalar, a date or a list, not any object
    void kit.invoke('salesforce.query', { soql: ':id', parameters: { id: { x: 1 } } });
    // @ts-expect-error — `record` holds the fields to write
    void kit.invoke('salesforce.create', { sobject: 'Account', Name: 'Acme' });
  });

  it('gives actions a SalesforceClient and the trigger its record event', () => {
    expectTypeOf(salesforceConnector.actions.query.run)
      .parameter(1)
      .toHaveProperty('client')
      .toEqualTypeOf<SalesforceClient>();
    expectTypeOf<(typeof changedRecords)['start']>()
      .parameter(1)
      .toHaveProperty('emit')
      .parameter(0)
      .toHaveProperty('id')
      .toEqualTypeOf<string>();
  });
});
