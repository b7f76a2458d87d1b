import { defineConnector } from '@connectorkit/core';
import { getItem } from './actions/get-item.js';
import { exampleConnection } from './connection.js';
import { itemCreated } from './triggers/item-created.js';

/** The package version, checked against package.json when the manifest is built. */
export const VERSION = '0.1.0';

export const exampleConnector = defineConnector({
  contract: 1,
  name: 'example',
  title: 'Example',
  description:
    'A connector made from the Connector Kit template: one action and one trigger over a stand-in client.',
  version: VERSION,
  connection: exampleConnection,
  actions: { getItem },
  triggers: { itemCreated },
});
