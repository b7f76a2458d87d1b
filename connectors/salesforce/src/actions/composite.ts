import { ConnectorError, Type } from '@connectorkit/core';
import { defineSalesforceAction, invalidInput } from '../define-salesforce-action.js';
import { errorEntries, fromSalesforceErrors } from '../error-mapping.js';
import { RecordFields, RecordId, SalesforceErrorItem, SObjectName } from '../schemas.js';

/** The sObject Collections limit: records per request. */
export const COLLECTION_LIMIT = 200;

const RECORD_ID = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/;

interface RawSaveResult {
  id?: string | null;
  success?: boolean;
  errors?: unknown[];
}

export const composite = defineSalesforceAction({
  title: 'Create, update or delete several records',
  description:
    'Writes up to 200 records in one call (sObject Collections: /composite/sobjects). With `allOrNone` every record is saved or none is, and a failure fails the action; without it each record succeeds or fails on its own and the results say which.',
  input: Type.Object(
    {
      operation: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
      sobject: Type.Optional(SObjectName),
      records: Type.Optional(
        Type.Array(RecordFields, {
          minItems: 1,
          maxItems: COLLECTION_LIMIT,
          description: 'create: the new records; update: records with their `Id` and the fields to change',
        }),
      ),
      ids: Type.Optional(
        Type.Array(RecordId, {
          minItems: 1,
          maxItems: COLLECTION_LIMIT,
          description: 'delete: the record ids',
        }),
      ),
      allOrNone: Type.Optional(Type.Boolean({ default: false, description: 'Save every record or none' })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    results: Type.Array(
      Type.Object({
        id: Type.Optional(Type.String()),
        success: Type.Boolean(),
        errors: Type.Array(SalesforceErrorItem),
      }),
      { description: 'One result per record, in input order' },
    ),
  }),
  run: async (input, { client, signal }) => {
    const what = `composite ${input.operation}`;
    const allOrNone = input.allOrNone === true;
    let raw: RawSaveResult[];
    if (input.operation === 'delete') {
      if (input.ids === undefined) throw invalidInput('`ids` is required to delete records', '$.ids');
      const ids = input.ids.join(',');
      raw = await client.call(
        what,
        (connection) =>
          connection.request<RawSaveResult[]>({
            method: 'DELETE',
            url: `/composite/sobjects?ids=${ids}&allOrNone=${String(allOrNone)}`,
          }),
        signal,
      );
    } else {
      const { sobject, records: given } = input;
      if (sobject === undefined)
        throw invalidInput(`\`sobject\` is required to ${input.operation} records`, '$.sobject');
      if (given === undefined)
        throw invalidInput(`\`records\` is required to ${input.operation} records`, '$.records');
      const records = given.map((record, index) => {
        const { attributes: _attributes, ...fields } = record as Record<string, unknown>;
        if (input.operation === 'update' && (typeof fields.Id !== 'string' || !RECORD_ID.test(fields.Id))) {
          throw invalidInput(
            'each record to update needs its `Id` (15 or 18 characters)',
            `$.records[${index}].Id`,
          );
        }
        return { attributes: { type: sobject }, ...fields };
      });
      raw = await client.call(
        what,
        (connection) =>
          connection.request<RawSaveResult[]>({
            method: input.operation === 'create' ? 'POST' : 'PATCH',
            url: '/composite/sobjects',
            body: JSON.stringify({ allOrNone, records }),
            headers: { 'content-type': 'application/json' },
          }),
        signal,
      );
    }
    if (!Array.isArray(raw))
      throw new ConnectorError('INTERNAL', `Salesforce ${what}: the answer is not a list of results`);
    const results = raw.map((result) => ({
      ...(typeof result.id === 'string' ? { id: result.id } : {}),
      success: result.success === true,
      errors: errorEntries(result.errors ?? []).map((error) => ({
        errorCode: error.errorCode,
        message: error.message,
        fields: [...(error.fields ?? [])],
      })),
    }));
    if (allOrNone) {
      const failed = results.findIndex((result) => !result.success);
      if (failed !== -1) {
        const errors = results.flatMap((result) => result.errors);
        throw fromSalesforceErrors(
          errors,
          `Salesforce ${what} (allOrNone, record ${failed}; nothing was saved)`,
        );
      }
    }
    return { results };
  },
});
