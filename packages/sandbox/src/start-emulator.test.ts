import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineEmulator, json } from './define-emulator.js';
import { type Sandbox, startEmulator } from './start-emulator.js';

/** A tiny emulator: counts calls, echoes what it decoded, checks a bearer token. */
const echoEmulator = defineEmulator({
  name: 'echo',
  title: 'Echo',
  description: 'Echoes decoded requests; for the framework tests.',
  defaultPort: 4199,
  createState: (seed: { greeting?: string } | undefined) => ({
    greeting: seed?.greeting ?? 'hello',
    calls: 0,
  }),
  credentials: (_state, url) => ({ apiUrl: `${url}/v1`, token: 'echo-token' }),
  routeOf: (request) => request.path.replace(/^\/v1\//, ''),
  handle: (request, { state }) => {
    if (request.headers.authorization !== 'Bearer echo-token') return json(401, { error: 'who are you' });
    state.calls++;
    return json(200, {
      greeting: state.greeting,
      path: request.path,
      params: request.params,
      files: request.files.map((file) => ({
        field: file.field,
        filename: file.filename,
        text: file.data.toString(),
      })),
    });
  },
  controls: ({ state }) => ({ calls: () => state.calls }),
  controlRoutes: { ping: () => json(200, { pong: true }) },
});

const opened: Sandbox[] = [];
const start = async (seed?: { greeting?: string }): Promise<Sandbox<typeof echoEmulator>> => {
  const sandbox = await startEmulator(echoEmulator, seed === undefined ? {} : { seed });
  opened.push(sandbox);
  return sandbox;
};
const call = (sandbox: Sandbox, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    ...init,
    headers: { authorization: 'Bearer echo-token', ...(init.headers as Record<string, string> | undefined) },
  });

afterEach(async () => {
  await Promise.all(opened.splice(0).map((sandbox) => sandbox.close()));
});

describe('startEmulator', () => {
  it('serves on 127.0.0.1 with a free port and hands out credentials built from the URL', async () => {
    const sandbox = await start({ greeting: 'hi' });
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.port).toBeGreaterThan(0);
    expect(sandbox.credentials).toEqual({ apiUrl: `${sandbox.url}/v1`, token: 'echo-token' });
    const response = await call(sandbox, '/v1/things');
    expect(await response.json()).toMatchObject({ greeting: 'hi', path: '/v1/things' });
    expect(sandbox.controls.calls()).toBe(1);
  });

  it('decodes JSON, form, multipart bodies and the query string', async () => {
    const sandbox = await start();
    const asJson = await call(sandbox, '/v1/a?page=2', {
      body: JSON.stringify({ n: 1, list: [1, 2] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(((await asJson.json()) as { params: unknown }).params).toEqual({ page: '2', n: 1, list: [1, 2] });
    const asForm = await call(sandbox, '/v1/b', { body: new URLSearchParams({ a: '1', b: 'x y' }) });
    expect(((await asForm.json()) as { params: unknown }).params).toEqual({ a: '1', b: 'x y' });
    const form = new FormData();
    form.append('title', 'report');
    form.append('file', new Blob(['csv,data']), 'report.csv');
    const asMultipart = await call(sandbox, '/v1/c', { body: form });
    expect(await asMultipart.json()).toMatchObject({
      params: { title: 'report' },
      files: [{ field: 'file', filename: 'report.csv', text: 'csv,data' }],
    });
    const broken = await call(sandbox, '/v1/d', {
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
  });

  it('injects rate limits, 5xx, invalid tokens and delays by route, a given number of times', async () => {
    const sandbox = await start();
    const limit = sandbox.faults.rateLimit({ route: 'slow-down', retryAfterSeconds: 3, times: 1 });
    const limited = await call(sandbox, '/v1/slow-down');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limit.hits).toBe(1);
    expect((await call(sandbox, '/v1/slow-down')).status).toBe(200);
    expect(sandbox.faults.list()).toEqual([]);

    sandbox.faults.serverError({ route: /^broken/, status: 502, times: 2 });
    expect((await call(sandbox, '/v1/broken-1')).status).toBe(502);
    expect((await call(sandbox, '/v1/other')).status).toBe(200);
    expect((await call(sandbox, '/v1/broken-2')).status).toBe(502);
    expect((await call(sandbox, '/v1/broken-3')).status).toBe(200);

    sandbox.faults.invalidToken({ times: 1 });
    expect((await call(sandbox, '/v1/any')).status).toBe(401);

    sandbox.faults.delay({ ms: 150, times: 1 });
    const started = Date.now();
    expect((await call(sandbox, '/v1/late')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    expect(sandbox.requests.map((request) => [request.route, request.status, request.faults])).toEqual([
      ['slow-down', 429, ['rateLimit']],
      ['slow-down', 200, []],
      ['broken-1', 502, ['serverError']],
      ['other', 200, []],
      ['broken-2', 502, ['serverError']],
      ['broken-3', 200, []],
      ['any', 401, ['invalidToken']],
      ['late', 200, ['delay']],
    ]);
  });

  it('keeps a fault until it is removed when no count is given', async () => {
    const sandbox = await start();
    const fault = sandbox.faults.serverError();
    expect((await call(sandbox, '/v1/a')).status).toBe(503);
    expect((await call(sandbox, '/v1/b')).status).toBe(503);
    expect(fault.remaining).toBe(Number.POSITIVE_INFINITY);
    fault.remove();
    expect((await call(sandbox, '/v1/c')).status).toBe(200);
  });

  it('serves control routes: state, faults, requests, reset and emulator routes', async () => {
    const sandbox = await start();
    await call(sandbox, '/v1/x');
    const info = await (await fetch(`${sandbox.url}/_sandbox`)).json();
    expect(info).toMatchObject({ name: 'echo', credentials: { token: 'echo-token' } });
    expect(await (await fetch(`${sandbox.url}/_sandbox/state`)).json()).toEqual({
      greeting: 'hello',
      calls: 1,
    });
    const added = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'rateLimit', retryAfterSeconds: 2, times: 1 }),
    });
    expect(added.status).toBe(201);
    expect((await call(sandbox, '/v1/y')).status).toBe(429);
    const rejected = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'explode' }),
    });
    expect(rejected.status).toBe(400);
    expect(await (await fetch(`${sandbox.url}/_sandbox/echo/ping`, { method: 'POST' })).json()).toEqual({
      pong: true,
    });
    expect(((await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as unknown[]).length).toBe(2);
    await fetch(`${sandbox.url}/_sandbox/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ greeting: 'reset' }),
    });
    expect(sandbox.state).toEqual({ greeting: 'reset', calls: 0 });
  });

  it('resets state and faults from code', async () => {
    const sandbox = await start();
    await call(sandbox, '/v1/x');
    sandbox.faults.serverError();
    sandbox.reset();
    expect(sandbox.state.calls).toBe(0);
    expect(sandbox.faults.list()).toEqual([]);
    expect(sandbox.requests).toEqual([]);
  });

  it('closes promptly even with a delayed answer pending, and twice', async () => {
    const sandbox = await startEmulator(echoEmulator);
    // An answer delayed far beyond the test's timeout: close must not wait for it.
    const delay = sandbox.faults.delay({ ms: 3_600_000 });
    const pending = call(sandbox, '/v1/slow').catch((error: unknown) => error);
    // The request has reached the emulator and is being held (the fault has hit it).
    await vi.waitFor(
      () => {
        expect(delay.hits).toBe(1);
      },
      { timeout: 30_000, interval: 10 },
    );
    await sandbox.close();
    await sandbox.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(sandbox.requests).toEqual([]);
  }, 60_000);
});
