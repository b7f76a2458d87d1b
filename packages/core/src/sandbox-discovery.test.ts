import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findSandboxEmulator } from './sandbox-discovery.js';

describe('findSandboxEmulator', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ck-discovery-'));
  const file = join(folder, 'sandbox.json');
  afterEach(() => rmSync(file, { force: true }));

  it('prefers CONNECTORKIT_SANDBOX_<NAME>_URL, without a trailing slash', () => {
    const target = findSandboxEmulator('salesforce', {
      CONNECTORKIT_SANDBOX_SALESFORCE_URL: 'http://127.0.0.1:4000/',
      CONNECTORKIT_SANDBOX_FILE: file,
    });
    expect(target).toEqual({
      url: 'http://127.0.0.1:4000',
      credentials: {},
      source: 'CONNECTORKIT_SANDBOX_SALESFORCE_URL',
    });
  });

  it('reads the entry of that name from the discovery file, keeping string credentials only', () => {
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        emulators: {
          twitter: { url: 'http://127.0.0.1:4001', credentials: { bearerToken: 'b', port: 4001 } },
        },
      }),
    );
    expect(findSandboxEmulator('twitter', { CONNECTORKIT_SANDBOX_FILE: file })).toEqual({
      url: 'http://127.0.0.1:4001',
      credentials: { bearerToken: 'b' },
      source: file,
    });
    expect(findSandboxEmulator('slack', { CONNECTORKIT_SANDBOX_FILE: file })).toBeUndefined();
  });

  it('finds nothing in a missing, malformed or other-version file', () => {
    expect(findSandboxEmulator('slack', { CONNECTORKIT_SANDBOX_FILE: file })).toBeUndefined();
    writeFileSync(file, '{not json');
    expect(findSandboxEmulator('slack', { CONNECTORKIT_SANDBOX_FILE: file })).toBeUndefined();
    writeFileSync(file, JSON.stringify({ version: 2, emulators: { slack: { url: 'http://x' } } }));
    expect(findSandboxEmulator('slack', { CONNECTORKIT_SANDBOX_FILE: file })).toBeUndefined();
  });
});
