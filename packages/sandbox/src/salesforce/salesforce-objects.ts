/**
 * The sObjects the Salesforce emulator knows: the standard ones every org has (Account,
 * Contact, Lead, Opportunity, User) and custom `__c` objects from the seed, with the field
 * metadata that `describe` returns and that record validation uses.
 */

/** Field types of the emulator, named as `describe` names them. */
export type SalesforceFieldType =
  | 'id'
  | 'string'
  | 'email'
  | 'phone'
  | 'url'
  | 'textarea'
  | 'picklist'
  | 'double'
  | 'currency'
  | 'percent'
  | 'int'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'reference';

export interface SalesforceField {
  readonly name: string;
  readonly label: string;
  readonly type: SalesforceFieldType;
  /** Maximum length of text fields. */
  readonly length: number;
  readonly nillable: boolean;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly externalId: boolean;
  readonly unique: boolean;
  /** Required on create (not nillable, createable, no default). */
  readonly required: boolean;
  readonly referenceTo: readonly string[];
  /** The name of the parent relationship of a reference field (`AccountId` → `Account`). */
  readonly relationshipName: string | undefined;
  readonly picklistValues: readonly string[];
  /** Only the listed values are accepted. */
  readonly restrictedPicklist: boolean;
  readonly defaultValue: string | number | boolean | null;
}

export interface SalesforceObject {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  /** The three characters every id of this object starts with. */
  readonly keyPrefix: string;
  readonly custom: boolean;
  readonly fields: ReadonlyMap<string, SalesforceField>;
}

/** A custom object of the seed. */
export interface SalesforceCustomObjectSeed {
  /** Ends with `__c`. */
  readonly name: string;
  readonly label?: string;
  readonly fields: readonly SalesforceFieldSeed[];
}

export interface SalesforceFieldSeed {
  readonly name: string;
  readonly type: Exclude<SalesforceFieldType, 'id'>;
  readonly label?: string;
  readonly referenceTo?: string;
  readonly externalId?: boolean;
  readonly unique?: boolean;
  readonly required?: boolean;
  readonly picklistValues?: readonly string[];
  readonly length?: number;
}

type FieldSpec = {
  readonly [K in keyof Omit<SalesforceField, 'name' | 'type'>]?: SalesforceField[K] | undefined;
} & { readonly type: SalesforceFieldType };

function field(name: string, spec: FieldSpec): SalesforceField {
  const required = spec.required ?? false;
  const reference = spec.type === 'reference';
  return {
    name,
    label: spec.label ?? labelOf(name),
    type: spec.type,
    length: spec.length ?? (isText(spec.type) ? 255 : 0),
    nillable: spec.nillable ?? !required,
    createable: spec.createable ?? true,
    updateable: spec.updateable ?? true,
    externalId: spec.externalId ?? false,
    unique: spec.unique ?? false,
    required,
    referenceTo: spec.referenceTo ?? [],
    relationshipName:
      spec.relationshipName ??
      (reference
        ? name.endsWith('__c')
          ? name.replace(/__c$/, '__r')
          : name.replace(/Id$/, '')
        : undefined),
    picklistValues: spec.picklistValues ?? [],
    restrictedPicklist: spec.restrictedPicklist ?? false,
    defaultValue: spec.defaultValue ?? null,
  };
}

function isText(type: SalesforceFieldType): boolean {
  return ['string', 'email', 'phone', 'url', 'textarea', 'picklist'].includes(type);
}

function labelOf(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/Id$/, ' ID')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}

/** The fields every object has. */
function systemFields(): SalesforceField[] {
  const readOnly = { createable: false, updateable: false } as const;
  return [
    field('Id', { type: 'id', label: 'Record ID', ...readOnly, length: 18 }),
    field('OwnerId', { type: 'reference', referenceTo: ['User'], relationshipName: 'Owner' }),
    field('IsDeleted', { type: 'boolean', ...readOnly, nillable: false, defaultValue: false }),
    field('CreatedDate', { type: 'datetime', ...readOnly }),
    field('CreatedById', {
      type: 'reference',
      referenceTo: ['User'],
      relationshipName: 'CreatedBy',
      ...readOnly,
    }),
    field('LastModifiedDate', { type: 'datetime', ...readOnly }),
    field('LastModifiedById', {
      type: 'reference',
      referenceTo: ['User'],
      relationshipName: 'LastModifiedBy',
      ...readOnly,
    }),
    field('SystemModstamp', { type: 'datetime', ...readOnly }),
  ];
}

function object(
  name: string,
  keyPrefix: string,
  label: string,
  labelPlural: string,
  fields: readonly SalesforceField[],
  custom = false,
): SalesforceObject {
  return {
    name,
    label,
    labelPlural,
    keyPrefix,
    custom,
    fields: new Map([...systemFields(), ...fields].map((entry) => [entry.name, entry])),
  };
}

const LEAD_STATUSES = [
  'Open - Not Contacted',
  'Working - Contacted',
  'Closed - Converted',
  'Closed - Not Converted',
];
const STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
];

