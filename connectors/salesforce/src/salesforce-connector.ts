import { defineConnector } from '@connectorkit/core';
import { apiCall } from './actions/api-call.js';
import { bulkIngest, bulkQuery } from './actions/bulk.js';
import { composite } from './actions/composite.js';
import { describe, describeGlobal } from './actions/describe.js';
import { query, queryMore, search } from './actions/query.js';
import { create, delete as deleteRecord, get, update, upsert } from './actions/records.js';
import { salesforceConnection } from './connection.js';
import { changedRecords, newRecords } from './triggers/changed-records.js';

/** The Salesforce connector: SOQL and SOSL, records, upserts, collections, any REST resource, and polling triggers. */
export const salesforceConnector = defineConnector({
  contract: 1,
  name: 'salesforce',
  title: 'Salesforce',
  description:
    'Salesforce through jsforce: SOQL queries with safely bound parameters and paging, SOSL search, create/get/update/upsert/delete records, describe, sObject collections with all-or-none, Bulk API 2.0 ingest and query jobs, any REST resource — and flows started by changed records.',
  version: '0.1.0',
  connection: salesforceConnection,
  actions: {
    query,
    queryMore,
    search,
    create,
    get,
    update,
    upsert,
    delete: deleteRecord,
    describe,
    describeGlobal,
    composite,
    bulkIngest,
    bulkQuery,
    apiCall,
  },
  triggers: { changedRecords, newRecords },
});
