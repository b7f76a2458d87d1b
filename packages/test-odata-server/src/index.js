// Starts and stops the fixture OData server for tests: one fresh server (own port, own
// in-memory database) per caller, so that test files never share state.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fixture package folder: `cds serve` runs from here and finds the model, data and server.js. */
export const FIXTURE_FOLDER = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The mocked CAP user the service accepts with basic auth. */
export const FIXTURE_USER = Object.freeze({ username: 'alice', password: 'wonderland' });

/** The OAuth 2.0 client the fixture's token endpoint (`/oauth/token`) accepts. */
export const FIXTURE_OAUTH_CLIENT = Object.freeze({
  clientId: 'connectorkit-client',
  clientSecret: 'connectorkit-client-secret',
});

/** The service's path below `/odata/v4` and `/odata/v2`. */
export const FIXTURE_SERVICE_PATH = 'sales';

const LISTENING = /server listening on \{ url: '(https?:\/\/[^']+)' \}/;
const OUTPUT_LINES = 200;

function cdsServeScript() {
  const require = createRequire(join(FIXTURE_FOLDER, 'package.json'));
  const script = join(dirname(require.resolve('@sap/cds/package.json')), 'bin', 'serve.js');
  if (!existsSync(script)) {
    throw new Error(
      `@sap/cds is installed but ${script} is missing — reinstall the workspace (pnpm install)`,
    );
  }
  return script;
}

/**
 * Starts a fresh fixture server on a free port and resolves once it answers, with the URLs
 * of the V4 and V2 services. Rejects (never skips) when it cannot start, with its output.
 *
 * @param {import('./index.js').StartODataServerOptions} [options]
 * @returns {Promise<import('./index.js').ODataTestServer>}
 */
export async function startODataServer(options = {}) {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const env = {
    ...process.env,
    FIXTURE_CSRF: options.csrf === false ? 'off' : 'on',
    FIXTURE_TOKEN_TTL_SECONDS: String(options.tokenTtlSeconds ?? 3600),
    // No colours: the "server listening" line is parsed.
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  const child = spawn(process.execPath, [cdsServeScript(), 'all', '--in-memory', '--port', '0'], {
    cwd: FIXTURE_FOLDER,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const remember = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > OUTPUT_LINES) output.shift();
    }
  };
  let exited = false;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  // If the test process ends without stopping the server, the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(timer);
  };

  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the OData test server did not start within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stderr.on('data', remember);
      child.stdout.on('data', (chunk) => {
        remember(chunk);
        const match = LISTENING.exec(chunk.toString('utf8'));
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      void exit.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(
          new Error(`the OData test server exited (code ${code}, signal ${signal}) before it was ready`),
        );
      });
    });
    await waitUntilAnswering(`${url}/odata/v2/${FIXTURE_SERVICE_PATH}/$metadata`, timeoutMs);
  } catch (error) {
    await stop();
    const detail = output.slice(-40).join('\n');
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- server output ---\n${detail}`,
      {
        cause: error,
      },
    );
  }

  const control = async (method, path) => {
    const response = await fetch(`${url}/fixture${path}`, { method });
    if (!response.ok) throw new Error(`fixture control ${method} ${path} answered ${response.status}`);
    return response.status === 204 ? undefined : response.json();
  };

  return {
    url,
    v4: `${url}/odata/v4/${FIXTURE_SERVICE_PATH}`,
    v2: `${url}/odata/v2/${FIXTURE_SERVICE_PATH}`,
    tokenUrl: `${url}/oauth/token`,
    user: FIXTURE_USER,
    oauthClient: FIXTURE_OAUTH_CLIENT,
    output: () => [...output],
    stats: () => control('GET', '/stats'),
    expireCsrfTokens: () => control('POST', '/csrf/expire'),
    revokeOAuthTokens: () => control('POST', '/oauth/revoke'),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

async function waitUntilAnswering(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const authorization = `Basic ${Buffer.from(`${FIXTURE_USER.username}:${FIXTURE_USER.password}`).toString('base64')}`;
  for (;;) {
    try {
      // Node's fetch sends `Accept-Language: *` unless told otherwise, and the V2 adapter
      // answers $metadata with 500 to that: name a language.
      const response = await fetch(url, { headers: { authorization, 'accept-language': 'en' } });
      await response.arrayBuffer();
      if (response.ok) return;
      if (Date.now() > deadline) throw new Error(`${url} answered ${response.status}`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
