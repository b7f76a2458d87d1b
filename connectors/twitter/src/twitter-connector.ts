import { defineConnector } from '@connectorkit/core';
import { apiCall } from './actions/api-call.js';
import { follow, like, retweet, sendDirectMessage, unlike } from './actions/engagement.js';
import { deleteTweet, getTweet, postTweet, searchRecent } from './actions/tweets.js';
import { getUser, getUserByUsername, mentions, userTimeline } from './actions/users.js';
import { twitterConnection } from './connection.js';
import { mentionsTrigger } from './triggers/mentions.js';
import { searchTrigger } from './triggers/search.js';

/** The Twitter/X connector: tweets, search, users, timelines, likes, retweets, follows, DMs and polling triggers. */
export const twitterConnector = defineConnector({
  contract: 1,
  name: 'twitter',
  title: 'Twitter/X',
  description:
    'Twitter/X API v2 through the official twitter-api-v2 client: post, read and delete tweets, search recent tweets, read users, timelines and mentions, like, retweet, follow, send direct messages, call any other v2 endpoint — and run flows on new mentions or search results.',
  version: '0.1.0',
  connection: twitterConnection,
  actions: {
    postTweet,
    deleteTweet,
    getTweet,
    searchRecent,
    getUser,
    getUserByUsername,
    userTimeline,
    mentions,
    like,
    unlike,
    retweet,
    follow,
    sendDirectMessage,
    apiCall,
  },
  triggers: { mentions: mentionsTrigger, search: searchTrigger },
});
