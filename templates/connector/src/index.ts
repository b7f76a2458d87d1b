export { getItem } from './actions/get-item.js';
export { EXAMPLE_DEMO_TOKEN, ExampleApiError, ExampleClient } from './client.js';
export { ExampleConnectionConfig, exampleConnection } from './connection.js';
export { exampleConnector as default } from './connector.js';
export { toExampleError } from './error-mapping.js';
export { Item, ItemEvent } from './schemas.js';
export { itemCreated } from './triggers/item-created.js';
