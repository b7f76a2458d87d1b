import { type ConnectionConfig, createKit, type Kit, type LogRecord } from '@connectorkit/core';
import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { CANARY_SECRET, errorTexts, failureOf } from '@connectorkit/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { salesforceConnector } from './salesforce-connector.js';

// Every action runs through the kit, the connector and jsforce against the Salesforce emulator of
// @connectorkit/sandbox: nothing is stubbed.

let salesforce: Sandbox<EmulatorFor<'salesforce'>>;
const kits: Kit[] = [];

const seed = {
  records: {
    Account: [
      { Name: "O'Brien & Co", Industry: 'Energy', External_Id__c: 'ERP-1' },
      { Name: 'Back\\slash Ltd', Industry: 'Media' },
      { Name: 'Acme', Industry: 'Energy', AnnualRevenue: 5_000_000 },
      { Name: 'Say "hi"\tand\nbye', Industry: 'Retail' },
    ],
  },
  customObjects: [
    {
      name: 'Invoice__c',
      label: 'Invoice',
      fields: [
        { name: 'Number__c', type: 'string' as const, externalId: true, unique: true },
        { name: 'Amount__c', type: 'currency' as const },
      ],
    },
  ],
};

function kitFor(connection: Readonly<Record<string, unknown>>, logs?: LogRecord[]) {
  const kit = createKit({
    connectors: [salesforceConnector],
    connections: { crm: { connector: 'salesforce', ...connection } as ConnectionConfig },
    logger: logs === undefined ? { level: 'silent' } : { level: 'info', sink: (record) => logs.push(record) },
  });
  kits.push(kit as unknown as Kit);
  return kit;
}

function clientCredentials(): Record<string, unknown> {
  return {
    loginUrl: salesforce.credentials.loginUrl,
    auth: {
      type: 'clientCredentials',
      clientId: salesforce.credentials.clientId,
      clientSecret: salesforce.credentials.clientSecret,
    },
  };
}

let kit: ReturnType<typeof kitFor>;

const tokenRequests = (): number =>
  salesforce.requests.filter((request) => request.path === '/services/oauth2/token').length;

beforeAll(async () => {
  salesforce = await startSandbox('salesforce', { seed });
  kit = kitFor(clientCredentials());
});

afterAll(async () => {
  await Promise.all(kits.map((each) => each.close()));
  await salesforce.close();
});

beforeEach(() => {
  salesforce.reset();
});

