export { apiCall } from './actions/api-call.js';
export { bulkIngest, bulkQuery, toBulkCsv } from './actions/bulk.js';
export { COLLECTION_LIMIT, composite } from './actions/composite.js';
export { describe, describeGlobal } from './actions/describe.js';
export { query, queryMore, search, soslTerm } from './actions/query.js';
export { create, delete as deleteRecord, get, update, upsert } from './actions/records.js';
export {
  DEFAULT_API_VERSION,
  resolveTarget,
  SALESFORCE_LOGIN_URL,
  SalesforceAuth,
  SalesforceConnectionConfig,
  type SalesforceTarget,
  salesforceConnection,
} from './connection.js';
export { defineSalesforceAction, type SalesforceActionDefinition } from './define-salesforce-action.js';
export {
  fromSalesforceErrors,
  SALESFORCE_ERROR_RULES,
  SalesforceApiError,
  type SalesforceErrorEntry,
  type SalesforceErrorRule,
  toSalesforceError,
} from './error-mapping.js';
export type { ApiUsage, SalesforceClient } from './salesforce-client.js';
export { salesforceConnector as default, salesforceConnector } from './salesforce-connector.js';
export { QueryResult, RecordFields, RecordId, SalesforceRecord, SObjectName } from './schemas.js';
export { bindSoql, SoqlParameters, SoqlParameterValue, soqlLiteral, soqlString } from './soql-parameters.js';
export { changedRecords, newRecords, type PollPosition, RecordEvent } from './triggers/changed-records.js';
