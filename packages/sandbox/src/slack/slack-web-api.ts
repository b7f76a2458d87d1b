import { randomBytes } from 'node:crypto';
import { type EmulatorResponse, json } from '../define-emulator.js';
import { bearerToken, type EmulatorRequest } from '../emulator-request.js';
import {
  channelJson,
  compareTs,
  fileJson,
  findChannel,
  findUser,
  messageJson,
  nextId,
  nextTs,
  repliesOf,
  type SlackChannel,
  type SlackMessage,
  type SlackState,
  type SlackToken,
  type SlackUser,
  userJson,
} from './slack-state.js';

/** A Web API error: `{ ok: false, error }` with Slack's error string (and extra fields such as `needed`). */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(error);
  }
}

/** One authenticated Web API call. */
export interface SlackCall {
  readonly method: string;
  readonly state: SlackState;
  readonly params: Readonly<Record<string, unknown>>;
  readonly token: SlackToken;
  /** The user the token acts as (the bot user for bot tokens). */
  readonly actor: SlackUser;
  /** Base URL of the emulator (for upload URLs). */
  readonly url: string;
  /** Scopes the method accepted, reported in `X-Accepted-OAuth-Scopes`. */
  readonly accepted: string[];
  /** Hands an inner event to Events API delivery (filtered by the subscription). */
  emit(event: Record<string, unknown>): void;
}

type MethodHandler = (call: SlackCall) => Record<string, unknown>;

/** Answers `/api/<method>`: authenticates, checks scopes, runs the method, speaks Slack's wire format. */
export function answerWebApi(
  method: string,
  request: EmulatorRequest,
  state: SlackState,
  url: string,
  emit: (event: Record<string, unknown>) => void,
): EmulatorResponse {
  const handler = METHODS[method];
  const tokenText = bearerToken(request) ?? text(request.params, 'token');
  if (tokenText === undefined || tokenText === '') return failure('not_authed');
  const token = state.tokens.find((candidate) => candidate.token === tokenText);
  if (token === undefined) return failure('invalid_auth');
  if (token.revoked) return failure('token_revoked');
  const actor = findUser(state, token.userId);
  if (actor === undefined || actor.deleted) return failure('account_inactive');
  const scopeHeaders = { 'x-oauth-scopes': token.scopes.join(',') };
  if (handler === undefined)
    return json(200, { ok: false, error: 'unknown_method', req_method: method }, scopeHeaders);
  const call: SlackCall = { method, state, params: request.params, token, actor, url, accepted: [], emit };
  try {
    const result = handler(call);
    return json(
      200,
      { ok: true, ...result },
      { ...scopeHeaders, 'x-accepted-oauth-scopes': call.accepted.join(',') },
    );
  } catch (error) {
    if (!(error instanceof SlackApiError)) throw error;
    return json(
      200,
      { ok: false, error: error.error, ...error.extra },
      { ...scopeHeaders, 'x-accepted-oauth-scopes': call.accepted.join(',') },
    );
  }
}

function failure(error: string): EmulatorResponse {
  return json(200, { ok: false, error });
}

// ------------------------------------------------------------------ parameters

function text(params: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A boolean argument; `fallback` when it is absent or empty (Slack's documented default). */
function flag(params: Readonly<Record<string, unknown>>, name: string, fallback = false): boolean {
  const value = params[name];
  if (value === undefined || value === null || value === '') return fallback;
  return value === true || value === 'true' || value === '1' || value === 1;
}

function integer(params: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const value = text(params, name);
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    throw new SlackApiError('invalid_arguments', {
      response_metadata: { messages: [`[ERROR] invalid \`${name}\`: expected a number`] },
    });
  }
  return Math.trunc(parsed);
}

/** A JSON argument: form bodies carry it as a JSON string, JSON bodies as the value itself. */
function jsonArgument(params: Readonly<Record<string, unknown>>, name: string, error: string): unknown {
  const value = params[name];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new SlackApiError(error);
  }
}

function required(params: Readonly<Record<string, unknown>>, name: string): string {
  const value = text(params, name);
  if (value === undefined || value === '') {
    throw new SlackApiError('invalid_arguments', {
      response_metadata: { messages: [`[ERROR] missing required field: ${name}`] },
    });
  }
  return value;
}

