import { createSign } from 'node:crypto';
import jsforce from 'jsforce';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../start-sandbox.js';
import type { SalesforceSeed } from './salesforce-state.js';

const VERSION = '62.0';

const seed: SalesforceSeed = {
  customObjects: [
    {
      name: 'Invoice__c',
      label: 'Invoice',
      fields: [
        { name: 'Number__c', type: 'string', externalId: true, unique: true },
        { name: 'Legacy_Key__c', type: 'string', externalId: true },
        { name: 'Total__c', type: 'currency' },
        { name: 'Paid__c', type: 'boolean' },
        { name: 'Account__c', type: 'reference', referenceTo: 'Account' },
      ],
    },
  ],
  records: {
    Contact: [
      { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@acme.example', AccountId: '001000000000001AAA' },
    ],
    Account: [
      {
        Id: '001000000000001AAA',
        Name: 'Acme',
        Industry: 'Technology',
        External_Id__c: 'ACME-1',
        AnnualRevenue: 5000,
      },
      { Name: 'Globex', Industry: 'Energy', AnnualRevenue: 100 },
      { Name: 'Initech', AnnualRevenue: 900, CreatedDate: '2020-01-01T00:00:00Z' },
    ],
    Invoice__c: [
      { Name: 'INV-1', Number__c: 'N-1', Legacy_Key__c: 'dup', Total__c: 10, Paid__c: false },
      { Name: 'INV-2', Number__c: 'N-2', Legacy_Key__c: 'dup', Total__c: 20, Paid__c: true },
    ],
  },
};

async function start() {
  const sandbox = await startSandbox('salesforce', { seed });
  const { instanceUrl, accessToken } = sandbox.credentials;
  const conn = new jsforce.Connection({ instanceUrl, accessToken, version: VERSION });
  return { sandbox, conn };
}

/** The error jsforce throws, with Salesforce's errorCode as its name. */
async function failure(
  promise: PromiseLike<unknown>,
): Promise<{ name: string; message: string; errorCode?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; errorCode?: string };
  }
  throw new Error('expected the call to fail');
}

async function raw(
  url: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV and empty bodies stay text.
  }
  return { status: response.status, headers: response.headers, body, text };
}

