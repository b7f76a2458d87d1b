import { defineConnector } from '@connectorkit/core';
import { apiCall } from './actions/api-call.js';
import { batch } from './actions/batch.js';
import { callFunction } from './actions/call-function.js';
import { create } from './actions/create.js';
import { deleteEntity } from './actions/delete-entity.js';
import { get } from './actions/get.js';
import { metadata } from './actions/metadata.js';
import { query } from './actions/query.js';
import { update } from './actions/update.js';
import { sapODataConnection } from './connection.js';
import { changes } from './triggers/changes.js';

/** The package version; the build checks it against package.json. */
export const VERSION = '0.1.0';

/** SAP-style OData (V2 and V4): S/4HANA, SuccessFactors, C4C, BTP and any other OData service. */
export const sapODataConnector = defineConnector({
  contract: 1,
  name: 'sap-odata',
  title: 'SAP OData',
  description:
    'SAP-style OData V2 and V4 services (S/4HANA, SuccessFactors, C4C, BTP, CAP): queries with paging, CRUD with ETags, functions and actions, $batch change sets, CSRF tokens, basic auth and OAuth 2.0 client credentials.',
  version: VERSION,
  connection: sapODataConnection,
  actions: {
    query,
    get,
    create,
    update,
    delete: deleteEntity,
    callFunction,
    batch,
    apiCall,
    metadata,
  },
  triggers: { changes },
});

export default sapODataConnector;
