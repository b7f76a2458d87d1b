import { type Static, Type } from '@connectorkit/core';

/** An sObject API name: Account, Contact, Invoice__c … (no path characters can get through). */
export const SObjectName = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9_]{0,79}$',
  description: 'The sObject API name (Account, Contact, Invoice__c …)',
});

/** A Salesforce record id, 15 or 18 characters. */
export const RecordId = Type.String({
  pattern: '^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$',
  description: 'A record id (15 or 18 characters)',
});

/** A field API name (Name, Account.Name in queries, External_Id__c …). */
export const FieldName = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9_]{0,79}$',
  description: 'A field API name',
});

/** A record as Salesforce returns it: its fields, and `attributes` ({ type, url }). */
export const SalesforceRecord = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'A record: field API names to values; records read from Salesforce carry `attributes` { type, url }',
});
export type SalesforceRecord = Static<typeof SalesforceRecord>;

/** Field values to write (no `Id`, no `attributes`). */
export const RecordFields = Type.Record(
  Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,79}$' }),
  Type.Unknown(),
  {
    description: 'Field API names to values',
  },
);

/** One entry of Salesforce's error array. */
export const SalesforceErrorItem = Type.Object({
  errorCode: Type.String(),
  message: Type.String(),
  fields: Type.Array(Type.String()),
});

/** One page of a SOQL query, with the locator of the next one. */
export const QueryResult = Type.Object({
  totalSize: Type.Integer({ description: 'How many records the query matches in all' }),
  done: Type.Boolean({ description: 'True when no further page exists' }),
  records: Type.Array(SalesforceRecord),
  nextRecordsUrl: Type.Optional(
    Type.String({ description: 'Locator of the next page: pass it to `queryMore` (absent when done)' }),
  ),
});
export type QueryResult = Static<typeof QueryResult>;
