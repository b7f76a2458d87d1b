import { randomBytes } from 'node:crypto';
import {
  customObject,
  type SalesforceCustomObjectSeed,
  type SalesforceField,
  type SalesforceObject,
  standardObjects,
} from './salesforce-objects.js';

/** One record as the emulator stores it: field values by API name (Id, system fields included). */
export type SalesforceRecord = Record<string, unknown>;

/** The seed of the Salesforce emulator. */
export interface SalesforceSeed {
  /** Records by sObject name. Missing `Id`s are generated; dates may be given as ISO strings. */
  readonly records?: Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;
  /** Custom `__c` objects of the org. */
  readonly customObjects?: readonly SalesforceCustomObjectSeed[];
  /** The daily API request allowance (`Sforce-Limit-Info: api-usage=used/max`); default 15 000. */
  readonly apiLimit?: number;
  /** How fast Bulk API 2.0 jobs are processed; default: at once. */
  readonly bulkPace?: SalesforceBulkPace;
}

/**
 * How fast the emulator processes Bulk API 2.0 jobs, so that tests can watch a job go through
 * Salesforce's states `Open → UploadComplete → InProgress → JobComplete` (query jobs start at
 * `UploadComplete`).
 */
export interface SalesforceBulkPace {
  /**
   * Records a job processes at each status check (`GET /jobs/ingest/{id}` or
   * `GET /jobs/query/{id}`): the first check after the upload (or after a query job is
   * created) processes the first records, the job is `InProgress` while records remain, and
   * the check that processes the last ones answers `JobComplete` (`Failed` for an upload that
   * cannot be read). A positive integer; unset processes every job at once, when its upload is
   * complete or when the query job is created.
   */
  readonly recordsPerStatusCheck?: number;
}

/** Checks a pace from a seed, a control or a control route; the message says what is wrong. */
export function checkBulkPace(pace: SalesforceBulkPace): SalesforceBulkPace {
  const records = pace.recordsPerStatusCheck;
  if (records !== undefined && (!Number.isInteger(records) || records < 1)) {
    throw new Error(`bulkPace.recordsPerStatusCheck must be a positive integer, not ${String(records)}`);
  }
  return records === undefined ? {} : { recordsPerStatusCheck: records };
}

/** The sandbox org's connected app and user, as the token endpoint checks them. */
export const SALESFORCE_SANDBOX_CLIENT_ID = 'connectorkit-sandbox-client';
export const SALESFORCE_SANDBOX_CLIENT_SECRET = 'connectorkit-sandbox-secret';
export const SALESFORCE_SANDBOX_USERNAME = 'sandbox@connectorkit.example';
export const SALESFORCE_SANDBOX_PASSWORD = 'sandbox-password';
export const SALESFORCE_SANDBOX_SECURITY_TOKEN = 'SANDBOXTOKEN';
export const SALESFORCE_API_VERSION = '62.0';
/** The org id of the sandbox org. */
export const SALESFORCE_SANDBOX_ORG_ID = '00D5g00000CKSBXEA5';

interface QueryCursor {
  readonly records: readonly SalesforceRecord[];
  readonly totalSize: number;
  readonly batchSize: number;
  position: number;
}

/** The state of one running Salesforce emulator. */
export interface SalesforceState {
  readonly objects: Map<string, SalesforceObject>;
  /** Records by object name, then by 18-character id. */
  readonly records: Map<string, Map<string, SalesforceRecord>>;
  /** Valid access tokens. */
  readonly sessions: Set<string>;
  /** Valid refresh tokens. */
  readonly refreshTokens: Set<string>;
  /** The access token handed out as a credential at start. */
  readonly initialAccessToken: string;
  readonly initialRefreshToken: string;
  readonly userId: string;
  readonly cursors: Map<string, QueryCursor>;
  readonly limit: { max: number; used: number };
  /** How fast Bulk API 2.0 jobs are processed (`setBulkPace` changes it). */
  bulkPace: SalesforceBulkPace;
  /** Counter for ids and query locators. */
  sequence: number;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The three-character case-safe suffix Salesforce adds to a 15-character id. */
export function idSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let index = 0; index < 5; index++) {
      const char = id15[chunk * 5 + index] as string;
      if (char >= 'A' && char <= 'Z') bits |= 1 << index;
    }
    suffix += SUFFIX[bits];
  }
  return suffix;
}

/** True for a well-formed 15- or 18-character id (the 18-character one with a correct suffix). */
export function isSalesforceId(value: string): boolean {
  if (!/^[a-zA-Z0-9]{15}([A-Z0-5]{3})?$/.test(value)) return false;
  return value.length === 15 || idSuffix(value.slice(0, 15)) === value.slice(15);
}

