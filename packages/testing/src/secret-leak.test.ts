import { describe, expect, it } from 'vitest';
import { CANARY_SECRET } from './conformance.js';
import { printedError, secretForms, secretLeaks } from './secret-leak.js';

describe('secretLeaks', () => {
  it('finds a secret deep in an object of a cause, in base64, by how the error was printed', () => {
    const basic = Buffer.from(`ada:${CANARY_SECRET}`).toString('base64');
    const cause = Object.assign(new Error('HTTP 401'), {
      request: { headers: { authorization: `Basic ${basic}` } },
    });
    const error = new Error('rejected', { cause });
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
    // base64url is base64 without its padding here: both forms match.
    const unpadded = basic.replace(/=+$/, '');
    expect(secretLeaks(error, [CANARY_SECRET, `ada:${CANARY_SECRET}`])).toEqual([
      `util.inspect(error, { depth: null, showHidden: true }): ${basic}`,
      `util.inspect(error, { depth: null, showHidden: true }): ${unpadded}`,
      `JSON.stringify(error.cause): ${basic}`,
      `JSON.stringify(error.cause): ${unpadded}`,
    ]);
  });

  it('finds a secret in a message, a stack and a non-enumerable property', () => {
    const error = new Error(`token ${encodeURIComponent(`a b ${CANARY_SECRET}`)}`);
    Object.defineProperty(error, 'hidden', { value: CANARY_SECRET, enumerable: false });
    const leaks = secretLeaks(error, [CANARY_SECRET]);
    expect(leaks).toContain(`util.inspect(error, { depth: null, showHidden: true }): ${CANARY_SECRET}`);
    expect(leaks).toContain(`String(error.stack): ${CANARY_SECRET}`);
    expect(leaks).toContain(`String(error): ${CANARY_SECRET}`);
  });

  it('prints a circular error without failing', () => {
    const error = Object.assign(new Error('loop'), { self: undefined as unknown });
    error.self = error;
    const printed = printedError(error);
    expect(printed['JSON.stringify(error)']).toMatch(/^\[JSON.stringify threw/);
    expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
  });

  it('lists each form of a secret once', () => {
    expect(secretForms('plain-value')).toEqual(['plain-value', 'cGxhaW4tdmFsdWU=', 'cGxhaW4tdmFsdWU']);
    expect(secretForms('a b')).toEqual(['a b', 'a%20b', 'YSBi']);
  });
});
