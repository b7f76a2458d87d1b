import { ConnectorError } from '@connectorkit/core';

/**
 * An INVALID_INPUT error for a rule the input schema cannot express ("one of ex and px"),
 * pointing at the offending field as a JSONPath.
 */
export function inputError(message: string, path: string): ConnectorError {
  return new ConnectorError('INVALID_INPUT', message, { path, issues: [{ path, message }] });
}
