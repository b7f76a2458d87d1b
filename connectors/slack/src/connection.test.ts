import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectorError, Redacted } from '@connectorkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTarget } from './connection.js';

const folder = mkdtempSync(join(tmpdir(), 'ck-slack-connection-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const token = Redacted.make('xoxb-1');

function failure(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    return error as ConnectorError;
  }
  throw new Error('expected a failure');
}

describe('resolveTarget', () => {
  it('talks to Slack with the token by default', () => {
    const target = resolveTarget({ token }, {});
    expect(target).toMatchObject({ apiUrl: 'https://slack.com/api/', sandbox: false });
    expect(Redacted.reveal(target.token)).toBe('xoxb-1');
  });

  it('requires a token, saying where to put it', () => {
    const error = failure(() => resolveTarget({}, {}));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.path).toBe('$.token');
    expect(error.message).toMatch(/`token` is required .*SLACK_BOT_TOKEN.*sandbox: true/);
  });

  it('normalizes and checks baseUrl', () => {
    expect(resolveTarget({ token, baseUrl: 'http://127.0.0.1:4100/api' }, {}).apiUrl).toBe(
      'http://127.0.0.1:4100/api/',
    );
    expect(failure(() => resolveTarget({ token, baseUrl: 'not a url' }, {})).path).toBe('$.baseUrl');
    expect(failure(() => resolveTarget({ token, baseUrl: 'ftp://x/' }, {})).message).toMatch(
      /must be http\(s\)/,
    );
  });

  it('finds a sandbox from CONNECTORKIT_SANDBOX_SLACK_URL', () => {
    const target = resolveTarget(
      { sandbox: true },
      {
        CONNECTORKIT_SANDBOX_SLACK_URL: 'http://127.0.0.1:4100/',
        CONNECTORKIT_SANDBOX_SLACK_TOKEN: 'xoxb-sandbox',
      },
    );
    expect(target.apiUrl).toBe('http://127.0.0.1:4100/api/');
    expect(Redacted.reveal(target.token)).toBe('xoxb-sandbox');
    expect(target.sandbox).toBe(true);
  });

  it("finds a sandbox and its test credentials in the sandbox's discovery file", () => {
    const file = join(folder, 'discovery.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        emulators: {
          slack: {
            url: 'http://127.0.0.1:4555',
            credentials: {
              apiUrl: 'http://127.0.0.1:4555/api/',
              botToken: 'xoxb-from-file',
              signingSecret: 'secret-from-file',
            },
            pid: 1,
            startedAt: '',
          },
        },
      }),
    );
    const target = resolveTarget({ sandbox: true }, { CONNECTORKIT_SANDBOX_FILE: file });
    expect(target.apiUrl).toBe('http://127.0.0.1:4555/api/');
    expect(Redacted.reveal(target.token)).toBe('xoxb-from-file');
    expect(target.signingSecret === undefined ? undefined : Redacted.reveal(target.signingSecret)).toBe(
      'secret-from-file',
    );
    // An explicit token wins over the sandbox's.
    expect(
      Redacted.reveal(resolveTarget({ sandbox: true, token }, { CONNECTORKIT_SANDBOX_FILE: file }).token),
    ).toBe('xoxb-1');
  });

  it('explains how to start a sandbox when none runs', () => {
    const error = failure(() =>
      resolveTarget({ sandbox: true }, { CONNECTORKIT_SANDBOX_FILE: join(folder, 'none.json') }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toMatch(/ck sandbox start slack/);
  });
});
