import { ConnectorError } from '@connectorkit/core';

/**
 * The `ConnectorError` a call must fail with: throws when the call succeeds, or fails with
 * anything that is not a `ConnectorError` (which a kit never returns).
 *
 * @example
 * const error = await failureOf(kit.invoke('redis.get', { key: '' }));
 * expect(error.code).toBe('INVALID_INPUT');
 */
export async function failureOf(call: Promise<unknown>): Promise<ConnectorError> {
  let outcome: { value: unknown } | { error: unknown };
  try {
    outcome = { value: await call };
  } catch (error) {
    outcome = { error };
  }
  if ('value' in outcome) throw new Error('expected the call to fail, but it succeeded');
  if (!(outcome.error instanceof ConnectorError)) {
    throw new Error(`expected a ConnectorError, got ${String(outcome.error)}`, { cause: outcome.error });
  }
  return outcome.error;
}
