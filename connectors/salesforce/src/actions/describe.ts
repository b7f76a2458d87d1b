import { Type } from '@connectorkit/core';
import { defineSalesforceAction } from '../define-salesforce-action.js';
import { SObjectName } from '../schemas.js';

const FieldDescription = Type.Object({
  name: Type.String(),
  label: Type.String(),
  type: Type.String({
    description: 'string, email, double, boolean, date, datetime, reference, picklist, id …',
  }),
  nillable: Type.Boolean(),
  createable: Type.Boolean(),
  updateable: Type.Boolean(),
  externalId: Type.Boolean(),
  unique: Type.Boolean(),
  length: Type.Optional(Type.Integer()),
  referenceTo: Type.Array(Type.String()),
  relationshipName: Type.Optional(Type.String()),
  picklistValues: Type.Array(
    Type.Object({
      value: Type.String(),
      label: Type.String(),
      active: Type.Boolean(),
      defaultValue: Type.Boolean(),
    }),
  ),
});

interface RawField {
  name?: unknown;
  label?: unknown;
  type?: unknown;
  nillable?: unknown;
  createable?: unknown;
  updateable?: unknown;
  externalId?: unknown;
  unique?: unknown;
  length?: unknown;
  referenceTo?: unknown;
  relationshipName?: unknown;
  picklistValues?: unknown;
}

const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const flag = (value: unknown): boolean => value === true;

function toField(field: RawField): typeof FieldDescription.static {
  const picklist = Array.isArray(field.picklistValues)
    ? (field.picklistValues as Record<string, unknown>[])
    : [];
  return {
    name: text(field.name),
    label: text(field.label, text(field.name)),
    type: text(field.type),
    nillable: flag(field.nillable),
    createable: flag(field.createable),
    updateable: flag(field.updateable),
    externalId: flag(field.externalId),
    unique: flag(field.unique),
    ...(typeof field.length === 'number' && Number.isInteger(field.length) ? { length: field.length } : {}),
    referenceTo: Array.isArray(field.referenceTo)
      ? field.referenceTo.filter((item) => typeof item === 'string')
      : [],
    ...(typeof field.relationshipName === 'string' ? { relationshipName: field.relationshipName } : {}),
    picklistValues: picklist.map((entry) => ({
      value: text(entry.value),
      label: text(entry.label, text(entry.value)),
      active: entry.active !== false,
      defaultValue: flag(entry.defaultValue),
    })),
  };
}

export const describe = defineSalesforceAction({
  title: 'Describe an sObject',
  description:
    'Reads the metadata of an sObject (GET /sobjects/{sobject}/describe): its fields, their types and what may be written.',
  input: Type.Object({ sobject: SObjectName }, { additionalProperties: false }),
  output: Type.Object({
    name: Type.String(),
    label: Type.String(),
    keyPrefix: Type.Optional(Type.String()),
    custom: Type.Boolean(),
    createable: Type.Boolean(),
    updateable: Type.Boolean(),
    deletable: Type.Boolean(),
    queryable: Type.Boolean(),
    fields: Type.Array(FieldDescription),
  }),
  idempotent: true,
  run: async ({ sobject }, { client, signal }) => {
    const raw = (await client.call(
      `describe ${sobject}`,
      (connection) => connection.request(`/sobjects/${sobject}/describe`),
      signal,
    )) as Record<string, unknown>;
    return {
      name: text(raw.name, sobject),
      label: text(raw.label, sobject),
      ...(typeof raw.keyPrefix === 'string' ? { keyPrefix: raw.keyPrefix } : {}),
      custom: flag(raw.custom),
      createable: flag(raw.createable),
      updateable: flag(raw.updateable),
      deletable: flag(raw.deletable),
      queryable: flag(raw.queryable),
      fields: (Array.isArray(raw.fields) ? (raw.fields as RawField[]) : []).map(toField),
    };
  },
});

export const describeGlobal = defineSalesforceAction({
  title: 'List sObjects',
  description: 'Lists the sObjects of the org (GET /sobjects) with what the user may do with each.',
  input: Type.Object({}, { additionalProperties: false }),
  output: Type.Object({
    sobjects: Type.Array(
      Type.Object({
        name: Type.String(),
        label: Type.String(),
        keyPrefix: Type.Optional(Type.String()),
        custom: Type.Boolean(),
        createable: Type.Boolean(),
        queryable: Type.Boolean(),
      }),
    ),
  }),
  idempotent: true,
  run: async (_input, { client, signal }) => {
    const raw = (await client.call(
      'describeGlobal',
      (connection) => connection.request('/sobjects'),
      signal,
    )) as {
      sobjects?: Record<string, unknown>[];
    };
    return {
      sobjects: (raw.sobjects ?? []).map((entry) => ({
        name: text(entry.name),
        label: text(entry.label, text(entry.name)),
        ...(typeof entry.keyPrefix === 'string' ? { keyPrefix: entry.keyPrefix } : {}),
        custom: flag(entry.custom),
        createable: flag(entry.createable),
        queryable: flag(entry.queryable),
      })),
    };
  },
});
