import { Type } from '@connectorkit/core';
import type { Connection } from 'jsforce';
import { defineSalesforceAction, invalidInput } from '../define-salesforce-action.js';
import { QueryResult, type SalesforceRecord, SObjectName } from '../schemas.js';
import { bindPlaceholders, bindSoql, rejectUnused, SoqlParameters } from '../soql-parameters.js';

const BatchSize = Type.Integer({
  minimum: 1,
  maximum: 2000,
  description:
    'Records per page (Sforce-Query-Options batchSize; Salesforce uses 2000 by default and treats values below 200 as 200)',
});

interface RawQueryResult {
  totalSize?: number;
  done?: boolean;
  records?: SalesforceRecord[];
  nextRecordsUrl?: string;
}

/** Reads one page: a first page by SOQL text, or a following one by its locator. */
export function readPage(
  connection: Connection,
  url: string,
  batchSize: number | undefined,
): Promise<RawQueryResult> {
  return connection.request<RawQueryResult>({
    method: 'GET',
    url,
    ...(batchSize === undefined ? {} : { headers: { 'Sforce-Query-Options': `batchSize=${batchSize}` } }),
  });
}

function toResult(raw: RawQueryResult): QueryResult {
  return {
    totalSize: raw.totalSize ?? raw.records?.length ?? 0,
    done: raw.done ?? true,
    records: raw.records ?? [],
    ...(raw.done === false && typeof raw.nextRecordsUrl === 'string'
      ? { nextRecordsUrl: raw.nextRecordsUrl }
      : {}),
  };
}

