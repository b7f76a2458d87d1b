import { type Static, Type } from '@connectorkit/core';

/** A channel id (C…, G…, D…) or, where Slack accepts one, a channel name. */
export function channelReference(
  description = 'Channel id (C0123ABCD) — names such as #general work for posting, ids everywhere',
) {
  return Type.String({ minLength: 1, description });
}
export const ChannelReference = channelReference();

/** A message timestamp: Slack's id of a message within its channel. */
export function messageTs(
  description = 'Message timestamp (ts), e.g. 1712345678.000100 — the id of a message within its channel',
) {
  return Type.String({ pattern: '^\\d+\\.\\d+$', description });
}
export const MessageTs = messageTs();

/** Block Kit blocks, passed to Slack as they are. */
export const Blocks = Type.Array(Type.Record(Type.String(), Type.Unknown()), {
  maxItems: 50,
  description: 'Block Kit blocks (https://api.slack.com/block-kit); `text` is then the notification fallback',
});

export const Reaction = Type.Object({
  name: Type.String(),
  count: Type.Integer(),
  users: Type.Array(Type.String()),
});

export const FileSummary = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  mimetype: Type.Optional(Type.String()),
  size: Type.Optional(Type.Integer()),
  permalink: Type.Optional(Type.String()),
});
export type FileSummary = Static<typeof FileSummary>;

export const Message = Type.Object({
  ts: Type.String({ description: 'Timestamp: the id of the message within its channel' }),
  text: Type.String(),
  user: Type.Optional(Type.String({ description: 'Author (user id)' })),
  botId: Type.Optional(Type.String({ description: 'Set when a bot posted it' })),
  subtype: Type.Optional(Type.String()),
  threadTs: Type.Optional(Type.String({ description: 'ts of the thread parent (equal to ts on a parent)' })),
  replyCount: Type.Optional(Type.Integer()),
  latestReply: Type.Optional(Type.String()),
  edited: Type.Optional(Type.Object({ user: Type.String(), ts: Type.String() })),
  reactions: Type.Optional(Type.Array(Reaction)),
  files: Type.Optional(Type.Array(FileSummary)),
  blocks: Type.Optional(Blocks),
});
export type Message = Static<typeof Message>;

export const Channel = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String({ description: 'Absent for direct messages' })),
  isPrivate: Type.Boolean(),
  isArchived: Type.Boolean(),
  isMember: Type.Boolean({ description: 'Whether the bot is a member' }),
  isIm: Type.Boolean(),
  isGeneral: Type.Boolean(),
  created: Type.Integer({ description: 'Unix time (seconds)' }),
  creator: Type.Optional(Type.String()),
  topic: Type.Optional(Type.String()),
  purpose: Type.Optional(Type.String()),
  numMembers: Type.Optional(Type.Integer()),
});
export type Channel = Static<typeof Channel>;

export const User = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'Handle' }),
  realName: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  email: Type.Optional(Type.String({ description: 'Needs the users:read.email scope' })),
  teamId: Type.Optional(Type.String()),
  isBot: Type.Boolean(),
  isAdmin: Type.Boolean(),
  deleted: Type.Boolean(),
  tz: Type.Optional(Type.String()),
});
export type User = Static<typeof User>;

// ------------------------------------------------------------------ mapping from the wire format

/** `{ key: value }` when the value is there, `{}` otherwise — optional fields under exactOptionalPropertyTypes. */
export function optional<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === undefined || value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** A message as the Web API returns it (snake_case), loosely typed: only what is read. */
export interface WireMessage {
  readonly ts?: string | undefined;
  readonly text?: string | undefined;
  readonly user?: string | undefined;
  readonly bot_id?: string | undefined;
  readonly subtype?: string | undefined;
  readonly thread_ts?: string | undefined;
  readonly reply_count?: number | undefined;
  readonly latest_reply?: string | undefined;
  readonly edited?: { readonly user?: string | undefined; readonly ts?: string | undefined } | undefined;
  readonly reactions?:
    | readonly {
        readonly name?: string | undefined;
        readonly count?: number | undefined;
        readonly users?: string[] | undefined;
      }[]
    | undefined;
  readonly files?: readonly WireFile[] | undefined;
  readonly blocks?: readonly unknown[] | undefined;
}

