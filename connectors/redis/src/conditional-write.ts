import { ConnectorError } from '@connectorkit/core';
import { toRedisError } from './error-mapping.js';

/** How the error mapping says that a command never left the client. */
const NOT_SENT = /the command was not sent/;

/**
 * Runs a conditional write (`nx`, `xx`, `get`): its answer comes from what the key held, so
 * one tried again after its reply was lost would answer from its own first write (`written:
 * false`, or its own value as `previous`). A failure that may have come after the command
 * reached Redis is therefore not retried; one where it was never sent still is.
 */
export async function conditionalWrite<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const mapped = toRedisError(error);
    if (!mapped.retryable || NOT_SENT.test(mapped.message)) throw mapped;
    throw new ConnectorError(
      mapped.code,
      `${mapped.message} — not retried: a conditional write (nx, xx, get) may already have been applied`,
      { retryable: false, vendorCode: mapped.vendorCode, cause: error },
    );
  }
}