describe('connection', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('signs in with each OAuth flow and with a session id', async () => {
    const { credentials } = salesforce;
    const configurations: Record<string, Record<string, unknown>> = {
      clientCredentials: clientCredentials(),
      password: {
        loginUrl: credentials.loginUrl,
        auth: {
          type: 'password',
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          username: credentials.username,
          password: credentials.password,
          securityToken: credentials.securityToken,
        },
      },
      refreshToken: {
        loginUrl: credentials.loginUrl,
        auth: {
          type: 'refreshToken',
          clientId: credentials.clientId,
          refreshToken: credentials.refreshToken,
        },
      },
      jwtBearer: {
        loginUrl: credentials.loginUrl,
        auth: {
          type: 'jwtBearer',
          clientId: credentials.clientId,
          username: credentials.username,
          privateKey: credentials.jwtPrivateKeyPem,
        },
      },
      accessToken: {
        instanceUrl: credentials.instanceUrl,
        auth: { type: 'accessToken', accessToken: credentials.accessToken },
      },
    };
    for (const [flow, configuration] of Object.entries(configurations)) {
      const each = kitFor(configuration);
      await expect(each.check('crm'), flow).resolves.toMatchObject({ ok: true, connector: 'salesforce' });
      const result = await each.invoke('salesforce.query', { soql: 'SELECT COUNT() FROM Account' });
      expect(result.totalSize, flow).toBe(4);
    }
  });

  it('finds the emulator and its credentials with `sandbox: true`', async () => {
    process.env.CONNECTORKIT_SANDBOX_SALESFORCE_URL = salesforce.url;
    const sandboxKit = kitFor({ sandbox: true });
    await expect(sandboxKit.check('crm')).resolves.toMatchObject({ ok: true });
    const { records } = await sandboxKit.invoke('salesforce.query', {
      soql: 'SELECT Name FROM Account WHERE Name = :name',
      parameters: { name: 'Acme' },
    });
    expect(records.map((record) => record.Name)).toEqual(['Acme']);
  });

  it('fails with AUTH naming the flow when the credentials are wrong, without the secret', async () => {
    const bad = kitFor({
      loginUrl: salesforce.credentials.loginUrl,
      auth: {
        type: 'clientCredentials',
        clientId: salesforce.credentials.clientId,
        clientSecret: CANARY_SECRET,
      },
    });
    const error = await failureOf(bad.check('crm'));
    expect(error.code).toBe('AUTH');
    expect(error.message).toMatch(/clientCredentials/);
    expect(error.vendorCode).toMatch(/^invalid_(grant|client)$/);
    for (const text of errorTexts(error)) expect(text).not.toContain(CANARY_SECRET);
  });

  it('renews an expired session once and repeats the call', async () => {
    await kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Account' });
    const before = tokenRequests();
    salesforce.controls.expireSessions();
    const result = await kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Account' });
    expect(result.records).toHaveLength(4);
    expect(tokenRequests()).toBe(before + 1);
    // The renewed session is kept: the next call signs in no more.
    await kit.invoke('salesforce.get', { sobject: 'Account', id: String(result.records[0]?.Id) });
    expect(tokenRequests()).toBe(before + 1);
  });

  it('fails with AUTH when a session id expires, as it cannot be renewed', async () => {
    const session = kitFor({
      instanceUrl: salesforce.credentials.instanceUrl,
      auth: { type: 'accessToken', accessToken: salesforce.credentials.accessToken },
    });
    await session.invoke('salesforce.query', { soql: 'SELECT Id FROM Account' });
    salesforce.controls.expireSessions();
    const error = await failureOf(session.invoke('salesforce.query', { soql: 'SELECT Id FROM Account' }));
    expect(error).toMatchObject({ code: 'AUTH', vendorCode: 'INVALID_SESSION_ID' });
    expect(error.message).toMatch(/cannot renew/);
  });

  it('rejects a configuration without credentials with INVALID_CONFIG naming the key', async () => {
    const error = await failureOf(kitFor({ loginUrl: salesforce.credentials.loginUrl }).check('crm'));
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', path: '$.auth' });
  });
});

