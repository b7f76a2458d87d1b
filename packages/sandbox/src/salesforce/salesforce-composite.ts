/**
 * sObject Collections (`/composite/sobjects`) and Composite (`/composite`) of the Salesforce
 * emulator: many records or subrequests in one call, with `allOrNone` rollback.
 */
import { type EmulatorResponse, json } from '../define-emulator.js';
import { findField, findObject, renderRecord } from './salesforce-query.js';
import {
  canonicalNames,
  createChecked,
  fieldsParam,
  methodNotAllowed,
  NOT_FOUND,
  objectOf,
  Refusal,
  type RestRequest,
  sfError,
  stripAttributes,
  updateChecked,
} from './salesforce-rest.js';
import {
  deleteRecord,
  findRecord,
  isSalesforceId,
  type RecordProblem,
  restoreRecords,
  type SalesforceState,
  snapshotRecords,
  toId18,
} from './salesforce-state.js';

/** Answers a data API request; composite subrequests go through it. */
export type RestDispatch = (state: SalesforceState, request: RestRequest, url: string) => EmulatorResponse;

/** The id of a collection record (`Id` or `id`, as jsforce sends it). */
function idOf(fields: Readonly<Record<string, unknown>>): string {
  const key = Object.keys(fields).find((name) => name.toLowerCase() === 'id');
  const value = key === undefined ? undefined : fields[key];
  return typeof value === 'string' ? value : '';
}

/** Why a collection item's id names no live record: malformed, deleted or unknown. */
function missingRecord(state: SalesforceState, id: string): RecordProblem {
  if (!isSalesforceId(id))
    return { errorCode: 'MALFORMED_ID', message: `malformed id ${id}`, fields: ['Id'] };
  if (findRecord(state, id, true) !== undefined)
    return { errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] };
  return {
    errorCode: 'INVALID_CROSS_REFERENCE_KEY',
    message: `invalid cross reference id: ${id}`,
    fields: [],
  };
}

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

interface SaveResult {
  id: string | null;
  success: boolean;
  created?: boolean;
  errors: { statusCode: string; message: string; fields: readonly string[] }[];
}

function failed(id: string | null, problem: RecordProblem): SaveResult {
  return {
    id,
    success: false,
    errors: [{ statusCode: problem.errorCode, message: problem.message, fields: problem.fields }],
  };
}

/** sObject Collections: create, update, delete and retrieve up to 200 records in one call. */
export function answerCollections(
  state: SalesforceState,
  request: RestRequest,
  rest: readonly string[],
): EmulatorResponse {
  if (rest.length === 2 && request.method === 'PATCH')
    return upsertCollection(state, request, rest[0] as string, rest[1] as string);
  if (request.method === 'GET' || (request.method === 'POST' && rest.length === 1)) {
    const object = objectOf(state, rest[0]);
    if (object === undefined) return NOT_FOUND();
    // GET takes `ids` and `fields` in the query; POST (for long id lists) in a JSON body.
    const posted =
      request.method === 'POST'
        ? (request.body as { ids?: unknown; fields?: unknown } | undefined)
        : undefined;
    const query =
      posted === undefined
        ? request.query
        : new URLSearchParams({
            ids: Array.isArray(posted.ids) ? posted.ids.map(String).join(',') : '',
            fields: Array.isArray(posted.fields) ? posted.fields.map(String).join(',') : '',
          });
    const ids = (query.get('ids') ?? '').split(',').filter((id) => id !== '');
    const fields = fieldsParam(object, query);
    if (fields instanceof Refusal) return fields.response;
    if (fields === undefined) return sfError(400, 'MISSING_ARGUMENT', 'fields must be specified', ['fields']);
    return json(
      200,
      ids.map((id) => {
        const record = isSalesforceId(id) ? state.records.get(object.name)?.get(toId18(id)) : undefined;
        return record === undefined || record.IsDeleted === true
          ? null
          : renderRecord(object, record, fields, request.version);
      }),
    );
  }
  if (rest.length > 0) return NOT_FOUND();
  if (request.method === 'DELETE') {
    const ids = (request.query.get('ids') ?? '').split(',').filter((id) => id !== '');
    return saveAll(state, ids.length, request.query.get('allOrNone') === 'true', (index) => {
      const id = ids[index] as string;
      const found = findRecord(state, id);
      if (found === undefined) return failed(id, missingRecord(state, id));
      deleteRecord(state, found.record);
      return { id: found.record.Id as string, success: true, errors: [] };
    });
  }
  const body = request.body as { allOrNone?: unknown; records?: unknown } | undefined;
  if (body === undefined || !Array.isArray(body.records)) {
    return sfError(
      400,
      'JSON_PARSER_ERROR',
      'The request body must be { "allOrNone": boolean, "records": [ … ] }',
    );
  }
  const records = body.records as unknown[];
  const allOrNone = body.allOrNone === true;
  if (request.method === 'POST' || request.method === 'PATCH') {
    const creating = request.method === 'POST';
    return saveAll(state, records.length, allOrNone, (index) => {
      const item = records[index];
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        return failed(null, {
          errorCode: 'JSON_PARSER_ERROR',
          message: 'each record must be an object',
          fields: [],
        });
      }
      const fields = item as Record<string, unknown>;
      const type = (fields.attributes as { type?: unknown } | undefined)?.type;
      if (creating) {
        const object = typeof type === 'string' ? findObject(state, type) : undefined;
        if (object === undefined) {
          return failed(null, {
            errorCode: 'INVALID_TYPE',
            message: `sObject type '${String(type)}' is not supported (attributes.type)`,
            fields: [],
          });
        }
        const result = createChecked(state, object, stripAttributes(fields));
        return 'errorCode' in result
          ? failed(null, result as RecordProblem)
          : { id: result.Id as string, success: true, errors: [] };
      }
      const id = idOf(fields);
      const found = findRecord(state, id);
      if (found === undefined) return failed(id || null, missingRecord(state, id));
      const { Id: _id, ...changes } = canonicalNames(found.object, stripAttributes(fields));
      const problem = updateChecked(state, found.object, found.record, changes);
      return problem === undefined
        ? { id: found.record.Id as string, success: true, errors: [] }
        : failed(found.record.Id as string, problem);
    });
  }
  return methodNotAllowed(request);
}

