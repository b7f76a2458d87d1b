export { getItem } from './actions/get-item.js';
export { ExampleConnectionConfig, exampleConnection } from './connection.js';
export { exampleConnector as default } from './connector.js';
export { Item, ItemEvent } from './schemas.js';
export { itemCreated } from './triggers/item-created.js';
