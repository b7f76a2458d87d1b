import { type ConnectorError, fromHttpStatus, toConnectorError } from '@connectorkit/core';
import { ExampleApiError } from './client.js';

/**
 * Maps whatever the client library throws onto a `ConnectorError`: its API errors by status,
 * with the vendor code and the retry hint; aborts and network failures by `toConnectorError`.
 * The original error is kept as `cause`.
 */
export function toExampleError(error: unknown): ConnectorError {
  if (error instanceof ExampleApiError) {
    return fromHttpStatus(error.status, error.message, {
      vendorCode: error.code,
      cause: error,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfter: error.retryAfterSeconds * 1000 }),
    });
  }
  return toConnectorError(error);
}
