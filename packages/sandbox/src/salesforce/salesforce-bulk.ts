/**
 * Bulk API 2.0 of the Salesforce emulator: ingest jobs (insert, update, upsert, delete of CSV
 * uploads, processed when the upload is marked complete) and query jobs (SOQL results as CSV
 * pages with the `Sforce-Locator` header). With a `bulkPace`, jobs are processed a number of
 * records per status check instead of at once (see `SalesforceBulkPace`).
 */
import { type EmulatorResponse, json } from '../define-emulator.js';
import type { SalesforceField, SalesforceObject } from './salesforce-objects.js';
import { evaluate, findField, findObject, selectedColumns } from './salesforce-query.js';
import { createChecked, type RestRequest, sfError, updateChecked } from './salesforce-rest.js';
import {
  deleteRecord,
  formatDatetime,
  idSuffix,
  isSalesforceId,
  type RecordProblem,
  type SalesforceRecord,
  type SalesforceState,
  toId18,
} from './salesforce-state.js';
import { parseSoql, SoqlError } from './soql.js';

const INGEST_OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const;
type IngestOperation = (typeof INGEST_OPERATIONS)[number];

/** A Bulk API 2.0 job with its uploaded data and its results. */
export interface BulkJob {
  readonly id: string;
  readonly kind: 'ingest' | 'query';
  readonly operation: string;
  readonly object: string;
  readonly externalIdFieldName: string | undefined;
  readonly apiVersion: string;
  readonly createdDate: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  systemModstamp: string;
  /** Uploaded CSV text (ingest). */
  upload: string;
  /** Uploaded rows an ingest job has not processed yet, and the fields of its columns. */
  pending: string[][];
  fields: SalesforceField[];
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  errorMessage: string | undefined;
  /** Result CSV rows of an ingest job. */
  readonly successful: string[][];
  readonly failed: string[][];
  readonly unprocessed: string[][];
  /** Columns of the upload (ingest) or of the results (query). */
  columns: string[];
  /** Rows of a query job's results, in `columns` order. */
  readonly rows: string[][];
}

const jobsByState = new WeakMap<SalesforceState, Map<string, BulkJob>>();

/** The Bulk API 2.0 jobs of an emulator's state. */
export function bulkJobs(state: SalesforceState): Map<string, BulkJob> {
  let jobs = jobsByState.get(state);
  if (jobs === undefined) {
    jobs = new Map();
    jobsByState.set(state, jobs);
  }
  return jobs;
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180)

