/**
 * The REST routes of the Salesforce emulator under `/services/data/vNN.N`: describe, sObject
 * CRUD and upsert by external id, query/queryAll with paging, search, and the dispatch to
 * collections, composite and Bulk API 2.0.
 */
import { type EmulatorResponse, json } from '../define-emulator.js';
import type { EmulatorRequest } from '../emulator-request.js';
import { answerJobs } from './salesforce-bulk.js';
import { answerCollections, answerComposite } from './salesforce-composite.js';
import { describeObject, objectSummary, type SalesforceObject } from './salesforce-objects.js';
import { findField, nextPage, renderRecord, runQuery } from './salesforce-query.js';
import {
  asRecordBody,
  createChecked,
  fieldsParam,
  methodNotAllowed,
  NOT_FOUND,
  objectOf,
  problemResponse,
  Refusal,
  type RestRequest,
  sfError,
  stripAttributes,
  updateChecked,
} from './salesforce-rest.js';
import { runSearch } from './salesforce-search.js';
import {
  deleteRecord,
  isSalesforceId,
  type RecordProblem,
  SALESFORCE_API_VERSION,
  type SalesforceRecord,
  type SalesforceState,
  toId18,
} from './salesforce-state.js';
import { SoqlError } from './soql.js';

/** Parses the path and body of a data API request; undefined when the path is not under /services/data/vXX.X. */
export function restRequest(request: EmulatorRequest): RestRequest | EmulatorResponse | undefined {
  const match = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(request.path);
  if (match === null) return undefined;
  let body: unknown;
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (request.body.length > 0 && type.includes('json')) {
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch (error) {
      return sfError(
        400,
        'JSON_PARSER_ERROR',
        `The request body is not valid JSON: ${(error as Error).message}`,
      );
    }
  } else if (request.body.length > 0) body = request.body.toString('utf8');
  return {
    method: request.method,
    path: (match[2] ?? '').replace(/\/+$/, ''),
    version: match[1] as string,
    query: request.query,
    headers: request.headers,
    body,
  };
}

/** The versions `GET /services/data/` lists. */
export function versions(): EmulatorResponse {
  return json(
    200,
    ['58.0', '59.0', '60.0', '61.0', SALESFORCE_API_VERSION].map((version) => ({
      label: `v${version}`,
      url: `/services/data/v${version}`,
      version,
    })),
  );
}

/** Answers one data API request (already authenticated and counted). */
export function answerRest(state: SalesforceState, request: RestRequest, url: string): EmulatorResponse {
  const segments = request.path
    .split('/')
    .filter((segment) => segment !== '')
    .map(decodeURIComponent);
  const [resource, ...rest] = segments;
  try {
    switch (resource) {
      case undefined:
        return json(200, resources(request.version));
      case 'limits':
        return json(200, {
          DailyApiRequests: {
            Max: state.limit.max,
            Remaining: Math.max(0, state.limit.max - state.limit.used),
          },
        });
      case 'sobjects':
        return answerSObjects(state, request, rest);
      case 'query':
      case 'queryAll':
        return answerQuery(state, request, rest, resource === 'queryAll');
      case 'search':
        if (request.method !== 'GET') return methodNotAllowed(request);
        return json(200, { searchRecords: runSearch(state, request.query.get('q') ?? '', request.version) });
      case 'jobs':
        return answerJobs(state, request, rest);
      case 'composite':
        if (rest[0] === 'sobjects') return answerCollections(state, request, rest.slice(1));
        if (rest.length === 0) return answerComposite(state, request, url, answerRest);
        return NOT_FOUND();
      default:
        return NOT_FOUND();
    }
  } catch (error) {
    if (error instanceof SoqlError) return sfError(400, error.errorCode, error.message);
    throw error;
  }
}

function resources(version: string): Record<string, string> {
  const base = `/services/data/v${version}`;
  return {
    sobjects: `${base}/sobjects`,
    query: `${base}/query`,
    queryAll: `${base}/queryAll`,
    search: `${base}/search`,
    composite: `${base}/composite`,
    limits: `${base}/limits`,
    jobs: `${base}/jobs`,
  };
}

