import { type ActionOn, actionsOn, type TSchema } from '@connectorkit/core';
import { salesforceConnection } from './connection.js';
import type { SalesforceClient } from './salesforce-client.js';

/** An action of this connector: `defineAction` without the connection, which is always this one. */
export type SalesforceActionDefinition<TInput extends TSchema, TOutput extends TSchema> = ActionOn<
  TInput,
  TOutput,
  SalesforceClient
>;

/**
 * Declares a Salesforce action bound to the Salesforce connection. Calls go through
 * `ctx.client.call`, which renews an expired session once and maps Salesforce's failures onto
 * `ConnectorError`s.
 *
 * @example
 * export const describe = defineSalesforceAction({
 *   description: 'Describes one sObject.',
 *   input: Type.Object({ sobject: SObjectName }),
 *   output: SObjectDescription,
 *   idempotent: true,
 *   run: async ({ sobject }, { client, signal }) =>
 *     toDescription(await client.call(`describe ${sobject}`, (connection) => connection.describe(sobject), signal)),
 * });
 */
export const defineSalesforceAction = actionsOn(salesforceConnection);

export { invalidInput } from '@connectorkit/core';