describe('Salesforce emulator: OAuth and sessions', () => {
  it('logs in with the username-password flow and refreshes through jsforce after expireSessions()', async () => {
    await using sandbox = await startSandbox('salesforce', { seed });
    const c = sandbox.credentials;
    const oauth2 = new jsforce.OAuth2({
      loginUrl: c.loginUrl,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
    });
    const conn = new jsforce.Connection({ oauth2, version: VERSION });
    const info = await conn.login(c.username, `${c.password}${c.securityToken}`);
    expect(info.organizationId).toMatch(/^00D/);
    expect(info.id).toMatch(/^005/);
    expect(conn.instanceUrl).toBe(c.instanceUrl);
    const identity = await conn.identity();
    expect(identity).toMatchObject({
      username: c.username,
      user_id: info.id,
      organization_id: info.organizationId,
    });
    sandbox.controls.expireSessions();
    // jsforce re-authenticates on 401 INVALID_SESSION_ID and repeats the request.
    const result = await conn.query<{ Name: string }>('SELECT Name FROM Account ORDER BY Name');
    expect(result.records.map((record) => record.Name)).toEqual(['Acme', 'Globex', 'Initech']);
  });

  it('refreshes an expired session with the refresh token', async () => {
    await using sandbox = await startSandbox('salesforce', { seed });
    const c = sandbox.credentials;
    const oauth2 = new jsforce.OAuth2({
      loginUrl: c.loginUrl,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
    });
    const conn = new jsforce.Connection({
      oauth2,
      instanceUrl: c.instanceUrl,
      accessToken: c.accessToken,
      refreshToken: c.refreshToken,
      version: VERSION,
    });
    const refreshed: string[] = [];
    conn.on('refresh', (accessToken: string) => refreshed.push(accessToken));
    sandbox.controls.expireSessions();
    const result = await conn.query('SELECT Id FROM Lead');
    expect(result.totalSize).toBe(0);
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).not.toBe(c.accessToken);
    // The old token stays dead.
    const stale = await raw(c.instanceUrl, `/services/data/v${VERSION}/sobjects`, { token: c.accessToken });
    expect(stale.status).toBe(401);
    expect(stale.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  it('answers client credentials, JWT bearer and the documented OAuth errors', async () => {
    await using sandbox = await startSandbox('salesforce', { seed });
    const c = sandbox.credentials;
    const oauth2 = new jsforce.OAuth2({
      loginUrl: c.loginUrl,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
    });
    const conn = new jsforce.Connection({ oauth2, version: VERSION });
    await conn.authorize({ grant_type: 'client_credentials' });
    expect((await conn.query('SELECT COUNT() FROM Account')).totalSize).toBe(3);

    const token = (body: Record<string, string>) =>
      fetch(`${c.loginUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as Record<string, string>,
      }));

    const jwt = (claims: Record<string, unknown>): string => {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`;
      return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(c.jwtPrivateKeyPem).toString('base64url')}`;
    };
    const exp = Math.floor(Date.now() / 1000) + 300;
    const granted = await token({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwt({ iss: c.clientId, sub: c.username, aud: c.loginUrl, exp }),
    });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ instance_url: c.instanceUrl, token_type: 'Bearer' });
    const viaJwt = new jsforce.Connection({
      instanceUrl: c.instanceUrl,
      accessToken: String(granted.body.access_token),
      version: VERSION,
    });
    expect((await viaJwt.query('SELECT COUNT() FROM Contact')).totalSize).toBe(1);

    const expired = await token({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwt({ iss: c.clientId, sub: c.username, aud: c.loginUrl, exp: exp - 3600 }),
    });
    expect(expired).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const forged = await token({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: `${jwt({ iss: c.clientId, sub: c.username, aud: c.loginUrl, exp }).slice(0, -6)}AAAAAA`,
    });
    expect(forged).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(
      await token({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: 'wrong' }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_client' },
    });
    expect(
      await token({
        grant_type: 'password',
        client_id: c.clientId,
        client_secret: c.clientSecret,
        username: c.username,
        password: c.password,
      }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'authentication failure' },
    });
    expect(
      await token({ grant_type: 'refresh_token', client_id: c.clientId, refresh_token: 'nope' }),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(await token({ grant_type: 'authorization_code', code: 'x' })).toMatchObject({
      status: 400,
      body: { error: 'unsupported_grant_type' },
    });
  });

  it('rejects missing and unknown tokens with INVALID_SESSION_ID and lists versions without one', async () => {
    await using sandbox = await startSandbox('salesforce', { seed });
    const url = sandbox.credentials.instanceUrl;
    const versions = await raw(url, '/services/data/');
    expect(versions.status).toBe(200);
    expect(versions.body).toContainEqual({ label: 'v62.0', url: '/services/data/v62.0', version: '62.0' });
    for (const token of [undefined, 'not-a-session']) {
      const answer = await raw(url, '/services/data/v62.0/sobjects', token === undefined ? {} : { token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual([
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ]);
    }
  });
});

describe('Salesforce emulator: describe and records', () => {
  it('describes the org and its objects', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((object) => object.name)).toEqual(
      expect.arrayContaining(['Account', 'Contact', 'Lead', 'Opportunity', 'User', 'Invoice__c']),
    );
    const lead = await conn.describe('Lead');
    const status = lead.fields.find((field) => field.name === 'Status');
    expect(status).toMatchObject({ type: 'picklist', nillable: false, defaultValue: 'Open - Not Contacted' });
    expect(status?.picklistValues?.map((value) => value.value)).toContain('Working - Contacted');
    const contact = await conn.describe('Contact');
    expect(contact.fields.find((field) => field.name === 'AccountId')).toMatchObject({
      type: 'reference',
      referenceTo: ['Account'],
      relationshipName: 'Account',
    });
    const invoice = await conn.describe('Invoice__c');
    expect(invoice.keyPrefix).toMatch(/^a0/);
    expect(invoice.fields.find((field) => field.name === 'Number__c')).toMatchObject({
      externalId: true,
      unique: true,
    });
    const token = sandbox.credentials.accessToken;
    const basic = await raw(sandbox.url, '/services/data/v62.0/sobjects/Lead', { token });
    expect(basic.body).toMatchObject({ objectDescribe: { name: 'Lead', keyPrefix: '00Q' }, recentItems: [] });
    const limits = await raw(sandbox.url, '/services/data/v62.0/limits', { token });
    expect(limits.body).toEqual({ DailyApiRequests: { Max: 15_000, Remaining: expect.any(Number) } });
    const resources = await raw(sandbox.url, '/services/data/v62.0/', { token });
    expect(resources.body).toMatchObject({
      sobjects: '/services/data/v62.0/sobjects',
      query: '/services/data/v62.0/query',
    });
    const unknown = await failure(conn.describe('Nope__c'));
    expect(unknown.name).toBe('NOT_FOUND');
  });

  it('creates, reads, updates and deletes records with 18-character ids and system fields', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    const created = await conn
      .sobject('Lead')
      .create({ FirstName: 'Grace', LastName: 'Hopper', Company: 'Navy' });
    expect(created).toMatchObject({ success: true, errors: [] });
    const id = (created as { id: string }).id;
    expect(id).toMatch(/^00Q[a-zA-Z0-9]{15}$/);
    const lead = (await conn.sobject('Lead').retrieve(id)) as Record<string, unknown>;
    expect(lead).toMatchObject({
      Id: id,
      Name: 'Grace Hopper',
      Status: 'Open - Not Contacted',
      IsDeleted: false,
      OwnerId: expect.stringMatching(/^005/),
    });
    expect(lead.CreatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    const picked = await raw(sandbox.url, `/services/data/v62.0/sobjects/Lead/${id}?fields=Company,Status`, {
      token: sandbox.credentials.accessToken,
    });
    expect(Object.keys(picked.body as object)).toEqual(['attributes', 'Company', 'Status']);

    await conn.sobject('Lead').update({ Id: id, Status: 'Working - Contacted' });
    const updated = (await conn.sobject('Lead').retrieve(id)) as Record<string, unknown>;
    expect(updated.Status).toBe('Working - Contacted');
    expect(Date.parse(String(updated.SystemModstamp))).toBeGreaterThan(
      Date.parse(String(lead.SystemModstamp)),
    );

    await conn.sobject('Lead').destroy(id);
    expect((await conn.query('SELECT Id FROM Lead')).totalSize).toBe(0);
    const all = await conn.query<{ Id: string; IsDeleted: boolean }>('SELECT Id, IsDeleted FROM Lead', {
      scanAll: true,
    });
    expect(all.records).toEqual([expect.objectContaining({ Id: id, IsDeleted: true })]);
    expect((await failure(conn.sobject('Lead').retrieve(id))).name).toBe('ENTITY_IS_DELETED');
    expect(sandbox.controls.records('Lead')).toEqual([]);
    expect(sandbox.controls.records('Lead', { includeDeleted: true })).toHaveLength(1);
  });

  it('answers the documented error codes for bad records', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    const missing = await failure(conn.sobject('Lead').create({ LastName: 'NoCompany' }));
    expect(missing).toMatchObject({ name: 'REQUIRED_FIELD_MISSING' });
    expect(missing.message).toContain('Company');
    const picklist = await failure(
      conn.sobject('Lead').create({ LastName: 'L', Company: 'C', Status: 'Bogus' }),
    );
    expect(picklist.name).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const field = await failure(
      conn.sobject('Lead').create({ LastName: 'L', Company: 'C', Shoe_Size__c: 9 }),
    );
    expect(field.name).toBe('INVALID_FIELD');
    expect(field.message).toContain('Shoe_Size__c');
    const long = await failure(conn.sobject('Contact').create({ LastName: 'x'.repeat(81) }));
    expect(long.name).toBe('STRING_TOO_LONG');
    const malformed = await failure(
      conn.sobject('Contact').create({ LastName: 'L', AccountId: 'not-an-id' }),
    );
    expect(malformed.name).toBe('MALFORMED_ID');
    const duplicate = await failure(
      conn.sobject('Account').create({ Name: 'Acme 2', External_Id__c: 'acme-1' }),
    );
    expect(duplicate.name).toBe('DUPLICATE_VALUE');
    const notFound = await raw(sandbox.url, '/services/data/v62.0/sobjects/Account/001000000000009AAA', {
      token: sandbox.credentials.accessToken,
    });
    expect(notFound.status).toBe(404);
    expect(notFound.body).toEqual([
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
    ]);
    const unknownObject = await raw(sandbox.url, '/services/data/v62.0/sobjects/Nope__c', {
      method: 'POST',
      token: sandbox.credentials.accessToken,
      body: { Name: 'x' },
    });
    expect(unknownObject.status).toBe(404);
    const invalidType = await failure(conn.query('SELECT Id FROM Nope__c'));
    expect(invalidType.name).toBe('INVALID_TYPE');
  });

  it('upserts by external id: 201 created, 200 updated, 300 for several matches, 404 with updateOnly', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    const token = sandbox.credentials.accessToken;
    const created = await conn
      .sobject('Account')
      .upsert({ Name: 'Hooli', External_Id__c: 'HOOLI-1' }, 'External_Id__c');
    expect(created).toMatchObject({ success: true, created: true });
    const updated = await raw(sandbox.url, '/services/data/v62.0/sobjects/Account/External_Id__c/HOOLI-1', {
      method: 'PATCH',
      token,
      body: { Industry: 'Technology' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: (created as { id: string }).id, success: true, created: false });
    const several = await raw(sandbox.url, '/services/data/v62.0/sobjects/Invoice__c/Legacy_Key__c/dup', {
      method: 'PATCH',
      token,
      body: { Total__c: 1 },
    });
    expect(several.status).toBe(300);
    expect(several.body).toHaveLength(2);
    const updateOnly = await raw(
      sandbox.url,
      '/services/data/v62.0/sobjects/Account/External_Id__c/NEW-9?updateOnly=true',
      {
        method: 'PATCH',
        token,
        body: { Name: 'Nobody' },
      },
    );
    expect(updateOnly.status).toBe(404);
    const notExternal = await raw(sandbox.url, '/services/data/v62.0/sobjects/Account/Name/Acme', {
      method: 'PATCH',
      token,
      body: { Industry: 'Retail' },
    });
    expect(notExternal.status).toBe(404);
    expect(
      (await conn.query("SELECT Industry FROM Account WHERE External_Id__c = 'HOOLI-1'")).records,
    ).toEqual([expect.objectContaining({ Industry: 'Technology' })]);
  });
});

describe('Salesforce emulator: SOQL over REST', () => {
  it('pages with nextRecordsUrl, queryMore and autoFetch at a small batch size', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    for (let index = 0; index < 7; index++)
      sandbox.controls.create('Lead', { LastName: `L${index}`, Company: 'Paging' });
    const headers = { 'Sforce-Query-Options': 'batchSize=3' };
    const first = await raw(
      sandbox.url,
      `/services/data/v62.0/query?q=${encodeURIComponent('SELECT LastName FROM Lead ORDER BY LastName')}`,
      {
        token: sandbox.credentials.accessToken,
        headers,
      },
    );
    const page = first.body as {
      totalSize: number;
      done: boolean;
      records: { LastName: string }[];
      nextRecordsUrl: string;
    };
    expect(page).toMatchObject({ totalSize: 7, done: false });
    expect(page.records.map((record) => record.LastName)).toEqual(['L0', 'L1', 'L2']);
    expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g/);
    const second = await conn.queryMore(page.nextRecordsUrl);
    expect(second.records).toHaveLength(3);
    expect(second.done).toBe(false);
    const third = await conn.queryMore(second.nextRecordsUrl as string);
    expect(third).toMatchObject({ done: true, totalSize: 7 });
    expect(third.records).toHaveLength(1);

    const all: string[] = [];
    await new Promise<void>((resolve, reject) => {
      conn
        .query<{ LastName: string }>('SELECT LastName FROM Lead ORDER BY LastName DESC', { headers })
        .on('record', (record) => all.push(record.LastName))
        .on('end', () => resolve())
        .on('error', reject)
        .run({ autoFetch: true, maxFetch: 100 });
    });
    expect(all).toEqual(['L6', 'L5', 'L4', 'L3', 'L2', 'L1', 'L0']);
    const bad = await raw(sandbox.url, '/services/data/v62.0/query/01gNOPE-3', {
      token: sandbox.credentials.accessToken,
    });
    expect(bad.status).toBe(400);
  });

  it('evaluates relationship fields, operators, date literals, ORDER BY, LIMIT and OFFSET', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    const contacts = await conn.query<{ Name: string; Account: { Name: string } | null }>(
      "SELECT Name, Account.Name, Account.Industry FROM Contact WHERE Account.Name LIKE 'ac%'",
    );
    expect(contacts.records).toEqual([
      expect.objectContaining({
        Name: 'Ada Lovelace',
        Account: expect.objectContaining({
          Name: 'Acme',
          Industry: 'Technology',
          attributes: expect.any(Object),
        }),
      }),
    ]);
    const names = async (soql: string) =>
      (await conn.query<{ Name: string }>(soql)).records.map((record) => record.Name);
    expect(
      await names("SELECT Name FROM Account WHERE Industry IN ('Energy', 'Technology') ORDER BY Name DESC"),
    ).toEqual(['Globex', 'Acme']);
    expect(
      await names(
        "SELECT Name FROM Account WHERE NOT (Industry = 'Energy' OR AnnualRevenue > 1000) ORDER BY Name",
      ),
    ).toEqual(['Initech']);
    expect(
      await names('SELECT Name FROM Account ORDER BY Industry NULLS LAST, Name LIMIT 2 OFFSET 1'),
    ).toEqual(['Acme', 'Initech']);
    expect(await names('SELECT Name FROM Account ORDER BY Industry DESC')).toEqual([
      'Initech',
      'Acme',
      'Globex',
    ]);
    expect(await names('SELECT Name FROM Account WHERE CreatedDate < 2021-01-01T00:00:00Z')).toEqual([
      'Initech',
    ]);
    expect(await names('SELECT Name FROM Account WHERE CreatedDate = LAST_N_DAYS:7 ORDER BY Name')).toEqual([
      'Acme',
      'Globex',
    ]);
    expect(await names("SELECT Name FROM Account WHERE Name LIKE 'G_obex' AND Industry != null")).toEqual([
      'Globex',
    ]);
    const count = await conn.query('SELECT COUNT() FROM Account WHERE AnnualRevenue >= 900');
    expect(count).toMatchObject({ totalSize: 2, records: [] });
    const countField = await conn.query('SELECT COUNT(Industry) FROM Account');
    expect(countField.records).toEqual([expect.objectContaining({ expr0: 2 })]);
  });

  it('keeps a reference written in its 15-character form as 18 characters, so relationships resolve', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    const account = (await conn.sobject('Account').create({ Name: 'Short Id Inc' })) as { id: string };
    const short = account.id.slice(0, 15);
    const created = (await conn.sobject('Opportunity').create({
      Name: 'Via a short id',
      StageName: 'Prospecting',
      CloseDate: '2026-03-01',
      AccountId: short,
    })) as { id: string };
    const read = (await conn.sobject('Opportunity').retrieve(created.id)) as { AccountId: string };
    expect(read.AccountId).toBe(account.id);
    // A system reference too: the owner.
    const [user] = (await conn.query<{ Id: string }>('SELECT Id FROM User')).records;
    const owned = (await conn.sobject('Opportunity').create({
      Name: 'Owned via a short id',
      StageName: 'Prospecting',
      CloseDate: '2026-03-01',
      OwnerId: user?.Id.slice(0, 15),
    })) as { id: string };
    expect(((await conn.sobject('Opportunity').retrieve(owned.id)) as { OwnerId: string }).OwnerId).toBe(
      user?.Id,
    );
    await conn.sobject('Opportunity').update({ Id: created.id, AccountId: short });
    const found = await conn.query<{ Account: { Name: string } | null }>(
      `SELECT Name, Account.Name FROM Opportunity WHERE Id = '${created.id}'`,
    );
    expect(found.records[0]?.Account).toMatchObject({ Name: 'Short Id Inc' });
  });

  it('names the unknown field and the unexpected token', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    const field = await failure(conn.query('SELECT Id, Shoe_Size__c FROM Contact'));
    expect(field.name).toBe('INVALID_FIELD');
    expect(field.message).toContain("'Shoe_Size__c'");
    const syntax = await failure(conn.query('SELECT Id FROM Contact WHERE'));
    expect(syntax.name).toBe('MALFORMED_QUERY');
    expect(syntax.message).toContain('end of the query');
    const relationship = await failure(conn.query('SELECT Id, Boss.Name FROM Contact'));
    expect(relationship.name).toBe('INVALID_FIELD');
  });
});

describe('Salesforce emulator: custom objects', () => {
  it('stores custom records and follows custom relationships (__r) in SOQL', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    const created = await conn.sobject('Invoice__c').create({
      Name: 'INV-3',
      Number__c: 'N-3',
      Total__c: 99.5,
      Paid__c: true,
      Account__c: '001000000000001AAA',
    });
    expect((created as { id: string }).id).toMatch(/^a01/);
    const result = await conn.query<{ Name: string; Account__r: { Name: string } }>(
      'SELECT Name, Account__r.Name FROM Invoice__c WHERE Paid__c = true AND Total__c > 50',
    );
    expect(result.records).toEqual([
      expect.objectContaining({ Name: 'INV-3', Account__r: expect.objectContaining({ Name: 'Acme' }) }),
    ]);
    const wrongType = await failure(conn.sobject('Invoice__c').create({ Name: 'INV-4', Paid__c: 'yes' }));
    expect(wrongType.name).toBe('JSON_PARSER_ERROR');
    const duplicate = await failure(conn.sobject('Invoice__c').create({ Name: 'INV-5', Number__c: 'n-1' }));
    expect(duplicate.name).toBe('DUPLICATE_VALUE');
  });

  it('revokes tokens', async () => {
    await using sandbox = await startSandbox('salesforce', { seed });
    const c = sandbox.credentials;
    const revoke = (token: string) =>
      fetch(`${c.loginUrl}/services/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
    expect((await revoke(c.accessToken)).status).toBe(200);
    expect((await raw(c.instanceUrl, '/services/data/v62.0/limits', { token: c.accessToken })).status).toBe(
      401,
    );
    expect((await revoke('unknown')).status).toBe(400);
  });
});

describe('Salesforce emulator: limits', () => {
  it('reports api-usage on every answer and refuses with REQUEST_LIMIT_EXCEEDED when spent', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    sandbox.controls.setLimit({ max: 100, remaining: 2 });
    await conn.query('SELECT Id FROM Account');
    expect(conn.limitInfo.apiUsage).toEqual({ used: 99, limit: 100 });
    await conn.query('SELECT Id FROM Account');
    expect(conn.limitInfo.apiUsage).toEqual({ used: 100, limit: 100 });
    const refused = await failure(conn.query('SELECT Id FROM Account'));
    expect(refused.name).toBe('REQUEST_LIMIT_EXCEEDED');
    const answer = await raw(sandbox.url, '/services/data/v62.0/sobjects', {
      token: sandbox.credentials.accessToken,
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('sforce-limit-info')).toBe('api-usage=100/100');
    const unauthorized = await raw(sandbox.url, '/services/data/v62.0/sobjects');
    expect(unauthorized.headers.get('sforce-limit-info')).toBe('api-usage=100/100');
    expect(() => sandbox.controls.setLimit({ max: 10, remaining: 11 })).toThrow(/remaining/);
    const viaRoute = await raw(sandbox.url, '/_sandbox/salesforce/limit', {
      method: 'POST',
      body: { max: 50, remaining: 5 },
    });
    expect(viaRoute.body).toEqual({ max: 50, used: 45 });
    expect((await conn.query('SELECT Id FROM Account')).totalSize).toBe(3);
    expect(sandbox.controls.usage()).toEqual({ used: 46, max: 50 });
    expect(
      (await raw(sandbox.url, '/_sandbox/salesforce/limit', { method: 'POST', body: { max: -1 } })).status,
    ).toBe(400);
    const expired = await raw(sandbox.url, '/_sandbox/salesforce/expire-sessions', { method: 'POST' });
    expect(expired.body).toEqual({ expired: 1 });
    expect((await failure(conn.query('SELECT Id FROM Account'))).name).toBe('INVALID_SESSION_ID');
  });
});

describe('Salesforce emulator: injected faults', () => {
  it("answers injected faults in Salesforce's error shape, by resource route", async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    sandbox.faults.rateLimit({ route: 'query', times: 1 });
    expect((await failure(conn.query('SELECT Id FROM Lead'))).name).toBe('REQUEST_LIMIT_EXCEEDED');
    sandbox.faults.serverError({ route: 'sobjects', status: 503, times: 1 });
    const down = await raw(sandbox.url, '/services/data/v62.0/sobjects/Lead/describe', {
      token: sandbox.credentials.accessToken,
    });
    expect(down.status).toBe(503);
    expect(down.body).toEqual([expect.objectContaining({ errorCode: 'SERVER_UNAVAILABLE' })]);
    // Each fault fired once; the next calls go through.
    expect((await conn.query('SELECT Id FROM Lead')).totalSize).toBe(0);
    expect((await conn.describe('Lead')).name).toBe('Lead');
  });
});

describe('Salesforce emulator: search, collections and composite', () => {
  it('runs SOSL searches', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    sandbox.controls.create('Lead', { LastName: 'Acme Buyer', Company: 'Someone' });
    const found = await conn.search(
      "FIND {acme} IN ALL FIELDS RETURNING Account(Name WHERE Industry = 'Technology'), Lead(LastName, Company LIMIT 5), Contact(Email)",
    );
    expect(found.searchRecords.map((record) => record.attributes?.type).sort()).toEqual([
      'Account',
      'Contact',
      'Lead',
    ]);
    expect(found.searchRecords).toContainEqual(expect.objectContaining({ Email: 'ada@acme.example' }));
    const wildcard = await conn.search('FIND {Glo*} RETURNING Account(Name)');
    expect(wildcard.searchRecords).toEqual([expect.objectContaining({ Name: 'Globex' })]);
    expect((await failure(conn.search('FIND {a} RETURNING Account'))).name).toBe('MALFORMED_SEARCH');
  });

  it('creates, retrieves, updates and deletes collections with allOrNone', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    const results = await conn.sobject('Lead').create(
      [
        { LastName: 'A', Company: 'C' },
        { LastName: 'B', Company: 'C' },
      ],
      { allOrNone: true },
    );
    expect(results.map((result) => result.success)).toEqual([true, true]);
    const ids = results.map((result) => (result as { id: string }).id);
    const rolledBack = await conn.requestPost<{ success: boolean; errors: { statusCode: string }[] }[]>(
      '/services/data/v62.0/composite/sobjects',
      {
        allOrNone: true,
        records: [
          { attributes: { type: 'Lead' }, LastName: 'C', Company: 'C' },
          { attributes: { type: 'Lead' }, LastName: 'D' },
        ],
      },
    );
    expect(rolledBack.map((result) => result.errors[0]?.statusCode)).toEqual([
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'REQUIRED_FIELD_MISSING',
    ]);
    expect((await conn.query('SELECT COUNT() FROM Lead')).totalSize).toBe(2);
    const partial = await conn.sobject('Lead').update([
      { Id: ids[0] as string, Rating: 'Hot' },
      { Id: '00Q000000000000EAA', Rating: 'Hot' },
    ]);
    expect(partial.map((result) => result.success)).toEqual([true, false]);
    expect(partial[1]).toMatchObject({
      errors: [expect.objectContaining({ statusCode: 'INVALID_CROSS_REFERENCE_KEY' })],
    });
    const fetched = await raw(
      sandbox.url,
      `/services/data/v62.0/composite/sobjects/Lead?ids=${ids.join(',')},00Q000000000000EAA&fields=LastName,Rating`,
      { token: sandbox.credentials.accessToken },
    );
    expect(fetched.body).toEqual([
      expect.objectContaining({ LastName: 'A', Rating: 'Hot' }),
      expect.objectContaining({ LastName: 'B', Rating: null }),
      null,
    ]);
    const tooMany = await raw(sandbox.url, '/services/data/v62.0/composite/sobjects', {
      method: 'POST',
      token: sandbox.credentials.accessToken,
      body: {
        records: Array.from({ length: 201 }, () => ({
          attributes: { type: 'Lead' },
          LastName: 'X',
          Company: 'C',
        })),
      },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual([expect.objectContaining({ errorCode: 'EXCEEDED_ID_LIMIT' })]);
    const deleted = await conn.sobject('Lead').destroy(ids);
    expect(deleted.map((result) => result.success)).toEqual([true, true]);
    expect(
      (await conn.query('SELECT Id FROM Lead WHERE IsDeleted = true', { scanAll: true })).totalSize,
    ).toBe(2);
  });

  it('runs composite requests with @{ref} references and rolls back with allOrNone', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    const answer = await conn.requestPost<{
      compositeResponse: { httpStatusCode: number; body: unknown; referenceId: string }[];
    }>('/services/data/v62.0/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'account',
          body: { Name: 'Umbrella' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'contact',
          body: { LastName: 'Wesker', AccountId: '@{account.id}' },
        },
        {
          method: 'GET',
          url: '/services/data/v62.0/sobjects/Contact/@{contact.id}?fields=AccountId',
          referenceId: 'read',
        },
      ],
    });
    const [account, contact, read] = answer.compositeResponse;
    expect([account?.httpStatusCode, contact?.httpStatusCode, read?.httpStatusCode]).toEqual([201, 201, 200]);
    const accountHeaders = (account as { httpHeaders?: { Location?: string } } | undefined)?.httpHeaders;
    expect(accountHeaders?.Location).toMatch(/^\/services\/data\/v62\.0\/sobjects\/Account\/001/);
    const readBody = read?.body as { AccountId: string } | undefined;
    const accountBody = account?.body as { id: string } | undefined;
    expect(readBody?.AccountId).toBe(accountBody?.id);

    const failed = await conn.requestPost<{
      compositeResponse: { httpStatusCode: number; body: { errorCode: string }[] }[];
    }>('/services/data/v62.0/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'ok',
          body: { Name: 'Rolled Back' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'bad',
          body: { FirstName: 'No' },
        },
      ],
    });
    expect(failed.compositeResponse.map((sub) => sub.body[0]?.errorCode)).toEqual([
      'PROCESSING_HALTED',
      'REQUIRED_FIELD_MISSING',
    ]);
    expect((await conn.query("SELECT COUNT() FROM Account WHERE Name = 'Rolled Back'")).totalSize).toBe(0);
  });
});