/** Parses CSV text into rows; quoted fields may hold commas, quotes (doubled) and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let index = 0;
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  while (index < source.length) {
    const char = source[index] as string;
    if (quoted) {
      if (char === '"') {
        if (source[index + 1] === '"') {
          field += '"';
          index += 2;
          continue;
        }
        quoted = false;
        index++;
        continue;
      }
      field += char;
      index++;
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
      index++;
      continue;
    }
    if (char === ',') {
      row.push(field);
      field = '';
      index++;
      continue;
    }
    if (char === '\r' || char === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += char === '\r' && source[index + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += char;
    index++;
  }
  if (quoted) throw new CsvError('a quoted field is not closed');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((cells) => !(cells.length === 1 && cells[0] === ''));
}

class CsvError extends Error {}

/** Writes rows as CSV with every field quoted, as Salesforce writes its result files. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return (
    rows.map((cells) => cells.map((cell) => `"${cell.replace(/"/g, '""')}"`).join(',')).join('\n') +
    (rows.length > 0 ? '\n' : '')
  );
}

function csvResponse(text: string, headers: Readonly<Record<string, string>> = {}): EmulatorResponse {
  return { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', ...headers }, body: text };
}

// ---------------------------------------------------------------------------------------------
// Jobs

function jobInfo(job: BulkJob): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: '',
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
    lineEnding: 'LF',
    columnDelimiter: 'COMMA',
  };
  if (job.kind === 'ingest') {
    info.contentUrl = `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches`;
    if (job.externalIdFieldName !== undefined) info.externalIdFieldName = job.externalIdFieldName;
    info.jobType = 'V2Ingest';
    info.numberRecordsFailed = job.numberRecordsFailed;
  } else {
    info.jobType = 'V2Query';
  }
  info.numberRecordsProcessed = job.numberRecordsProcessed;
  info.retries = 0;
  info.totalProcessingTime = 0;
  if (job.errorMessage !== undefined) info.errorMessage = job.errorMessage;
  return info;
}

function notFound(): EmulatorResponse {
  return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
}

function newJob(
  state: SalesforceState,
  kind: BulkJob['kind'],
  fields: Pick<BulkJob, 'operation' | 'object' | 'externalIdFieldName' | 'apiVersion'>,
): BulkJob {
  state.sequence++;
  const id15 = `750${kind === 'ingest' ? '5g' : '5h'}${state.sequence.toString(36).toUpperCase().padStart(10, '0')}`;
  const stamp = formatDatetime(Date.now());
  const job: BulkJob = {
    id: `${id15}${idSuffix(id15)}`,
    kind,
    ...fields,
    createdDate: stamp,
    systemModstamp: stamp,
    state: kind === 'ingest' ? 'Open' : 'UploadComplete',
    upload: '',
    pending: [],
    fields: [],
    numberRecordsProcessed: 0,
    numberRecordsFailed: 0,
    errorMessage: undefined,
    successful: [],
    failed: [],
    unprocessed: [],
    columns: [],
    rows: [],
  };
  bulkJobs(state).set(job.id, job);
  return job;
}

function bodyObject(request: RestRequest): Record<string, unknown> | undefined {
  const body = request.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

/** Answers `/jobs/ingest…` and `/jobs/query…`. */
export function answerJobs(
  state: SalesforceState,
  request: RestRequest,
  rest: readonly string[],
): EmulatorResponse {
  const [kind, id, sub, ...extra] = rest;
  if (extra.length > 0) return notFound();
  if (kind === 'ingest') {
    if (id === undefined) {
      if (request.method === 'POST') return createIngestJob(state, request);
      if (request.method === 'GET') return listJobs(state, 'ingest');
      return methodNotAllowed(request);
    }
    const job = bulkJobs(state).get(id);
    if (job === undefined || job.kind !== 'ingest') return notFound();
    return answerIngestJob(state, request, job, sub);
  }
  if (kind === 'query') {
    if (id === undefined) {
      if (request.method === 'POST') return createQueryJob(state, request);
      if (request.method === 'GET') return listJobs(state, 'query');
      return methodNotAllowed(request);
    }
    const job = bulkJobs(state).get(id);
    if (job === undefined || job.kind !== 'query') return notFound();
    return answerQueryJob(state, request, job, sub);
  }
  return notFound();
}

function methodNotAllowed(request: RestRequest): EmulatorResponse {
  return sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${request.method}' not allowed for this resource`);
}

function listJobs(state: SalesforceState, kind: BulkJob['kind']): EmulatorResponse {
  return json(200, {
    done: true,
    records: [...bulkJobs(state).values()].filter((job) => job.kind === kind).map(jobInfo),
    nextRecordsUrl: null,
  });
}

function checkFormat(body: Record<string, unknown>): EmulatorResponse | undefined {
  if (body.contentType !== undefined && body.contentType !== 'CSV') {
    return sfError(
      400,
      'INVALIDJOB',
      `InvalidJob : contentType must be CSV, not ${String(body.contentType)}`,
    );
  }
  if (body.columnDelimiter !== undefined && body.columnDelimiter !== 'COMMA') {
    return sfError(400, 'INVALIDJOB', 'InvalidJob : the emulator reads COMMA-delimited CSV only');
  }
  return undefined;
}

