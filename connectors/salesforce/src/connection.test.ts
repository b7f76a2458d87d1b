import { createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectorError, createKit, isSecretSchema, type LogRecord, Redacted } from '@connectorkit/core';
import { CANARY_SECRET, errorTexts } from '@connectorkit/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTarget, SalesforceConnectionConfig } from './connection.js';
import { salesforceConnector } from './salesforce-connector.js';
import { signJwt } from './token-grant.js';

const folder = mkdtempSync(join(tmpdir(), 'ck-salesforce-connection-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const secret = Redacted.make('s3cret');
const clientCredentials = { type: 'clientCredentials' as const, clientId: 'app', clientSecret: secret };

function failure(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    return error as ConnectorError;
  }
  throw new Error('expected a failure');
}

describe('resolveTarget', () => {
  it('signs in at login.salesforce.com with API version 62.0 by default', () => {
    const target = resolveTarget({ auth: clientCredentials }, {});
    expect(target).toMatchObject({
      loginUrl: 'https://login.salesforce.com',
      instanceUrl: undefined,
      apiVersion: '62.0',
      sandbox: false,
      grant: { type: 'clientCredentials', clientId: 'app', loginUrl: 'https://login.salesforce.com' },
    });
  });

  it('normalizes URLs and keeps the configured version', () => {
    const target = resolveTarget(
      {
        loginUrl: 'https://acme.my.salesforce.com/',
        instanceUrl: 'https://acme.my.salesforce.com',
        apiVersion: '60.0',
        auth: clientCredentials,
      },
      {},
    );
    expect(target).toMatchObject({
      loginUrl: 'https://acme.my.salesforce.com',
      instanceUrl: 'https://acme.my.salesforce.com',
      apiVersion: '60.0',
    });
    expect(failure(() => resolveTarget({ loginUrl: 'not a url', auth: clientCredentials }, {})).path).toBe(
      '$.loginUrl',
    );
    expect(failure(() => resolveTarget({ instanceUrl: 'ftp://x', auth: clientCredentials }, {})).path).toBe(
      '$.instanceUrl',
    );
  });

  it('requires auth, saying how to set it', () => {
    const error = failure(() => resolveTarget({}, {}));
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', path: '$.auth' });
    expect(error.message).toMatch(/`auth` is required .*clientCredentials.*sandbox: true/);
  });

  it('requires instanceUrl with a session id', () => {
    const error = failure(() => resolveTarget({ auth: { type: 'accessToken', accessToken: secret } }, {}));
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', path: '$.instanceUrl' });
  });

  it('finds the emulator through its URL variable with `sandbox: true`, using its test client', () => {
    const target = resolveTarget(
      { sandbox: true },
      { CONNECTORKIT_SANDBOX_SALESFORCE_URL: 'http://127.0.0.1:4112/' },
    );
    expect(target).toMatchObject({
      loginUrl: 'http://127.0.0.1:4112',
      instanceUrl: 'http://127.0.0.1:4112',
      sandbox: true,
      grant: { type: 'clientCredentials', clientId: 'connectorkit-sandbox-client' },
    });
  });

  it('reads the sandbox discovery file, and an explicit auth wins over it', () => {
    const file = join(folder, 'discovery.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        emulators: {
          salesforce: {
            url: 'http://127.0.0.1:5000',
            credentials: {
              loginUrl: 'http://127.0.0.1:5000',
              instanceUrl: 'http://127.0.0.1:5000',
              clientId: 'from-file',
              clientSecret: 'file-secret',
              apiVersion: '61.0',
            },
          },
        },
      }),
    );
    const env = { CONNECTORKIT_SANDBOX_FILE: file };
    const target = resolveTarget({ sandbox: true }, env);
    expect(target).toMatchObject({ apiVersion: '61.0', grant: { clientId: 'from-file' } });
    expect(resolveTarget({ sandbox: true, auth: clientCredentials }, env).grant).toMatchObject({
      clientId: 'app',
    });
  });

  it('says how to start the emulator when none runs', () => {
    const error = failure(() =>
      resolveTarget({ sandbox: true }, { CONNECTORKIT_SANDBOX_FILE: join(folder, 'missing.json') }),
    );
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', path: '$.sandbox' });
    expect(error.message).toMatch(/ck sandbox start salesforce/);
  });
});

