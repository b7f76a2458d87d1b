import { defineConnector } from '@connectorkit/core';
import {
  createTopic,
  deleteTopic,
  describeTopic,
  groupOffsets,
  listTopics,
  resetOffsets,
} from './actions/admin.js';
import { fetchMessages } from './actions/fetch-messages.js';
import { produce } from './actions/produce.js';
import { kafkaConnection } from './connection.js';
import { message } from './triggers/message.js';

/** The package version, checked against package.json when the manifest is built. */
export const VERSION = '0.1.0';

/**
 * The Kafka connector (kafkajs): produce, topic and consumer-group administration, reading
 * messages without a group, and an at-least-once consumer-group trigger with a dead-letter topic.
 */
export const kafka = defineConnector({
  contract: 1,
  name: 'kafka',
  title: 'Apache Kafka',
  description:
    'Apache Kafka through kafkajs: produce messages, create/delete/list/describe topics, read messages from an offset, report and reset consumer-group offsets; an at-least-once consumer-group trigger with a dead-letter topic.',
  version: VERSION,
  connection: kafkaConnection,
  actions: {
    produce,
    createTopic,
    deleteTopic,
    listTopics,
    describeTopic,
    fetchMessages,
    groupOffsets,
    resetOffsets,
  },
  triggers: { message },
});
