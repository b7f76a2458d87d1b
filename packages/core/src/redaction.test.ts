import {
  Agent,
  type ClientRequest,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { format, inspect } from 'node:util';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from './errors.js';
import {
  hasSecrets,
  isSecretSchema,
  isSensitiveKey,
  REDACTED,
  Redacted,
  Redactor,
  SECRET_KEYWORD,
  Secret,
  wrapSecrets,
} from './redaction.js';

/** A value that must never show up in anything printed. */
const CANARY = 'canary-7f3a9c-secret';

describe('Redacted', () => {
  const secret = Redacted.make(CANARY);

  it.each<[string, () => string]>([
    ['String()', () => String(secret)],
    ['a template literal', () => `${secret}`],
    ['string concatenation', () => `token: ${secret}`],
    ['JSON.stringify', () => JSON.stringify({ token: secret })],
    ['util.inspect', () => inspect({ token: secret }, { showHidden: true, depth: 10 })],
    ['util.format %o', () => format('%o', { nested: { token: secret } })],
    ['util.format %O', () => format('%O', secret)],
    ['util.format %s', () => format('%s', secret)],
    ['util.format %j', () => format('%j', [secret])],
  ])('shows <redacted> through %s', (_label, print) => {
    const printed = print();
    expect(printed).not.toContain(CANARY);
    expect(printed).toContain(REDACTED);
  });

  it('has no enumerable property holding the value', () => {
    expect(Object.entries(secret)).toEqual([]);
    expect(Reflect.ownKeys(secret)).toEqual([]);
    expect(structuredClone(secret)).toEqual({});
  });

  it('reveals its value on request', () => {
    expect(Redacted.reveal(secret)).toBe(CANARY);
  });

  it('cannot be changed or forged', () => {
    expect(Object.isFrozen(secret)).toBe(true);
    const forged = Object.create(Redacted.prototype) as Redacted;
    expect(Redacted.is(forged)).toBe(false);
    expect(() => Redacted.reveal(forged)).toThrow(TypeError);
  });

  it('is told apart from other values', () => {
    expect(Redacted.is(secret)).toBe(true);
    expect(Redacted.is(CANARY)).toBe(false);
    expect(Redacted.is({})).toBe(false);
    expect(Redacted.is(null)).toBe(false);
  });
});

describe('Secret', () => {
  it('marks a string schema as secret and write-only', () => {
    const schema = Secret({ description: 'API token', minLength: 8 });
    expect(schema).toMatchObject({
      type: 'string',
      writeOnly: true,
      [SECRET_KEYWORD]: true,
      description: 'API token',
      minLength: 8,
    });
    expect(isSecretSchema(schema)).toBe(true);
    expect(isSecretSchema(Type.String())).toBe(false);
    expect(isSecretSchema(null)).toBe(false);
  });

  it('is found anywhere in a schema by hasSecrets', () => {
    expect(hasSecrets(Type.Object({ a: Type.String() }))).toBe(false);
    expect(hasSecrets(Type.Object({ a: Type.Object({ b: Secret() }) }))).toBe(true);
    expect(hasSecrets(Type.Array(Secret()))).toBe(true);
    expect(hasSecrets(Type.Union([Type.Null(), Secret()]))).toBe(true);
    expect(hasSecrets(Type.Record(Type.String(), Secret()))).toBe(true);
  });
});

describe('wrapSecrets', () => {
  it('wraps secrets in nested objects and collects their values, leaving the input untouched', () => {
    const schema = Type.Object({
      url: Type.String(),
      auth: Type.Object({ user: Type.String(), password: Secret() }),
    });
    const value = { url: 'https://example.test', auth: { user: 'ada', password: CANARY } };
    const collected = new Set<string>();
    const wrapped = wrapSecrets(schema, value, collected) as typeof value & {
      auth: { password: Redacted };
    };
    expect(Redacted.is(wrapped.auth.password)).toBe(true);
    expect(Redacted.reveal(wrapped.auth.password)).toBe(CANARY);
    expect(wrapped.url).toBe('https://example.test');
    expect(wrapped.auth.user).toBe('ada');
    expect(value.auth.password).toBe(CANARY);
    expect([...collected]).toEqual([CANARY]);
    expect(JSON.stringify(wrapped)).not.toContain(CANARY);
  });

  it('returns the same value when nothing is secret', () => {
    const value = { url: 'x' };
    expect(wrapSecrets(Type.Object({ url: Type.String() }), value)).toBe(value);
  });

  it('wraps secrets in arrays', () => {
    const wrapped = wrapSecrets(Type.Object({ keys: Type.Array(Secret()) }), { keys: [CANARY, 'other-key'] });
    expect(JSON.stringify(wrapped)).toBe('{"keys":["<redacted>","<redacted>"]}');
  });

  it('wraps secrets at their position in a tuple', () => {
    const wrapped = wrapSecrets(Type.Tuple([Type.String(), Secret()]), ['user', CANARY]) as unknown[];
    expect(wrapped[0]).toBe('user');
    expect(Redacted.is(wrapped[1])).toBe(true);
    const plain = ['a', 'b'];
    expect(wrapSecrets(Type.Tuple([Type.String(), Type.String()]), plain)).toBe(plain);
  });

  it('wraps the secrets of every branch of an anyOf union of objects', () => {
    const schema = Type.Union([
      Type.Object({ kind: Type.Literal('token'), token: Secret() }),
      Type.Object({ kind: Type.Literal('basic'), user: Type.String(), password: Secret() }),
    ]);
    const collected = new Set<string>();
    const token = wrapSecrets(schema, { kind: 'token', token: CANARY }, collected);
    const basic = wrapSecrets(schema, { kind: 'basic', user: 'ada', password: 'pass-word-1' }, collected);
    expect(JSON.stringify(token)).toBe('{"kind":"token","token":"<redacted>"}');
    expect(JSON.stringify(basic)).toBe('{"kind":"basic","user":"ada","password":"<redacted>"}');
    expect([...collected].sort()).toEqual([CANARY, 'pass-word-1']);
  });

  it('wraps a secret that is one branch of a union (an optional or nullable secret)', () => {
    const schema = Type.Object({ token: Type.Union([Secret(), Type.Null()]) });
    const collected = new Set<string>();
    const wrapped = wrapSecrets(schema, { token: CANARY }, collected) as { token: unknown };
    expect(Redacted.is(wrapped.token)).toBe(true);
    expect([...collected]).toEqual([CANARY]);
    expect(wrapSecrets(schema, { token: null })).toEqual({ token: null });
  });

  it('wraps secrets under a record (additional or pattern properties)', () => {
    const record = wrapSecrets(Type.Record(Type.String(), Secret()), { a: CANARY });
    expect(JSON.stringify(record)).toBe('{"a":"<redacted>"}');
    const additional = wrapSecrets(
      { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: Secret() },
      { name: 'ada', key: CANARY },
    );
    expect(JSON.stringify(additional)).toBe('{"name":"ada","key":"<redacted>"}');
  });

  it('leaves non-string values at secret fields and already wrapped values alone', () => {
    const already = Redacted.make(CANARY);
    const schema = Type.Object({ token: Secret() });
    expect((wrapSecrets(schema, { token: already }) as { token: unknown }).token).toBe(already);
    expect(wrapSecrets(schema, { token: 42 })).toEqual({ token: 42 });
    expect(wrapSecrets(null, CANARY)).toBe(CANARY);
  });
});

describe('isSensitiveKey', () => {
  it.each([
    'password',
    'passphrase',
    'clientSecret',
    'accessToken',
    'Authorization',
    'apiKey',
    'api_key',
    'privateKey',
    'cookie',
    'credentials',
  ])('%s names a credential', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each(['name', 'url', 'host', 'region', 'passenger'])('%s does not', (key) => {
    expect(isSensitiveKey(key)).toBe(false);
  });
});

describe('Redactor', () => {
  const WITH_SPECIALS = 'p@ss w/rd+canary=';

  function redactor(): Redactor {
    const result = new Redactor();
    result.addAll([CANARY, WITH_SPECIALS]);
    return result;
  }

  describe('text', () => {
    it('replaces every occurrence of a secret', () => {
      expect(redactor().text(`token=${CANARY}; again ${CANARY}`)).toBe(
        `token=${REDACTED}; again ${REDACTED}`,
      );
    });

    it('replaces the URL-encoded form', () => {
      const text = `GET https://api.test/?key=${encodeURIComponent(WITH_SPECIALS)}&x=1`;
      expect(encodeURIComponent(WITH_SPECIALS)).not.toBe(WITH_SPECIALS);
      expect(redactor().text(text)).toBe(`GET https://api.test/?key=${REDACTED}&x=1`);
    });

    it('replaces the base64 form', () => {
      const text = `Authorization: Bearer ${Buffer.from(CANARY).toString('base64')}`;
      expect(redactor().text(text)).toBe(`Authorization: Bearer ${REDACTED}`);
    });

    it('replaces the base64url and JSON-escaped forms', () => {
      const quoted = new Redactor();
      quoted.add('se"cr\\et>?~');
      const base64url = Buffer.from('se"cr\\et>?~').toString('base64url');
      expect(base64url).not.toBe(Buffer.from('se"cr\\et>?~').toString('base64'));
      expect(quoted.text(`jwt.${base64url}.sig`)).toBe(`jwt.${REDACTED}.sig`);
      expect(quoted.text(JSON.stringify({ token: 'se"cr\\et>?~' }))).toBe(`{"token":"${REDACTED}"}`);
    });

    it('replaces a secret holding regular expression characters literally', () => {
      const tricky = new Redactor();
      tricky.add('a.b*c(d)$');
      expect(tricky.text('x a.b*c(d)$ y aXbbbc(d)')).toBe(`x ${REDACTED} y aXbbbc(d)`);
    });

    it('prefers the longest secret when one contains another', () => {
      const nested = new Redactor();
      nested.addAll(['abcd', 'abcdefgh']);
      expect(nested.text('abcdefgh')).toBe(REDACTED);
    });

    it('ignores values too short to scrub safely and duplicates', () => {
      const short = new Redactor();
      short.addAll(['abc', '', 'abcd', 'abcd']);
      expect(short.size).toBe(1);
      expect(short.text('abc abcd')).toBe(`abc ${REDACTED}`);
    });

    it('returns text unchanged when it knows no secrets, and keeps working after more are added', () => {
      const empty = new Redactor();
      expect(empty.text(CANARY)).toBe(CANARY);
      empty.add(CANARY);
      expect(empty.text(CANARY)).toBe(REDACTED);
      empty.add('second-secret');
      expect(empty.text(`${CANARY} second-secret`)).toBe(`${REDACTED} ${REDACTED}`);
    });
  });

  describe('value', () => {
    it('hides credential-named keys whatever their value, and Redacted values', () => {
      const result = redactor().value({
        password: 'hunter2',
        apiKey: 12345,
        headers: { Authorization: 'Bearer anything' },
        token: Redacted.make(CANARY),
        region: 'eu',
        emptyToken: '',
        nullSecret: null,
      });
      expect(result).toEqual({
        password: REDACTED,
        apiKey: REDACTED,
        headers: { Authorization: REDACTED },
        token: REDACTED,
        region: 'eu',
        emptyToken: '',
        nullSecret: null,
      });
    });

    it('scrubs secrets in strings at any depth, including nested arrays', () => {
      const result = redactor().value({ rows: [[`x ${CANARY}`], [{ note: CANARY }]], count: 2, flag: true });
      expect(result).toEqual({ rows: [[`x ${REDACTED}`], [{ note: REDACTED }]], count: 2, flag: true });
    });

    it('turns Errors into plain records without secrets', () => {
      const plain = redactor().value({ error: new Error(`rejected ${CANARY}`) });
      expect(plain).toEqual({ error: { name: 'Error', message: `rejected ${REDACTED}` } });
      const typed = redactor().value(
        new ConnectorError('AUTH', `token ${CANARY} rejected`, { connector: 'sample', status: 401 }),
      );
      expect(typed).toEqual({
        name: 'ConnectorError',
        code: 'AUTH',
        message: `token ${REDACTED} rejected`,
        retryable: false,
        connector: 'sample',
        status: 401,
      });
    });

    it('keeps dates and summarises binary data', () => {
      const date = new Date('2025-01-01T00:00:00Z');
      expect(redactor().value({ at: date, body: Buffer.from(CANARY) })).toEqual({
        at: '2025-01-01T00:00:00.000Z',
        body: `[${CANARY.length} bytes]`,
      });
    });

    it('does not loop forever on a cycle', () => {
      const cycle: Record<string, unknown> = { name: CANARY };
      cycle.self = cycle;
      const result = JSON.stringify(redactor().value(cycle));
      expect(result).toContain('[deep]');
      expect(result).not.toContain(CANARY);
    });

    it('does not change the value it copies', () => {
      const value = { password: CANARY, list: [CANARY] };
      redactor().value(value);
      expect(value).toEqual({ password: CANARY, list: [CANARY] });
    });
  });

  describe('error', () => {
    it('scrubs the message and stack of an error and of every cause', () => {
      const root = new Error(`connect to https://u:${CANARY}@db.test failed`);
      const middle = new Error(`retry with ${encodeURIComponent(WITH_SPECIALS)}`, { cause: root });
      const top = new ConnectorError('UNAVAILABLE', `token ${CANARY} did not work`, { cause: middle });
      expect(redactor().error(top)).toBe(top);
      for (const error of [top, middle, root]) {
        expect(error.message).not.toContain(CANARY);
        expect(error.stack).not.toContain(CANARY);
        expect(error.message).toContain(REDACTED);
      }
      expect(middle.message).not.toContain(encodeURIComponent(WITH_SPECIALS));
      expect(inspect(top)).not.toContain(CANARY);
      expect(JSON.stringify(top)).not.toContain(CANARY);
    });

    it('scrubs a cause that is a string', () => {
      const error = new Error('wrapped', { cause: `the server said ${CANARY}` });
      redactor().error(error);
      expect(error.cause).toBe(`the server said ${REDACTED}`);
      expect(inspect(error)).not.toContain(CANARY);
    });

    it('scrubs the errors of an AggregateError', () => {
      const error = new AggregateError([new Error(`first ${CANARY}`)], 'all failed');
      redactor().error(error);
      expect(inspect(error)).not.toContain(CANARY);
    });

    it('ignores what is not an error', () => {
      expect(redactor().error('plain string')).toBe('plain string');
      expect(redactor().error(undefined)).toBeUndefined();
      const record = { token: CANARY };
      expect(redactor().error(record)).toBe(record);
    });

    describe('objects hanging off an error', () => {
      /** Everything `console.log` and friends can show of an error. */
      const printed = (error: unknown): string =>
        [
          inspect(error, { depth: null, showHidden: true }),
          JSON.stringify(error),
          String((error as Error).stack),
          safeJson((error as Error).cause),
        ].join('\n');

      it('replaces a nested object holding a secret by a redacted copy, leaving the original intact', () => {
        const headers = { authorization: `Bearer ${CANARY}`, accept: 'application/json' };
        const config = { url: 'https://api.test/v1/users', method: 'get', headers, timeout: 5_000 };
        const sdkError = Object.assign(new Error('Request failed with status code 401'), {
          config,
          request: { path: '/v1/users', headers },
          response: { status: 401, data: { error: 'invalid_token' }, headers: { 'content-type': 'json' } },
        });
        const error = new ConnectorError('AUTH', 'rejected', { cause: sdkError });
        expect(redactor().error(error)).toBe(error);
        expect(error.cause).toBe(sdkError);
        expect(printed(error)).not.toContain(CANARY);
        // The client may still use its config: it is not edited, the error points to a copy.
        expect(config.headers).toBe(headers);
        expect(headers.authorization).toBe(`Bearer ${CANARY}`);
        expect(sdkError.config).not.toBe(config);
        expect(sdkError.config).toEqual({
          url: 'https://api.test/v1/users',
          method: 'get',
          headers: { authorization: REDACTED, accept: 'application/json' },
          timeout: 5_000,
        });
        // What holds nothing to hide is kept as it is.
        expect(sdkError.response).toEqual({
          status: 401,
          data: { error: 'invalid_token' },
          headers: { 'content-type': 'json' },
        });
      });

      it('hides credential-named keys whatever their value, also a token the redactor never saw', () => {
        const error = Object.assign(new Error('denied'), {
          token: 'issued-at-runtime-1',
          details: { password: 'hunter22', headers: { Cookie: 'sid=runtime-2', 'X-Api-Key': 'runtime-3' } },
        });
        redactor().error(error);
        const text = printed(error);
        for (const value of ['issued-at-runtime-1', 'hunter22', 'runtime-2', 'runtime-3']) {
          expect(text).not.toContain(value);
        }
        expect(error.details).toEqual({
          password: REDACTED,
          headers: { Cookie: REDACTED, 'X-Api-Key': REDACTED },
        });
      });

      it('hides credentials in URLs and form bodies', () => {
        const error = Object.assign(new Error('failed'), {
          response: {
            url: 'https://ada:runtime-pass@api.test/items?access_token=runtime-token&page=2',
            body: 'grant_type=client_credentials&client_secret=runtime-secret',
          },
          link: new URL('https://ada:runtime-pass@api.test/path?page=1'),
        });
        redactor().error(error);
        expect(error.response).toEqual({
          url: `https://${REDACTED}@api.test/items?access_token=${REDACTED}&page=2`,
          body: `grant_type=client_credentials&client_secret=${REDACTED}`,
        });
        expect(error.link).toBe(`https://${REDACTED}@api.test/path?page=1`);
      });

      it('hides symbol-keyed header maps', () => {
        const outHeaders = Symbol('kOutHeaders');
        const request = {
          method: 'GET',
          [outHeaders]: { authorization: ['Authorization', `Bearer ${CANARY}`] },
        };
        const error = Object.assign(new Error('failed'), { request });
        redactor().error(error);
        expect(printed(error)).not.toContain(CANARY);
        expect((error.request as Record<symbol, unknown>)[outHeaders]).toEqual({ authorization: REDACTED });
        expect(request[outHeaders].authorization[1]).toBe(`Bearer ${CANARY}`);
      });

      it('copies Maps, Sets, Headers and URLSearchParams without the secret', () => {
        const error = Object.assign(new Error('failed'), {
          map: new Map<unknown, unknown>([
            ['Authorization', `Basic ${Buffer.from(`ada:${CANARY}`).toString('base64')}`],
            ['note', `see ${CANARY}`],
          ]),
          set: new Set([CANARY, 'other']),
          headers: new Headers({ authorization: 'Bearer runtime-token', 'content-type': 'text/plain' }),
          query: new URLSearchParams({ api_key: 'runtime-key', q: CANARY }),
        });
        redactor().error(error);
        expect(printed(error)).not.toContain(CANARY);
        expect(printed(error)).not.toContain('runtime-');
        expect(error.map).toEqual(
          new Map([
            ['Authorization', REDACTED],
            ['note', `see ${REDACTED}`],
          ]),
        );
        expect(error.set).toEqual(new Set([REDACTED, 'other']));
        expect(error.headers).toEqual({ authorization: REDACTED, 'content-type': 'text/plain' });
        expect(error.query).toBe(`api_key=${REDACTED}&q=${REDACTED}`);
      });

      it('copies arrays that hold a secret and keeps those that do not', () => {
        const issues = [{ path: '$.name', message: 'is required' }];
        const error = Object.assign(new ConnectorError('INVALID_INPUT', 'bad', { issues }), {
          attempts: [{ url: `https://api.test/?key=${CANARY}` }, [CANARY], 'fine'],
        });
        redactor().error(error);
        expect(error.issues).toBe(issues);
        expect(error.attempts).toEqual([{ url: `https://api.test/?key=${REDACTED}` }, [REDACTED], 'fine']);
      });

      it('shows Redacted values as <redacted> and summarises binary data', () => {
        const error = Object.assign(new Error('failed'), {
          options: { secret: Redacted.make(CANARY), auth: { pass: Redacted.make('x') } },
          body: { raw: Buffer.from(`token=${CANARY}`) },
        });
        redactor().error(error);
        expect(error.options).toEqual({ secret: REDACTED, auth: { pass: REDACTED } });
        expect(error.body).toEqual({ raw: `[${`token=${CANARY}`.length} bytes]` });
      });

      it('summarises a real ClientRequest and IncomingMessage and drops sockets and agents', async () => {
        await using server = await httpServer((request, response) => {
          response.writeHead(401, { 'www-authenticate': 'Bearer', 'set-cookie': `sid=${CANARY}` });
          response.end(JSON.stringify({ error: 'invalid_token', seen: request.headers.authorization }));
        });
        const agent = new Agent({ keepAlive: true });
        const { request, response } = await new Promise<{
          request: ClientRequest;
          response: IncomingMessage;
        }>((resolve, reject) => {
          const sent = httpRequest(
            `${server.url}/v1/users?access_token=${CANARY}`,
            { agent, headers: { authorization: `Bearer ${CANARY}`, 'x-request-id': 'r-1' } },
            (received) => {
              received.resume();
              received.on('end', () => resolve({ request: sent, response: received }));
            },
          );
          sent.on('error', reject);
          sent.end();
        });
        const sdkError = Object.assign(new Error('HTTP 401'), {
          request,
          response,
          socket: request.socket,
          agent,
        });
        const error = new ConnectorError('AUTH', 'rejected', { cause: sdkError });
        redactor().error(error);
        agent.destroy();
        expect(printed(error)).not.toContain(CANARY);
        expect(sdkError.request).toEqual({
          method: 'GET',
          protocol: 'http:',
          host: '127.0.0.1',
          path: `/v1/users?access_token=${REDACTED}`,
          headers: { authorization: REDACTED, 'x-request-id': 'r-1', host: expect.any(String) },
        });
        expect(sdkError.response).toMatchObject({
          statusCode: 401,
          statusMessage: 'Unauthorized',
          headers: { 'www-authenticate': 'Bearer', 'set-cookie': REDACTED },
        });
        expect(sdkError.socket).toBe('[Socket]');
        expect(sdkError.agent).toBe('[Agent]');
        // The objects the HTTP client owns are not edited.
        expect(request.getHeader('authorization')).toBe(`Bearer ${CANARY}`);
        expect(response.headers['set-cookie']).toEqual([`sid=${CANARY}`]);
      });

      it('ends on circular graphs, in objects and along the cause chain', () => {
        const config: Record<string, unknown> = { token: CANARY, url: `https://api.test/?key=${CANARY}` };
        config.self = config;
        config.client = { config };
        const first = Object.assign(new Error(`first ${CANARY}`), { config });
        const second = new Error('second', { cause: first });
        first.cause = second;
        const error = new ConnectorError('INTERNAL', 'failed', { cause: first });
        redactor().error(error);
        expect(inspect(error, { depth: null, showHidden: true })).not.toContain(CANARY);
        const copy = first.config as Record<string, unknown>;
        expect(copy.token).toBe(REDACTED);
        expect(copy.self).toBe(CIRCULAR_TEXT);
        expect(copy.client).toEqual({ config: CIRCULAR_TEXT });
        expect(config.token).toBe(CANARY);
      });

      it('replaces a frozen error by a redacted copy of the same class, also as a cause', () => {
        const frozen = Object.freeze(
          Object.assign(new TypeError(`frozen ${CANARY}`), {
            request: { headers: { authorization: CANARY } },
          }),
        );
        const copy = redactor().error(frozen);
        expect(copy).not.toBe(frozen);
        expect(copy).toBeInstanceOf(TypeError);
        expect(copy.message).toBe(`frozen ${REDACTED}`);
        expect(printed(copy)).not.toContain(CANARY);
        expect(frozen.message).toBe(`frozen ${CANARY}`);

        const parent = new ConnectorError('AUTH', 'rejected', { cause: frozen });
        redactor().error(parent);
        expect(parent.cause).not.toBe(frozen);
        expect(parent.cause).toBeInstanceOf(TypeError);
        expect(printed(parent)).not.toContain(CANARY);
      });

      it('copies frozen objects instead of editing them', () => {
        const headers = Object.freeze({ authorization: `Bearer ${CANARY}` });
        const error = Object.assign(new Error('failed'), { config: Object.freeze({ headers }) });
        expect(() => redactor().error(error)).not.toThrow();
        expect(error.config).toEqual({ headers: { authorization: REDACTED } });
        expect(headers.authorization).toBe(`Bearer ${CANARY}`);
      });

      it('stays within its budget on huge and deep objects, showing the rest as [truncated]', () => {
        const huge: Record<string, string> = {};
        for (let index = 0; index < 200_000; index++) huge[`key${index}`] = `value ${index}`;
        let deep: Record<string, unknown> = { leaf: CANARY };
        for (let level = 0; level < 10_000; level++) deep = { next: deep };
        const wide = Array.from({ length: 20_000 }, (_, index) => ({ index, secret: CANARY }));
        const error = Object.assign(new Error('failed'), { huge, deep, wide });
        const started = performance.now();
        redactor().error(error);
        expect(performance.now() - started).toBeLessThan(2_000);
        const text = inspect(error, { depth: null, maxArrayLength: null, breakLength: Infinity });
        expect(text).not.toContain(CANARY);
        expect(text).toContain('[truncated]');
        expect(huge.key0).toBe('value 0');
      });

      it('counts errors against its budget: a huge AggregateError is cut short', () => {
        const inner = Array.from({ length: 100_000 }, (_, index) => new Error(`failure ${index} ${CANARY}`));
        const error = new AggregateError(inner, 'all failed');
        redactor().error(error);
        const kept = error.errors as unknown[];
        expect(kept.length).toBeLessThanOrEqual(5_001);
        expect(kept.at(-1)).toMatch(/^\[truncated\] \d+ more$/);
        const visited = inner.filter((item) => !item.message.includes(CANARY)).length;
        expect(visited).toBeGreaterThan(0);
        expect(visited).toBeLessThanOrEqual(5_000);
        expect(inner.at(-1)?.message).toContain(CANARY);
        expect(printed(error)).not.toContain(CANARY);
      });

      it('counts errors held in arrays of an object against its budget', () => {
        const failures = Array.from(
          { length: 100_000 },
          (_, index) => new Error(`failure ${index} ${CANARY}`),
        );
        const error = Object.assign(new Error('failed'), { details: { failures } });
        redactor().error(error);
        const kept = (error.details as { failures: unknown[] }).failures;
        expect(kept).not.toBe(failures);
        expect(kept.length).toBeLessThanOrEqual(5_001);
        expect(kept.at(-1)).toMatch(/^\[truncated\] \d+ more$/);
        expect(failures.filter((item) => !item.message.includes(CANARY)).length).toBeLessThanOrEqual(5_000);
        expect(failures).toHaveLength(100_000);
        expect(printed(error)).not.toContain(CANARY);
      });

      it('counts the errors of nested AggregateErrors against its budget', () => {
        const all: Error[] = [];
        const tree = (level: number): Error => {
          const error =
            level === 0
              ? new Error(`leaf ${CANARY}`)
              : new AggregateError(
                  [tree(level - 1), tree(level - 1), tree(level - 1)],
                  `level ${level} ${CANARY}`,
                );
          all.push(error);
          return error;
        };
        const root = tree(9);
        redactor().error(root);
        const visited = all.filter((error) => !error.message.includes(CANARY)).length;
        expect(all.length).toBeGreaterThan(25_000);
        expect(visited).toBeLessThanOrEqual(5_001);
        expect(printed(root)).not.toContain(CANARY);
        expect(printed(root)).toContain('[truncated]');
      });

      it('never throws, whatever hangs off the error, and scrubs what comes after it', () => {
        const revoked = Proxy.revocable({}, {});
        revoked.revoke();
        const hostile = new Proxy(
          {},
          {
            ownKeys() {
              throw new Error('no keys');
            },
          },
        );
        const error = Object.assign(new Error(`failed ${CANARY}`), { revoked: revoked.proxy, hostile });
        Object.defineProperty(error, 'lazy', {
          get() {
            throw new Error('getter failed');
          },
          enumerable: true,
          configurable: true,
        });
        Object.assign(error, {
          config: { headers: { authorization: `Bearer ${CANARY}` } },
          url: `https://api.test/?q=${CANARY}`,
        });
        expect(redactor().error(error)).toBe(error);
        expect(error.message).toBe(`failed ${REDACTED}`);
        expect(error).toMatchObject({
          revoked: UNREADABLE_TEXT,
          hostile: UNREADABLE_TEXT,
          lazy: UNREADABLE_TEXT,
          config: { headers: { authorization: REDACTED } },
          url: `https://api.test/?q=${REDACTED}`,
        });
        expect(() => printed(error)).not.toThrow();
        expect(printed(error)).not.toContain(CANARY);
      });

      it.each<[string, () => object]>([
        [
          'a revoked proxy',
          () => {
            const revoked = Proxy.revocable({}, {});
            revoked.revoke();
            return revoked.proxy;
          },
        ],
        [
          'a proxy whose prototype cannot be read',
          () =>
            new Proxy(
              {},
              {
                getPrototypeOf() {
                  throw new Error('no prototype');
                },
              },
            ),
        ],
      ])('scrubs the properties after %s, also in a frozen error and in a cause', (_label, proxy) => {
        const make = (): Error =>
          Object.assign(new Error(`failed ${CANARY}`), {
            proxy: proxy(),
            list: [proxy(), `item ${CANARY}`],
            config: { headers: { authorization: `Bearer ${CANARY}` } },
            url: `https://api.test/?q=${CANARY}`,
          });
        const plain = make();
        redactor().error(plain);
        expect(plain).toMatchObject({ proxy: UNREADABLE_TEXT, list: [UNREADABLE_TEXT, `item ${REDACTED}`] });
        expect(printed(plain)).not.toContain(CANARY);

        const frozen = Object.freeze(make());
        const copy = redactor().error(frozen);
        expect(copy).not.toBe(frozen);
        expect(copy.message).toBe(`failed ${REDACTED}`);
        expect(printed(copy)).not.toContain(CANARY);

        const parent = new ConnectorError('INTERNAL', 'failed', { cause: make() });
        redactor().error(parent);
        expect(printed(parent)).not.toContain(CANARY);
      });

      it('replaces an error it cannot read at all by a new error with its scrubbed message, name and code', () => {
        const original = Object.assign(new TypeError(`failed ${CANARY}`), {
          code: 'E_CANARY',
          config: { headers: { authorization: `Bearer ${CANARY}` } },
        });
        const noPrototype = new Proxy(original, {
          getPrototypeOf() {
            throw new Error('no prototype');
          },
        });
        const noKeys = new Proxy(original, {
          ownKeys() {
            throw new Error('no keys');
          },
        });
        for (const error of [noPrototype, noKeys]) {
          const replaced = redactor().error(error);
          expect(replaced).not.toBe(error);
          expect(replaced).toBeInstanceOf(Error);
          expect(replaced.message).toBe(`failed ${REDACTED}`);
          expect(replaced.name).toBe('TypeError');
          expect((replaced as Error & { code?: unknown }).code).toBe('E_CANARY');
          expect(printed(replaced)).not.toContain(CANARY);
        }
      });

      it('keeps the errors of an AggregateError as errors, scrubbing what hangs off them', () => {
        const inner = Object.assign(new Error('inner'), { config: { headers: { authorization: CANARY } } });
        const error = new AggregateError([inner], 'all failed');
        redactor().error(error);
        expect(error.errors[0]).toBe(inner);
        expect(printed(error)).not.toContain(CANARY);
      });

      it('replaces a cause that is not an error by a redacted copy', () => {
        const cause = { status: 401, request: { headers: { Authorization: `Bearer ${CANARY}` } } };
        const error = new ConnectorError('AUTH', 'rejected', { cause });
        redactor().error(error);
        expect(error.cause).toEqual({ status: 401, request: { headers: { Authorization: REDACTED } } });
        expect(cause.request.headers.Authorization).toBe(`Bearer ${CANARY}`);
      });
    });
  });
});

const CIRCULAR_TEXT = '[Circular]';
const UNREADABLE_TEXT = '[unreadable]';

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

async function httpServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string } & AsyncDisposable> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