export const query = defineSalesforceAction({
  title: 'Query records (SOQL)',
  description:
    'Runs a SOQL query. Values go in `parameters` and are bound to `:name` placeholders as escaped literals, so they can never change the query. Returns one page and `nextRecordsUrl` for `queryMore`, or with `all: true` every page up to `limit` records.',
  input: Type.Object(
    {
      soql: Type.String({
        minLength: 1,
        description:
          'SOQL text with `:name` placeholders, e.g. SELECT Id, Name FROM Account WHERE Name = :name',
      }),
      parameters: Type.Optional(SoqlParameters),
      all: Type.Optional(
        Type.Boolean({
          default: false,
          description: 'Follow nextRecordsUrl until done or `limit` records',
        }),
      ),
      limit: Type.Optional(
        Type.Integer({
          minimum: 1,
          default: 10_000,
          description: 'With `all`: the most records returned',
        }),
      ),
      batchSize: Type.Optional(BatchSize),
      includeDeleted: Type.Optional(
        Type.Boolean({
          default: false,
          description: 'Include deleted and archived records (queryAll)',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Intersect([
    QueryResult,
    Type.Object({
      truncated: Type.Optional(
        Type.Boolean({ description: 'With `all`: true when `limit` cut the result short' }),
      ),
    }),
  ]),
  idempotent: true,
  examples: [
    {
      title: 'Accounts of one industry, bound safely',
      input: {
        soql: 'SELECT Id, Name FROM Account WHERE Industry = :industry ORDER BY Name',
        parameters: { industry: 'Energy' },
      },
    },
  ],
  run: async (input, { client, signal }) => {
    const soql = bindSoql(input.soql, input.parameters ?? {});
    const resource = input.includeDeleted === true ? 'queryAll' : 'query';
    const limit = input.limit ?? 10_000;
    const first = toResult(
      await client.call(
        resource,
        (connection) => readPage(connection, `/${resource}?q=${encodeURIComponent(soql)}`, input.batchSize),
        signal,
      ),
    );
    if (input.all !== true) return first;
    const records = [...first.records];
    let page = first;
    while (page.nextRecordsUrl !== undefined && records.length < limit) {
      const next = page.nextRecordsUrl;
      page = toResult(
        await client.call('queryMore', (connection) => readPage(connection, next, input.batchSize), signal),
      );
      records.push(...page.records);
    }
    if (records.length > limit) {
      return {
        totalSize: first.totalSize,
        done: false,
        records: records.slice(0, limit),
        truncated: true,
      };
    }
    return {
      totalSize: first.totalSize,
      done: page.done,
      records,
      ...(page.nextRecordsUrl === undefined ? {} : { nextRecordsUrl: page.nextRecordsUrl }),
      ...(page.done ? {} : { truncated: true }),
    };
  },
});

export const queryMore = defineSalesforceAction({
  title: 'Next page of a query',
  description: 'Reads the page a `nextRecordsUrl` (or a bare query locator) points at.',
  input: Type.Object(
    {
      nextRecordsUrl: Type.String({
        minLength: 1,
        description:
          'The `nextRecordsUrl` of the previous page (/services/data/vXX.X/query/01g…-2000) or its locator',
      }),
      batchSize: Type.Optional(BatchSize),
    },
    { additionalProperties: false },
  ),
  output: QueryResult,
  idempotent: true,
  run: async ({ nextRecordsUrl, batchSize }, { client, signal }) => {
    let url: string;
    if (nextRecordsUrl.startsWith('/')) {
      if (!/^\/services\/data\/v\d+\.\d\/query(All)?\/[A-Za-z0-9-]+$/.test(nextRecordsUrl)) {
        throw invalidInput(
          `'${nextRecordsUrl}' is not a nextRecordsUrl — expected /services/data/vXX.X/query/<locator> from a query result`,
          '$.nextRecordsUrl',
        );
      }
      url = nextRecordsUrl;
    } else if (/^[A-Za-z0-9-]+$/.test(nextRecordsUrl)) {
      url = `/query/${nextRecordsUrl}`;
    } else {
      throw invalidInput(
        `'${nextRecordsUrl}' is neither a nextRecordsUrl nor a query locator`,
        '$.nextRecordsUrl',
      );
    }
    return toResult(
      await client.call('queryMore', (connection) => readPage(connection, url, batchSize), signal),
    );
  },
});

/** Characters SOSL reserves inside FIND {…}; each is escaped with a backslash. */
const SOSL_RESERVED = /[?&|!{}[\]()^~*:\\"'+-]/g;

/** A search term as a SOSL `{…}` literal, with the reserved characters escaped. */
export function soslTerm(term: string): string {
  return `{${term.replace(SOSL_RESERVED, (char) => `\\${char}`)}}`;
}

export const search = defineSalesforceAction({
  title: 'Search records (SOSL)',
  description:
    'Full-text search across objects: FIND {term} IN … RETURNING Object(fields WHERE … LIMIT n). The term is escaped, so it is always searched for as text; `where` clauses take `:name` parameters like `query`.',
  input: Type.Object(
    {
      term: Type.String({ minLength: 2, description: 'What to search for (at least two characters)' }),
      in: Type.Optional(
        Type.Union(
          [
            Type.Literal('ALL FIELDS'),
            Type.Literal('NAME FIELDS'),
            Type.Literal('EMAIL FIELDS'),
            Type.Literal('PHONE FIELDS'),
          ],
          { default: 'ALL FIELDS', description: 'Which fields to search' },
        ),
      ),
      returning: Type.Array(
        Type.Object(
          {
            sobject: SObjectName,
            fields: Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.]{0,250}$' }), {
              minItems: 1,
              description: 'Fields to return',
            }),
            where: Type.Optional(
              Type.String({ minLength: 1, description: 'A SOQL condition with `:name` placeholders' }),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, description: 'Objects to search and the fields returned for each' },
      ),
      parameters: Type.Optional(SoqlParameters),
      limit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 2000, description: 'The most records in all' }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ searchRecords: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
  idempotent: true,
  run: async (input, { client, signal }) => {
    const parameters = input.parameters ?? {};
    const used = new Set<string>();
    const returning = input.returning.map((target) => {
      let clause = target.fields.join(', ');
      if (target.where !== undefined) {
        clause += ` WHERE ${bindPlaceholders(target.where, parameters, '$.parameters', used)}`;
      }
      if (target.limit !== undefined) clause += ` LIMIT ${target.limit}`;
      return `${target.sobject}(${clause})`;
    });
    rejectUnused(parameters, used, '$.parameters');
    const sosl = `FIND ${soslTerm(input.term)} IN ${input.in ?? 'ALL FIELDS'} RETURNING ${returning.join(', ')}${input.limit === undefined ? '' : ` LIMIT ${input.limit}`}`;
    const result = await client.call('search', (connection) => connection.search(sosl), signal);
    return { searchRecords: (result.searchRecords ?? []) as Record<string, unknown>[] };
  },
});