function createIngestJob(state: SalesforceState, request: RestRequest): EmulatorResponse {
  const body = bodyObject(request);
  if (body === undefined)
    return sfError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON job definition');
  const operation = body.operation;
  if (typeof operation !== 'string' || !(INGEST_OPERATIONS as readonly string[]).includes(operation)) {
    return sfError(
      400,
      'INVALIDJOB',
      `InvalidJob : operation must be one of ${INGEST_OPERATIONS.join(', ')}`,
    );
  }
  const object = typeof body.object === 'string' ? findObject(state, body.object) : undefined;
  if (object === undefined) {
    return sfError(400, 'INVALIDJOB', `InvalidJob : Invalid object: ${String(body.object)}`);
  }
  const format = checkFormat(body);
  if (format !== undefined) return format;
  let externalIdFieldName: string | undefined;
  if (operation === 'upsert') {
    const field =
      typeof body.externalIdFieldName === 'string' ? findField(object, body.externalIdFieldName) : undefined;
    if (field === undefined || !(field.externalId || field.name === 'Id')) {
      return sfError(
        400,
        'INVALIDJOB',
        `InvalidJob : externalIdFieldName must name an external id field of ${object.name}, not ${String(body.externalIdFieldName)}`,
      );
    }
    externalIdFieldName = field.name;
  }
  const job = newJob(state, 'ingest', {
    operation,
    object: object.name,
    externalIdFieldName,
    apiVersion: request.version,
  });
  return json(200, jobInfo(job));
}

function answerIngestJob(
  state: SalesforceState,
  request: RestRequest,
  job: BulkJob,
  sub: string | undefined,
): EmulatorResponse {
  switch (sub) {
    case undefined:
      if (request.method === 'GET') {
        advanceJob(state, job);
        return json(200, jobInfo(job));
      }
      if (request.method === 'DELETE') {
        bulkJobs(state).delete(job.id);
        return { status: 204 };
      }
      if (request.method === 'PATCH') return changeIngestState(state, request, job);
      return methodNotAllowed(request);
    case 'batches': {
      if (request.method !== 'PUT') return methodNotAllowed(request);
      if (job.state !== 'Open') {
        return sfError(
          409,
          'INVALIDJOBSTATE',
          `Job ${job.id} is not Open (it is ${job.state}); data can only be uploaded to an Open job`,
        );
      }
      if (typeof request.body !== 'string')
        return sfError(
          400,
          'INVALIDBATCH',
          'InvalidBatch : the body must be CSV text (Content-Type: text/csv)',
        );
      const text = request.body;
      // Later uploads repeat the header line; only the first one keeps it.
      job.upload += job.upload === '' ? text : text.replace(/^[^\r\n]*\r?\n/, '');
      if (!job.upload.endsWith('\n')) job.upload += '\n';
      return { status: 201 };
    }
    case 'successfulResults':
      if (request.method !== 'GET') return methodNotAllowed(request);
      return csvResponse(toCsv([['sf__Id', 'sf__Created', ...job.columns], ...job.successful]));
    case 'failedResults':
      if (request.method !== 'GET') return methodNotAllowed(request);
      return csvResponse(toCsv([['sf__Id', 'sf__Error', ...job.columns], ...job.failed]));
    case 'unprocessedrecords':
      if (request.method !== 'GET') return methodNotAllowed(request);
      return csvResponse(toCsv(job.columns.length === 0 ? [] : [job.columns, ...job.unprocessed]));
    default:
      return notFound();
  }
}

function changeIngestState(state: SalesforceState, request: RestRequest, job: BulkJob): EmulatorResponse {
  const target = bodyObject(request)?.state;
  if (target === 'Aborted') {
    if (job.state === 'JobComplete' || job.state === 'Failed') {
      return sfError(409, 'INVALIDJOBSTATE', `Job ${job.id} is already ${job.state}`);
    }
    job.state = 'Aborted';
    job.systemModstamp = formatDatetime(Date.now());
    job.unprocessed.push(...job.pending);
    job.pending = [];
    return json(200, jobInfo(job));
  }
  if (target !== 'UploadComplete') {
    return sfError(400, 'INVALIDJOBSTATE', `state must be UploadComplete or Aborted, not ${String(target)}`);
  }
  if (job.state !== 'Open')
    return sfError(409, 'INVALIDJOBSTATE', `Job ${job.id} is not Open (it is ${job.state})`);
  job.state = 'UploadComplete';
  const answer = json(200, jobInfo(job));
  // Without a pace the emulator processes at once: the next GET of the job sees JobComplete (or Failed).
  if (state.bulkPace.recordsPerStatusCheck === undefined) advanceJob(state, job);
  return answer;
}