/** The 18-character form of a 15- or 18-character id. */
export function toId18(value: string): string {
  return value.length === 18 ? value : `${value}${idSuffix(value)}`;
}

export function newId(state: SalesforceState, keyPrefix: string): string {
  state.sequence++;
  let counter = '';
  let rest = state.sequence;
  for (let index = 0; index < 10; index++) {
    counter = BASE62[rest % 62] + counter;
    rest = Math.floor(rest / 62);
  }
  const id15 = `${keyPrefix}5g${counter}`;
  return `${id15}${idSuffix(id15)}`;
}

export function token(prefix: string): string {
  return `${SALESFORCE_SANDBOX_ORG_ID}!${prefix}${randomBytes(24).toString('base64url')}`;
}

/** Salesforce's datetime format in JSON: `2026-11-28T10:00:00.000+0000`. */
export function formatDatetime(time: number): string {
  return new Date(time).toISOString().replace('Z', '+0000');
}

export function createSalesforceState(seed: SalesforceSeed | undefined): SalesforceState {
  const objects = new Map(standardObjects().map((entry) => [entry.name, entry]));
  for (const [index, custom] of (seed?.customObjects ?? []).entries()) {
    if (objects.has(custom.name)) throw new Error(`custom object '${custom.name}' is defined twice`);
    objects.set(custom.name, customObject(custom, index));
  }
  const initialAccessToken = token('AQ');
  const initialRefreshToken = `5Aep8${randomBytes(30).toString('base64url')}`;
  const state: SalesforceState = {
    objects,
    records: new Map([...objects.keys()].map((name) => [name, new Map()])),
    sessions: new Set([initialAccessToken]),
    refreshTokens: new Set([initialRefreshToken]),
    initialAccessToken,
    initialRefreshToken,
    userId: '',
    cursors: new Map(),
    limit: { max: seed?.apiLimit ?? 15_000, used: 0 },
    bulkPace: checkBulkPace(seed?.bulkPace ?? {}),
    sequence: 0,
  };
  // `GET /_sandbox/state` shows records by object and the API usage — not tokens or cursors.
  Object.defineProperty(state, 'toJSON', {
    enumerable: false,
    value: () => ({
      objects: [...state.objects.keys()],
      records: Object.fromEntries([...state.records].map(([name, records]) => [name, [...records.values()]])),
      limit: state.limit,
    }),
  });
  const now = Date.now();
  const user = insertRecord(
    state,
    'User',
    { Username: SALESFORCE_SANDBOX_USERNAME, Email: SALESFORCE_SANDBOX_USERNAME, Name: 'Sandbox User' },
    now,
  );
  (state as { userId: string }).userId = String(user.Id);
  user.OwnerId = user.Id;
  user.CreatedById = user.Id;
  user.LastModifiedById = user.Id;
  // Parents first, so that seeded references (Contact.AccountId …) find their records.
  const parentsFirst = ['User', 'Account'];
  const seeded = Object.entries(seed?.records ?? {}).sort(
    ([a], [b]) => rank(parentsFirst, a) - rank(parentsFirst, b),
  );
  for (const [name, records] of seeded) {
    const target = objects.get(name);
    if (target === undefined) {
      throw new Error(`seed: no sObject '${name}' (known: ${[...objects.keys()].join(', ')})`);
    }
    for (const record of records) {
      const problem = validateFields(state, target, record, 'seed');
      if (problem !== undefined) throw new Error(`seed ${name}: ${problem.message}`);
      insertRecord(state, name, record, now);
    }
  }
  return state;
}

function rank(order: readonly string[], name: string): number {
  const index = order.indexOf(name);
  return index === -1 ? order.length : index;
}

/** A record problem, in Salesforce's error shape. */
export interface RecordProblem {
  readonly errorCode: string;
  readonly message: string;
  readonly fields: readonly string[];
}

/**
 * Checks field names, types, lengths, picklists and references of a record body — for
 * `create` (required fields too) or `update`. Returns the first problem, as Salesforce does.
 */