describe('query', () => {
  it('binds hostile parameter values as data', async () => {
    const names = async (parameters: Record<string, string>) =>
      (
        await kit.invoke('salesforce.query', {
          soql: 'SELECT Name FROM Account WHERE Name = :name ORDER BY Name',
          parameters,
        })
      ).records.map((record) => record.Name);
    expect(await names({ name: "O'Brien & Co" })).toEqual(["O'Brien & Co"]);
    expect(await names({ name: 'Back\\slash Ltd' })).toEqual(['Back\\slash Ltd']);
    // Would match every account if it were pasted into the query.
    expect(await names({ name: "' OR Name != '" })).toEqual([]);
    expect(await names({ name: "x' OR Name LIKE '%" })).toEqual([]);
    expect(await names({ name: "\\' OR Name != \\'" })).toEqual([]);
    expect(await names({ name: 'Say "hi"\tand\nbye' })).toEqual(['Say "hi"\tand\nbye']);
  });

  it('binds numbers, booleans, dates and lists for IN', async () => {
    const { records } = await kit.invoke('salesforce.query', {
      soql: 'SELECT Name FROM Account WHERE Industry IN :industries AND IsDeleted = :deleted AND CreatedDate > :since ORDER BY Name',
      parameters: {
        industries: ['Energy', "it's"],
        deleted: false,
        since: { dateTime: '2000-01-01T00:00:00Z' },
      },
    });
    expect(records.map((record) => record.Name)).toEqual(['Acme', "O'Brien & Co"]);
    const rich = await kit.invoke('salesforce.query', {
      soql: 'SELECT Name FROM Account WHERE AnnualRevenue >= :minimum',
      parameters: { minimum: 1_000_000.5 },
    });
    expect(rich.records.map((record) => record.Name)).toEqual(['Acme']);
  });

  it('rejects a missing or unknown parameter before calling Salesforce', async () => {
    const before = salesforce.requests.length;
    const missing = await failureOf(
      kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Account WHERE Name = :name', parameters: {} }),
    );
    expect(missing).toMatchObject({ code: 'INVALID_INPUT', path: '$.parameters.name' });
    const unknown = await failureOf(
      kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Account', parameters: { nmae: 'x' } }),
    );
    expect(unknown).toMatchObject({ code: 'INVALID_INPUT', path: '$.parameters.nmae' });
    expect(salesforce.requests.length).toBe(before);
  });

  it('pages over 2,000+ records: one page with a locator, queryMore, and all up to a limit', async () => {
    salesforce.reset({
      records: {
        Account: Array.from({ length: 2_050 }, (_, index) => ({
          Name: `Account ${String(index).padStart(4, '0')}`,
        })),
      },
    });
    const soql = 'SELECT Id, Name FROM Account ORDER BY Name';
    const first = await kit.invoke('salesforce.query', { soql });
    expect(first).toMatchObject({ totalSize: 2_050, done: false });
    expect(first.records).toHaveLength(2_000);
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\//);
    const second = await kit.invoke('salesforce.queryMore', { nextRecordsUrl: String(first.nextRecordsUrl) });
    expect(second.done).toBe(true);
    expect(second.records.map((record) => record.Name)).toEqual(
      Array.from({ length: 50 }, (_, index) => `Account ${2_000 + index}`),
    );
    const all = await kit.invoke('salesforce.query', { soql, all: true });
    expect(all).toMatchObject({ totalSize: 2_050, done: true });
    expect(new Set(all.records.map((record) => record.Id)).size).toBe(2_050);
    const limited = await kit.invoke('salesforce.query', { soql, all: true, limit: 700, batchSize: 300 });
    expect(limited).toMatchObject({ done: false, truncated: true });
    expect(limited.records.map((record) => record.Name)).toEqual(
      Array.from({ length: 700 }, (_, index) => `Account ${String(index).padStart(4, '0')}`),
    );
  });

  it('finds deleted records with includeDeleted (queryAll)', async () => {
    const { id } = await kit.invoke('salesforce.create', {
      sobject: 'Account',
      record: { Name: 'Short-lived' },
    });
    await kit.invoke('salesforce.delete', { sobject: 'Account', id });
    const soql = 'SELECT Id, IsDeleted FROM Account WHERE Name = :name';
    const live = await kit.invoke('salesforce.query', { soql, parameters: { name: 'Short-lived' } });
    expect(live.records).toEqual([]);
    const all = await kit.invoke('salesforce.query', {
      soql,
      parameters: { name: 'Short-lived' },
      includeDeleted: true,
    });
    expect(all.records).toMatchObject([{ Id: id, IsDeleted: true }]);
  });

  it('reads relationship fields', async () => {
    const account = salesforce.controls.records('Account').find((record) => record.Name === 'Acme');
    await kit.invoke('salesforce.create', {
      sobject: 'Contact',
      record: { LastName: 'Lovelace', AccountId: account?.Id },
    });
    const { records } = await kit.invoke('salesforce.query', {
      soql: 'SELECT LastName, Account.Name FROM Contact',
    });
    expect(records).toMatchObject([{ LastName: 'Lovelace', Account: { Name: 'Acme' } }]);
  });

  it('maps MALFORMED_QUERY and INVALID_FIELD to INVALID_INPUT keeping the errorCode', async () => {
    const malformed = await failureOf(kit.invoke('salesforce.query', { soql: 'SELECT FROM Account' }));
    expect(malformed).toMatchObject({
      code: 'INVALID_INPUT',
      vendorCode: 'MALFORMED_QUERY',
      retryable: false,
    });
    expect(malformed.message).toMatch(/MALFORMED_QUERY/);
    const field = await failureOf(kit.invoke('salesforce.query', { soql: 'SELECT Nmae FROM Account' }));
    expect(field).toMatchObject({ code: 'INVALID_INPUT', vendorCode: 'INVALID_FIELD' });
    expect(field.message).toMatch(/Nmae/);
    const type = await failureOf(kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Acount' }));
    expect(type).toMatchObject({ code: 'INVALID_INPUT', vendorCode: 'INVALID_TYPE' });
  });
});

describe('records', () => {
  it('creates, reads, updates and deletes a record', async () => {
    const { id } = await kit.invoke('salesforce.create', {
      sobject: 'Account',
      record: { Name: 'Globex', Industry: 'Energy' },
    });
    expect(id).toMatch(/^001[A-Za-z0-9]{15}$/);
    const { record } = await kit.invoke('salesforce.get', {
      sobject: 'Account',
      id,
      fields: ['Name', 'Industry'],
    });
    expect(record).toMatchObject({ Name: 'Globex', Industry: 'Energy' });
    await kit.invoke('salesforce.update', { sobject: 'Account', id, record: { Industry: 'Media' } });
    expect(salesforce.controls.record(id)).toMatchObject({ Name: 'Globex', Industry: 'Media' });
    await kit.invoke('salesforce.delete', { sobject: 'Account', id });
    const gone = await failureOf(kit.invoke('salesforce.get', { sobject: 'Account', id }));
    expect(gone).toMatchObject({ code: 'NOT_FOUND', vendorCode: 'ENTITY_IS_DELETED' });
    const never = await failureOf(
      kit.invoke('salesforce.get', { sobject: 'Account', id: '001000000000000AAA' }),
    );
    expect(never).toMatchObject({ code: 'NOT_FOUND', vendorCode: 'NOT_FOUND' });
  });

  it('upserts by external id: creates, then updates the same record', async () => {
    const input = { sobject: 'Invoice__c', externalIdField: 'Number__c', externalId: 'INV/2026?1' };
    const created = await kit.invoke('salesforce.upsert', { ...input, record: { Amount__c: 10 } });
    expect(created.created).toBe(true);
    const updated = await kit.invoke('salesforce.upsert', { ...input, record: { Amount__c: 20 } });
    expect(updated).toEqual({ id: created.id, created: false });
    expect(salesforce.controls.record(created.id)).toMatchObject({ Number__c: 'INV/2026?1', Amount__c: 20 });
  });

  it('finds the id of an upserted record when an older API version answers 204 without a body', async () => {
    const old = kitFor({ ...clientCredentials(), apiVersion: '45.0' });
    const input = { sobject: 'Account', externalIdField: 'External_Id__c', externalId: 'ERP-1' };
    const existing = salesforce.controls
      .records('Account')
      .find((account) => account.External_Id__c === 'ERP-1');
    const updated = await old.invoke('salesforce.upsert', { ...input, record: { Industry: 'Media' } });
    expect(updated).toEqual({ id: existing?.Id, created: false });
    expect(salesforce.controls.record(updated.id)).toMatchObject({ Industry: 'Media' });
  });

  it('maps REQUIRED_FIELD_MISSING, DUPLICATE_VALUE, MALFORMED_ID and STRING_TOO_LONG', async () => {
    const required = await failureOf(
      kit.invoke('salesforce.create', { sobject: 'Contact', record: { FirstName: 'Ada' } }),
    );
    expect(required).toMatchObject({ code: 'INVALID_INPUT', vendorCode: 'REQUIRED_FIELD_MISSING' });
    expect(required.message).toMatch(/LastName/);
    await kit.invoke('salesforce.create', { sobject: 'Invoice__c', record: { Number__c: 'INV-1' } });
    const duplicate = await failureOf(
      kit.invoke('salesforce.create', { sobject: 'Invoice__c', record: { Number__c: 'INV-1' } }),
    );
    expect(duplicate).toMatchObject({ code: 'CONFLICT', vendorCode: 'DUPLICATE_VALUE' });
    const malformed = await failureOf(
      kit.invoke('salesforce.create', {
        sobject: 'Contact',
        record: { LastName: 'L', AccountId: 'not-an-id' },
      }),
    );
    expect(malformed).toMatchObject({ code: 'INVALID_INPUT', vendorCode: 'MALFORMED_ID' });
    const long = await failureOf(
      kit.invoke('salesforce.create', { sobject: 'Contact', record: { LastName: 'x'.repeat(81) } }),
    );
    expect(long).toMatchObject({ code: 'INVALID_INPUT', vendorCode: 'STRING_TOO_LONG' });
  });

  it('rejects an id or sObject name that would change the URL before calling Salesforce', async () => {
    const error = await failureOf(
      kit.invoke('salesforce.get', { sobject: 'Account/../User', id: '001000000000000AAA' }),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.sobject' });
  });
});

describe('describe and search', () => {
  it('describes an object and lists the objects', async () => {
    const account = await kit.invoke('salesforce.describe', { sobject: 'Account' });
    expect(account).toMatchObject({ name: 'Account', keyPrefix: '001' });
    expect(account.fields.find((field) => field.name === 'External_Id__c')).toMatchObject({
      externalId: true,
    });
    const invoice = await kit.invoke('salesforce.describe', { sobject: 'Invoice__c' });
    expect(invoice).toMatchObject({ custom: true });
    const { sobjects } = await kit.invoke('salesforce.describeGlobal', {});
    expect(sobjects.map((sobject) => sobject.name)).toEqual(
      expect.arrayContaining(['Account', 'Contact', 'Lead', 'Opportunity', 'Invoice__c']),
    );
    const unknown = await failureOf(kit.invoke('salesforce.describe', { sobject: 'Nothing__c' }));
    expect(unknown.code).toBe('NOT_FOUND');
  });

  it('searches with SOSL, the term escaped', async () => {
    const { searchRecords } = await kit.invoke('salesforce.search', {
      term: 'Acme',
      returning: [{ sobject: 'Account', fields: ['Id', 'Name'], where: 'Industry = :industry' }],
      parameters: { industry: 'Energy' },
    });
    expect(searchRecords.map((record) => record.Name)).toEqual(['Acme']);
  });

  it('searches for a term with reserved characters as text', async () => {
    const { searchRecords } = await kit.invoke('salesforce.search', {
      term: "O'Brien & Co",
      returning: [{ sobject: 'Account', fields: ['Name'] }],
    });
    expect(searchRecords.map((record) => record.Name)).toEqual(["O'Brien & Co"]);
    const hostile = await kit.invoke('salesforce.search', {
      term: 'x} IN ALL FIELDS RETURNING User(Id',
      returning: [{ sobject: 'Account', fields: ['Name'] }],
    });
    expect(hostile.searchRecords).toEqual([]);
  });
});

describe('composite', () => {
  it('creates, updates and deletes several records in one call', async () => {
    const created = await kit.invoke('salesforce.composite', {
      operation: 'create',
      sobject: 'Lead',
      records: [
        { LastName: 'One', Company: 'A' },
        { LastName: 'Two', Company: 'B' },
      ],
    });
    expect(created.results.map((result) => result.success)).toEqual([true, true]);
    const ids = created.results.map((result) => String(result.id));
    await kit.invoke('salesforce.composite', {
      operation: 'update',
      sobject: 'Lead',
      records: ids.map((Id) => ({ Id, Rating: 'Hot' })),
    });
    expect(ids.map((id) => salesforce.controls.record(id)?.Rating)).toEqual(['Hot', 'Hot']);
    const deleted = await kit.invoke('salesforce.composite', { operation: 'delete', ids });
    expect(deleted.results.map((result) => result.success)).toEqual([true, true]);
    expect(salesforce.controls.records('Lead')).toEqual([]);
  });

  it('reports each failure without allOrNone, and saves nothing with it', async () => {
    const partial = await kit.invoke('salesforce.composite', {
      operation: 'create',
      sobject: 'Lead',
      records: [{ LastName: 'Fine', Company: 'A' }, { LastName: 'No company' }],
    });
    expect(partial.results[0]?.success).toBe(true);
    expect(partial.results[1]).toMatchObject({
      success: false,
      errors: [{ errorCode: 'REQUIRED_FIELD_MISSING' }],
    });
    const before = salesforce.controls.records('Lead').length;
    const error = await failureOf(
      kit.invoke('salesforce.composite', {
        operation: 'create',
        sobject: 'Lead',
        allOrNone: true,
        records: [{ LastName: 'Fine', Company: 'A' }, { LastName: 'No company' }],
      }),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT', vendorCode: 'REQUIRED_FIELD_MISSING' });
    expect(salesforce.controls.records('Lead').length).toBe(before);
  });
});

describe('bulk', () => {
  it('ingests 10,000 records in one job and reads them back with a bulk query, page by page', async () => {
    const records = Array.from({ length: 10_000 }, (_, index) => ({
      LastName: `Bulk ${String(index).padStart(5, '0')}`,
      Company: index === 7 ? 'Comma, "quoted" & co' : 'Bulk Co',
    }));
    const ingested = await kit.invoke('salesforce.bulkIngest', {
      sobject: 'Lead',
      operation: 'insert',
      records,
      pollIntervalMs: 50,
    });
    expect(ingested).toMatchObject({
      state: 'JobComplete',
      recordsProcessed: 10_000,
      recordsFailed: 0,
      failures: [],
    });
    expect(salesforce.controls.records('Lead')).toHaveLength(10_000);
    expect(salesforce.controls.records('Lead').find((lead) => lead.LastName === 'Bulk 00007')?.Company).toBe(
      'Comma, "quoted" & co',
    );
    const read = await kit.invoke('salesforce.bulkQuery', {
      soql: 'SELECT Id, LastName FROM Lead WHERE Company = :company ORDER BY LastName',
      parameters: { company: 'Bulk Co' },
      pageSize: 3_000,
      pollIntervalMs: 50,
    });
    expect(read.truncated).toBe(false);
    expect(read.records).toHaveLength(9_999);
    expect(read.records[0]).toMatchObject({ LastName: 'Bulk 00000' });
    expect(new Set(read.records.map((record) => record.Id)).size).toBe(9_999);
  }, 120_000);

  it('logs each job status check as progress, through InProgress to JobComplete', async () => {
    // Four records per status check: ten records take three checks (`reset()` restores the seed's pace).
    salesforce.controls.setBulkPace({ recordsPerStatusCheck: 4 });
    const logs: LogRecord[] = [];
    const logged = kitFor(clientCredentials(), logs);
    const progressOf = (message: string, jobId: string) =>
      logs
        .filter((record) => record.message === message)
        .map((record) => {
          expect(record).toMatchObject({ level: 'info', fields: { progress: true, jobId } });
          return [record.fields.state, record.fields.processed];
        });

    const ingested = await logged.invoke('salesforce.bulkIngest', {
      sobject: 'Lead',
      operation: 'insert',
      records: Array.from({ length: 10 }, (_, index) => ({ LastName: `Paced ${index}`, Company: 'Paced' })),
      pollIntervalMs: 50,
    });
    expect(ingested).toMatchObject({ state: 'JobComplete', recordsProcessed: 10, recordsFailed: 0 });
    expect(progressOf('bulk ingest job', ingested.jobId)).toEqual([
      ['InProgress', 4],
      ['InProgress', 8],
      ['JobComplete', 10],
    ]);
    expect(logs.find((record) => record.message === 'bulk ingest job')?.fields).toMatchObject({
      failed: 0,
      total: 10,
    });

    const read = await logged.invoke('salesforce.bulkQuery', {
      soql: 'SELECT LastName FROM Lead WHERE Company = :company',
      parameters: { company: 'Paced' },
      pollIntervalMs: 50,
    });
    expect(read.records).toHaveLength(10);
    expect(progressOf('bulk query job', read.jobId)).toEqual([
      ['InProgress', 4],
      ['InProgress', 8],
      ['JobComplete', 10],
    ]);
  });

  it('reports each failed record of an ingest job with its error', async () => {
    const result = await kit.invoke('salesforce.bulkIngest', {
      sobject: 'Lead',
      operation: 'insert',
      records: [{ LastName: 'Fine', Company: 'A' }, { LastName: 'No company' }],
      pollIntervalMs: 50,
    });
    expect(result).toMatchObject({ state: 'JobComplete', recordsProcessed: 2, recordsFailed: 1 });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.error).toMatch(/REQUIRED_FIELD_MISSING/);
    expect(result.failures[0]?.record).toMatchObject({ LastName: 'No company' });
  });

  it('upserts by external id, and asks for the field when it is missing', async () => {
    const error = await failureOf(
      kit.invoke('salesforce.bulkIngest', {
        sobject: 'Account',
        operation: 'upsert',
        records: [{ Name: 'x' }],
      }),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.externalIdField' });
    const result = await kit.invoke('salesforce.bulkIngest', {
      sobject: 'Account',
      operation: 'upsert',
      externalIdField: 'External_Id__c',
      records: [
        { External_Id__c: 'ERP-1', Name: 'Renamed' },
        { External_Id__c: 'ERP-2', Name: 'New' },
      ],
      pollIntervalMs: 50,
    });
    expect(result).toMatchObject({ recordsProcessed: 2, recordsFailed: 0 });
    const names = salesforce.controls.records('Account').map((account) => account.Name);
    expect(names).toEqual(expect.arrayContaining(['Renamed', 'New']));
    expect(names).not.toContain("O'Brien & Co");
  });
});

describe('apiCall', () => {
  it("calls any resource with the connection's session and version", async () => {
    const { body } = await kit.invoke('salesforce.apiCall', {
      method: 'GET',
      path: '/query',
      query: { q: 'SELECT COUNT() FROM Account' },
    });
    expect(body).toMatchObject({ totalSize: 4 });
    const versions = await kit.invoke('salesforce.apiCall', { method: 'GET', path: '/services/data/' });
    expect(versions.body).toEqual(expect.arrayContaining([expect.objectContaining({ version: '62.0' })]));
  });

  it('refuses a path that leaves the instance', async () => {
    const error = await failureOf(
      kit.invoke('salesforce.apiCall', { method: 'GET', path: '//example.com/x' }),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.path' });
  });
});

describe('limits and outages', () => {
  it('maps REQUEST_LIMIT_EXCEEDED to RATE_LIMITED', async () => {
    salesforce.controls.setLimit({ max: 100, remaining: 0 });
    const error = await failureOf(
      kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Account' }, { retry: false }),
    );
    expect(error).toMatchObject({
      code: 'RATE_LIMITED',
      vendorCode: 'REQUEST_LIMIT_EXCEEDED',
      retryable: true,
    });
  });

  it('maps a 5xx to a retryable UNAVAILABLE, and the kit retries an idempotent call', async () => {
    salesforce.faults.serverError({ route: 'query', times: 1 });
    const result = await kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Account' });
    expect(result.records).toHaveLength(4);
    salesforce.faults.serverError({ route: 'query', status: 503 });
    const error = await failureOf(
      kit.invoke('salesforce.query', { soql: 'SELECT Id FROM Account' }, { retry: false }),
    );
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });
});