/**
 * Processes the next records of a job that is `UploadComplete` or `InProgress`: as many as the
 * pace allows (all without one), then `InProgress` while records remain, else `JobComplete`.
 */
function advanceJob(state: SalesforceState, job: BulkJob): void {
  if (job.state !== 'UploadComplete' && job.state !== 'InProgress') return;
  const budget = state.bulkPace.recordsPerStatusCheck ?? Number.POSITIVE_INFINITY;
  job.systemModstamp = formatDatetime(Date.now());
  if (job.kind === 'query') {
    job.numberRecordsProcessed = Math.min(job.rows.length, job.numberRecordsProcessed + budget);
    job.state = job.numberRecordsProcessed < job.rows.length ? 'InProgress' : 'JobComplete';
    return;
  }
  if (job.state === 'UploadComplete' && !readUpload(state, job)) return;
  const object = findObject(state, job.object) as SalesforceObject;
  const batch = job.pending.splice(0, Math.min(budget, job.pending.length));
  for (const cells of batch) {
    const outcome = ingestRow(state, job, object, job.fields, cells);
    if ('problem' in outcome) {
      const { errorCode, message, fields: names } = outcome.problem;
      job.failed.push([outcome.id, `${errorCode}:${message}:${names.join(',')} --`, ...cells]);
      job.numberRecordsFailed++;
    } else {
      job.successful.push([outcome.id, String(outcome.created), ...cells]);
    }
    job.numberRecordsProcessed++;
  }
  job.state = job.pending.length > 0 ? 'InProgress' : 'JobComplete';
}

/** Reads an ingest job's upload into its columns and pending rows; false (the job Failed) when it cannot. */
function readUpload(state: SalesforceState, job: BulkJob): boolean {
  let rows: string[][];
  try {
    rows = parseCsv(job.upload);
  } catch (error) {
    failJob(job, `InvalidBatch : ${(error as Error).message}`);
    return false;
  }
  const [header, ...data] = rows;
  if (header === undefined) {
    failJob(job, 'InvalidBatch : no data was uploaded');
    return false;
  }
  const object = findObject(state, job.object) as SalesforceObject;
  const fields: SalesforceField[] = [];
  for (const column of header) {
    const field = findField(object, column.trim());
    if (field === undefined) {
      failJob(job, `InvalidBatch : Field name not found : ${column}`);
      return false;
    }
    fields.push(field);
  }
  job.columns = header;
  job.fields = fields;
  job.pending = data;
  return true;
}

function failJob(job: BulkJob, message: string): void {
  job.state = 'Failed';
  job.errorMessage = message;
}

/** A CSV cell as a field value: empty leaves the field alone, `#N/A` clears it. */
function cellValue(
  field: SalesforceField,
  cell: string,
): { value: unknown } | { problem: RecordProblem } | undefined {
  if (cell === '') return undefined;
  if (cell === '#N/A') return { value: null };
  const wrong = (): { problem: RecordProblem } => ({
    problem: {
      errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
      message: `${field.label}: value not of required type: ${cell}`,
      fields: [field.name],
    },
  });
  switch (field.type) {
    case 'double':
    case 'currency':
    case 'percent':
    case 'int': {
      const value = Number(cell);
      if (!Number.isFinite(value) || (field.type === 'int' && !Number.isInteger(value))) return wrong();
      return { value };
    }
    case 'boolean': {
      const lower = cell.toLowerCase();
      if (lower === 'true' || lower === '1') return { value: true };
      if (lower === 'false' || lower === '0') return { value: false };
      return wrong();
    }
    default:
      return { value: cell };
  }
}

