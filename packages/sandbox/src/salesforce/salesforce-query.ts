import type { SalesforceField, SalesforceObject } from './salesforce-objects.js';
import type { SalesforceRecord, SalesforceState } from './salesforce-state.js';
import {
  conditionFields,
  type FieldKind,
  matches,
  parseSoql,
  SoqlError,
  type SoqlQuery,
  sortRecords,
} from './soql.js';

/** One page of a query, in the REST API's shape. */
export interface QueryPage {
  readonly totalSize: number;
  readonly done: boolean;
  readonly records: readonly Record<string, unknown>[];
  readonly nextRecordsUrl?: string;
}

const KIND_OF_TYPE: Readonly<Record<string, FieldKind>> = {
  double: 'number',
  currency: 'number',
  percent: 'number',
  int: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  id: 'id',
  reference: 'id',
};

/** A field path of a query resolved against the object: `Name`, or `Account.Name` through AccountId. */
interface ResolvedPath {
  /** As written in the query, canonical case. */
  readonly canonical: string;
  readonly field: SalesforceField;
  /** The reference field and parent object, for a relationship path. */
  readonly via: { readonly reference: SalesforceField; readonly parent: SalesforceObject } | undefined;
}

function findObject(state: SalesforceState, name: string): SalesforceObject | undefined {
  const lower = name.toLowerCase();
  for (const object of state.objects.values()) if (object.name.toLowerCase() === lower) return object;
  return undefined;
}

function findField(object: SalesforceObject, name: string): SalesforceField | undefined {
  const lower = name.toLowerCase();
  for (const field of object.fields.values()) if (field.name.toLowerCase() === lower) return field;
  return undefined;
}