describe('connection schema', () => {
  it('marks every credential as a secret', () => {
    const branches = (
      SalesforceConnectionConfig.properties.auth as { anyOf: { properties: Record<string, unknown> }[] }
    ).anyOf;
    const secrets = branches.flatMap((branch) =>
      Object.entries(branch.properties)
        .filter(([, schema]) => isSecretSchema(schema))
        .map(([name]) => name),
    );
    expect(new Set(secrets)).toEqual(
      new Set(['clientSecret', 'privateKey', 'refreshToken', 'password', 'securityToken', 'accessToken']),
    );
  });
});

describe('JWT bearer assertion', () => {
  it('is an RS256 JWT from the app, for the user, to the login URL, expiring soon', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const now = Date.UTC(2026, 0, 1);
    const jwt = signJwt(
      {
        type: 'jwtBearer',
        clientId: 'app',
        username: 'ada@example.com',
        privateKey: Redacted.make(pem),
        loginUrl: 'https://login.salesforce.com',
      },
      now,
    );
    const [header, claims, signature] = jwt.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toEqual({
      iss: 'app',
      sub: 'ada@example.com',
      aud: 'https://login.salesforce.com',
      exp: now / 1000 + 180,
    });
    const verifier = createVerify('RSA-SHA256').update(`${header}.${claims}`);
    expect(
      verifier.verify(
        createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })),
        signature,
        'base64url',
      ),
    ).toBe(true);
  });

  it('rejects a key that is no PEM private key with INVALID_CONFIG, never echoing it', () => {
    const error = failure(() =>
      signJwt({
        type: 'jwtBearer',
        clientId: 'app',
        username: 'u',
        privateKey: Redacted.make(CANARY_SECRET),
        loginUrl: 'https://x',
      }),
    );
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', path: '$.auth.privateKey' });
    for (const text of errorTexts(error)) expect(text).not.toContain(CANARY_SECRET);
  });
});

describe('redaction', () => {
  it('keeps a canary secret out of errors, logs and the catalog, whatever the auth flow', async () => {
    const logs: LogRecord[] = [];
    // Nothing listens here: every sign-in fails at the network, after the secret was used.
    const loginUrl = 'http://127.0.0.1:9';
    const flows = {
      clientCredentials: { type: 'clientCredentials', clientId: 'app', clientSecret: CANARY_SECRET },
      password: {
        type: 'password',
        clientId: 'app',
        clientSecret: CANARY_SECRET,
        username: 'u',
        password: CANARY_SECRET,
        securityToken: CANARY_SECRET,
      },
      refreshToken: { type: 'refreshToken', clientId: 'app', refreshToken: CANARY_SECRET },
      jwtBearer: { type: 'jwtBearer', clientId: 'app', username: 'u', privateKey: CANARY_SECRET },
    };
    const kit = createKit({
      connectors: [salesforceConnector],
      connections: Object.fromEntries(
        Object.entries(flows).map(([name, auth]) => [name, { connector: 'salesforce', loginUrl, auth }]),
      ),
      logger: { level: 'debug', sink: (record) => logs.push(record) },
    });
    try {
      for (const name of Object.keys(flows)) {
        const error = await kit
          .invoke('salesforce.query', { soql: 'SELECT Id FROM Account' }, { connection: name, retry: false })
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        expect(error, name).toBeDefined();
        for (const text of errorTexts(error)) expect(text, name).not.toContain(CANARY_SECRET);
      }
      expect(JSON.stringify(kit.catalog())).not.toContain(CANARY_SECRET);
      expect(JSON.stringify(logs)).not.toContain(CANARY_SECRET);
    } finally {
      await kit.close();
    }
  });
});
