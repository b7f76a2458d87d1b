export { KafkaClient, KafkaConnectionConfig, kafkaConnection } from './connection.js';
export { kafka as default, VERSION } from './connector.js';
export { type KafkaErrorContext, toKafkaError } from './error-mapping.js';
export { KafkaMessage, MessageHeaders, ValueDecoding } from './kafka-message.js';
export { DEAD_LETTER_HEADERS } from './triggers/dead-letter.js';
export { KafkaBatch, MessageEvent, MessageTriggerConfig } from './triggers/message.js';
