import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConnectorError, Redacted } from '@connectorkit/core';
import { CANARY_SECRET } from '@connectorkit/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTarget, TWITTER_API_URL } from './connection.js';
import type { TwitterAuth } from './twitter-client.js';

const secret = (value: string): Redacted => Redacted.make(value);
const folder = mkdtempSync(join(tmpdir(), 'ck-twitter-'));
const noSandbox = { CONNECTORKIT_SANDBOX_FILE: join(folder, 'absent.json') };

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The secrets an auth would send, revealed, to check which credential was picked. */
function revealed(auth: TwitterAuth): string[] {
  switch (auth.type) {
    case 'app':
      return [Redacted.reveal(auth.bearerToken)];
    case 'oauth2User':
      return [Redacted.reveal(auth.accessToken)];
    case 'oauth1':
      return [auth.appKey, auth.appSecret, auth.accessToken, auth.accessSecret].map(Redacted.reveal);
  }
}

function configError(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('INVALID_CONFIG');
    return error as ConnectorError;
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('resolveTarget', () => {
  it('uses the app bearer token for app-only connections, against api.x.com by default', () => {
    const target = resolveTarget({ bearerToken: secret('app-token') }, noSandbox);
    expect(target.apiUrl).toBe(TWITTER_API_URL);
    expect(target.auth.type).toBe('app');
    expect(revealed(target.auth)).toEqual(['app-token']);
  });

  it('prefers user context when several credentials are given, unless `auth` says otherwise', () => {
    const config = {
      bearerToken: secret('app-token'),
      userAccessToken: secret('user-token'),
      appKey: secret('key'),
      appSecret: secret('key-secret'),
      accessToken: secret('access'),
      accessSecret: secret('access-secret'),
    };
    const preferred = resolveTarget(config, noSandbox).auth;
    expect(preferred.type).toBe('oauth2User');
    expect(revealed(preferred)).toEqual(['user-token']);
    const oauth1 = resolveTarget({ ...config, auth: 'oauth1' }, noSandbox).auth;
    expect(oauth1.type).toBe('oauth1');
    expect(revealed(oauth1)).toEqual(['key', 'key-secret', 'access', 'access-secret']);
    const app = resolveTarget({ ...config, auth: 'app' }, noSandbox).auth;
    expect(app.type).toBe('app');
    expect(revealed(app)).toEqual(['app-token']);
  });

  it('names the missing credential', () => {
    expect(configError(() => resolveTarget({}, noSandbox)).path).toBe('$.bearerToken');
    const oauth1 = configError(() => resolveTarget({ auth: 'oauth1', appKey: secret('key') }, noSandbox));
    expect(oauth1.path).toBe('$.appSecret');
    expect(configError(() => resolveTarget({ auth: 'oauth2User' }, noSandbox)).path).toBe(
      '$.userAccessToken',
    );
    expect(
      configError(() => resolveTarget({ bearerToken: secret('x'), baseUrl: 'ftp://x' }, noSandbox)).path,
    ).toBe('$.baseUrl');
  });

  it('finds the emulator and its test credentials with `sandbox: true`', () => {
    const file = join(folder, 'sandbox.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        emulators: {
          twitter: {
            url: 'http://127.0.0.1:4101',
            credentials: { apiUrl: 'http://127.0.0.1:4101/2/', bearerToken: 'app', userAccessToken: 'user' },
          },
        },
      }),
    );
    const target = resolveTarget({ sandbox: true }, { CONNECTORKIT_SANDBOX_FILE: file });
    expect(target).toMatchObject({
      apiUrl: 'http://127.0.0.1:4101/2/',
      sandbox: true,
      auth: { type: 'oauth2User' },
    });
    expect(revealed(target.auth)).toEqual(['user']);
    const app = resolveTarget({ sandbox: true, auth: 'app' }, { CONNECTORKIT_SANDBOX_FILE: file });
    expect(app.auth.type).toBe('app');
    expect(revealed(app.auth)).toEqual(['app']);
    const missing = configError(() => resolveTarget({ sandbox: true }, noSandbox));
    expect(missing.message).toContain('ck sandbox start twitter');
  });

  it('keeps every credential redacted in the target', () => {
    const target = resolveTarget(
      {
        appKey: secret(CANARY_SECRET),
        appSecret: secret(CANARY_SECRET),
        accessToken: secret(CANARY_SECRET),
        accessSecret: secret(CANARY_SECRET),
      },
      noSandbox,
    );
    expect(JSON.stringify(target)).not.toContain(CANARY_SECRET);
    expect(inspect(target, { depth: 10 })).not.toContain(CANARY_SECRET);
    expect(String(Object.values(target.auth))).not.toContain(CANARY_SECRET);
  });
});