function need(call: SlackCall, scope: string): void {
  if (!call.accepted.includes(scope)) call.accepted.push(scope);
  if (!call.token.scopes.includes(scope)) {
    throw new SlackApiError('missing_scope', { needed: scope, provided: call.token.scopes.join(',') });
  }
}

/** Scope family of a channel: `channels`, `groups` or `im`. */
function family(channel: SlackChannel): 'channels' | 'groups' | 'im' {
  return channel.isIm ? 'im' : channel.isPrivate ? 'groups' : 'channels';
}

interface ChannelAccess {
  /** The actor must be a member (`not_in_channel` otherwise). Default true. */
  readonly member?: boolean;
  /** A user id opens (or reuses) the DM with that user. */
  readonly allowUser?: boolean;
}

/** Resolves the `channel` argument the way Slack does: id or name; private channels are invisible to non-members. */
function channelArgument(call: SlackCall, access: ChannelAccess = {}, name = 'channel'): SlackChannel {
  const reference = text(call.params, name);
  if (reference === undefined || reference === '') throw new SlackApiError('channel_not_found');
  let channel = findChannel(call.state, reference);
  if (channel === undefined && access.allowUser === true && /^[UW]/.test(reference)) {
    const user = findUser(call.state, reference);
    if (user !== undefined && !user.deleted) channel = openDirectMessage(call, user);
  }
  if (channel === undefined) throw new SlackApiError('channel_not_found');
  const isMember = channel.members.includes(call.actor.id);
  if ((channel.isPrivate || channel.isIm) && !isMember) throw new SlackApiError('channel_not_found');
  if ((access.member ?? true) && !isMember) throw new SlackApiError('not_in_channel');
  return channel;
}

function openDirectMessage(call: SlackCall, user: SlackUser): SlackChannel {
  const existing = call.state.channels.find(
    (channel) => channel.isIm && channel.members.includes(user.id) && channel.members.includes(call.actor.id),
  );
  if (existing !== undefined) return existing;
  const channel: SlackChannel = {
    id: nextId(call.state, 'D'),
    name: user.id,
    isPrivate: true,
    isIm: true,
    isArchived: false,
    isGeneral: false,
    created: Math.floor(Date.now() / 1000),
    creator: call.actor.id,
    members: [call.actor.id, user.id],
    topic: '',
    purpose: '',
    messages: [],
  };
  call.state.channels.push(channel);
  return channel;
}

function messageAt(channel: SlackChannel, ts: string | undefined): SlackMessage {
  const message = ts === undefined ? undefined : channel.messages.find((candidate) => candidate.ts === ts);
  if (message === undefined) throw new SlackApiError('message_not_found');
  return message;
}

// ------------------------------------------------------------------ pagination

interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string;
}

/**
 * Cursor pagination as Slack does it: `limit` items from the position the opaque `cursor`
 * points to, and `response_metadata.next_cursor` (empty on the last page).
 */
function paginate<T>(
  call: SlackCall,
  items: readonly T[],
  keyOf: (item: T) => string,
  kind: string,
  limits: { readonly fallback: number; readonly max: number },
): Page<T> {
  const requested = integer(call.params, 'limit');
  const limit = requested === undefined || requested <= 0 ? limits.fallback : Math.min(requested, limits.max);
  const cursor = text(call.params, 'cursor');
  let start = 0;
  if (cursor !== undefined && cursor !== '') {
    const decoded = Buffer.from(cursor, 'base64').toString('utf8');
    const key = decoded.startsWith(`${kind}:`) ? decoded.slice(kind.length + 1) : undefined;
    start = key === undefined ? -1 : items.findIndex((item) => keyOf(item) === key);
    if (start === -1) throw new SlackApiError('invalid_cursor');
  }
  const slice = items.slice(start, start + limit);
  const next = items[start + limit];
  return {
    items: slice,
    nextCursor: next === undefined ? '' : Buffer.from(`${kind}:${keyOf(next)}`).toString('base64'),
  };
}

// ------------------------------------------------------------------ messages

