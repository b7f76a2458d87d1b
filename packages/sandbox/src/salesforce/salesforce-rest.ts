/**
 * What the Salesforce emulator's REST routes share: the request shape, Salesforce's error
 * arrays, and creating or changing a record with the checks Salesforce makes.
 */
import { type EmulatorResponse, json } from '../define-emulator.js';
import type { SalesforceObject } from './salesforce-objects.js';
import { findField, findObject } from './salesforce-query.js';
import {
  duplicateProblem,
  insertRecord,
  type RecordProblem,
  type SalesforceRecord,
  type SalesforceState,
  updateRecord,
  validateFields,
} from './salesforce-state.js';

/** A REST request as the routes see it: the path below `/services/data/vXX.X`, the JSON body parsed. */
export interface RestRequest {
  readonly method: string;
  /** E.g. `/sobjects/Lead/00Q…`; empty for the version root. */
  readonly path: string;
  readonly version: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/** An error answer in Salesforce's shape: an array of `{ message, errorCode, fields }`. */
export function sfError(
  status: number,
  errorCode: string,
  message: string,
  fields?: readonly string[],
): EmulatorResponse {
  return json(status, [{ message, errorCode, ...(fields === undefined ? {} : { fields }) }]);
}

/** 404 NOT_FOUND, as Salesforce answers an unknown resource or record. */
export const NOT_FOUND = (): EmulatorResponse =>
  sfError(404, 'NOT_FOUND', 'The requested resource does not exist');

export function methodNotAllowed(request: RestRequest): EmulatorResponse {
  return sfError(
    405,
    'METHOD_NOT_ALLOWED',
    `HTTP Method '${request.method}' not allowed. Allowed are GET,HEAD`,
  );
}

export function objectOf(state: SalesforceState, name: string | undefined): SalesforceObject | undefined {
  return name === undefined ? undefined : findObject(state, name);
}

export function asRecordBody(body: unknown): Record<string, unknown> | Refusal {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return new Refusal(
      sfError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field values'),
    );
  }
  return body as Record<string, unknown>;
}

/** An error answer returned by a helper in place of its value. */
export class Refusal {
  constructor(readonly response: EmulatorResponse) {}
}

export function problemResponse(problem: RecordProblem): EmulatorResponse {
  return sfError(
    problem.errorCode === 'ENTITY_IS_DELETED' ? 404 : 400,
    problem.errorCode,
    problem.message,
    problem.fields,
  );
}

/** Creates one record after the checks Salesforce makes; the stored record or the first problem. */
export function createChecked(
  state: SalesforceState,
  object: SalesforceObject,
  body: Record<string, unknown>,
): RecordProblem | SalesforceRecord {
  body = canonicalNames(object, body);
  if (body.Id !== undefined) {
    return {
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      message: 'Unable to create/update fields: Id',
      fields: ['Id'],
    };
  }
  const problem =
    validateFields(state, object, body, 'create') ?? duplicateProblem(state, object, body, undefined);
  if (problem !== undefined) return problem;
  return insertRecord(state, object.name, body, Date.now());
}

/** Changes one record after the checks Salesforce makes; the first problem, if any. */
export function updateChecked(
  state: SalesforceState,
  object: SalesforceObject,
  record: SalesforceRecord,
  body: Record<string, unknown>,
): RecordProblem | undefined {
  body = canonicalNames(object, body);
  const problem =
    validateFields(state, object, body, 'update') ??
    duplicateProblem(state, object, { ...record, ...body }, record.Id as string);
  if (problem !== undefined) return problem;
  updateRecord(state, object, record, body, Date.now());
  return undefined;
}

export function stripAttributes(body: Record<string, unknown>): Record<string, unknown> {
  const { attributes: _attributes, ...fields } = body;
  return fields;
}

/** Field names in Salesforce's case: the API reads `id` or `lastname` as `Id` and `LastName`. */
export function canonicalNames(
  object: SalesforceObject,
  body: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [findField(object, name)?.name ?? name, value]),
  );
}

export function fieldsParam(
  object: SalesforceObject,
  query: URLSearchParams,
): readonly string[] | Refusal | undefined {
  const text = query.get('fields');
  if (text === null || text.trim() === '') return undefined;
  const names: string[] = [];
  for (const name of text.split(',').map((part) => part.trim())) {
    const field = findField(object, name);
    if (field === undefined) {
      return new Refusal(
        sfError(400, 'INVALID_FIELD', `No such column '${name}' on entity '${object.name}'.`, [name]),
      );
    }
    names.push(field.name);
  }
  return names;
}