/** The object of a query's FROM, or INVALID_TYPE as Salesforce answers an unknown one. */
export function queryObject(state: SalesforceState, name: string): SalesforceObject {
  const object = findObject(state, name);
  if (object === undefined) {
    throw new SoqlError(
      'INVALID_TYPE',
      `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
    );
  }
  return object;
}

function resolvePath(state: SalesforceState, object: SalesforceObject, path: string): ResolvedPath {
  const parts = path.split('.');
  if (parts.length === 1) {
    const field = findField(object, path);
    if (field === undefined) {
      throw new SoqlError(
        'INVALID_FIELD',
        `No such column '${path}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
      );
    }
    return { canonical: field.name, field, via: undefined };
  }
  if (parts.length > 2) {
    throw new SoqlError(
      'INVALID_FIELD',
      `the emulator follows one relationship per field path, not '${path}'`,
    );
  }
  const [relationship = '', name = ''] = parts;
  const reference = [...object.fields.values()].find(
    (field) => field.relationshipName?.toLowerCase() === relationship.toLowerCase(),
  );
  const parent = reference === undefined ? undefined : findObject(state, reference.referenceTo[0] ?? '');
  if (reference === undefined || parent === undefined) {
    throw new SoqlError(
      'INVALID_FIELD',
      `Didn't understand relationship '${relationship}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
    );
  }
  const field = findField(parent, name);
  if (field === undefined) {
    throw new SoqlError('INVALID_FIELD', `No such column '${name}' on entity '${parent.name}'.`);
  }
  return { canonical: `${reference.relationshipName}.${field.name}`, field, via: { reference, parent } };
}

function readPath(state: SalesforceState, record: SalesforceRecord, path: ResolvedPath): unknown {
  if (path.via === undefined) return record[path.field.name];
  const parentId = record[path.via.reference.name];
  if (typeof parentId !== 'string') return null;
  return state.records.get(path.via.parent.name)?.get(parentId)?.[path.field.name] ?? null;
}

/** The REST API's `attributes` of a record. */
export function attributes(object: SalesforceObject, id: unknown, version: string): Record<string, unknown> {
  return { type: object.name, url: `/services/data/v${version}/sobjects/${object.name}/${String(id)}` };
}

/** A stored record as the REST API returns it: attributes first, then the asked fields. */
export function renderRecord(
  object: SalesforceObject,
  record: SalesforceRecord,
  fields: readonly string[] | undefined,
  version: string,
): Record<string, unknown> {
  const rendered: Record<string, unknown> = { attributes: attributes(object, record.Id, version) };
  for (const name of fields ?? [...object.fields.keys()]) rendered[name] = record[name] ?? null;
  return rendered;
}

export interface QueryOptions {
  readonly includeDeleted: boolean;
  readonly batchSize: number;
  readonly version: string;
  /** A further filter on stored records, applied before ORDER BY and LIMIT (SOSL's search term). */
  readonly where?: (record: SalesforceRecord, object: SalesforceObject) => boolean;
}

/** Runs a SOQL query and answers its first page; the rest stays in a cursor. */
export function runQuery(state: SalesforceState, soql: string, options: QueryOptions): QueryPage {
  const query = parseSoql(soql);
  const { records, total } = evaluate(state, query, options);
  if (query.count !== undefined && query.count.field === undefined) {
    return { totalSize: total, done: true, records: [] };
  }
  return pageOf(state, records, options);
}

/** Evaluates a parsed query: the matching records rendered, and how many matched. */
export function evaluate(
  state: SalesforceState,
  query: SoqlQuery,
  options: QueryOptions,
): { records: Record<string, unknown>[]; total: number } {
  const object = queryObject(state, query.object);
  const selected = query.fields.map((path) => resolvePath(state, object, path));
  const byText = new Map<string, ResolvedPath>();
  const resolve = (path: string): ResolvedPath => {
    let resolved = byText.get(path);
    if (resolved === undefined) {
      resolved = resolvePath(state, object, path);
      byText.set(path, resolved);
    }
    return resolved;
  };
  for (const path of [...conditionFields(query.where), ...query.orderBy.map((order) => order.field)])
    resolve(path);
  if (query.count?.field !== undefined) resolve(query.count.field);
  const read = (record: Readonly<Record<string, unknown>>, path: string): unknown =>
    readPath(state, record as SalesforceRecord, resolve(path));
  const kindOf = (path: string): FieldKind => KIND_OF_TYPE[resolve(path).field.type] ?? 'text';

  let records = [...(state.records.get(object.name)?.values() ?? [])].filter(
    (record) => options.includeDeleted || record.IsDeleted !== true,
  );
  if (options.where !== undefined) {
    const where = options.where;
    records = records.filter((record) => where(record, object));
  }
  if (query.where !== undefined) {
    const where = query.where;
    records = records.filter((record) => matches(where, record, read, kindOf));
  }
  records = sortRecords(records, query.orderBy, read, kindOf);
  const total = records.length;
  if (query.count !== undefined) {
    if (query.count.field === undefined) return { records: [], total };
    const field = query.count.field;
    const counted = records.filter(
      (record) => read(record, field) !== null && read(record, field) !== undefined,
    );
    return { records: [{ attributes: { type: 'AggregateResult' }, expr0: counted.length }], total: 1 };
  }
  records = records.slice(
    query.offset ?? 0,
    query.limit === undefined ? undefined : (query.offset ?? 0) + query.limit,
  );
  const rendered = records.map((record) => {
    const row: Record<string, unknown> = { attributes: attributes(object, record.Id, options.version) };
    for (const path of selected) {
      if (path.via === undefined) {
        row[path.field.name] = record[path.field.name] ?? null;
        continue;
      }
      const relationship = path.via.reference.relationshipName as string;
      const parentId = record[path.via.reference.name];
      const parent =
        typeof parentId === 'string' ? state.records.get(path.via.parent.name)?.get(parentId) : undefined;
      if (parent === undefined) {
        row[relationship] = null;
        continue;
      }
      const nested = (row[relationship] as Record<string, unknown> | undefined) ?? {
        attributes: attributes(path.via.parent, parent.Id, options.version),
      };
      nested[path.field.name] = parent[path.field.name] ?? null;
      row[relationship] = nested;
    }
    return row;
  });
  return { records: rendered, total: rendered.length };
}

function pageOf(
  state: SalesforceState,
  records: readonly Record<string, unknown>[],
  options: QueryOptions,
): QueryPage {
  if (records.length <= options.batchSize) return { totalSize: records.length, done: true, records };
  state.sequence++;
  const locator = `01g5g${state.sequence.toString(36).padStart(10, '0').toUpperCase()}`;
  state.cursors.set(locator, {
    records,
    totalSize: records.length,
    batchSize: options.batchSize,
    position: options.batchSize,
  });
  return {
    totalSize: records.length,
    done: false,
    records: records.slice(0, options.batchSize),
    nextRecordsUrl: `/services/data/v${options.version}/query/${locator}-${options.batchSize}`,
  };
}

/** The page of a query locator (`01g…-2000`), or undefined when it is unknown or spent. */
export function nextPage(
  state: SalesforceState,
  locatorText: string,
  version: string,
): QueryPage | undefined {
  const match = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(locatorText);
  if (match === null) return undefined;
  const cursor = state.cursors.get(match[1] as string);
  const position = Number(match[2]);
  if (cursor === undefined || position >= cursor.totalSize) return undefined;
  const end = position + cursor.batchSize;
  const records = cursor.records.slice(position, end);
  if (end >= cursor.totalSize) {
    state.cursors.delete(match[1] as string);
    return { totalSize: cursor.totalSize, done: true, records };
  }
  return {
    totalSize: cursor.totalSize,
    done: false,
    records,
    nextRecordsUrl: `/services/data/v${version}/query/${match[1]}-${end}`,
  };
}

/** Case-insensitive lookup helpers for the REST layer. */
export { findField, findObject };

/** The columns of a query's rows as Salesforce names them: `Name`, `Account.Name` (canonical case). */
export function selectedColumns(state: SalesforceState, query: SoqlQuery): string[] {
  const object = queryObject(state, query.object);
  return query.fields.map((path) => resolvePath(state, object, path).canonical);
}
