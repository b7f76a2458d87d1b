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

    it('leaves a frozen error as it is, and ignores what is not an error', () => {
      const frozen = Object.freeze(new Error(`frozen ${CANARY}`));
      expect(() => redactor().error(frozen)).not.toThrow();
      expect(redactor().error('plain string')).toBe('plain string');
      expect(redactor().error(undefined)).toBeUndefined();
    });
  });
});