describe('Salesforce emulator: Bulk API 2.0', () => {
  it('ingests CSV through jsforce bulk2 with successful and failed results', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    conn.bulk2.pollInterval = 50;
    conn.bulk2.pollTimeout = 20_000;
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Lead',
      operation: 'insert',
      input: 'LastName,Company,AnnualRevenue\n"Quote, Inc ""Q""",Acme,10\nNoCompany,,5\nBad,Acme,ten\n',
    });
    expect(results.successfulResults).toHaveLength(1);
    expect(results.successfulResults[0]).toMatchObject({ sf__Created: 'true', LastName: 'Quote, Inc "Q"' });
    expect(results.failedResults.map((row) => String(row.sf__Error).split(':')[0])).toEqual([
      'REQUIRED_FIELD_MISSING',
      'INVALID_TYPE_ON_FIELD_IN_RECORD',
    ]);
    expect(sandbox.controls.records('Lead').map((lead) => lead.LastName)).toEqual(['Quote, Inc "Q"']);

    const upserted = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'upsert',
      externalIdFieldName: 'External_Id__c',
      input: 'External_Id__c,Name\nACME-1,Acme Renamed\nNEW-1,Newco\n',
    });
    expect(upserted.successfulResults.map((row) => row.sf__Created)).toEqual(['false', 'true']);
    expect(sandbox.controls.records('Account').map((account) => account.Name)).toEqual(
      expect.arrayContaining(['Acme Renamed', 'Newco']),
    );
  });

  it('updates and deletes through ingest jobs, reporting bad ids per row', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    conn.bulk2.pollInterval = 50;
    const [acme, globex] = sandbox.controls.records('Account') as { Id: string }[];
    const updated = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'update',
      input: `Id,Industry,NumberOfEmployees\n${acme?.Id},Retail,12\nnot-an-id,Retail,1\n${globex?.Id},#N/A,\n`,
    });
    expect(updated.successfulResults).toHaveLength(2);
    expect(String(updated.failedResults[0]?.sf__Error)).toMatch(/^MALFORMED_ID:/);
    expect(sandbox.controls.record(String(acme?.Id))).toMatchObject({
      Industry: 'Retail',
      NumberOfEmployees: 12,
    });
    expect(sandbox.controls.record(String(globex?.Id))).toMatchObject({ Industry: null });
    const deleted = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'delete',
      input: `Id\n${globex?.Id}\n${globex?.Id}\n`,
    });
    expect(deleted.successfulResults).toHaveLength(1);
    expect(String(deleted.failedResults[0]?.sf__Error)).toMatch(/^ENTITY_IS_DELETED:/);
    expect(
      (await conn.query('SELECT Id FROM Account WHERE IsDeleted = true', { scanAll: true })).totalSize,
    ).toBe(1);
  });

  it('fails a job whose CSV names an unknown field, and reports job state over REST', async () => {
    const { sandbox } = await start();
    await using _ = sandbox;
    const token = sandbox.credentials.accessToken;
    const base = '/services/data/v62.0/jobs/ingest';
    const job = (
      await raw(sandbox.url, base, { method: 'POST', token, body: { object: 'Lead', operation: 'insert' } })
    ).body as { id: string; state: string };
    expect(job.state).toBe('Open');
    const upload = await raw(sandbox.url, `${base}/${job.id}/batches`, {
      method: 'PUT',
      token,
      body: 'LastName,Nope__c\nX,1\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(upload.status).toBe(201);
    const closed = await raw(sandbox.url, `${base}/${job.id}`, {
      method: 'PATCH',
      token,
      body: { state: 'UploadComplete' },
    });
    expect(closed.body).toMatchObject({ state: 'UploadComplete' });
    const info = await raw(sandbox.url, `${base}/${job.id}`, { token });
    expect(info.body).toMatchObject({ state: 'Failed', errorMessage: expect.stringContaining('Nope__c') });
    const badJob = await raw(sandbox.url, base, {
      method: 'POST',
      token,
      body: { object: 'Nope__c', operation: 'insert' },
    });
    expect(badJob.status).toBe(400);
    expect((await raw(sandbox.url, `${base}/7505g0000000000AAA`, { token })).status).toBe(404);
  });

  it('runs query jobs with Sforce-Locator paging and maxRecords', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    conn.bulk2.pollInterval = 50;
    const records = await (await conn.bulk2.query('SELECT Name, Account.Name FROM Contact')).toArray();
    expect(records).toEqual([{ Name: 'Ada Lovelace', 'Account.Name': 'Acme' }]);

    const token = sandbox.credentials.accessToken;
    const job = (
      await raw(sandbox.url, '/services/data/v62.0/jobs/query', {
        method: 'POST',
        token,
        body: { operation: 'query', query: 'SELECT Name FROM Account ORDER BY Name' },
      })
    ).body as { id: string };
    const first = await raw(sandbox.url, `/services/data/v62.0/jobs/query/${job.id}/results?maxRecords=2`, {
      token,
    });
    expect(first.text).toBe('"Name"\n"Acme"\n"Globex"\n');
    const locator = first.headers.get('sforce-locator') as string;
    expect(locator).not.toBe('null');
    const second = await raw(
      sandbox.url,
      `/services/data/v62.0/jobs/query/${job.id}/results?maxRecords=2&locator=${locator}`,
      {
        token,
      },
    );
    expect(second.text).toBe('"Name"\n"Initech"\n');
    expect(second.headers.get('sforce-locator')).toBe('null');
    expect(second.headers.get('sforce-numberofrecords')).toBe('1');
  });

  it('processes jobs at a seeded pace: records per status check, through InProgress to JobComplete', async () => {
    await using sandbox = await startSandbox('salesforce', {
      seed: { ...seed, bulkPace: { recordsPerStatusCheck: 2 } },
    });
    const token = sandbox.credentials.accessToken;
    const base = '/services/data/v62.0/jobs';
    const check = async (path: string) =>
      (await raw(sandbox.url, path, { token })).body as {
        state: string;
        numberRecordsProcessed: number;
      };
    const job = (
      await raw(sandbox.url, `${base}/ingest`, {
        method: 'POST',
        token,
        body: { object: 'Lead', operation: 'insert' },
      })
    ).body as { id: string };
    await raw(sandbox.url, `${base}/ingest/${job.id}/batches`, {
      method: 'PUT',
      token,
      body: 'LastName,Company\nL1,Pace\nL2,Pace\nL3,Pace\nL4,Pace\nL5,Pace\n',
      headers: { 'content-type': 'text/csv' },
    });
    const closed = await raw(sandbox.url, `${base}/ingest/${job.id}`, {
      method: 'PATCH',
      token,
      body: { state: 'UploadComplete' },
    });
    expect(closed.body).toMatchObject({ state: 'UploadComplete', numberRecordsProcessed: 0 });
    expect(sandbox.controls.records('Lead')).toEqual([]);
    const states = [];
    for (let index = 0; index < 3; index++) {
      const info = await check(`${base}/ingest/${job.id}`);
      states.push([info.state, info.numberRecordsProcessed, sandbox.controls.records('Lead').length]);
    }
    expect(states).toEqual([
      ['InProgress', 2, 2],
      ['InProgress', 4, 4],
      ['JobComplete', 5, 5],
    ]);
    expect(await check(`${base}/ingest/${job.id}`)).toMatchObject({ state: 'JobComplete' });

    const query = (
      await raw(sandbox.url, `${base}/query`, {
        method: 'POST',
        token,
        body: { operation: 'query', query: 'SELECT Name FROM Account' },
      })
    ).body as { id: string; state: string; numberRecordsProcessed: number };
    expect(query).toMatchObject({ state: 'UploadComplete', numberRecordsProcessed: 0 });
    const early = await raw(sandbox.url, `${base}/query/${query.id}/results`, { token });
    expect(early.status).toBe(400);
    expect(early.text).toContain('INVALIDJOBSTATE');
    expect(await check(`${base}/query/${query.id}`)).toMatchObject({
      state: 'InProgress',
      numberRecordsProcessed: 2,
    });
    expect(await check(`${base}/query/${query.id}`)).toMatchObject({
      state: 'JobComplete',
      numberRecordsProcessed: 3,
    });
    expect((await raw(sandbox.url, `${base}/query/${query.id}/results`, { token })).status).toBe(200);
  });

  it('keeps the unprocessed records of a job aborted in progress, and changes pace by control', async () => {
    await using sandbox = await startSandbox('salesforce', { seed });
    const { instanceUrl, accessToken: token } = sandbox.credentials;
    const conn = new jsforce.Connection({ instanceUrl, accessToken: token, version: VERSION });
    conn.bulk2.pollInterval = 50;
    sandbox.controls.setBulkPace({ recordsPerStatusCheck: 1 });
    const paced = await conn.bulk2.loadAndWaitForResults({
      object: 'Lead',
      operation: 'insert',
      input: 'LastName,Company\nA,Pace\nB,Pace\nC,Pace\n',
    });
    expect(paced.successfulResults).toHaveLength(3);

    const base = '/services/data/v62.0/jobs/ingest';
    const job = (
      await raw(sandbox.url, base, { method: 'POST', token, body: { object: 'Lead', operation: 'insert' } })
    ).body as { id: string };
    await raw(sandbox.url, `${base}/${job.id}/batches`, {
      method: 'PUT',
      token,
      body: 'LastName,Company\nD,Pace\nE,Pace\nF,Pace\n',
      headers: { 'content-type': 'text/csv' },
    });
    await raw(sandbox.url, `${base}/${job.id}`, {
      method: 'PATCH',
      token,
      body: { state: 'UploadComplete' },
    });
    expect((await raw(sandbox.url, `${base}/${job.id}`, { token })).body).toMatchObject({
      state: 'InProgress',
      numberRecordsProcessed: 1,
    });
    const aborted = await raw(sandbox.url, `${base}/${job.id}`, {
      method: 'PATCH',
      token,
      body: { state: 'Aborted' },
    });
    expect(aborted.body).toMatchObject({ state: 'Aborted', numberRecordsProcessed: 1 });
    const unprocessed = await raw(sandbox.url, `${base}/${job.id}/unprocessedrecords`, { token });
    expect(unprocessed.text).toBe('"LastName","Company"\n"E","Pace"\n"F","Pace"\n');
    expect(sandbox.controls.records('Lead').map((lead) => lead.LastName)).toEqual(['A', 'B', 'C', 'D']);

    expect(() => sandbox.controls.setBulkPace({ recordsPerStatusCheck: 0 })).toThrow(/positive integer/);
    const refused = await raw(sandbox.url, '/_sandbox/salesforce/bulk-pace', {
      method: 'POST',
      body: { recordsPerStatusCheck: 'fast' },
    });
    expect(refused.status).toBe(400);
    const set = await raw(sandbox.url, '/_sandbox/salesforce/bulk-pace', {
      method: 'POST',
      body: { recordsPerStatusCheck: 50 },
    });
    expect(set.body).toEqual({ recordsPerStatusCheck: 50 });
    sandbox.reset();
    expect((await raw(sandbox.url, '/_sandbox/salesforce/bulk-pace')).body).toEqual({});
  });
});

