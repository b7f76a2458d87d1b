import { type AddressInfo, createServer } from 'node:net';
import { inspect } from 'node:util';
import { ConnectorError, Redacted } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import { OAuthTokenSource } from './oauth-token-source.js';
import { type ODataAuthentication, ODataClient, type ODataClientOptions } from './odata-client.js';

const CANARY = 'canary-7d1f3c9e-password';
const SERVICE = 'https://sap.example/sap/opu/odata/sap/API_SALES';
const METADATA = `<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx"><edmx:DataServices><Schema Namespace="S">
  <EntityType Name="Order"><Key><PropertyRef Name="ID"/></Key><Property Name="ID" Type="Edm.Int32" Nullable="false"/></EntityType>
  <EntityContainer Name="C"><EntitySet Name="Orders" EntityType="S.Order"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** A scripted service: each request is recorded and answered by `answer`. */
function fakeService(answer: (request: Seen, index: number) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetchFunction = (async (input: string | URL | Request, init?: RequestInit) => {
    const request: Seen = {
      method: init?.method ?? 'GET',
      url: String(input),
      headers: { ...(init?.headers as Record<string, string>) },
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    };
    seen.push(request);
    init?.signal?.throwIfAborted();
    return answer(request, seen.length - 1);
  }) as typeof fetch;
  return { seen, fetchFunction };
}

function client(fetchFunction: typeof fetch, options: Partial<ODataClientOptions> = {}): ODataClient {
  return new ODataClient({
    serviceUrl: SERVICE,
    version: 'v2',
    auth: { type: 'basic', username: 'alice', password: Redacted.make(CANARY) },
    language: 'en',
    csrf: true,
    preciseNumbers: 'string',
    fetch: fetchFunction,
    ...options,
  });
}

const signal = new AbortController().signal;

/** The ConnectorError a promise rejects with (fails the test if it resolves or rejects otherwise). */
async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}
const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });

describe('CSRF handling', () => {
  it('fetches a token with its cookie before the first write, and reuses both', async () => {
    const service = fakeService((request) => {
      if (request.headers['x-csrf-token'] === 'Fetch') {
        const headers = new Headers({ 'x-csrf-token': 'token-1' });
        headers.append('set-cookie', 'SAP_SESSIONID=abc; path=/; HttpOnly');
        headers.append('set-cookie', 'sap-usercontext=sap-client=100; path=/');
        return new Response('{}', { headers });
      }
      return json({ d: {} }, { status: 201 });
    });
    const odata = client(service.fetchFunction);
    await odata.request({ method: 'POST', path: 'Orders', body: '{}', signal });
    await odata.request({ method: 'DELETE', path: 'Orders(1)', signal });
    expect(service.seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${SERVICE}/`,
      `POST ${SERVICE}/Orders`,
      `DELETE ${SERVICE}/Orders(1)`,
    ]);
    for (const write of service.seen.slice(1)) {
      expect(write.headers['x-csrf-token']).toBe('token-1');
      expect(write.headers.cookie).toBe('SAP_SESSIONID=abc; sap-usercontext=sap-client=100');
    }
  });

  it('fetches a new token once after a 403 x-csrf-token: Required, and retries the write', async () => {
    let tokens = 0;
    const service = fakeService((request) => {
      if (request.headers['x-csrf-token'] === 'Fetch')
        return new Response('', { headers: { 'x-csrf-token': `token-${++tokens}` } });
      if (request.headers['x-csrf-token'] === 'token-1') {
        return new Response('CSRF token validation failed', {
          status: 403,
          headers: { 'x-csrf-token': 'Required' },
        });
      }
      return new Response(null, { status: 204 });
    });
    const response = await client(service.fetchFunction).request({
      method: 'PUT',
      path: 'Orders(1)',
      body: '{}',
      signal,
    });
    expect(response.status).toBe(204);
    expect(service.seen.map((request) => [request.method, request.headers['x-csrf-token']])).toEqual([
      ['GET', 'Fetch'],
      ['PUT', 'token-1'],
      ['GET', 'Fetch'],
      ['PUT', 'token-2'],
    ]);
  });

  it('gives up with FORBIDDEN when the fresh token is refused too', async () => {
    const service = fakeService((request) =>
      request.headers['x-csrf-token'] === 'Fetch'
        ? new Response('', { headers: { 'x-csrf-token': 'token' } })
        : new Response('', { status: 403, headers: { 'x-csrf-token': 'Required' } }),
    );
    const error = await failure(
      client(service.fetchFunction).request({ method: 'POST', path: 'Orders', body: '{}', signal }),
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('CSRF token was rejected');
    expect(service.seen).toHaveLength(4);
  });

  it('writes without a token when the service issues none, and never asks when csrf is off', async () => {
    const service = fakeService(() => new Response(null, { status: 204 }));
    const odata = client(service.fetchFunction);
    await odata.request({ method: 'POST', path: 'Orders', signal });
    await odata.request({ method: 'POST', path: 'Orders', signal });
    expect(service.seen.map((request) => request.method)).toEqual(['GET', 'POST', 'POST']);
    expect(service.seen[1]?.headers['x-csrf-token']).toBeUndefined();

    const off = fakeService(() => new Response(null, { status: 204 }));
    await client(off.fetchFunction, { csrf: false }).request({ method: 'POST', path: 'Orders', signal });
    expect(off.seen.map((request) => request.method)).toEqual(['POST']);
  });
});

