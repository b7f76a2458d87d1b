import { type Static, Type } from '@connectorkit/core';
import type {
  ChatDeleteResponse,
  ChatPostEphemeralResponse,
  ChatPostMessageResponse,
  ChatScheduleMessageResponse,
  ChatUpdateResponse,
} from '@slack/web-api';
import { defineSlackAction, invalidInput } from '../define-slack-action.js';
import { Blocks, ChannelReference, Message, MessageTs, messageTs, toMessage } from '../schemas.js';

const Content = {
  text: Type.Optional(
    Type.String({
      maxLength: 40_000,
      description: 'Message text (mrkdwn); with `blocks`, the fallback shown in notifications',
    }),
  ),
  blocks: Type.Optional(Blocks),
} as const;

/** Slack needs `text` or `blocks`; the schema cannot say "one of", so the action does. */
function requireContent(input: {
  readonly text?: string | undefined;
  readonly blocks?: readonly unknown[] | undefined;
}): void {
  if (
    (input.text === undefined || input.text === '') &&
    (input.blocks === undefined || input.blocks.length === 0)
  ) {
    throw invalidInput('give `text` or `blocks` (or both: text becomes the notification fallback)', '$.text');
  }
}

export const postMessage = defineSlackAction({
  title: 'Post message',
  description:
    'Posts a message to a channel, a DM (pass a user id) or a thread (`threadTs`) — chat.postMessage. Not retried automatically: a retry after a lost answer would post twice.',
  input: Type.Object(
    {
      channel: ChannelReference,
      ...Content,
      threadTs: Type.Optional(messageTs('Reply in the thread of this message (its parent ts)')),
      replyBroadcast: Type.Optional(
        Type.Boolean({ description: 'With `threadTs`: also show the reply in the channel' }),
      ),
      mrkdwn: Type.Optional(Type.Boolean({ default: true, description: 'Parse `text` as mrkdwn' })),
      unfurlLinks: Type.Optional(Type.Boolean({ description: 'Unfurl text-based links' })),
      unfurlMedia: Type.Optional(Type.Boolean({ description: 'Unfurl media links' })),
      username: Type.Optional(
        Type.String({ description: 'Display name of the bot (needs chat:write.customize)' }),
      ),
      iconEmoji: Type.Optional(
        Type.String({ description: 'Emoji as the icon, e.g. :robot_face: (needs chat:write.customize)' }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    channel: Type.String({ description: 'Channel id the message went to' }),
    ts: Type.String({ description: 'Timestamp (id) of the new message' }),
    message: Message,
  }),
  examples: [
    { title: 'Say hello', input: { channel: '#general', text: 'Hello from Connector Kit :wave:' } },
    {
      title: 'Reply in a thread',
      input: { channel: 'C0123ABCD', text: 'On it.', threadTs: '1712345678.000100' },
    },
  ],
  run: async (input, { client, signal }) => {
    requireContent(input);
    const result = await client.call<ChatPostMessageResponse>(
      'chat.postMessage',
      {
        channel: input.channel,
        text: input.text,
        blocks: input.blocks,
        thread_ts: input.threadTs,
        reply_broadcast: input.replyBroadcast,
        mrkdwn: input.mrkdwn,
        unfurl_links: input.unfurlLinks,
        unfurl_media: input.unfurlMedia,
        username: input.username,
        icon_emoji: input.iconEmoji,
      },
      signal,
    );
    return {
      channel: result.channel ?? '',
      ts: result.ts ?? '',
      message: toMessage(result.message ?? { ts: result.ts }),
    };
  },
});

export const updateMessage = defineSlackAction({
  title: 'Update message',
  description: "Replaces the text or blocks of one of the bot's messages — chat.update.",
  input: Type.Object(
    { channel: ChannelReference, ts: MessageTs, ...Content },
    { additionalProperties: false },
  ),
  output: Type.Object({ channel: Type.String(), ts: Type.String(), text: Type.String() }),
  idempotent: true,
  examples: [{ input: { channel: 'C0123ABCD', ts: '1712345678.000100', text: 'Deploy finished ✅' } }],
  run: async (input, { client, signal }) => {
    requireContent(input);
    const result = await client.call<ChatUpdateResponse>(
      'chat.update',
      { channel: input.channel, ts: input.ts, text: input.text, blocks: input.blocks },
      signal,
    );
    return { channel: result.channel ?? input.channel, ts: result.ts ?? input.ts, text: result.text ?? '' };
  },
});

export const deleteMessage = defineSlackAction({
  title: 'Delete message',
  description: "Deletes one of the bot's messages — chat.delete.",
  input: Type.Object({ channel: ChannelReference, ts: MessageTs }, { additionalProperties: false }),
  output: Type.Object({ channel: Type.String(), ts: Type.String() }),
  examples: [{ input: { channel: 'C0123ABCD', ts: '1712345678.000100' } }],
  run: async (input, { client, signal }) => {
    const result = await client.call<ChatDeleteResponse>(
      'chat.delete',
      { channel: input.channel, ts: input.ts },
      signal,
    );
    return { channel: result.channel ?? input.channel, ts: result.ts ?? input.ts };
  },
});

export const postEphemeral = defineSlackAction({
  title: 'Post ephemeral message',
  description: 'Shows a message to one member of a channel only, until they reload — chat.postEphemeral.',
  input: Type.Object(
    {
      channel: ChannelReference,
      user: Type.String({ minLength: 1, description: 'The member who sees it (user id)' }),
      ...Content,
      threadTs: Type.Optional(MessageTs),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ messageTs: Type.String() }),
  examples: [{ input: { channel: 'C0123ABCD', user: 'U0123ABCD', text: 'Only you can see this.' } }],
  run: async (input, { client, signal }) => {
    requireContent(input);
    const result = await client.call<ChatPostEphemeralResponse>(
      'chat.postEphemeral',
      {
        channel: input.channel,
        user: input.user,
        text: input.text,
        blocks: input.blocks,
        thread_ts: input.threadTs,
      },
      signal,
    );
    return { messageTs: result.message_ts ?? '' };
  },
});

const PostAt = Type.Union(
  [
    Type.Integer({ minimum: 0, description: 'Unix time in seconds' }),
    Type.String({ format: 'date-time', description: 'ISO 8601 date-time, e.g. 2030-01-01T09:00:00Z' }),
  ],
  { description: 'When to post: Unix seconds or an ISO date-time, at most 120 days ahead' },
);

export const scheduleMessage = defineSlackAction({
  title: 'Schedule message',
  description: 'Schedules a message for later, at most 120 days ahead — chat.scheduleMessage.',
  input: Type.Object(
    { channel: ChannelReference, postAt: PostAt, ...Content, threadTs: Type.Optional(MessageTs) },
    { additionalProperties: false },
  ),
  output: Type.Object({
    channel: Type.String(),
    scheduledMessageId: Type.String({ description: 'Cancel it with chat.deleteScheduledMessage (apiCall)' }),
    postAt: Type.Integer({ description: 'Unix time in seconds' }),
  }),
  examples: [{ input: { channel: 'C0123ABCD', postAt: '2030-01-01T09:00:00Z', text: 'Happy new year!' } }],
  run: async (input, { client, signal }) => {
    requireContent(input);
    const postAt = toUnixSeconds(input.postAt);
    const result = await client.call<ChatScheduleMessageResponse>(
      'chat.scheduleMessage',
      {
        channel: input.channel,
        post_at: postAt,
        text: input.text,
        blocks: input.blocks,
        thread_ts: input.threadTs,
      },
      signal,
    );
    return {
      channel: result.channel ?? input.channel,
      scheduledMessageId: result.scheduled_message_id ?? '',
      postAt: result.post_at ?? postAt,
    };
  },
});

function toUnixSeconds(postAt: Static<typeof PostAt>): number {
  if (typeof postAt === 'number') return postAt;
  const time = Date.parse(postAt);
  if (Number.isNaN(time)) throw invalidInput(`'${postAt}' is not a date-time`, '$.postAt');
  return Math.floor(time / 1000);
}
