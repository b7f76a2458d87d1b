import { Type } from '@connectorkit/core';
import type {
  ConversationsCreateResponse,
  ConversationsHistoryResponse,
  ConversationsInfoResponse,
  ConversationsInviteResponse,
  ConversationsListResponse,
  ConversationsRepliesResponse,
} from '@slack/web-api';
import { defineSlackAction } from '../define-slack-action.js';
import { collectPages, PagingInput, PagingOutput } from '../pagination.js';
import { Channel, ChannelReference, Message, messageTs, toChannel, toMessage } from '../schemas.js';

const ChannelType = Type.Union([
  Type.Literal('public_channel'),
  Type.Literal('private_channel'),
  Type.Literal('mpim'),
  Type.Literal('im'),
]);

export const listChannels = defineSlackAction({
  title: 'List channels',
  description:
    'Lists conversations of the workspace — conversations.list. One page (from `cursor`), or with `all` every page up to `maxItems`.',
  input: Type.Object(
    {
      types: Type.Optional(
        Type.Array(ChannelType, {
          minItems: 1,
          uniqueItems: true,
          default: ['public_channel'],
          description: 'Kinds of conversation; private ones are listed only where the bot is a member',
        }),
      ),
      excludeArchived: Type.Optional(Type.Boolean({ default: true })),
      ...PagingInput,
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ channels: Type.Array(Channel), ...PagingOutput }),
  idempotent: true,
  examples: [{ title: 'Every public channel', input: { all: true } }],
  run: async (input, { client, signal }) => {
    const page = await collectPages(input, async (cursor, limit) => {
      const result = await client.call<ConversationsListResponse>(
        'conversations.list',
        {
          types: (input.types ?? ['public_channel']).join(','),
          exclude_archived: input.excludeArchived ?? true,
          limit,
          cursor,
        },
        signal,
      );
      return { items: result.channels ?? [], nextCursor: result.response_metadata?.next_cursor };
    });
    return { channels: page.items.map(toChannel), nextCursor: page.nextCursor, pages: page.pages };
  },
});

export const getChannel = defineSlackAction({
  title: 'Get channel',
  description: 'Reads one conversation by id — conversations.info.',
  input: Type.Object({ channel: ChannelReference }, { additionalProperties: false }),
  output: Type.Object({ channel: Channel }),
  idempotent: true,
  examples: [{ input: { channel: 'C0123ABCD' } }],
  run: async (input, { client, signal }) => {
    const result = await client.call<ConversationsInfoResponse>(
      'conversations.info',
      { channel: input.channel, include_num_members: true },
      signal,
    );
    return { channel: toChannel(result.channel ?? {}) };
  },
});

const timeBound = (description: string) => Type.String({ pattern: '^\\d+(\\.\\d+)?$', description });

export const history = defineSlackAction({
  title: 'Channel history',
  description:
    "Reads a channel's messages, newest first — conversations.history (thread replies via `replies`). The bot must be a member.",
  input: Type.Object(
    {
      channel: ChannelReference,
      oldest: Type.Optional(timeBound('Only messages after this ts')),
      latest: Type.Optional(timeBound('Only messages before this ts')),
      inclusive: Type.Optional(
        Type.Boolean({ description: 'Include messages exactly at `oldest` / `latest`' }),
      ),
      ...PagingInput,
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ messages: Type.Array(Message), ...PagingOutput }),
  idempotent: true,
  examples: [{ title: 'The last 50 messages', input: { channel: 'C0123ABCD', pageSize: 50 } }],
  run: async (input, { client, signal }) => {
    const page = await collectPages(input, async (cursor, limit) => {
      const result = await client.call<ConversationsHistoryResponse>(
        'conversations.history',
        {
          channel: input.channel,
          oldest: input.oldest,
          latest: input.latest,
          inclusive: input.inclusive,
          limit,
          cursor,
        },
        signal,
      );
      return { items: result.messages ?? [], nextCursor: result.response_metadata?.next_cursor };
    });
    return { messages: page.items.map(toMessage), nextCursor: page.nextCursor, pages: page.pages };
  },
});

export const replies = defineSlackAction({
  title: 'Thread replies',
  description: 'Reads a thread: its parent first, then the replies, oldest first — conversations.replies.',
  input: Type.Object(
    { channel: ChannelReference, ts: messageTs('ts of the thread parent'), ...PagingInput },
    { additionalProperties: false },
  ),
  output: Type.Object({ messages: Type.Array(Message), ...PagingOutput }),
  idempotent: true,
  examples: [{ input: { channel: 'C0123ABCD', ts: '1712345678.000100', all: true } }],
  run: async (input, { client, signal }) => {
    const page = await collectPages(input, async (cursor, limit) => {
      const result = await client.call<ConversationsRepliesResponse>(
        'conversations.replies',
        { channel: input.channel, ts: input.ts, limit, cursor },
        signal,
      );
      return { items: result.messages ?? [], nextCursor: result.response_metadata?.next_cursor };
    });
    return { messages: page.items.map(toMessage), nextCursor: page.nextCursor, pages: page.pages };
  },
});

export const createChannel = defineSlackAction({
  title: 'Create channel',
  description:
    'Creates a public or private channel; the bot becomes its first member — conversations.create.',
  input: Type.Object(
    {
      name: Type.String({
        pattern: '^[a-z0-9_-]{1,80}$',
        description: 'Lowercase letters, digits, hyphens and underscores; at most 80 characters',
      }),
      isPrivate: Type.Optional(Type.Boolean({ default: false })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ channel: Channel }),
  examples: [{ input: { name: 'incident-2024-04-05' } }],
  run: async (input, { client, signal }) => {
    const result = await client.call<ConversationsCreateResponse>(
      'conversations.create',
      { name: input.name, is_private: input.isPrivate ?? false },
      signal,
    );
    return { channel: toChannel(result.channel ?? {}) };
  },
});

export const invite = defineSlackAction({
  title: 'Invite to channel',
  description:
    'Adds users to a channel the bot is in — conversations.invite. Idempotent: users who are members already are no error.',
  input: Type.Object(
    {
      channel: ChannelReference,
      users: Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        maxItems: 1000,
        uniqueItems: true,
        description: 'User ids',
      }),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ channel: Channel }),
  idempotent: true,
  examples: [{ input: { channel: 'C0123ABCD', users: ['U0123ABCD', 'U0456EFGH'] } }],
  run: async (input, { client, signal }) => {
    try {
      const result = await client.call<ConversationsInviteResponse>(
        'conversations.invite',
        { channel: input.channel, users: input.users.join(',') },
        signal,
      );
      return { channel: toChannel(result.channel ?? {}) };
    } catch (error) {
      if ((error as { vendorCode?: unknown }).vendorCode !== 'already_in_channel') throw error;
      const info = await client.call<ConversationsInfoResponse>(
        'conversations.info',
        { channel: input.channel, include_num_members: true },
        signal,
      );
      return { channel: toChannel(info.channel ?? {}) };
    }
  },
});
