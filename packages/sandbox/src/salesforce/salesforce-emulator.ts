import { defineEmulator, type EmulatorResponse, invalidBody, json } from '../define-emulator.js';
import type { EmulatorRequest } from '../emulator-request.js';
import { answerRest, restRequest, versions } from './salesforce-api.js';
import { answerRevoke, answerToken, hasSession, identity, sandboxJwtKeys } from './salesforce-oauth.js';
import { sfError } from './salesforce-rest.js';
import {
  checkBulkPace,
  createSalesforceState,
  duplicateProblem,
  findRecord,
  insertRecord,
  SALESFORCE_API_VERSION,
  SALESFORCE_SANDBOX_CLIENT_ID,
  SALESFORCE_SANDBOX_CLIENT_SECRET,
  SALESFORCE_SANDBOX_PASSWORD,
  SALESFORCE_SANDBOX_SECURITY_TOKEN,
  SALESFORCE_SANDBOX_USERNAME,
  type SalesforceBulkPace,
  type SalesforceRecord,
  type SalesforceSeed,
  type SalesforceState,
  updateRecord,
  validateFields,
} from './salesforce-state.js';

/** Test credentials of the Salesforce emulator (a type alias, so that it is a string record). */
export type SalesforceCredentials = {
  /** Where the OAuth token endpoint is (`/services/oauth2/token`). */
  readonly loginUrl: string;
  /** Where the REST API is (`/services/data/vXX.X`). */
  readonly instanceUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly username: string;
  readonly password: string;
  readonly securityToken: string;
  /** A session id valid from the start. */
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly apiVersion: string;
  /** The connected app's private key for the JWT bearer flow (a test key, made per process). */
  readonly jwtPrivateKeyPem: string;
};

/** Helpers to drive the Salesforce emulator from tests. */
export interface SalesforceControls {
  /** Live records of an object (deleted ones with `{ includeDeleted: true }`), in insertion order. */
  records(object: string, options?: { readonly includeDeleted?: boolean }): readonly SalesforceRecord[];
  /** A record by id, in any object. */
  record(id: string): SalesforceRecord | undefined;
  /** Creates a record as a user of the org would (validated like the API does); returns it. */
  create(object: string, fields: Readonly<Record<string, unknown>>): SalesforceRecord;
  /** Changes a record as a user would; its SystemModstamp moves on. */
  update(id: string, fields: Readonly<Record<string, unknown>>): SalesforceRecord;
  /** Ends every session: access tokens stop working (401 INVALID_SESSION_ID), refresh tokens still work. */
  expireSessions(): void;
  /**
   * Sets the daily API allowance (`Sforce-Limit-Info: api-usage=used/max`); with `remaining`,
   * how much of it is left — at 0 every data API request answers 403 REQUEST_LIMIT_EXCEEDED.
   */
  setLimit(limit: { readonly max: number; readonly remaining?: number }): void;
  /** The API usage as `Sforce-Limit-Info` reports it. */
  usage(): { readonly used: number; readonly max: number };
  /**
   * Sets how fast Bulk API 2.0 jobs are processed from now on (`{}`: at once, the default);
   * `reset()` goes back to the seed's pace.
   */
  setBulkPace(pace: SalesforceBulkPace): void;
}

/** Routes a request: OAuth endpoints without a session; identity and data API with one, the latter counted. */
function answer(request: EmulatorRequest, state: SalesforceState, url: string): EmulatorResponse {
  const path = request.path.replace(/\/+$/, '');
  if (path === '/services/oauth2/token') return answerToken(request, state, url);
  if (path === '/services/oauth2/revoke') return answerRevoke(request, state);
  if (path === '/services/data') return versions();
  const identityPath =
    path === '/services/oauth2/userinfo' || /^\/id\/[A-Za-z0-9]+\/[A-Za-z0-9]+$/.test(path);
  const parsed = identityPath ? undefined : restRequest(request);
  if (!identityPath && parsed === undefined)
    return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  if (!hasSession(request, state)) return sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
  // Only the identity paths have no data API request.
  if (parsed === undefined) return json(200, identity(state, url));
  if ('status' in parsed) return parsed;
  if (state.limit.used >= state.limit.max) {
    return sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
  }
  state.limit.used++;
  return answerRest(state, parsed, url);
}

/** Every answer carries the org's API usage, as Salesforce's do. */
function withLimitInfo(state: SalesforceState, response: EmulatorResponse): EmulatorResponse {
  return {
    ...response,
    headers: { ...response.headers, 'sforce-limit-info': `api-usage=${state.limit.used}/${state.limit.max}` },
  };
}

/**
 * The Salesforce emulator: OAuth 2.0 token endpoint (client credentials, username-password,
 * refresh token, JWT bearer), the REST API under `/services/data/vXX.X` — describe, sObject
 * CRUD with 18-character ids, upsert by external id, SOQL query/queryAll with
 * `nextRecordsUrl` paging, SOSL search, composite and sObject collections, Bulk API 2.0
 * ingest and query jobs (processed at once, or a `bulkPace` of records per status check) —
 * with Salesforce's error arrays and the `Sforce-Limit-Info` header.
 */