function ingestRow(
  state: SalesforceState,
  job: BulkJob,
  object: SalesforceObject,
  fields: readonly SalesforceField[],
  cells: readonly string[],
): { id: string; created: boolean } | { id: string; problem: RecordProblem } {
  const values: Record<string, unknown> = {};
  for (const [index, field] of fields.entries()) {
    const converted = cellValue(field, cells[index] ?? '');
    if (converted === undefined) continue;
    if ('problem' in converted) return { id: '', problem: converted.problem };
    values[field.name] = converted.value;
  }
  const { Id: rawId, ...changes } = values;
  const id = typeof rawId === 'string' ? rawId : '';
  const existing = (): SalesforceRecord | { id: string; problem: RecordProblem } => {
    if (!isSalesforceId(id)) {
      return {
        id,
        problem: {
          errorCode: 'MALFORMED_ID',
          message: `${object.label} ID: id value of incorrect type: ${id}`,
          fields: ['Id'],
        },
      };
    }
    const record = state.records.get(object.name)?.get(toId18(id));
    if (record === undefined || record.IsDeleted === true) {
      return { id, problem: { errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] } };
    }
    return record;
  };
  switch (job.operation as IngestOperation) {
    case 'insert': {
      const created = createChecked(state, object, values);
      return 'errorCode' in created
        ? { id: '', problem: created as RecordProblem }
        : { id: String(created.Id), created: true };
    }
    case 'update': {
      const record = existing();
      if ('problem' in record) return record as { id: string; problem: RecordProblem };
      const problem = updateChecked(state, object, record, changes);
      return problem === undefined
        ? { id: String(record.Id), created: false }
        : { id: String(record.Id), problem };
    }
    case 'delete':
    case 'hardDelete': {
      const record = existing();
      if ('problem' in record) return record as { id: string; problem: RecordProblem };
      deleteRecord(state, record);
      if (job.operation === 'hardDelete') state.records.get(object.name)?.delete(String(record.Id));
      return { id: String(record.Id), created: false };
    }
    case 'upsert': {
      const key = job.externalIdFieldName as string;
      const keyValue = values[key];
      if (keyValue === undefined || keyValue === null) {
        return {
          id: '',
          problem: { errorCode: 'MISSING_ARGUMENT', message: `${key} not specified`, fields: [key] },
        };
      }
      const matches = [...(state.records.get(object.name)?.values() ?? [])].filter(
        (record) =>
          record.IsDeleted !== true &&
          (key === 'Id'
            ? isSalesforceId(String(keyValue)) && record.Id === toId18(String(keyValue))
            : String(record[key] ?? '').toLowerCase() === String(keyValue).toLowerCase()),
      );
      if (matches.length > 1) {
        return {
          id: '',
          problem: {
            errorCode: 'DUPLICATE_EXTERNAL_ID',
            message: `${key}: more than one record found for external id field: ${matches.map((record) => String(record.Id)).join(', ')}`,
            fields: [key],
          },
        };
      }
      const [record] = matches;
      if (record === undefined) {
        if (key === 'Id')
          return {
            id: String(keyValue),
            problem: {
              errorCode: 'NOT_FOUND',
              message: 'The requested resource does not exist',
              fields: ['Id'],
            },
          };
        const created = createChecked(state, object, changes);
        return 'errorCode' in created
          ? { id: '', problem: created as RecordProblem }
          : { id: String(created.Id), created: true };
      }
      const { [key]: _key, ...rest } = changes;
      const problem = updateChecked(state, object, record, rest);
      return problem === undefined
        ? { id: String(record.Id), created: false }
        : { id: String(record.Id), problem };
    }
  }
}