describe('Salesforce emulator: secrets, state and reset', () => {
  it('never writes passwords, secrets or tokens to its log or error answers', async () => {
    const lines: string[] = [];
    await using sandbox = await startSandbox('salesforce', { seed, log: (line) => lines.push(line) });
    const c = sandbox.credentials;
    const oauth2 = new jsforce.OAuth2({
      loginUrl: c.loginUrl,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
    });
    const conn = new jsforce.Connection({ oauth2, version: VERSION });
    await conn.login(c.username, `${c.password}${c.securityToken}`);
    await conn.query('SELECT Id FROM Account');
    const canary = 'canary-password-7f3a9c';
    const refused = await failure(conn.login(c.username, canary));
    expect(refused.message).toBe('authentication failure');
    expect(refused.message).not.toContain(canary);
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [
      canary,
      c.password,
      c.securityToken,
      c.clientSecret,
      c.accessToken,
      String(conn.accessToken),
    ]) {
      expect(log).not.toContain(secret);
    }
    const state = await raw(sandbox.url, '/_sandbox/state');
    expect(state.text).not.toContain(c.accessToken);
    expect((state.body as { records: Record<string, unknown[]> }).records.Account).toHaveLength(3);
  });

  it('keeps controls working on the new state after reset()', async () => {
    await using sandbox = await startSandbox('salesforce', { seed });
    sandbox.reset({ records: { Lead: [{ LastName: 'Fresh', Company: 'Reset' }] } });
    expect(sandbox.controls.records('Account')).toEqual([]);
    expect(sandbox.controls.records('Lead').map((lead) => lead.LastName)).toEqual(['Fresh']);
    const conn = new jsforce.Connection({
      instanceUrl: sandbox.credentials.instanceUrl,
      accessToken: sandbox.credentials.accessToken,
      version: VERSION,
    });
    const lead = sandbox.controls.records('Lead')[0] as { Id: string };
    sandbox.controls.update(lead.Id, { Rating: 'Warm' });
    // A 15-character id finds the record as its 18-character form does.
    const result = await conn.query<{ Rating: string }>(
      `SELECT Rating FROM Lead WHERE Id = '${lead.Id.slice(0, 15)}'`,
    );
    expect(result.records[0]?.Rating).toBe('Warm');
    expect(() => sandbox.controls.create('Lead', { LastName: 'No company' })).toThrow(
      /REQUIRED_FIELD_MISSING/,
    );
  });

  it('keeps a quote in a filter value inside the literal', async () => {
    const { sandbox, conn } = await start();
    await using _ = sandbox;
    sandbox.controls.create('Account', { Name: "O'Reilly" });
    const name = "x' OR Name != '";
    const escaped = name.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    expect((await conn.query(`SELECT Id FROM Account WHERE Name = '${escaped}'`)).totalSize).toBe(0);
    expect((await conn.query("SELECT Name FROM Account WHERE Name = 'O\\'Reilly'")).records).toEqual([
      expect.objectContaining({ Name: "O'Reilly" }),
    ]);
    // Unescaped, the quote ends the literal and the rest cannot parse.
    const unescaped = await failure(conn.query("SELECT Id FROM Account WHERE Name = 'it's'"));
    expect(unescaped.name).toBe('MALFORMED_QUERY');
    expect(unescaped.message).toContain('unterminated string literal');
  });
});