/** The standard objects of every emulated org. */
export function standardObjects(): SalesforceObject[] {
  return [
    object('Account', '001', 'Account', 'Accounts', [
      field('Name', { type: 'string', required: true }),
      field('Industry', {
        type: 'picklist',
        picklistValues: ['Agriculture', 'Banking', 'Energy', 'Retail', 'Technology'],
      }),
      field('Type', {
        type: 'picklist',
        picklistValues: ['Prospect', 'Customer - Direct', 'Partner', 'Other'],
      }),
      field('AnnualRevenue', { type: 'currency' }),
      field('Phone', { type: 'phone', length: 40 }),
      field('Website', { type: 'url' }),
      field('BillingCity', { type: 'string', length: 40 }),
      field('BillingCountry', { type: 'string', length: 80 }),
      field('NumberOfEmployees', { type: 'int' }),
      field('External_Id__c', { type: 'string', externalId: true, unique: true, label: 'External ID' }),
    ]),
    object('Contact', '003', 'Contact', 'Contacts', [
      field('FirstName', { type: 'string', length: 40 }),
      field('LastName', { type: 'string', length: 80, required: true }),
      field('Name', { type: 'string', createable: false, updateable: false, label: 'Full Name' }),
      field('Email', { type: 'email', length: 80 }),
      field('Phone', { type: 'phone', length: 40 }),
      field('Title', { type: 'string', length: 128 }),
      field('AccountId', { type: 'reference', referenceTo: ['Account'] }),
    ]),
    object('Lead', '00Q', 'Lead', 'Leads', [
      field('FirstName', { type: 'string', length: 40 }),
      field('LastName', { type: 'string', length: 80, required: true }),
      field('Name', { type: 'string', createable: false, updateable: false, label: 'Full Name' }),
      field('Company', { type: 'string', required: true }),
      field('Email', { type: 'email', length: 80 }),
      field('Phone', { type: 'phone', length: 40 }),
      field('Status', {
        type: 'picklist',
        picklistValues: LEAD_STATUSES,
        restrictedPicklist: true,
        defaultValue: 'Open - Not Contacted',
        nillable: false,
      }),
      field('LeadSource', {
        type: 'picklist',
        picklistValues: ['Web', 'Phone Inquiry', 'Partner Referral', 'Other'],
      }),
      field('Industry', {
        type: 'picklist',
        picklistValues: ['Agriculture', 'Banking', 'Energy', 'Retail', 'Technology'],
      }),
      field('AnnualRevenue', { type: 'currency' }),
      field('City', { type: 'string', length: 40 }),
      field('Country', { type: 'string', length: 80 }),
      field('Rating', { type: 'picklist', picklistValues: ['Hot', 'Warm', 'Cold'] }),
    ]),
    object('Opportunity', '006', 'Opportunity', 'Opportunities', [
      field('Name', { type: 'string', length: 120, required: true }),
      field('StageName', {
        type: 'picklist',
        picklistValues: STAGES,
        restrictedPicklist: true,
        required: true,
      }),
      field('CloseDate', { type: 'date', required: true }),
      field('Amount', { type: 'currency' }),
      field('Probability', { type: 'percent' }),
      field('AccountId', { type: 'reference', referenceTo: ['Account'] }),
    ]),
    object('User', '005', 'User', 'Users', [
      field('Name', { type: 'string', createable: false, updateable: false, label: 'Full Name' }),
      field('Username', { type: 'string', length: 80, required: true, unique: true }),
      field('Email', { type: 'email', length: 128, required: true }),
    ]),
  ];
}

/** A custom object from its seed; ids get the next `a0N` key prefix. */
export function customObject(seed: SalesforceCustomObjectSeed, index: number): SalesforceObject {
  if (!/^[A-Za-z][A-Za-z0-9_]*__c$/.test(seed.name)) {
    throw new Error(`custom object '${seed.name}' must be an API name ending with __c`);
  }
  const fields = [
    field('Name', { type: 'string', length: 80, label: `${seed.label ?? labelOf(seed.name)} Name` }),
    ...seed.fields.map((entry) => {
      if (entry.name.includes('__') && !entry.name.endsWith('__c')) {
        throw new Error(`field '${entry.name}' of ${seed.name} must end with __c`);
      }
      return field(entry.name, {
        type: entry.type,
        label: entry.label,
        referenceTo: entry.referenceTo === undefined ? undefined : [entry.referenceTo],
        externalId: entry.externalId,
        unique: entry.unique ?? entry.externalId,
        required: entry.required,
        picklistValues: entry.picklistValues,
        restrictedPicklist: entry.picklistValues !== undefined,
        length: entry.length,
      });
    }),
  ];
  const label = seed.label ?? labelOf(seed.name);
  return object(seed.name, `a0${(index + 1).toString(36).toUpperCase()}`, label, `${label}s`, fields, true);
}

/** The `describe` answer of an object, in Salesforce's shape. */
export function describeObject(object: SalesforceObject, version: string): Record<string, unknown> {
  return {
    ...objectSummary(object, version),
    fields: [...object.fields.values()].map((entry) => ({
      name: entry.name,
      label: entry.label,
      type: entry.type,
      length: entry.length,
      nillable: entry.nillable,
      createable: entry.createable,
      updateable: entry.updateable,
      filterable: true,
      sortable: entry.type !== 'textarea',
      externalId: entry.externalId,
      unique: entry.unique,
      idLookup: entry.name === 'Id' || entry.externalId,
      custom: entry.name.endsWith('__c'),
      defaultedOnCreate: entry.defaultValue !== null || !entry.createable,
      defaultValue: entry.defaultValue,
      referenceTo: entry.referenceTo,
      relationshipName: entry.relationshipName ?? null,
      restrictedPicklist: entry.restrictedPicklist,
      picklistValues: entry.picklistValues.map((value) => ({
        value,
        label: value,
        active: true,
        defaultValue: value === entry.defaultValue,
      })),
    })),
    childRelationships: [],
    recordTypeInfos: [],
  };
}

/** The short description of an object, as describeGlobal lists it. */
export function objectSummary(object: SalesforceObject, version: string): Record<string, unknown> {
  const base = `/services/data/v${version}/sobjects/${object.name}`;
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.labelPlural,
    keyPrefix: object.keyPrefix,
    custom: object.custom,
    createable: object.name !== 'User',
    updateable: true,
    deletable: object.name !== 'User',
    queryable: true,
    searchable: true,
    retrieveable: true,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}
