import { ConnectorError } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import { failureOf } from './failure.js';

describe('failureOf', () => {
  it('returns the ConnectorError a call failed with', async () => {
    const error = new ConnectorError('NOT_FOUND', 'no such key');
    await expect(failureOf(Promise.reject(error))).resolves.toBe(error);
  });

  it('throws when the call succeeds', async () => {
    await expect(failureOf(Promise.resolve('fine'))).rejects.toThrow(/expected the call to fail/);
  });

  it('throws when the call fails with something else, keeping it as the cause', async () => {
    const plain = new Error('boom');
    const thrown = await failureOf(Promise.reject(plain)).catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/expected a ConnectorError, got Error: boom/);
    expect((thrown as Error).cause).toBe(plain);
  });
});
