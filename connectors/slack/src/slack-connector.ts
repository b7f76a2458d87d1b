import { defineConnector } from '@connectorkit/core';
import { apiCall } from './actions/api-call.js';
import {
  createChannel,
  getChannel,
  history,
  invite,
  listChannels,
  replies,
} from './actions/conversations.js';
import { uploadFile } from './actions/files.js';
import {
  deleteMessage,
  postEphemeral,
  postMessage,
  scheduleMessage,
  updateMessage,
} from './actions/messages.js';
import { addReaction, removeReaction } from './actions/reactions.js';
import { getUser, listUsers, lookupUserByEmail } from './actions/users.js';
import { slackConnection } from './connection.js';
import { event } from './triggers/event.js';

/** The Slack connector: messages, channels, users, reactions, files and Events API triggers. */
export const slackConnector = defineConnector({
  contract: 1,
  name: 'slack',
  title: 'Slack',
  description:
    'Slack through the official @slack/web-api: post, update and schedule messages, read channels and threads, manage channels, find users, react, upload files — and run flows on Events API events.',
  version: '0.1.0',
  connection: slackConnection,
  actions: {
    postMessage,
    updateMessage,
    deleteMessage,
    postEphemeral,
    scheduleMessage,
    addReaction,
    removeReaction,
    uploadFile,
    listChannels,
    getChannel,
    history,
    replies,
    createChannel,
    invite,
    listUsers,
    getUser,
    lookupUserByEmail,
    apiCall,
  },
  triggers: { event },
});