function createQueryJob(state: SalesforceState, request: RestRequest): EmulatorResponse {
  const body = bodyObject(request);
  if (body === undefined)
    return sfError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON job definition');
  const operation = body.operation ?? 'query';
  if (operation !== 'query' && operation !== 'queryAll') {
    return sfError(
      400,
      'INVALIDJOB',
      `InvalidJob : operation must be query or queryAll, not ${String(operation)}`,
    );
  }
  if (typeof body.query !== 'string' || body.query.trim() === '') {
    return sfError(400, 'INVALIDJOB', 'InvalidJob : query is required');
  }
  const format = checkFormat(body);
  if (format !== undefined) return format;
  try {
    const query = parseSoql(body.query);
    if (query.count !== undefined) {
      return sfError(400, 'INVALIDJOB', 'InvalidJob : COUNT() is not supported by Bulk API 2.0 query jobs');
    }
    const columns = selectedColumns(state, query);
    const { records } = evaluate(state, query, {
      includeDeleted: operation === 'queryAll',
      batchSize: Number.MAX_SAFE_INTEGER,
      version: request.version,
    });
    const job = newJob(state, 'query', {
      operation,
      object: findObject(state, query.object)?.name ?? query.object,
      externalIdFieldName: undefined,
      apiVersion: request.version,
    });
    job.columns = columns;
    for (const record of records) job.rows.push(columns.map((column) => csvCell(readColumn(record, column))));
    const answer = json(200, jobInfo(job));
    // The results are the records matching now; a pace only delays when they are ready.
    if (state.bulkPace.recordsPerStatusCheck === undefined) advanceJob(state, job);
    return answer;
  } catch (error) {
    if (error instanceof SoqlError) return sfError(400, error.errorCode, error.message);
    throw error;
  }
}

function readColumn(record: Readonly<Record<string, unknown>>, column: string): unknown {
  const [first = '', second] = column.split('.');
  if (second === undefined) return record[first];
  const parent = record[first];
  return parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[second] : null;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

function answerQueryJob(
  state: SalesforceState,
  request: RestRequest,
  job: BulkJob,
  sub: string | undefined,
): EmulatorResponse {
  if (sub === undefined) {
    if (request.method === 'GET') {
      advanceJob(state, job);
      return json(200, jobInfo(job));
    }
    if (request.method === 'DELETE') {
      bulkJobs(state).delete(job.id);
      return { status: 204 };
    }
    if (request.method === 'PATCH') {
      if (bodyObject(request)?.state !== 'Aborted')
        return sfError(400, 'INVALIDJOBSTATE', 'a query job can only be Aborted');
      if (job.state === 'JobComplete')
        return sfError(409, 'INVALIDJOBSTATE', `Job ${job.id} is already JobComplete`);
      job.state = 'Aborted';
      return json(200, jobInfo(job));
    }
    return methodNotAllowed(request);
  }
  if (sub !== 'results') return notFound();
  if (request.method !== 'GET') return methodNotAllowed(request);
  if (job.state !== 'JobComplete') {
    return sfError(
      400,
      'INVALIDJOBSTATE',
      `Job ${job.id} is ${job.state}; results are ready when it is JobComplete`,
    );
  }
  const locator = request.query.get('locator');
  let start = 0;
  if (locator !== null && locator !== '') {
    start = Number(Buffer.from(locator, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > job.rows.length) {
      return sfError(400, 'INVALID_LOCATOR', `invalid locator: ${locator}`);
    }
  }
  const maxText = request.query.get('maxRecords');
  const max = maxText === null ? 50_000 : Number(maxText);
  if (!Number.isInteger(max) || max < 1)
    return sfError(400, 'INVALID_MAX_RECORDS', `maxRecords must be a positive integer, not ${maxText}`);
  const page = job.rows.slice(start, start + max);
  const end = start + page.length;
  const next = end < job.rows.length ? Buffer.from(String(end)).toString('base64url') : 'null';
  return csvResponse(toCsv([job.columns, ...page]), {
    'sforce-locator': next,
    'sforce-numberofrecords': String(page.length),
  });
}
