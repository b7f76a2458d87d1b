import { ConnectorError, Type } from '@connectorkit/core';
import { conditionalWrite } from '../conditional-write.js';
import { defineRedisAction } from '../define-redis-action.js';
import { inputError } from '../input-error.js';
import { Key } from '../schemas.js';

export const jsonGet = defineRedisAction({
  title: 'Get JSON',
  description:
    'Reads a value stored as a JSON string and parses it. found is false (and value null) when the key does not exist; a key holding text that is not JSON fails with CONFLICT.',
  input: Type.Object({ key: Key }),
  output: Type.Object({ found: Type.Boolean(), value: Type.Unknown() }),
  idempotent: true,
  examples: [{ input: { key: 'settings:user:1' } }],
  run: async ({ key }, { client }) => {
    const text = await client.get(key);
    if (text === null) return { found: false, value: null };
    try {
      return { found: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      throw new ConnectorError('CONFLICT', `jsonGet: key '${key}' holds a string that is not JSON`, {
        cause: error,
      });
    }
  },
});

export const jsonSet = defineRedisAction({
  title: 'Set JSON',
  description:
    'Stores any JSON value as a string (SET), with the same expiry (ex, px) and conditions (nx, xx) as set; written is false when a condition stopped it.',
  input: Type.Object({
    key: Key,
    value: Type.Unknown({ description: 'Any JSON value' }),
    ex: Type.Optional(Type.Integer({ minimum: 1, description: 'Expire after this many seconds' })),
    px: Type.Optional(Type.Integer({ minimum: 1, description: 'Expire after this many milliseconds' })),
    nx: Type.Optional(Type.Boolean({ description: 'Only when the key does not exist' })),
    xx: Type.Optional(Type.Boolean({ description: 'Only when the key exists' })),
  }),
  output: Type.Object({ written: Type.Boolean() }),
  idempotent: true,
  examples: [
    { input: { key: 'settings:user:1', value: { theme: 'dark', pageSize: 50 } }, output: { written: true } },
  ],
  run: async ({ key, value, ex, px, nx, xx }, { client }) => {
    if (ex !== undefined && px !== undefined) throw inputError('jsonSet: use one of ex and px', '$.px');
    if (nx === true && xx === true) throw inputError('jsonSet: nx and xx exclude each other', '$.xx');
    const text = JSON.stringify(value);
    if (text === undefined) throw inputError('jsonSet: value is not representable as JSON', '$.value');
    const args: (string | number)[] = [key, text];
    if (ex !== undefined) args.push('EX', ex);
    if (px !== undefined) args.push('PX', px);
    if (nx === true) args.push('NX');
    if (xx === true) args.push('XX');
    const reply = client.call('SET', ...args);
    return { written: (await (nx === true || xx === true ? conditionalWrite(reply) : reply)) === 'OK' };
  },
});