describe('requests', () => {
  it('sends basic auth, the language, version headers and the service URL query on every request', async () => {
    const service = fakeService((request) =>
      request.url.includes('$metadata') ? new Response(METADATA) : json({ d: { results: [] } }),
    );
    const odata = client(service.fetchFunction, {
      serviceUrl: `${SERVICE}/?sap-language=DE`,
      queryParameters: { 'sap-client': '100' },
      headers: { APIKey: Redacted.make('api-key-value'), 'x-extra': 'yes' },
    });
    await odata.metadata(signal);
    await odata.request({ method: 'GET', path: 'Orders', query: [['$top', '1']], signal });
    const [metadataRequest, ordersRequest] = service.seen;
    expect(metadataRequest?.url).toBe(`${SERVICE}/$metadata?sap-language=DE&sap-client=100`);
    expect(ordersRequest?.url).toBe(`${SERVICE}/Orders?$top=1&sap-language=DE&sap-client=100`);
    expect(ordersRequest?.headers).toMatchObject({
      authorization: `Basic ${Buffer.from(`alice:${CANARY}`).toString('base64')}`,
      'accept-language': 'en',
      dataserviceversion: '2.0',
      maxdataserviceversion: '2.0',
      apikey: 'api-key-value',
      'x-extra': 'yes',
    });
  });

  it('reads $metadata once, shared by concurrent callers, and again after a failure', async () => {
    let fail = true;
    const service = fakeService(() => {
      if (fail) {
        fail = false;
        return new Response('down', { status: 503 });
      }
      return new Response(METADATA);
    });
    const odata = client(service.fetchFunction);
    await expect(odata.metadata(signal)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const [first, second] = await Promise.all([odata.metadata(signal), odata.metadata(signal)]);
    expect(first).toBe(second);
    await odata.metadata(signal);
    expect(service.seen).toHaveLength(2);
    await odata.metadata(signal, true);
    expect(service.seen).toHaveLength(3);
  });

  it('treats a redirect (to a logon page) as AUTH', async () => {
    const service = fakeService(
      () => new Response(null, { status: 302, headers: { location: 'https://idp.example/saml/login' } }),
    );
    await expect(
      client(service.fetchFunction).request({ method: 'GET', path: 'Orders', signal }),
    ).rejects.toMatchObject({
      code: 'AUTH',
      message: expect.stringContaining('redirected (302) to https://idp.example/saml/login'),
    });
  });

  it('refuses to send credentials to another origin', () => {
    const odata = client(fakeService(() => new Response()).fetchFunction);
    expect(() => odata.resolve('https://evil.example/steal')).toThrow(
      /only https:\/\/sap\.example is allowed/,
    );
    expect(odata.resolve('Orders?$skiptoken=5').href).toBe(`${SERVICE}/Orders?$skiptoken=5`);
  });

  it('maps a refused connection to UNAVAILABLE', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const odata = new ODataClient({
      serviceUrl: `http://127.0.0.1:${port}/odata`,
      version: 'v4',
      auth: { type: 'none' },
      language: 'en',
      csrf: true,
      preciseNumbers: 'string',
    });
    await expect(odata.request({ method: 'GET', path: '', signal })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('ends the request when the signal aborts, with the abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    const service = fakeService(() => new Response());
    await expect(
      client(service.fetchFunction).request({ method: 'GET', path: '', signal: controller.signal }),
    ).rejects.toBe(reason);
  });

  it('refuses a service URL that is not usable, with INVALID_CONFIG', () => {
    const make = (serviceUrl: string) => () =>
      client(fakeService(() => new Response()).fetchFunction, { serviceUrl });
    expect(make('not a url')).toThrow(/is not a URL/);
    expect(make('ftp://sap.example/x')).toThrow(/http or https/);
    expect(make('https://user:pw@sap.example/x')).toThrow(/must not carry credentials/);
  });

  it('never shows the password: inspect, JSON and errors print <redacted>', async () => {
    const service = fakeService(() => new Response('Unauthorized', { status: 401 }));
    const odata = client(service.fetchFunction);
    expect(inspect(odata, { depth: 10 })).not.toContain(CANARY);
    expect(JSON.stringify(odata.options)).not.toContain(CANARY);
    const error = await failure(odata.request({ method: 'GET', path: 'Orders', signal }));
    expect(error.code).toBe('AUTH');
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)} ${inspect(error)}`).not.toContain(
      CANARY,
    );
  });
});

describe('OAuth 2.0 client credentials', () => {
  const credentials = {
    tokenUrl: 'https://auth.example/oauth/token',
    clientId: 'client id',
    clientSecret: Redacted.make('s3cret:value'),
    scope: 'read write',
  };

  it('caches the token until shortly before it expires, and shares one request between callers', async () => {
    let now = 1_000_000;
    let issued = 0;
    const service = fakeService(() =>
      json({ access_token: `token-${++issued}`, token_type: 'Bearer', expires_in: 600 }),
    );
    const tokens = new OAuthTokenSource(credentials, service.fetchFunction, signal, () => now);
    const [first, second] = await Promise.all([tokens.token(signal), tokens.token(signal)]);
    expect([first.value, second.value]).toEqual(['token-1', 'token-1']);
    expect((await tokens.token(signal)).fresh).toBe(false);
    now += 539_000;
    expect((await tokens.token(signal)).value).toBe('token-1');
    now += 2_000; // 600 s lifetime, renewed 60 s early
    expect((await tokens.token(signal)).value).toBe('token-2');
    expect(service.seen).toHaveLength(2);
    const request = service.seen[0];
    expect(request?.body).toBe('grant_type=client_credentials&scope=read+write');
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('client%20id:s3cret%3Avalue').toString('base64')}`,
    );
  });

  it('sends the client in the form body when asked', async () => {
    const service = fakeService(() => json({ access_token: 't', expires_in: 60 }));
    await new OAuthTokenSource(
      { ...credentials, clientAuthentication: 'body' },
      service.fetchFunction,
      signal,
    ).token(signal);
    expect(service.seen[0]?.headers.authorization).toBeUndefined();
    expect(service.seen[0]?.body).toContain('client_id=client+id&client_secret=s3cret%3Avalue');
  });

  it.each([
    [
      401,
      { error: 'invalid_client', error_description: 'Bad credentials' },
      'AUTH',
      /invalid_client: Bad credentials.*check clientId/,
    ],
    [400, { error: 'invalid_scope' }, 'INVALID_CONFIG', /check scope/],
    [404, {}, 'INVALID_CONFIG', /check tokenUrl/],
    [503, {}, 'UNAVAILABLE', /503/],
  ])('maps a token endpoint %i to %s', async (status, body, code, message) => {
    const service = fakeService(() => json(body, { status }));
    const error = await failure(
      new OAuthTokenSource(credentials, service.fetchFunction, signal).token(signal),
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('s3cret');
  });

  it('fetches a new token once when the service refuses the cached one', async () => {
    let issued = 0;
    const service = fakeService((request) => {
      if (request.url === credentials.tokenUrl)
        return json({ access_token: `token-${++issued}`, expires_in: 3600 });
      return request.headers.authorization === 'Bearer token-1'
        ? new Response('', { status: 401 })
        : json({ value: [] });
    });
    const auth: ODataAuthentication = { type: 'oauth2', ...credentials };
    const odata = client(service.fetchFunction, { auth, version: 'v4' });
    await odata.request({ method: 'GET', path: 'A', signal }).catch(() => undefined);
    const response = await odata.request({ method: 'GET', path: 'B', signal });
    expect(response.status).toBe(200);
    expect(service.seen.map((request) => request.headers.authorization ?? request.url)).toEqual([
      expect.stringMatching(/^Basic /),
      'Bearer token-1',
      'Bearer token-1',
      expect.stringMatching(/^Basic /),
      'Bearer token-2',
    ]);
  });
});
