import { ConnectorError, sleep, Type } from '@connectorkit/core';
import type { Connection } from 'jsforce';
import { defineSalesforceAction, invalidInput } from '../define-salesforce-action.js';
import { withResponses } from '../fetch-transport.js';
import type { SalesforceClient } from '../salesforce-client.js';
import { FieldName, RecordFields, SObjectName } from '../schemas.js';
import { bindSoql, SoqlParameters } from '../soql-parameters.js';

/** The value Bulk API 2.0 reads as "set this field to null". */
const BULK_NULL = '#N/A';

/** One CSV cell: quoted when it holds a comma, quote, line break or edge spaces. */
function csvCell(value: unknown, path: string): string {
  let text: string;
  if (value === null) text = BULK_NULL;
  else if (value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (value instanceof Date) text = value.toISOString();
  else throw invalidInput('a bulk record field holds a string, number, boolean or null', path);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Records as Bulk API 2.0 CSV (LF line endings); the header is the union of the records' fields. */
export function toBulkCsv(records: readonly Readonly<Record<string, unknown>>[]): string {
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const lines = [columns.join(',')];
  for (const [index, record] of records.entries()) {
    lines.push(
      columns
        .map((column) =>
          Object.hasOwn(record, column) ? csvCell(record[column], `$.records[${index}].${column}`) : '',
        )
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

interface JobInfo {
  id?: string;
  state?: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  errorMessage?: string;
}

const FINISHED = new Set(['JobComplete', 'Failed', 'Aborted']);

/** Polls a job until it finishes, logging its progress (`progress: true`: `ck` shows it while it runs). */
async function waitForJob(
  client: SalesforceClient,
  path: string,
  pollIntervalMs: number,
  signal: AbortSignal,
  progress: (job: JobInfo) => void,
): Promise<JobInfo> {
  for (;;) {
    const job = await client.call(
      'bulk job status',
      (connection) => connection.request<JobInfo>(path),
      signal,
    );
    progress(job);
    if (FINISHED.has(String(job.state))) return job;
    await sleep(pollIntervalMs, signal);
  }
}

function csvRows(body: unknown): Record<string, string>[] {
  if (Array.isArray(body)) return body as Record<string, string>[];
  if (body === undefined || body === null || body === '') return [];
  throw new ConnectorError('INTERNAL', 'Salesforce bulk results: expected CSV rows');
}

const PollInterval = Type.Optional(
  Type.Integer({ minimum: 50, default: 2_000, description: 'Pause between job status checks' }),
);

export const bulkIngest = defineSalesforceAction({
  title: 'Load many records (Bulk API 2.0)',
  description:
    'Inserts, updates, upserts or deletes up to 150 million records with a Bulk API 2.0 ingest job: uploads them as CSV, waits for Salesforce to process them (progress is logged), and returns the counts and every failed record with its error.',
  input: Type.Object(
    {
      sobject: SObjectName,
      operation: Type.Union([
        Type.Literal('insert'),
        Type.Literal('update'),
        Type.Literal('upsert'),
        Type.Literal('delete'),
      ]),
      externalIdField: Type.Optional(FieldName),
      records: Type.Array(RecordFields, {
        minItems: 1,
        description:
          'The records; update and delete need `Id`, upsert the external id field. null clears a field',
      }),
      pollIntervalMs: PollInterval,
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    jobId: Type.String(),
    state: Type.String({ description: 'JobComplete, Failed or Aborted' }),
    recordsProcessed: Type.Integer(),
    recordsFailed: Type.Integer(),
    failures: Type.Array(
      Type.Object({
        error: Type.String(),
        id: Type.Optional(Type.String()),
        record: Type.Record(Type.String(), Type.String()),
      }),
    ),
  }),
  run: async (input, { client, signal, log }) => {
    if (input.operation === 'upsert' && input.externalIdField === undefined) {
      throw invalidInput('an upsert needs `externalIdField`', '$.externalIdField');
    }
    const csv = toBulkCsv(input.records);
    const created = await client.call(
      `bulk ${input.operation} ${input.sobject}`,
      (connection) =>
        connection.request<JobInfo>({
          method: 'POST',
          url: '/jobs/ingest',
          body: JSON.stringify({
            object: input.sobject,
            operation: input.operation,
            contentType: 'CSV',
            lineEnding: 'LF',
            ...(input.externalIdField === undefined ? {} : { externalIdFieldName: input.externalIdField }),
          }),
          headers: { 'content-type': 'application/json' },
        }),
      signal,
    );
    const jobId = String(created.id);
    const path = `/jobs/ingest/${jobId}`;
    await client.call(
      'bulk upload',
      async (connection) => {
        await connection.request({
          method: 'PUT',
          url: `${path}/batches`,
          body: csv,
          headers: { 'content-type': 'text/csv' },
        });
        await connection.request({
          method: 'PATCH',
          url: path,
          body: JSON.stringify({ state: 'UploadComplete' }),
          headers: { 'content-type': 'application/json' },
        });
      },
      signal,
    );
    const job = await waitForJob(client, path, input.pollIntervalMs ?? 2_000, signal, (status) =>
      log.info('bulk ingest job', {
        progress: true,
        jobId,
        state: status.state,
        processed: status.numberRecordsProcessed ?? 0,
        failed: status.numberRecordsFailed ?? 0,
        total: input.records.length,
      }),
    );
    const failed = csvRows(
      await client.call(
        'bulk failed results',
        (connection) => connection.request(`${path}/failedResults`),
        signal,
      ),
    );
    return {
      jobId,
      state: String(job.state),
      recordsProcessed: job.numberRecordsProcessed ?? 0,
      recordsFailed: job.numberRecordsFailed ?? failed.length,
      failures: failed.map((row) => {
        const { sf__Error: error, sf__Id: id, ...record } = row;
        return { error: error ?? '', ...(id === undefined || id === '' ? {} : { id }), record };
      }),
    };
  },
});

export const bulkQuery = defineSalesforceAction({
  title: 'Read many records (Bulk API 2.0)',
  description:
    'Runs a SOQL query as a Bulk API 2.0 query job, for large extracts: waits for it to finish (progress is logged) and reads every result page (Sforce-Locator) up to `limit` records. Values are CSV text.',
  input: Type.Object(
    {
      soql: Type.String({ minLength: 1 }),
      parameters: Type.Optional(SoqlParameters),
      includeDeleted: Type.Optional(
        Type.Boolean({ default: false, description: 'queryAll instead of query' }),
      ),
      limit: Type.Optional(
        Type.Integer({ minimum: 1, default: 100_000, description: 'The most records returned' }),
      ),
      pageSize: Type.Optional(
        Type.Integer({
          minimum: 1,
          default: 50_000,
          description: 'Records read per result request (maxRecords)',
        }),
      ),
      pollIntervalMs: PollInterval,
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    jobId: Type.String(),
    records: Type.Array(Type.Record(Type.String(), Type.String())),
    truncated: Type.Boolean({ description: 'True when `limit` cut the result short' }),
  }),
  idempotent: true,
  run: async (input, { client, signal, log }) => {
    const soql = bindSoql(input.soql, input.parameters ?? {});
    const limit = input.limit ?? 100_000;
    const pageSize = Math.min(input.pageSize ?? 50_000, limit);
    const created = await client.call(
      'bulk query',
      (connection) =>
        connection.request<JobInfo>({
          method: 'POST',
          url: '/jobs/query',
          body: JSON.stringify({
            operation: input.includeDeleted === true ? 'queryAll' : 'query',
            query: soql,
          }),
          headers: { 'content-type': 'application/json' },
        }),
      signal,
    );
    const jobId = String(created.id);
    const path = `/jobs/query/${jobId}`;
    const job = await waitForJob(client, path, input.pollIntervalMs ?? 2_000, signal, (status) =>
      log.info('bulk query job', {
        progress: true,
        jobId,
        state: status.state,
        processed: status.numberRecordsProcessed ?? 0,
      }),
    );
    if (job.state !== 'JobComplete') {
      throw new ConnectorError(
        'INVALID_INPUT',
        `Salesforce bulk query job ${jobId} ended ${String(job.state)}${job.errorMessage === undefined ? '' : `: ${job.errorMessage}`}`,
        { vendorCode: String(job.state) },
      );
    }
    const records: Record<string, string>[] = [];
    let locator: string | undefined;
    do {
      const query = `maxRecords=${pageSize}${locator === undefined ? '' : `&locator=${encodeURIComponent(locator)}`}`;
      const page = await readResultPage(client, `${path}/results?${query}`, signal);
      records.push(...page.rows);
      locator = page.locator;
    } while (locator !== undefined && records.length < limit);
    return {
      jobId,
      records: records.slice(0, limit),
      truncated: records.length > limit || locator !== undefined,
    };
  },
});

async function readResultPage(
  client: SalesforceClient,
  url: string,
  signal: AbortSignal,
): Promise<{ rows: Record<string, string>[]; locator: string | undefined }> {
  let locator: string | undefined;
  const body = await client.call(
    'bulk query results',
    (connection: Connection) =>
      withResponses(
        (response) => {
          const value = response.headers['sforce-locator'];
          locator = value === undefined || value === '' || value === 'null' ? undefined : value;
        },
        () => connection.request(url),
      ),
    signal,
  );
  return { rows: csvRows(body), locator };
}