export interface WireFile {
  readonly id?: string | undefined;
  readonly name?: string | undefined;
  readonly title?: string | undefined;
  readonly mimetype?: string | undefined;
  readonly size?: number | undefined;
  readonly permalink?: string | undefined;
}

export function toMessage(wire: WireMessage): Message {
  const edited = wire.edited;
  return {
    ts: wire.ts ?? '',
    text: wire.text ?? '',
    ...optional('user', wire.user),
    ...optional('botId', wire.bot_id),
    ...optional('subtype', wire.subtype),
    ...optional('threadTs', wire.thread_ts),
    ...optional('replyCount', integer(wire.reply_count)),
    ...optional('latestReply', wire.latest_reply),
    ...optional(
      'edited',
      edited?.user !== undefined && edited.ts !== undefined
        ? { user: edited.user, ts: edited.ts }
        : undefined,
    ),
    ...optional(
      'reactions',
      wire.reactions?.map((reaction) => ({
        name: reaction.name ?? '',
        count: reaction.count ?? reaction.users?.length ?? 0,
        users: reaction.users ?? [],
      })),
    ),
    ...optional('files', wire.files?.map(toFileSummary)),
    ...optional('blocks', wire.blocks as Record<string, unknown>[] | undefined),
  };
}

export function toFileSummary(wire: WireFile): FileSummary {
  return {
    id: wire.id ?? '',
    ...optional('name', wire.name),
    ...optional('title', wire.title),
    ...optional('mimetype', wire.mimetype),
    ...optional('size', integer(wire.size)),
    ...optional('permalink', wire.permalink),
  };
}

/** A channel as the Web API returns it. */
export interface WireChannel {
  readonly id?: string | undefined;
  readonly name?: string | undefined;
  readonly is_private?: boolean | undefined;
  readonly is_archived?: boolean | undefined;
  readonly is_member?: boolean | undefined;
  readonly is_im?: boolean | undefined;
  readonly is_general?: boolean | undefined;
  readonly created?: number | undefined;
  readonly creator?: string | undefined;
  readonly topic?: { readonly value?: string | undefined } | undefined;
  readonly purpose?: { readonly value?: string | undefined } | undefined;
  readonly num_members?: number | undefined;
}

export function toChannel(wire: WireChannel): Channel {
  return {
    id: wire.id ?? '',
    ...optional('name', wire.name),
    isPrivate: wire.is_private === true,
    isArchived: wire.is_archived === true,
    isMember: wire.is_member === true || wire.is_im === true,
    isIm: wire.is_im === true,
    isGeneral: wire.is_general === true,
    created: integer(wire.created) ?? 0,
    ...optional('creator', text(wire.creator)),
    ...optional('topic', text(wire.topic?.value)),
    ...optional('purpose', text(wire.purpose?.value)),
    ...optional('numMembers', integer(wire.num_members)),
  };
}

/** A user as the Web API returns it. */
export interface WireUser {
  readonly id?: string | undefined;
  readonly name?: string | undefined;
  readonly real_name?: string | undefined;
  readonly team_id?: string | undefined;
  readonly is_bot?: boolean | undefined;
  readonly is_admin?: boolean | undefined;
  readonly deleted?: boolean | undefined;
  readonly tz?: string | undefined;
  readonly profile?:
    | {
        readonly real_name?: string | undefined;
        readonly display_name?: string | undefined;
        readonly email?: string | undefined;
      }
    | undefined;
}

export function toUser(wire: WireUser): User {
  return {
    id: wire.id ?? '',
    name: wire.name ?? '',
    ...optional('realName', wire.real_name ?? wire.profile?.real_name),
    ...optional('displayName', wire.profile?.display_name),
    ...optional('email', wire.profile?.email),
    ...optional('teamId', wire.team_id),
    isBot: wire.is_bot === true,
    isAdmin: wire.is_admin === true,
    deleted: wire.deleted === true,
    ...optional('tz', wire.tz),
  };
}