/** `PATCH /composite/sobjects/{object}/{externalIdField}`: upsert up to 200 records by external id. */
function upsertCollection(
  state: SalesforceState,
  request: RestRequest,
  objectName: string,
  fieldName: string,
): EmulatorResponse {
  const object = objectOf(state, objectName);
  if (object === undefined) return NOT_FOUND();
  const field = findField(object, fieldName);
  if (field === undefined || !(field.externalId || field.name === 'Id')) {
    return sfError(
      400,
      'INVALID_FIELD',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
      [fieldName],
    );
  }
  const body = request.body as { allOrNone?: unknown; records?: unknown } | undefined;
  if (body === undefined || !Array.isArray(body.records)) {
    return sfError(
      400,
      'JSON_PARSER_ERROR',
      'The request body must be { "allOrNone": boolean, "records": [ … ] }',
    );
  }
  const records = body.records as unknown[];
  return saveAll(state, records.length, body.allOrNone === true, (index): SaveResult => {
    const item = records[index];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return failed(null, {
        errorCode: 'JSON_PARSER_ERROR',
        message: 'each record must be an object',
        fields: [],
      });
    }
    const fields = stripAttributes(item as Record<string, unknown>);
    const key = fields[field.name];
    if (key === undefined || key === null || key === '') {
      return failed(null, {
        errorCode: 'MISSING_ARGUMENT',
        message: `${field.name} not specified`,
        fields: [field.name],
      });
    }
    const matches = [...(state.records.get(object.name)?.values() ?? [])].filter(
      (record) =>
        record.IsDeleted !== true &&
        (field.name === 'Id'
          ? isSalesforceId(String(key)) && record.Id === toId18(String(key))
          : String(record[field.name] ?? '').toLowerCase() === String(key).toLowerCase()),
    );
    if (matches.length > 1) {
      return failed(null, {
        errorCode: 'DUPLICATE_EXTERNAL_ID',
        message: `${field.name}: more than one record found for external id field: ${matches.map((record) => String(record.Id)).join(', ')}`,
        fields: [field.name],
      });
    }
    const [record] = matches;
    if (record === undefined) {
      if (field.name === 'Id')
        return failed(String(key), {
          errorCode: 'NOT_FOUND',
          message: 'The requested resource does not exist',
          fields: ['Id'],
        });
      const created = createChecked(state, object, fields);
      return 'errorCode' in created
        ? failed(null, created as RecordProblem)
        : { id: created.Id as string, success: true, errors: [], created: true };
    }
    const { [field.name]: _key, Id: _id, ...changes } = fields;
    const problem = updateChecked(state, object, record, changes);
    return problem === undefined
      ? { id: record.Id as string, success: true, errors: [], created: false }
      : failed(record.Id as string, problem);
  });
}

function saveAll(
  state: SalesforceState,
  count: number,
  allOrNone: boolean,
  save: (index: number) => SaveResult,
): EmulatorResponse {
  if (count > 200) {
    return sfError(
      400,
      'EXCEEDED_ID_LIMIT',
      'record limit reached. cannot submit more than 200 records into this call',
    );
  }
  const snapshot = allOrNone ? snapshotRecords(state) : undefined;
  const results: SaveResult[] = [];
  for (let index = 0; index < count; index++) results.push(save(index));
  if (snapshot !== undefined && results.some((result) => !result.success)) {
    restoreRecords(state, snapshot);
    return json(
      200,
      results.map((result) =>
        result.success ? { id: null, success: false, errors: [ROLLED_BACK] } : result,
      ),
    );
  }
  return json(200, results);
}