function messageContent(call: SlackCall): { text: string; blocks: unknown[] | undefined } {
  const messageText = text(call.params, 'text') ?? '';
  const blocksValue = jsonArgument(call.params, 'blocks', 'invalid_blocks_format');
  const attachments = jsonArgument(call.params, 'attachments', 'invalid_attachments');
  let blocks: unknown[] | undefined;
  if (blocksValue !== undefined && blocksValue !== '') {
    if (!Array.isArray(blocksValue)) throw new SlackApiError('invalid_blocks_format');
    if (blocksValue.length > 50) throw new SlackApiError('invalid_blocks');
    if (
      !blocksValue.every(
        (block) =>
          block !== null &&
          typeof block === 'object' &&
          typeof (block as { type?: unknown }).type === 'string',
      )
    ) {
      throw new SlackApiError('invalid_blocks', {
        response_metadata: { messages: ['[ERROR] every block needs a `type`'] },
      });
    }
    blocks = blocksValue;
  }
  if (
    messageText === '' &&
    blocks === undefined &&
    (!Array.isArray(attachments) || attachments.length === 0)
  ) {
    throw new SlackApiError('no_text');
  }
  if (messageText.length > 40_000) throw new SlackApiError('msg_too_long');
  return { text: messageText, blocks };
}

/** Appends a message to a channel (a reply when `threadTs` names a parent) and announces it. */
export function appendMessage(
  state: SlackState,
  channel: SlackChannel,
  author: SlackUser,
  content: {
    text: string;
    blocks?: unknown[] | undefined;
    mrkdwn?: boolean;
    threadTs?: string | undefined;
    replyBroadcast?: boolean;
    files?: string[];
  },
  emit: (event: Record<string, unknown>) => void,
): SlackMessage {
  let threadTs = content.threadTs;
  if (threadTs !== undefined && threadTs !== '') {
    // Slack attaches a reply to a reply's parent.
    const target = channel.messages.find((message) => message.ts === threadTs);
    if (target?.threadTs !== undefined && target.threadTs !== target.ts) threadTs = target.threadTs;
    if (target !== undefined && target.threadTs === undefined) target.threadTs = target.ts;
  } else {
    threadTs = undefined;
  }
  const message: SlackMessage = {
    ts: nextTs(state),
    user: author.id,
    botId: author.isBot ? author.botId : undefined,
    appId: author.isBot && author.id === state.app.botUserId ? state.app.id : undefined,
    text: content.text,
    blocks: content.blocks,
    mrkdwn: content.mrkdwn ?? true,
    threadTs,
    replyBroadcast: content.replyBroadcast === true && threadTs !== undefined,
    subtype: undefined,
    edited: undefined,
    reactions: [],
    files: content.files ?? [],
  };
  channel.messages.push(message);
  if (channel.members.includes(state.app.botUserId)) {
    emit(messageEvent(state, channel, message));
    if (author.id !== state.app.botUserId && message.text.includes(`<@${state.app.botUserId}>`)) {
      emit({
        type: 'app_mention',
        user: author.id,
        text: message.text,
        ts: message.ts,
        channel: channel.id,
        event_ts: message.ts,
        team: state.team.id,
        ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
      });
    }
  }
  return message;
}

function messageEvent(
  state: SlackState,
  channel: SlackChannel,
  message: SlackMessage,
): Record<string, unknown> {
  const parent =
    message.threadTs !== undefined && message.threadTs !== message.ts
      ? channel.messages.find((candidate) => candidate.ts === message.threadTs)
      : undefined;
  return {
    type: 'message',
    channel: channel.id,
    user: message.user,
    text: message.text,
    ts: message.ts,
    event_ts: message.ts,
    channel_type: channel.isIm ? 'im' : channel.isPrivate ? 'group' : 'channel',
    team: state.team.id,
    ...(message.botId === undefined
      ? { client_msg_id: `${message.ts}-${message.user}` }
      : { bot_id: message.botId, app_id: message.appId }),
    ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
    ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
    ...(parent === undefined ? {} : { parent_user_id: parent.user }),
    ...(message.files.length === 0 ? {} : { files: message.files.map((id) => ({ id })) }),
  };
}

function postable(call: SlackCall, channel: SlackChannel): void {
  if (channel.isArchived) throw new SlackApiError('is_archived');
  if (!channel.members.includes(call.actor.id)) {
    const publicPosting = !channel.isPrivate && call.token.scopes.includes('chat:write.public');
    if (!publicPosting) throw new SlackApiError('not_in_channel');
  }
}

