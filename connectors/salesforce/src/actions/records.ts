import { ConnectorError, Type } from '@connectorkit/core';
import { defineSalesforceAction } from '../define-salesforce-action.js';
import { errorEntries, fromSalesforceErrors } from '../error-mapping.js';
import { FieldName, RecordFields, RecordId, SalesforceRecord, SObjectName } from '../schemas.js';

interface SaveResult {
  id?: string;
  success?: boolean;
  created?: boolean;
  errors?: unknown[];
}

/** A save result that says `success: false` (jsforce returns some failures instead of throwing). */
function assertSaved(result: SaveResult, what: string): string {
  if (result.success === false || typeof result.id !== 'string') {
    const errors = errorEntries(result.errors ?? []);
    throw errors.length > 0
      ? fromSalesforceErrors(errors, `Salesforce ${what}`)
      : new ConnectorError('INTERNAL', `Salesforce ${what}: the answer has no record id`);
  }
  return result.id;
}

export const create = defineSalesforceAction({
  title: 'Create a record',
  description: 'Creates one record of an sObject (POST /sobjects/{sobject}) and returns its id.',
  input: Type.Object({ sobject: SObjectName, record: RecordFields }, { additionalProperties: false }),
  output: Type.Object({ id: Type.String({ description: 'The new record id (18 characters)' }) }),
  examples: [{ input: { sobject: 'Account', record: { Name: 'Acme', Industry: 'Energy' } } }],
  run: async ({ sobject, record }, { client, signal }) => {
    const what = `create ${sobject}`;
    const result = await client.call(
      what,
      (connection) => connection.create(sobject, record) as Promise<SaveResult>,
      signal,
    );
    return { id: assertSaved(result, what) };
  },
});

export const get = defineSalesforceAction({
  title: 'Get a record',
  description: 'Reads one record by id (GET /sobjects/{sobject}/{id}), all fields or the ones named.',
  input: Type.Object(
    {
      sobject: SObjectName,
      id: RecordId,
      fields: Type.Optional(
        Type.Array(FieldName, { minItems: 1, description: 'Fields to read; default all' }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ record: SalesforceRecord }),
  idempotent: true,
  run: async ({ sobject, id, fields }, { client, signal }) => {
    const query = fields === undefined ? '' : `?fields=${encodeURIComponent(fields.join(','))}`;
    const record = await client.call(
      `get ${sobject} ${id}`,
      (connection) => connection.request<Record<string, unknown>>(`/sobjects/${sobject}/${id}${query}`),
      signal,
    );
    return { record };
  },
});

export const update = defineSalesforceAction({
  title: 'Update a record',
  description:
    'Changes fields of one record (PATCH /sobjects/{sobject}/{id}); fields not given keep their values.',
  input: Type.Object(
    { sobject: SObjectName, id: RecordId, record: RecordFields },
    { additionalProperties: false },
  ),
  output: Type.Object({ id: Type.String() }),
  idempotent: true,
  run: async ({ sobject, id, record }, { client, signal }) => {
    await client.call(
      `update ${sobject} ${id}`,
      (connection) =>
        connection.request({
          method: 'PATCH',
          url: `/sobjects/${sobject}/${id}`,
          body: JSON.stringify(withoutKeys(record)),
          headers: { 'content-type': 'application/json' },
        }),
      signal,
    );
    return { id };
  },
});

export const upsert = defineSalesforceAction({
  title: 'Upsert a record by external id',
  description:
    'Creates the record whose external id field has the given value, or updates it when one exists (PATCH /sobjects/{sobject}/{field}/{value}). Several matches fail with CONFLICT.',
  input: Type.Object(
    {
      sobject: SObjectName,
      externalIdField: FieldName,
      externalId: Type.String({ minLength: 1, description: 'The external id value' }),
      record: RecordFields,
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    id: Type.String(),
    created: Type.Boolean({ description: 'True when a new record was created' }),
  }),
  idempotent: true,
  examples: [
    {
      input: {
        sobject: 'Account',
        externalIdField: 'External_Id__c',
        externalId: 'ERP-1001',
        record: { Name: 'Acme' },
      },
    },
  ],
  run: async ({ sobject, externalIdField, externalId, record }, { client, signal }) => {
    const what = `upsert ${sobject} by ${externalIdField}`;
    const url = `/sobjects/${sobject}/${externalIdField}/${encodeURIComponent(externalId)}`;
    const fields = withoutKeys(record);
    delete fields[externalIdField];
    const result = await client.call(
      what,
      (connection) =>
        connection.request<SaveResult | undefined>(
          {
            method: 'PATCH',
            url,
            body: JSON.stringify(fields),
            headers: { 'content-type': 'application/json' },
          },
          { noContentResponse: { success: true, created: false, errors: [] } },
        ),
      signal,
    );
    if (result !== undefined && typeof result.id === 'string') {
      return { id: assertSaved(result, what), created: result.created ?? false };
    }
    // 204 (an update, before API 46.0 and in some orgs) carries no id: read it by the external id.
    const found = await client.call(
      what,
      (connection) => connection.request<Record<string, unknown>>(`${url}?fields=Id`),
      signal,
    );
    if (typeof found.Id !== 'string') {
      throw new ConnectorError('INTERNAL', `Salesforce ${what}: the updated record has no Id`);
    }
    return { id: found.Id, created: false };
  },
});

const remove = defineSalesforceAction({
  title: 'Delete a record',
  description: 'Deletes one record (DELETE /sobjects/{sobject}/{id}); it moves to the recycle bin.',
  input: Type.Object({ sobject: SObjectName, id: RecordId }, { additionalProperties: false }),
  output: Type.Object({ id: Type.String() }),
  run: async ({ sobject, id }, { client, signal }) => {
    await client.call(
      `delete ${sobject} ${id}`,
      (connection) => connection.request({ method: 'DELETE', url: `/sobjects/${sobject}/${id}` }),
      signal,
    );
    return { id };
  },
});

export { remove as delete };

/** Field values without `Id` and `attributes`, which Salesforce rejects in a body. */
function withoutKeys(record: Record<string, unknown>): Record<string, unknown> {
  const { Id: _id, attributes: _attributes, ...fields } = record;
  return fields;
}