export const salesforceEmulator = defineEmulator({
  name: 'salesforce',
  title: 'Salesforce',
  description:
    'Salesforce REST API: OAuth 2.0 token endpoint, describe, sObject CRUD and upsert, SOQL queries with paging, SOSL search, composite and collections, Bulk API 2.0',
  defaultPort: 4112,
  createState: (seed: SalesforceSeed | undefined) => createSalesforceState(seed),
  credentials: (state, url): SalesforceCredentials => ({
    loginUrl: url,
    instanceUrl: url,
    clientId: SALESFORCE_SANDBOX_CLIENT_ID,
    clientSecret: SALESFORCE_SANDBOX_CLIENT_SECRET,
    username: SALESFORCE_SANDBOX_USERNAME,
    password: SALESFORCE_SANDBOX_PASSWORD,
    securityToken: SALESFORCE_SANDBOX_SECURITY_TOKEN,
    accessToken: state.initialAccessToken,
    refreshToken: state.initialRefreshToken,
    apiVersion: SALESFORCE_API_VERSION,
    jwtPrivateKeyPem: sandboxJwtKeys().privateKeyPem,
  }),
  routeOf: (request) => {
    if (request.path.startsWith('/services/oauth2/')) return request.path.slice('/services/'.length);
    const resource = /^\/services\/data\/v\d+\.\d\/([^/]+)/.exec(request.path)?.[1];
    return resource ?? request.path;
  },
  handle: (request, { state, url }) => withLimitInfo(state, answer(request, state, url)),
  faultResponses: {
    rateLimited: (retryAfterSeconds) => ({
      ...sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': String(retryAfterSeconds),
      },
    }),
    serverError: (status) =>
      sfError(status, 'SERVER_UNAVAILABLE', 'The server is temporarily unavailable; try again later'),
    invalidToken: () => sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'),
    invalidBody: (status, message) =>
      status === 413 ? invalidBody(status, message) : sfError(400, 'JSON_PARSER_ERROR', message),
  },
  // `context.state` is read on every call: `reset()` replaces the context.state.
  controls: (context): SalesforceControls => ({
    records: (object, options = {}) =>
      [...(context.state.records.get(object)?.values() ?? [])].filter(
        (record) => options.includeDeleted === true || record.IsDeleted !== true,
      ),
    record: (id) => findRecord(context.state, id, true)?.record,
    create: (objectName, fields) => {
      const object = context.state.objects.get(objectName);
      if (object === undefined) throw new Error(`no sObject '${objectName}'`);
      const problem =
        validateFields(context.state, object, fields, 'seed') ??
        duplicateProblem(context.state, object, fields, undefined);
      if (problem !== undefined) throw new Error(`${problem.errorCode}: ${problem.message}`);
      return insertRecord(context.state, objectName, fields, Date.now());
    },
    update: (id, fields) => {
      const found = findRecord(context.state, id);
      if (found === undefined) throw new Error(`no live record ${id}`);
      const problem = validateFields(context.state, found.object, fields, 'update');
      if (problem !== undefined) throw new Error(`${problem.errorCode}: ${problem.message}`);
      updateRecord(context.state, found.object, found.record, fields, Date.now());
      return found.record;
    },
    expireSessions: () => context.state.sessions.clear(),
    setLimit: ({ max, remaining }) => {
      if (!Number.isInteger(max) || max < 0)
        throw new Error(`setLimit: max must be a non-negative integer, not ${max}`);
      if (remaining !== undefined && (!Number.isInteger(remaining) || remaining < 0 || remaining > max)) {
        throw new Error(`setLimit: remaining must be an integer from 0 to max (${max}), not ${remaining}`);
      }
      context.state.limit.max = max;
      context.state.limit.used =
        remaining === undefined ? Math.min(context.state.limit.used, max) : max - remaining;
    },
    usage: () => ({ used: context.state.limit.used, max: context.state.limit.max }),
    setBulkPace: (pace) => {
      context.state.bulkPace = checkBulkPace(pace);
    },
  }),
  controlRoutes: {
    records: (request, { state }) => {
      const object = String(request.params.object ?? '');
      const records = state.records.get(object);
      if (records === undefined) return json(404, { error: `no sObject '${object}'` });
      return json(
        200,
        [...records.values()].filter((record) => record.IsDeleted !== true),
      );
    },
    'expire-sessions': (request, { state }) => {
      if (request.method !== 'POST') return json(405, { error: 'use POST' });
      const expired = state.sessions.size;
      state.sessions.clear();
      return json(200, { expired });
    },
    limit: (request, { state }) => {
      if (request.method === 'GET') return json(200, { max: state.limit.max, used: state.limit.used });
      const max = Number(request.params.max ?? state.limit.max);
      const remaining = request.params.remaining === undefined ? undefined : Number(request.params.remaining);
      if (
        !Number.isInteger(max) ||
        max < 0 ||
        (remaining !== undefined && (!Number.isInteger(remaining) || remaining < 0 || remaining > max))
      ) {
        return json(400, {
          error: 'invalid_limit',
          message: 'max must be a non-negative integer and remaining an integer from 0 to max',
        });
      }
      state.limit.max = max;
      state.limit.used = remaining === undefined ? Math.min(state.limit.used, max) : max - remaining;
      return json(200, { max: state.limit.max, used: state.limit.used });
    },
    'bulk-pace': (request, { state }) => {
      if (request.method === 'GET') return json(200, state.bulkPace);
      if (request.method !== 'POST') return json(405, { error: 'use GET or POST' });
      const records = request.params.recordsPerStatusCheck;
      try {
        state.bulkPace = checkBulkPace(
          records === undefined || records === null || records === ''
            ? {}
            : { recordsPerStatusCheck: Number(records) },
        );
      } catch (error) {
        return json(400, { error: 'invalid_bulk_pace', message: (error as Error).message });
      }
      return json(200, state.bulkPace);
    },
  },
});
