import { describe, expectTypeOf, it } from 'vitest';
import type { Sandbox } from '../start-emulator.js';
import { type EmulatorFor, startSandbox } from '../start-sandbox.js';
import type { SalesforceControls, SalesforceCredentials } from './salesforce-emulator.js';
import type { SalesforceRecord, SalesforceState } from './salesforce-state.js';

describe('Salesforce sandbox types', () => {
  it('types the sandbox started by name', async () => {
    const salesforce = await startSandbox('salesforce');
    expectTypeOf(salesforce).toEqualTypeOf<Sandbox<EmulatorFor<'salesforce'>>>();
    expectTypeOf(salesforce.state).toEqualTypeOf<SalesforceState>();
    expectTypeOf(salesforce.credentials).toEqualTypeOf<SalesforceCredentials>();
    expectTypeOf(salesforce.credentials.jwtPrivateKeyPem).toEqualTypeOf<string>();
    expectTypeOf(salesforce.controls).toEqualTypeOf<SalesforceControls>();
    expectTypeOf(salesforce.controls.records('Lead')).toEqualTypeOf<readonly SalesforceRecord[]>();
    expectTypeOf(salesforce.controls.setLimit).parameter(0).toEqualTypeOf<{
      readonly max: number;
      readonly remaining?: number;
    }>();
  });

  it('rejects a malformed seed at compile time', () => {
    // @ts-expect-error — records are grouped by sObject name in an object, not a list
    void startSandbox('salesforce', { seed: { records: [{ Name: 'Acme' }] } });
    void startSandbox('salesforce', {
      // @ts-expect-error — 'money' is not a field type
      seed: { customObjects: [{ name: 'Bill__c', fields: [{ name: 'Amount__c', type: 'money' }] }] },
    });
    // @ts-expect-error — a custom object needs its fields
    void startSandbox('salesforce', { seed: { customObjects: [{ name: 'Bill__c' }] } });
  });
});