function ownMessage(call: SlackCall, message: SlackMessage, error: string): void {
  if (message.user !== call.actor.id) throw new SlackApiError(error);
}

// ------------------------------------------------------------------ methods

const METHODS: Readonly<Record<string, MethodHandler>> = {
  'api.test': (call) => ({ args: call.params }),

  'auth.test': (call) => ({
    url: `https://${call.state.team.domain}.slack.com/`,
    team: call.state.team.name,
    user: call.actor.name,
    team_id: call.state.team.id,
    user_id: call.actor.id,
    ...(call.token.kind === 'bot' ? { bot_id: call.state.app.botId } : {}),
    is_enterprise_install: false,
  }),

  'chat.postMessage': (call) => {
    need(call, 'chat:write');
    const channel = channelArgument(call, { member: false, allowUser: true });
    postable(call, channel);
    const content = messageContent(call);
    const message = appendMessage(
      call.state,
      channel,
      call.actor,
      {
        ...content,
        mrkdwn: flag(call.params, 'mrkdwn', true),
        threadTs: text(call.params, 'thread_ts'),
        replyBroadcast: flag(call.params, 'reply_broadcast'),
      },
      call.emit,
    );
    return { channel: channel.id, ts: message.ts, message: messageJson(message, channel, call.state) };
  },

  'chat.update': (call) => {
    need(call, 'chat:write');
    const channel = channelArgument(call, { member: false });
    const message = messageAt(channel, text(call.params, 'ts'));
    ownMessage(call, message, 'cant_update_message');
    if (channel.isArchived) throw new SlackApiError('is_archived');
    const previous = messageJson(message, channel, call.state);
    const content = messageContent(call);
    message.text = content.text;
    if (content.blocks !== undefined) message.blocks = content.blocks;
    message.edited = { user: call.actor.id, ts: nextTs(call.state) };
    const updated = messageJson(message, channel, call.state);
    if (channel.members.includes(call.state.app.botUserId)) {
      call.emit({
        type: 'message',
        subtype: 'message_changed',
        hidden: true,
        channel: channel.id,
        message: updated,
        previous_message: previous,
        ts: message.edited.ts,
        event_ts: message.edited.ts,
        channel_type: channel.isIm ? 'im' : channel.isPrivate ? 'group' : 'channel',
      });
    }
    return { channel: channel.id, ts: message.ts, text: message.text, message: updated };
  },

  'chat.delete': (call) => {
    need(call, 'chat:write');
    const channel = channelArgument(call, { member: false });
    const message = messageAt(channel, text(call.params, 'ts'));
    ownMessage(call, message, 'cant_delete_message');
    const previous = messageJson(message, channel, call.state);
    if (message.threadTs === message.ts && repliesOf(channel, message.ts).length > 0) {
      // A parent with replies leaves a tombstone so that the thread stays readable.
      Object.assign(message, {
        text: 'This message was deleted.',
        subtype: 'tombstone',
        blocks: undefined,
        reactions: [],
        files: [],
      });
    } else {
      channel.messages = channel.messages.filter((candidate) => candidate !== message);
    }
    if (channel.members.includes(call.state.app.botUserId)) {
      const eventTs = nextTs(call.state);
      call.emit({
        type: 'message',
        subtype: 'message_deleted',
        hidden: true,
        channel: channel.id,
        deleted_ts: message.ts,
        previous_message: previous,
        ts: eventTs,
        event_ts: eventTs,
        channel_type: channel.isIm ? 'im' : channel.isPrivate ? 'group' : 'channel',
      });
    }
    return { channel: channel.id, ts: message.ts };
  },

  'chat.postEphemeral': (call) => {
    need(call, 'chat:write');
    const channel = channelArgument(call, { member: false });
    postable(call, channel);
    const userId = required(call.params, 'user');
    const user = findUser(call.state, userId);
    if (user === undefined || user.deleted) throw new SlackApiError('user_not_found');
    if (!channel.members.includes(user.id)) throw new SlackApiError('user_not_in_channel');
    const content = messageContent(call);
    const messageTs = nextTs(call.state);
    call.state.ephemeralMessages.push({ messageTs, channel: channel.id, user: user.id, text: content.text });
    return { message_ts: messageTs };
  },

  'chat.scheduleMessage': (call) => {
    need(call, 'chat:write');
    const channel = channelArgument(call, { member: false, allowUser: true });
    postable(call, channel);
    const postAtText = text(call.params, 'post_at');
    const postAt = postAtText === undefined ? Number.NaN : Number(postAtText);
    if (!Number.isFinite(postAt)) throw new SlackApiError('invalid_time');
    const now = Date.now() / 1000;
    if (postAt <= now) throw new SlackApiError('time_in_past');
    if (postAt > now + 120 * 24 * 3600) throw new SlackApiError('time_too_far');
    const content = messageContent(call);
    const scheduled = {
      id: nextId(call.state, 'Q'),
      channel: channel.id,
      postAt: Math.trunc(postAt),
      text: content.text,
      blocks: content.blocks,
      threadTs: text(call.params, 'thread_ts'),
      dateCreated: Math.floor(now),
    };
    call.state.scheduledMessages.push(scheduled);
    return {
      channel: channel.id,
      scheduled_message_id: scheduled.id,
      post_at: scheduled.postAt,
      message: {
        type: 'delayed_message',
        text: scheduled.text,
        user: call.actor.id,
        ...(call.token.kind === 'bot' ? { bot_id: call.state.app.botId, app_id: call.state.app.id } : {}),
        team: call.state.team.id,
        ...(scheduled.blocks === undefined ? {} : { blocks: scheduled.blocks }),
      },
    };
  },

  'chat.scheduledMessages.list': (call) => {
    need(call, 'chat:write');
    const channelFilter = text(call.params, 'channel');
    const items = call.state.scheduledMessages
      .filter((scheduled) => channelFilter === undefined || scheduled.channel === channelFilter)
      .sort((a, b) => a.postAt - b.postAt);
    const page = paginate(call, items, (scheduled) => scheduled.id, 'scheduled', {
      fallback: 100,
      max: 1000,
    });
    return {
      scheduled_messages: page.items.map((scheduled) => ({
        id: scheduled.id,
        channel_id: scheduled.channel,
        post_at: scheduled.postAt,
        date_created: scheduled.dateCreated,
        text: scheduled.text,
      })),
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'chat.deleteScheduledMessage': (call) => {
    need(call, 'chat:write');
    const channel = channelArgument(call, { member: false });
    const id = required(call.params, 'scheduled_message_id');
    const index = call.state.scheduledMessages.findIndex(
      (scheduled) => scheduled.id === id && scheduled.channel === channel.id,
    );
    if (index === -1) throw new SlackApiError('invalid_scheduled_message_id');
    call.state.scheduledMessages.splice(index, 1);
    return {};
  },

  'conversations.list': (call) => {
    const types = (text(call.params, 'types') ?? 'public_channel')
      .split(',')
      .map((type) => type.trim())
      .filter(Boolean);
    const scopes: Record<string, string> = {
      public_channel: 'channels:read',
      private_channel: 'groups:read',
      im: 'im:read',
      mpim: 'mpim:read',
    };
    for (const type of types) {
      const scope = scopes[type];
      if (scope === undefined) throw new SlackApiError('invalid_types');
      need(call, scope);
    }
    const excludeArchived = flag(call.params, 'exclude_archived');
    const visible = call.state.channels.filter((channel) => {
      if (excludeArchived && channel.isArchived) return false;
      if (channel.isIm) return types.includes('im') && channel.members.includes(call.actor.id);
      if (channel.isPrivate)
        return types.includes('private_channel') && channel.members.includes(call.actor.id);
      return types.includes('public_channel');
    });
    const page = paginate(call, visible, (channel) => channel.id, 'channel', { fallback: 100, max: 1000 });
    return {
      channels: page.items.map((channel) => channelJson(channel, call.actor.id, call.state.team)),
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'conversations.info': (call) => {
    const channel = channelArgument(call, { member: false });
    need(call, `${family(channel)}:read`);
    return { channel: channelJson(channel, call.actor.id, call.state.team) };
  },

  'conversations.history': (call) => {
    const channel = channelArgument(call, { member: false });
    need(call, `${family(channel)}:history`);
    if (!channel.members.includes(call.actor.id)) throw new SlackApiError('not_in_channel');
    const latest = text(call.params, 'latest');
    const oldest = text(call.params, 'oldest');
    const inclusive = flag(call.params, 'inclusive');
    for (const [name, value] of [
      ['latest', latest],
      ['oldest', oldest],
    ] as const) {
      if (value !== undefined && value !== '' && !/^\d+(\.\d+)?$/.test(value))
        throw new SlackApiError(`invalid_ts_${name}`);
    }
    const messages = channel.messages
      .filter(
        (message) =>
          message.threadTs === undefined || message.threadTs === message.ts || message.replyBroadcast,
      )
      .filter((message) => {
        if (latest !== undefined && latest !== '') {
          const order = compareTs(message.ts, latest);
          if (order > 0 || (order === 0 && !inclusive)) return false;
        }
        if (oldest !== undefined && oldest !== '') {
          const order = compareTs(message.ts, oldest);
          if (order < 0 || (order === 0 && !inclusive)) return false;
        }
        return true;
      })
      .sort((a, b) => compareTs(b.ts, a.ts));
    const page = paginate(call, messages, (message) => message.ts, 'next_ts', { fallback: 100, max: 999 });
    return {
      messages: page.items.map((message) => messageJson(message, channel, call.state)),
      has_more: page.nextCursor !== '',
      pin_count: 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'conversations.replies': (call) => {
    const channel = channelArgument(call, { member: false });
    need(call, `${family(channel)}:history`);
    if (!channel.members.includes(call.actor.id)) throw new SlackApiError('not_in_channel');
    const ts = text(call.params, 'ts');
    const parent = ts === undefined ? undefined : channel.messages.find((message) => message.ts === ts);
    if (parent === undefined) throw new SlackApiError('thread_not_found');
    const root =
      parent.threadTs !== undefined && parent.threadTs !== parent.ts
        ? (channel.messages.find((message) => message.ts === parent.threadTs) ?? parent)
        : parent;
    const thread = [root, ...repliesOf(channel, root.ts)];
    const page = paginate(call, thread, (message) => message.ts, 'next_ts', { fallback: 1000, max: 1000 });
    return {
      messages: page.items.map((message) => messageJson(message, channel, call.state)),
      has_more: page.nextCursor !== '',
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'conversations.create': (call) => {
    const isPrivate = flag(call.params, 'is_private');
    need(call, isPrivate ? 'groups:write' : 'channels:manage');
    const name = text(call.params, 'name') ?? '';
    if (name === '') throw new SlackApiError('invalid_name_required');
    if (name.length > 80) throw new SlackApiError('invalid_name_maxlength');
    if (/^[-_]+$/.test(name)) throw new SlackApiError('invalid_name_punctuation');
    if (!/^[a-z0-9_-]+$/.test(name)) throw new SlackApiError('invalid_name_specials');
    if (call.state.channels.some((channel) => !channel.isIm && channel.name === name))
      throw new SlackApiError('name_taken');
    const channel: SlackChannel = {
      id: nextId(call.state, isPrivate ? 'G' : 'C'),
      name,
      isPrivate,
      isIm: false,
      isArchived: false,
      isGeneral: false,
      created: Math.floor(Date.now() / 1000),
      creator: call.actor.id,
      members: [call.actor.id],
      topic: '',
      purpose: '',
      messages: [],
    };
    call.state.channels.push(channel);
    if (!isPrivate) {
      call.emit({
        type: 'channel_created',
        channel: {
          id: channel.id,
          name: channel.name,
          created: channel.created,
          creator: channel.creator,
          is_channel: true,
        },
        event_ts: nextTs(call.state),
      });
    }
    return { channel: channelJson(channel, call.actor.id, call.state.team) };
  },

  'conversations.invite': (call) => {
    const channel = channelArgument(call, { member: false });
    need(call, channel.isPrivate ? 'groups:write' : 'channels:manage');
    if (!channel.members.includes(call.actor.id)) throw new SlackApiError('not_in_channel');
    if (channel.isArchived) throw new SlackApiError('is_archived');
    if (channel.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
    const ids = required(call.params, 'users')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (ids.length > 1000) throw new SlackApiError('too_many_users');
    const users = ids.map((id) => {
      const user = findUser(call.state, id);
      if (user === undefined || user.id !== id) throw new SlackApiError('user_not_found');
      if (user.id === call.actor.id) throw new SlackApiError('cant_invite_self');
      if (user.deleted) throw new SlackApiError('user_is_deleted');
      return user;
    });
    const joining = users.filter((user) => !channel.members.includes(user.id));
    if (joining.length === 0) throw new SlackApiError('already_in_channel');
    for (const user of joining) {
      channel.members.push(user.id);
      if (channel.members.includes(call.state.app.botUserId)) {
        call.emit({
          type: 'member_joined_channel',
          user: user.id,
          channel: channel.id,
          channel_type: channel.isPrivate ? 'G' : 'C',
          team: call.state.team.id,
          inviter: call.actor.id,
          event_ts: nextTs(call.state),
        });
      }
    }
    return { channel: channelJson(channel, call.actor.id, call.state.team) };
  },

  'conversations.join': (call) => {
    need(call, 'channels:join');
    const reference = text(call.params, 'channel') ?? '';
    const channel = findChannel(call.state, reference);
    if (
      channel === undefined ||
      ((channel.isPrivate || channel.isIm) && !channel.members.includes(call.actor.id))
    ) {
      throw new SlackApiError('channel_not_found');
    }
    if (channel.isPrivate || channel.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
    if (channel.isArchived) throw new SlackApiError('is_archived');
    const already = channel.members.includes(call.actor.id);
    if (!already) channel.members.push(call.actor.id);
    return {
      channel: channelJson(channel, call.actor.id, call.state.team),
      ...(already
        ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } }
        : {}),
    };
  },

  'users.list': (call) => {
    need(call, 'users:read');
    const showEmail = call.token.scopes.includes('users:read.email');
    const page = paginate(call, call.state.users, (user) => user.id, 'user', { fallback: 100, max: 1000 });
    return {
      members: page.items.map((user) => userJson(user, call.state.team, showEmail)),
      cache_ts: Math.floor(Date.now() / 1000),
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'users.info': (call) => {
    need(call, 'users:read');
    const id = text(call.params, 'user') ?? '';
    const user = call.state.users.find((candidate) => candidate.id === id);
    if (user === undefined) throw new SlackApiError('user_not_found');
    return { user: userJson(user, call.state.team, call.token.scopes.includes('users:read.email')) };
  },

  'users.lookupByEmail': (call) => {
    need(call, 'users:read.email');
    const email = (text(call.params, 'email') ?? '').toLowerCase();
    const user = call.state.users.find(
      (candidate) => candidate.email?.toLowerCase() === email && !candidate.deleted,
    );
    if (user === undefined) throw new SlackApiError('users_not_found');
    return { user: userJson(user, call.state.team, true) };
  },

  'reactions.add': (call) => {
    need(call, 'reactions:write');
    const { channel, message, name } = reactionTarget(call);
    const reaction = message.reactions.find((candidate) => candidate.name === name);
    if (reaction?.users.includes(call.actor.id) === true) throw new SlackApiError('already_reacted');
    if (reaction === undefined) {
      if (message.reactions.length >= 50) throw new SlackApiError('too_many_reactions');
      message.reactions.push({ name, users: [call.actor.id] });
    } else {
      reaction.users.push(call.actor.id);
    }
    call.emit({
      type: 'reaction_added',
      user: call.actor.id,
      reaction: name,
      item_user: message.user,
      item: { type: 'message', channel: channel.id, ts: message.ts },
      event_ts: nextTs(call.state),
    });
    return {};
  },

  'reactions.remove': (call) => {
    need(call, 'reactions:write');
    const { channel, message, name } = reactionTarget(call);
    const reaction = message.reactions.find((candidate) => candidate.name === name);
    if (reaction?.users.includes(call.actor.id) !== true) throw new SlackApiError('no_reaction');
    reaction.users = reaction.users.filter((user) => user !== call.actor.id);
    if (reaction.users.length === 0)
      message.reactions = message.reactions.filter((candidate) => candidate !== reaction);
    call.emit({
      type: 'reaction_removed',
      user: call.actor.id,
      reaction: name,
      item_user: message.user,
      item: { type: 'message', channel: channel.id, ts: message.ts },
      event_ts: nextTs(call.state),
    });
    return {};
  },

  'files.getUploadURLExternal': (call) => {
    need(call, 'files:write');
    const filename = required(call.params, 'filename');
    const length = integer(call.params, 'length');
    if (length === undefined || length < 0) {
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] missing required field: length'] },
      });
    }
    const file = {
      id: nextId(call.state, 'F'),
      name: filename,
      title: filename,
      length,
      altText: text(call.params, 'alt_txt') ?? text(call.params, 'alt_text'),
      content: undefined,
      uploadKey: randomBytes(12).toString('hex'),
      user: call.actor.id,
      created: Math.floor(Date.now() / 1000),
      completed: false,
      channels: [],
    };
    call.state.files.push(file);
    return { upload_url: `${call.url}/upload/v1/${file.uploadKey}`, file_id: file.id };
  },

  'files.completeUploadExternal': (call) => {
    need(call, 'files:write');
    const list = jsonArgument(call.params, 'files', 'invalid_arguments');
    if (!Array.isArray(list) || list.length === 0) {
      throw new SlackApiError('invalid_arguments', {
        response_metadata: { messages: ['[ERROR] missing required field: files'] },
      });
    }
    const files = list.map((entry) => {
      const id = (entry as { id?: unknown } | null)?.id;
      const file = call.state.files.find((candidate) => candidate.id === id);
      if (file === undefined || file.content === undefined) throw new SlackApiError('file_not_found');
      const title = (entry as { title?: unknown }).title;
      if (typeof title === 'string' && title !== '') file.title = title;
      return file;
    });
    const channelReference = text(call.params, 'channel_id') ?? text(call.params, 'channels');
    if (channelReference !== undefined && channelReference !== '') {
      if (channelReference.includes(',')) throw new SlackApiError('invalid_arguments');
      const channel = channelArgument(
        { ...call, params: { channel: channelReference } },
        { member: false, allowUser: true },
      );
      postable(call, channel);
      for (const file of files) {
        file.completed = true;
        if (!file.channels.includes(channel.id)) file.channels.push(channel.id);
      }
      appendMessage(
        call.state,
        channel,
        call.actor,
        {
          text: text(call.params, 'initial_comment') ?? '',
          threadTs: text(call.params, 'thread_ts'),
          files: files.map((file) => file.id),
        },
        call.emit,
      );
    } else {
      for (const file of files) file.completed = true;
    }
    return { files: files.map((file) => fileJson(file, call.state)) };
  },
};

function reactionTarget(call: SlackCall): { channel: SlackChannel; message: SlackMessage; name: string } {
  const ts = text(call.params, 'timestamp');
  if (text(call.params, 'channel') === undefined || ts === undefined)
    throw new SlackApiError('no_item_specified');
  const channel = channelArgument(call, { member: true });
  const message = messageAt(channel, ts);
  const name = (text(call.params, 'name') ?? '').replace(/^:|:$/g, '');
  if (!/^[a-z0-9_+'-]+(::skin-tone-[2-6])?$/.test(name)) throw new SlackApiError('invalid_name');
  return { channel, message, name };
}

/** The Web API methods the emulator implements. */
export const SLACK_METHOD_NAMES: readonly string[] = Object.keys(METHODS);

/** Stores the bytes posted to an upload URL (`/upload/v1/<key>`); Slack answers `OK - <length>`. */
export function answerUpload(request: EmulatorRequest, state: SlackState, key: string): EmulatorResponse {
  const file = state.files.find((candidate) => candidate.uploadKey === key);
  if (file === undefined)
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
  const data = request.files[0]?.data ?? request.body;
  file.content = data.toString('base64');
  file.length = data.length;
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: `OK - ${data.length}` };
}

/** Posts as a (human) user, as people do in Slack; used by the test controls. */
export function postAsUser(
  state: SlackState,
  input: {
    readonly user: string;
    readonly channel: string;
    readonly text: string;
    readonly threadTs?: string;
  },
  emit: (event: Record<string, unknown>) => void,
): SlackMessage {
  const user = findUser(state, input.user);
  if (user === undefined) throw new SlackApiError('user_not_found');
  const channel = findChannel(state, input.channel);
  if (channel === undefined) throw new SlackApiError('channel_not_found');
  if (!channel.members.includes(user.id)) throw new SlackApiError('not_in_channel');
  return appendMessage(state, channel, user, { text: input.text, threadTs: input.threadTs }, emit);
}