interface SubRequest {
  readonly method?: unknown;
  readonly url?: unknown;
  readonly referenceId?: unknown;
  readonly body?: unknown;
}

const HALTED = 'The transaction was rolled back since another operation in the same transaction failed.';

/** Composite: up to 25 subrequests in order, later ones referring to earlier results as `@{ref.field}`. */
export function answerComposite(
  state: SalesforceState,
  request: RestRequest,
  url: string,
  dispatch: RestDispatch,
): EmulatorResponse {
  if (request.method !== 'POST') return methodNotAllowed(request);
  const body = request.body as { allOrNone?: unknown; compositeRequest?: unknown } | undefined;
  if (body === undefined || !Array.isArray(body.compositeRequest)) {
    return sfError(
      400,
      'JSON_PARSER_ERROR',
      'The request body must be { "allOrNone": boolean, "compositeRequest": [ … ] }',
    );
  }
  const subrequests = body.compositeRequest as SubRequest[];
  if (subrequests.length > 25) {
    return sfError(400, 'INVALID_BATCH_REQUEST', 'composite requests are limited to 25 subrequests');
  }
  const allOrNone = body.allOrNone === true;
  const snapshot = allOrNone ? snapshotRecords(state) : undefined;
  const results = new Map<string, unknown>();
  const responses: Record<string, unknown>[] = [];
  let failedAt = -1;
  for (const [index, sub] of subrequests.entries()) {
    const referenceId = typeof sub.referenceId === 'string' ? sub.referenceId : `ref${index}`;
    let answer: EmulatorResponse;
    try {
      const target = resolveReferences(String(sub.url ?? ''), results, true) as string;
      const match = /^\/services\/data\/v(\d+\.\d)(\/[^?]*)?(?:\?(.*))?$/.exec(target);
      if (match === null) answer = sfError(400, 'INVALID_URL', `Invalid subrequest url: ${target}`);
      else {
        answer = dispatch(
          state,
          {
            method: String(sub.method ?? 'GET').toUpperCase(),
            path: (match[2] ?? '').replace(/\/+$/, ''),
            version: match[1] as string,
            query: new URLSearchParams(match[3] ?? ''),
            headers: {},
            body: sub.body === undefined ? undefined : resolveReferences(sub.body, results, false),
          },
          url,
        );
      }
    } catch (error) {
      if (!(error instanceof ReferenceProblem)) throw error;
      answer = sfError(400, 'PROCESSING_HALTED', error.message);
    }
    if (answer.status < 300) results.set(referenceId, answer.body);
    responses.push({
      body: answer.body ?? null,
      httpHeaders: answer.status === 201 ? { Location: locationOf(String(sub.url ?? ''), answer.body) } : {},
      httpStatusCode: answer.status,
      referenceId,
    });
    if (answer.status >= 400 && allOrNone) {
      failedAt = index;
      break;
    }
  }
  if (snapshot !== undefined && failedAt >= 0) {
    restoreRecords(state, snapshot);
    const halted = (referenceId: unknown): Record<string, unknown> => ({
      body: [{ errorCode: 'PROCESSING_HALTED', message: HALTED }],
      httpHeaders: {},
      httpStatusCode: 400,
      referenceId,
    });
    return json(200, {
      compositeResponse: subrequests.map((sub, index) =>
        index === failedAt
          ? responses[index]
          : halted(responses[index]?.referenceId ?? sub.referenceId ?? `ref${index}`),
      ),
    });
  }
  return json(200, { compositeResponse: responses });
}

class ReferenceProblem extends Error {}

/** The `Location` of a record a subrequest created: its sObject URL. */
function locationOf(subrequestUrl: string, body: unknown): string {
  const base = subrequestUrl.split('?')[0]?.replace(/\/+$/, '') ?? '';
  const id = String((body as { id?: unknown } | undefined)?.id ?? '');
  return /\/sobjects\/[^/]+$/.test(base) ? `${base}/${id}` : id;
}

/** Replaces `@{ref.path}` in strings (deeply in bodies) by the earlier result's value. */
function resolveReferences(value: unknown, results: ReadonlyMap<string, unknown>, inUrl: boolean): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g,
      (_whole, reference: string, path: string) => {
        if (!results.has(reference)) {
          throw new ReferenceProblem(
            `Invalid reference specified. No value for ${reference}${path} found in ${reference}.`,
          );
        }
        let current: unknown = results.get(reference);
        for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
          const key = step.startsWith('.') ? step.slice(1) : Number(step.slice(1, -1));
          current =
            current !== null && typeof current === 'object'
              ? (current as Record<string | number, unknown>)[key]
              : undefined;
        }
        if (current === undefined) {
          throw new ReferenceProblem(
            `Invalid reference specified. No value for ${reference}${path} found in ${reference}.`,
          );
        }
        return inUrl ? encodeURIComponent(String(current)) : String(current);
      },
    );
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, results, inUrl));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveReferences(item, results, inUrl)]),
    );
  }
  return value;
}