function answerQuery(
  state: SalesforceState,
  request: RestRequest,
  rest: readonly string[],
  all: boolean,
): EmulatorResponse {
  if (request.method !== 'GET') return methodNotAllowed(request);
  if (rest.length === 1) {
    const page = nextPage(state, rest[0] as string, request.version);
    if (page === undefined) {
      return sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    return json(200, page);
  }
  const soql = request.query.get('q');
  if (soql === null || soql.trim() === '')
    return sfError(400, 'MALFORMED_QUERY', 'A query string is required (q=…)');
  const options = String(request.headers['sforce-query-options'] ?? '');
  const size = /batchSize=(\d+)/i.exec(options)?.[1];
  const batchSize = size === undefined ? 2000 : Math.min(2000, Math.max(1, Number(size)));
  return json(200, runQuery(state, soql, { includeDeleted: all, batchSize, version: request.version }));
}

function answerSObjects(
  state: SalesforceState,
  request: RestRequest,
  rest: readonly string[],
): EmulatorResponse {
  const { method, version } = request;
  if (rest.length === 0) {
    if (method !== 'GET') return methodNotAllowed(request);
    return json(200, {
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: [...state.objects.values()].map((object) => objectSummary(object, version)),
    });
  }
  const object = objectOf(state, rest[0]);
  if (object === undefined) return NOT_FOUND();
  if (rest.length === 1) {
    if (method === 'GET')
      return json(200, { objectDescribe: objectSummary(object, version), recentItems: [] });
    if (method === 'POST') return createOne(state, object, request.body);
    return methodNotAllowed(request);
  }
  if (rest[1] === 'describe' && rest.length === 2) {
    if (method !== 'GET') return methodNotAllowed(request);
    return json(200, describeObject(object, version));
  }
  if (rest.length === 2) return answerRecord(state, object, request, rest[1] as string);
  if (rest.length === 3)
    return answerByExternalId(state, object, request, rest[1] as string, rest[2] as string);
  return NOT_FOUND();
}

function createOne(state: SalesforceState, object: SalesforceObject, rawBody: unknown): EmulatorResponse {
  const body = asRecordBody(rawBody);
  if (body instanceof Refusal) return body.response;
  const result = createChecked(state, object, stripAttributes(body));
  if ('errorCode' in result) return problemResponse(result as RecordProblem);
  return json(201, { id: result.Id, success: true, errors: [] });
}

function lookup(state: SalesforceState, object: SalesforceObject, id: string): SalesforceRecord | Refusal {
  if (!isSalesforceId(id)) {
    return new Refusal(
      sfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${id}`),
    );
  }
  const record = state.records.get(object.name)?.get(toId18(id));
  if (record === undefined) return new Refusal(NOT_FOUND());
  if (record.IsDeleted === true) return new Refusal(sfError(404, 'ENTITY_IS_DELETED', 'entity is deleted'));
  return record;
}

function answerRecord(
  state: SalesforceState,
  object: SalesforceObject,
  request: RestRequest,
  id: string,
): EmulatorResponse {
  const found = lookup(state, object, id);
  if (found instanceof Refusal) return found.response;
  const record = found;
  switch (request.method) {
    case 'GET': {
      const fields = fieldsParam(object, request.query);
      if (fields instanceof Refusal) return fields.response;
      return json(200, renderRecord(object, record, fields, request.version));
    }
    case 'PATCH': {
      const body = asRecordBody(request.body);
      if (body instanceof Refusal) return body.response;
      const problem = updateChecked(state, object, record, stripAttributes(body));
      return problem === undefined ? { status: 204 } : problemResponse(problem);
    }
    case 'DELETE':
      deleteRecord(state, record);
      return { status: 204 };
    default:
      return methodNotAllowed(request);
  }
}

function answerByExternalId(
  state: SalesforceState,
  object: SalesforceObject,
  request: RestRequest,
  fieldName: string,
  value: string,
): EmulatorResponse {
  const field = findField(object, fieldName);
  if (field === undefined || !(field.externalId || field.name === 'Id')) {
    return sfError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
    );
  }
  const matches = [...(state.records.get(object.name)?.values() ?? [])].filter(
    (record) =>
      record.IsDeleted !== true &&
      (field.name === 'Id'
        ? isSalesforceId(value) && record.Id === toId18(value)
        : String(record[field.name] ?? '').toLowerCase() === value.toLowerCase()),
  );
  if (matches.length > 1) {
    return json(
      300,
      matches.map(
        (record) => `/services/data/v${request.version}/sobjects/${object.name}/${String(record.Id)}`,
      ),
    );
  }
  const [record] = matches;
  switch (request.method) {
    case 'GET':
      return record === undefined
        ? NOT_FOUND()
        : json(200, renderRecord(object, record, undefined, request.version));
    case 'DELETE':
      if (record === undefined) return NOT_FOUND();
      deleteRecord(state, record);
      return { status: 204 };
    case 'PATCH': {
      const body = asRecordBody(request.body);
      if (body instanceof Refusal) return body.response;
      const fields = stripAttributes(body);
      if (fields[field.name] !== undefined && String(fields[field.name]) !== value) {
        return sfError(
          400,
          'INVALID_FIELD',
          `The value of the external id field ${field.name} in the body differs from the one in the URL`,
          [field.name],
        );
      }
      if (record === undefined) {
        // `updateOnly=true` turns a missing record into 404 instead of an insert.
        if (field.name === 'Id' || request.query.get('updateOnly') === 'true') return NOT_FOUND();
        const created = createChecked(state, object, { ...fields, [field.name]: value });
        if ('errorCode' in created) return problemResponse(created as RecordProblem);
        return json(201, { id: created.Id, success: true, errors: [], created: true });
      }
      const { [field.name]: _same, ...changes } = fields;
      const problem = updateChecked(state, object, record, changes);
      if (problem !== undefined) return problemResponse(problem);
      // API 46.0 and later answer an update by upsert with 200 and a body; earlier versions with 204.
      if (Number(request.version) < 46) return { status: 204 };
      return json(200, { id: record.Id, success: true, errors: [], created: false });
    }
    default:
      return methodNotAllowed(request);
  }
}