export function validateFields(
  state: SalesforceState,
  object: SalesforceObject,
  body: Readonly<Record<string, unknown>>,
  mode: 'create' | 'update' | 'seed',
): RecordProblem | undefined {
  for (const [name, value] of Object.entries(body)) {
    if (name === 'attributes') continue;
    const field = object.fields.get(name);
    if (field === undefined) {
      return {
        errorCode: 'INVALID_FIELD',
        message: `No such column '${name}' on sobject of type ${object.name}`,
        fields: [name],
      };
    }
    if (mode !== 'seed' && name !== 'Id' && !(mode === 'create' ? field.createable : field.updateable)) {
      return {
        errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message: `Unable to create/update fields: ${name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        fields: [name],
      };
    }
    const problem = valueProblem(state, field, value);
    if (problem !== undefined) return problem;
  }
  if (mode !== 'update') {
    const missing = [...object.fields.values()]
      .filter((field) => field.required && field.defaultValue === null)
      .filter(
        (field) => body[field.name] === undefined || body[field.name] === null || body[field.name] === '',
      )
      .map((field) => field.name);
    if (missing.length > 0) {
      return {
        errorCode: 'REQUIRED_FIELD_MISSING',
        message: `Required fields are missing: [${missing.join(', ')}]`,
        fields: missing,
      };
    }
  }
  return undefined;
}

function valueProblem(
  state: SalesforceState,
  field: SalesforceField,
  value: unknown,
): RecordProblem | undefined {
  const fields = [field.name];
  if (value === null) {
    if (!field.nillable && field.createable) {
      return field.restrictedPicklist
        ? {
            errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            message: `${field.label}: bad value for restricted picklist field: null`,
            fields,
          }
        : {
            errorCode: 'REQUIRED_FIELD_MISSING',
            message: `Required fields are missing: [${field.name}]`,
            fields,
          };
    }
    return undefined;
  }
  const wrongType = (expected: string): RecordProblem => ({
    errorCode: 'JSON_PARSER_ERROR',
    message: `Cannot deserialize instance of ${expected} from ${JSON.stringify(value)} for field ${field.name}`,
    fields,
  });
  switch (field.type) {
    case 'double':
    case 'currency':
    case 'percent':
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType('double');
      return undefined;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrongType('int');
      return undefined;
    case 'boolean':
      if (typeof value !== 'boolean') return wrongType('boolean');
      return undefined;
    case 'date':
      if (
        typeof value !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
        Number.isNaN(Date.parse(value))
      ) {
        return wrongType('date (YYYY-MM-DD)');
      }
      return undefined;
    case 'datetime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return wrongType('datetime');
      return undefined;
    case 'id':
    case 'reference': {
      if (typeof value !== 'string') return wrongType('id');
      if (!isSalesforceId(value)) {
        return {
          errorCode: 'MALFORMED_ID',
          message: `${field.label}: id value of incorrect type: ${value}`,
          fields,
        };
      }
      if (field.type === 'reference') {
        const id = toId18(value);
        const found = field.referenceTo.some(
          (target) => state.records.get(target)?.get(id)?.IsDeleted === false,
        );
        if (!found) {
          return {
            errorCode: 'INVALID_CROSS_REFERENCE_KEY',
            message: `invalid cross reference id: ${value} (${field.name} must name a ${field.referenceTo.join(' or ')})`,
            fields,
          };
        }
      }
      return undefined;
    }
    default: {
      if (typeof value !== 'string') return wrongType('String');
      if (value.length > field.length) {
        return {
          errorCode: 'STRING_TOO_LONG',
          message: `${field.label}: data value too large: ${value.slice(0, 40)}… (max length=${field.length})`,
          fields,
        };
      }
      if (field.type === 'email' && value !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
        return {
          errorCode: 'INVALID_EMAIL_ADDRESS',
          message: `${field.label}: invalid email address: ${value}`,
          fields,
        };
      }
      if (field.restrictedPicklist && !field.picklistValues.includes(value)) {
        return {
          errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          message: `${field.label}: bad value for restricted picklist field: ${value}`,
          fields,
        };
      }
      return undefined;
    }
  }
}

/** A unique or external-id field whose value another live record already has. */
export function duplicateProblem(
  state: SalesforceState,
  object: SalesforceObject,
  record: Readonly<Record<string, unknown>>,
  selfId: string | undefined,
): RecordProblem | undefined {
  for (const field of object.fields.values()) {
    if (!field.unique) continue;
    const value = record[field.name];
    if (value === undefined || value === null || value === '') continue;
    for (const other of state.records.get(object.name)?.values() ?? []) {
      if (other.Id === selfId || other.IsDeleted === true) continue;
      if (String(other[field.name]).toLowerCase() === String(value).toLowerCase()) {
        return {
          errorCode: 'DUPLICATE_VALUE',
          message: `duplicate value found: ${field.name} duplicates value on record with id: ${String(other.Id)}`,
          fields: [field.name],
        };
      }
    }
  }
  return undefined;
}

function fullName(record: Readonly<Record<string, unknown>>): string | undefined {
  const parts = [record.FirstName, record.LastName].filter((part) => typeof part === 'string' && part !== '');
  return parts.length === 0 ? undefined : parts.join(' ');
}

/** Stores a new record (already validated), filling Id, defaults and system fields. */
export function insertRecord(
  state: SalesforceState,
  objectName: string,
  body: Readonly<Record<string, unknown>>,
  now: number,
): SalesforceRecord {
  const object = state.objects.get(objectName) as SalesforceObject;
  const stamp = formatDatetime(now);
  const record: SalesforceRecord = {};
  for (const field of object.fields.values()) record[field.name] = field.defaultValue;
  for (const [name, value] of Object.entries(body)) {
    if (name === 'attributes') continue;
    record[name] = storedValue(object.fields.get(name), value);
  }
  record.Id = typeof body.Id === 'string' ? toId18(body.Id) : newId(state, object.keyPrefix);
  record.IsDeleted = false;
  record.OwnerId = body.OwnerId == null ? state.userId || null : record.OwnerId;
  record.CreatedById = body.CreatedById == null ? state.userId || null : record.CreatedById;
  record.LastModifiedById = body.LastModifiedById == null ? state.userId || null : record.LastModifiedById;
  record.CreatedDate = body.CreatedDate === undefined ? stamp : record.CreatedDate;
  record.LastModifiedDate =
    body.LastModifiedDate === undefined ? (record.CreatedDate as string) : record.LastModifiedDate;
  record.SystemModstamp =
    body.SystemModstamp === undefined ? (record.LastModifiedDate as string) : record.SystemModstamp;
  if (object.fields.get('Name')?.createable === false && body.Name === undefined) {
    record.Name = fullName(record) ?? null;
  }
  state.records.get(objectName)?.set(record.Id as string, record);
  return record;
}

/** Changes fields of a stored record (already validated) and stamps it. */
export function updateRecord(
  state: SalesforceState,
  object: SalesforceObject,
  record: SalesforceRecord,
  body: Readonly<Record<string, unknown>>,
  now: number,
): void {
  for (const [name, value] of Object.entries(body)) {
    if (name === 'attributes' || name === 'Id') continue;
    record[name] = storedValue(object.fields.get(name), value);
  }
  if (object.fields.get('Name')?.createable === false) record.Name = fullName(record) ?? record.Name ?? null;
  const stamp = formatDatetime(Math.max(now, Date.parse(String(record.SystemModstamp)) + 1));
  record.LastModifiedDate = stamp;
  record.SystemModstamp = stamp;
  record.LastModifiedById = state.userId;
}

/**
 * A field value as Salesforce keeps it: datetimes in its own format, and ids — also references
 * given in their 15-character form — as 18 characters, so that relationship queries
 * (`Account.Name`) find the parent whichever form was written.
 */
function storedValue(field: SalesforceField | undefined, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (field?.type === 'datetime') return formatDatetime(Date.parse(value));
  if ((field?.type === 'reference' || field?.type === 'id') && isSalesforceId(value)) return toId18(value);
  return value;
}

/** Finds a live (or, with `includeDeleted`, deleted) record by id in any object. */
export function findRecord(
  state: SalesforceState,
  id: string,
  includeDeleted = false,
): { object: SalesforceObject; record: SalesforceRecord } | undefined {
  if (!isSalesforceId(id)) return undefined;
  const id18 = toId18(id);
  for (const [name, records] of state.records) {
    const record = records.get(id18);
    if (record !== undefined && (includeDeleted || record.IsDeleted !== true)) {
      return { object: state.objects.get(name) as SalesforceObject, record };
    }
  }
  return undefined;
}

/** A snapshot of every record, to roll back an all-or-none operation. */
export function snapshotRecords(state: SalesforceState): Map<string, Map<string, SalesforceRecord>> {
  return new Map(
    [...state.records].map(([name, records]) => [
      name,
      new Map([...records].map(([id, record]) => [id, { ...record }])),
    ]),
  );
}

export function restoreRecords(
  state: SalesforceState,
  snapshot: Map<string, Map<string, SalesforceRecord>>,
): void {
  state.records.clear();
  for (const [name, records] of snapshot) state.records.set(name, records);
}

/** Moves a record to the recycle bin: queries skip it, queryAll still finds it with IsDeleted true. */
export function deleteRecord(state: SalesforceState, record: SalesforceRecord): void {
  const stamp = formatDatetime(Math.max(Date.now(), Date.parse(String(record.SystemModstamp)) + 1));
  record.IsDeleted = true;
  record.LastModifiedDate = stamp;
  record.SystemModstamp = stamp;
  record.LastModifiedById = state.userId;
}
