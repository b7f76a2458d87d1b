/** The workspace the emulator pretends to be. */
export interface SlackTeam {
  readonly id: string;
  readonly name: string;
  /** `https://<domain>.slack.com/` is the workspace URL auth.test reports. */
  readonly domain: string;
}

/** The Slack app installed in the workspace, with its bot user and credentials. */
export interface SlackApp {
  readonly id: string;
  readonly name: string;
  readonly botId: string;
  readonly botUserId: string;
  /** The bot token (`xoxb-…`) clients authenticate with. */
  readonly botToken: string;
  /** Signs Events API requests (v0 HMAC-SHA256). */
  readonly signingSecret: string;
  /** The deprecated verification token Slack still puts into event payloads. */
  readonly verificationToken: string;
}

export interface SlackUser {
  id: string;
  name: string;
  realName: string;
  displayName: string;
  email: string | undefined;
  isBot: boolean;
  botId: string | undefined;
  isAdmin: boolean;
  deleted: boolean;
  tz: string;
}

export interface SlackReaction {
  name: string;
  users: string[];
}

export interface SlackMessage {
  ts: string;
  /** The author (a user, or the bot user for bot posts). */
  user: string;
  botId: string | undefined;
  appId: string | undefined;
  text: string;
  blocks: unknown[] | undefined;
  /** Whether Slack parses `text` as mrkdwn (chat.postMessage `mrkdwn`, true unless the post said false). */
  mrkdwn: boolean;
  /** Set on thread replies (the parent's ts) and on parents that have replies (their own ts). */
  threadTs: string | undefined;
  /** A reply also shown in the channel. */
  replyBroadcast: boolean;
  subtype: string | undefined;
  edited: { user: string; ts: string } | undefined;
  reactions: SlackReaction[];
  /** Ids of files shared with the message. */
  files: string[];
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  isArchived: boolean;
  isGeneral: boolean;
  created: number;
  creator: string;
  members: string[];
  topic: string;
  purpose: string;
  /** Every message, top-level and replies, oldest first. */
  messages: SlackMessage[];
}

export interface SlackFile {
  id: string;
  name: string;
  title: string;
  length: number;
  altText: string | undefined;
  /** Base64 of the uploaded bytes; undefined until the upload URL received them. */
  content: string | undefined;
  /** The secret part of the upload URL. */
  uploadKey: string;
  user: string;
  created: number;
  completed: boolean;
  channels: string[];
}

export interface SlackToken {
  readonly token: string;
  readonly userId: string;
  readonly kind: 'bot' | 'user';
  scopes: string[];
  revoked: boolean;
}

export interface SlackScheduledMessage {
  id: string;
  channel: string;
  postAt: number;
  text: string;
  blocks: unknown[] | undefined;
  threadTs: string | undefined;
  dateCreated: number;
}

export interface SlackEphemeralMessage {
  messageTs: string;
  channel: string;
  user: string;
  text: string;
}

/** Where and how the emulator delivers Events API requests. */
export interface SlackEventsConfig {
  /** The app's Request URL; no events are sent while it is unset. */
  requestUrl: string | undefined;
  /** Inner event types delivered (`message`, `app_mention` …); every type when undefined. */
  types: string[] | undefined;
  /**
   * Waits before each retry. Slack retries a failed delivery three times: at once, after one
   * minute and after five minutes (`[0, 60_000, 300_000]`, the default).
   */
  retryDelaysMs: number[];
  /** How long a delivery may take before it counts as failed (`http_timeout`). Slack: 3 s. */
  timeoutMs: number;
}

/** One delivery attempt of an event, as the emulator records it. */
export interface SlackDelivery {
  readonly eventId: string;
  readonly eventType: string;
  /** 0 for the first attempt, then the `X-Slack-Retry-Num` sent. */
  readonly attempt: number;
  readonly ok: boolean;
  readonly status: number | undefined;
  /** Why the attempt failed, in Slack's words (`http_error`, `http_timeout`, `connection_failed`). */
  readonly reason: string | undefined;
  readonly time: number;
}

export interface SlackState {
  team: SlackTeam;
  app: SlackApp;
  users: SlackUser[];
  channels: SlackChannel[];
  files: SlackFile[];
  tokens: SlackToken[];
  scheduledMessages: SlackScheduledMessage[];
  ephemeralMessages: SlackEphemeralMessage[];
  events: SlackEventsConfig;
  deliveries: SlackDelivery[];
  /** Id and timestamp generators. */
  counters: { id: number; lastTsMicros: number; event: number };
}

export interface SlackUserSeed {
  readonly id?: string;
  readonly name: string;
  readonly realName?: string;
  readonly displayName?: string;
  readonly email?: string;
  readonly isBot?: boolean;
  readonly isAdmin?: boolean;
  readonly deleted?: boolean;
  readonly tz?: string;
  /** A user token (`xoxp-…`) for this user, with these scopes (all when absent). */
  readonly token?: string;
  readonly scopes?: readonly string[];
}

export interface SlackMessageSeed {
  /** Author: user id or name. */
  readonly user: string;
  readonly text: string;
  /** Replies in the message's thread. */
  readonly replies?: readonly { readonly user: string; readonly text: string }[];
  readonly reactions?: readonly { readonly name: string; readonly users: readonly string[] }[];
}

export interface SlackChannelSeed {
  readonly id?: string;
  readonly name: string;
  readonly isPrivate?: boolean;
  readonly isArchived?: boolean;
  readonly topic?: string;
  readonly purpose?: string;
  /** Members by id or name; every seeded user when absent. */
  readonly members?: readonly string[];
  /** Whether the app's bot is a member. Default true. */
  readonly botMember?: boolean;
  /** Messages, oldest first. */
  readonly messages?: readonly SlackMessageSeed[];
}

/** Initial data of the Slack emulator. Lists given replace the defaults; absent ones keep them. */
export interface SlackSeed {
  readonly team?: Partial<SlackTeam>;
  readonly app?: Partial<Omit<SlackApp, 'botToken'>> & {
    readonly botToken?: string;
    /** Scopes of the bot token; a generous default set when absent. */
    readonly scopes?: readonly string[];
  };
  readonly users?: readonly SlackUserSeed[];
  readonly channels?: readonly SlackChannelSeed[];
  readonly events?: Partial<SlackEventsConfig>;
}

/** The bot token of the default seed. */
export const SLACK_SANDBOX_BOT_TOKEN = 'xoxb-sandbox-bot-token';
/** The signing secret of the default seed. */
export const SLACK_SANDBOX_SIGNING_SECRET = 'sandbox-signing-secret-8f742231b10e';

/** Scopes of the default bot token: everything the Connector Kit Slack connector uses. */
export const DEFAULT_BOT_SCOPES: readonly string[] = [
  'chat:write',
  'channels:read',
  'channels:history',
  'channels:manage',
  'channels:join',
  'groups:read',
  'groups:history',
  'groups:write',
  'im:read',
  'im:history',
  'im:write',
  'mpim:read',
  'mpim:history',
  'users:read',
  'users:read.email',
  'reactions:read',
  'reactions:write',
  'files:read',
  'files:write',
];

const DEFAULT_USERS: readonly SlackUserSeed[] = [
  { name: 'alice', realName: 'Alice Archer', email: 'alice@sandbox.example', isAdmin: true },
  { name: 'bob', realName: 'Bob Baker', email: 'bob@sandbox.example' },
  { name: 'carol', realName: 'Carol Chen', email: 'carol@sandbox.example', tz: 'Europe/Amsterdam' },
];

const DEFAULT_CHANNELS: readonly SlackChannelSeed[] = [
  {
    name: 'general',
    topic: 'Company-wide announcements',
    purpose: 'This channel is for workspace-wide communication.',
    messages: [
      {
        user: 'alice',
        text: 'Welcome to the sandbox workspace!',
        replies: [{ user: 'bob', text: 'Thanks!' }],
      },
      { user: 'bob', text: 'Deploy finished :rocket:' },
    ],
  },
  { name: 'random', purpose: 'Non-work banter', members: ['alice', 'bob'], botMember: false },
  { name: 'engineering', isPrivate: true, members: ['alice', 'carol'] },
];

const SEED_EPOCH_OFFSET_SECONDS = 24 * 3600;

/** Builds the emulator state from a seed (the default workspace when absent). */
export function createSlackState(seed: SlackSeed | undefined): SlackState {
  const counters = { id: 0, lastTsMicros: 0, event: 0 };
  const nextId = (prefix: string): string => `${prefix}${String(++counters.id).padStart(8, '0')}`;
  const team: SlackTeam = {
    id: seed?.team?.id ?? 'T0SANDBOX',
    name: seed?.team?.name ?? 'Sandbox',
    domain: seed?.team?.domain ?? 'sandbox',
  };
  const app: SlackApp = {
    id: seed?.app?.id ?? 'A0SANDBOX',
    name: seed?.app?.name ?? 'sandbox-bot',
    botId: seed?.app?.botId ?? 'B0SANDBOX',
    botUserId: seed?.app?.botUserId ?? 'U0SANDBOXBOT',
    botToken: seed?.app?.botToken ?? SLACK_SANDBOX_BOT_TOKEN,
    signingSecret: seed?.app?.signingSecret ?? SLACK_SANDBOX_SIGNING_SECRET,
    verificationToken: seed?.app?.verificationToken ?? 'sandboxVerificationToken',
  };
  const botUser: SlackUser = {
    id: app.botUserId,
    name: app.name,
    realName: app.name,
    displayName: app.name,
    email: undefined,
    isBot: true,
    botId: app.botId,
    isAdmin: false,
    deleted: false,
    tz: 'UTC',
  };
  const users: SlackUser[] = [botUser];
  const tokens: SlackToken[] = [
    {
      token: app.botToken,
      userId: app.botUserId,
      kind: 'bot',
      scopes: [...(seed?.app?.scopes ?? DEFAULT_BOT_SCOPES)],
      revoked: false,
    },
  ];
  for (const userSeed of seed?.users ?? DEFAULT_USERS) {
    const user: SlackUser = {
      id: userSeed.id ?? nextId('U'),
      name: userSeed.name,
      realName: userSeed.realName ?? userSeed.name,
      displayName: userSeed.displayName ?? userSeed.name,
      email: userSeed.email,
      isBot: userSeed.isBot ?? false,
      botId: undefined,
      isAdmin: userSeed.isAdmin ?? false,
      deleted: userSeed.deleted ?? false,
      tz: userSeed.tz ?? 'UTC',
    };
    users.push(user);
    if (userSeed.token !== undefined) {
      tokens.push({
        token: userSeed.token,
        userId: user.id,
        kind: 'user',
        scopes: [...(userSeed.scopes ?? DEFAULT_BOT_SCOPES)],
        revoked: false,
      });
    }
  }
  const userId = (reference: string): string => {
    const user = users.find((candidate) => candidate.id === reference || candidate.name === reference);
    if (user === undefined) throw new Error(`Slack seed: unknown user '${reference}'`);
    return user.id;
  };

  const state: SlackState = {
    team,
    app,
    users,
    channels: [],
    files: [],
    tokens,
    scheduledMessages: [],
    ephemeralMessages: [],
    events: {
      requestUrl: seed?.events?.requestUrl,
      types: seed?.events?.types,
      retryDelaysMs: seed?.events?.retryDelaysMs ?? [0, 60_000, 300_000],
      timeoutMs: seed?.events?.timeoutMs ?? 3_000,
    },
    deliveries: [],
    counters,
  };

  // Seeded history lies in the past, one second apart, so that new posts are always newer.
  let seedClock = Math.floor(Date.now() / 1000) - SEED_EPOCH_OFFSET_SECONDS;
  const seedTs = (): string => formatTs(++seedClock * 1_000_000);
  const humans = users.filter((user) => !user.isBot).map((user) => user.id);
  for (const [index, channelSeed] of (seed?.channels ?? DEFAULT_CHANNELS).entries()) {
    const members = channelSeed.members === undefined ? [...humans] : channelSeed.members.map(userId);
    if (channelSeed.botMember !== false && !members.includes(app.botUserId)) members.push(app.botUserId);
    const channel: SlackChannel = {
      id: channelSeed.id ?? nextId(channelSeed.isPrivate === true ? 'G' : 'C'),
      name: channelSeed.name,
      isPrivate: channelSeed.isPrivate ?? false,
      isIm: false,
      isArchived: channelSeed.isArchived ?? false,
      isGeneral: seed?.channels === undefined ? index === 0 : channelSeed.name === 'general',
      created: seedClock,
      creator: humans[0] ?? app.botUserId,
      members,
      topic: channelSeed.topic ?? '',
      purpose: channelSeed.purpose ?? '',
      messages: [],
    };
    for (const messageSeed of channelSeed.messages ?? []) {
      const parent = seededMessage(userId(messageSeed.user), messageSeed.text, seedTs());
      parent.reactions = (messageSeed.reactions ?? []).map((reaction) => ({
        name: reaction.name,
        users: reaction.users.map(userId),
      }));
      channel.messages.push(parent);
      for (const reply of messageSeed.replies ?? []) {
        parent.threadTs = parent.ts;
        const message = seededMessage(userId(reply.user), reply.text, seedTs());
        message.threadTs = parent.ts;
        channel.messages.push(message);
      }
    }
    state.channels.push(channel);
  }
  counters.lastTsMicros = seedClock * 1_000_000;
  return state;
}

function seededMessage(user: string, text: string, ts: string): SlackMessage {
  return {
    ts,
    user,
    botId: undefined,
    appId: undefined,
    text,
    blocks: undefined,
    mrkdwn: true,
    threadTs: undefined,
    replyBroadcast: false,
    subtype: undefined,
    edited: undefined,
    reactions: [],
    files: [],
  };
}

/** `1712345678.000123`: seconds, a dot, six digits — Slack's message timestamp, unique per emulator. */
export function formatTs(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

/** A new message timestamp, strictly increasing. */
export function nextTs(state: SlackState): string {
  const now = Date.now() * 1000;
  state.counters.lastTsMicros = Math.max(now, state.counters.lastTsMicros + 1);
  return formatTs(state.counters.lastTsMicros);
}

/** A new object id with Slack's type prefix (`C` channel, `F` file, `Q` scheduled message …). */
export function nextId(state: SlackState, prefix: string): string {
  return `${prefix}${String(++state.counters.id).padStart(8, '0')}`;
}

/** Compares two Slack timestamps. */
export function compareTs(a: string, b: string): number {
  const [aSeconds = 0, aMicros = 0] = a.split('.').map(Number);
  const [bSeconds = 0, bMicros = 0] = b.split('.').map(Number);
  return aSeconds === bSeconds ? aMicros - bMicros : aSeconds - bSeconds;
}

/** Finds a channel by id or name (`general`, `#general`). */
export function findChannel(state: SlackState, reference: string): SlackChannel | undefined {
  const name = reference.replace(/^#/, '');
  return state.channels.find(
    (channel) => channel.id === reference || (!channel.isIm && channel.name === name),
  );
}

/** Finds a user by id, name or email. */
export function findUser(state: SlackState, reference: string): SlackUser | undefined {
  const lower = reference.toLowerCase();
  return state.users.find(
    (user) => user.id === reference || user.name === reference || user.email?.toLowerCase() === lower,
  );
}

/** The replies of a thread, oldest first. */
export function repliesOf(channel: SlackChannel, parentTs: string): SlackMessage[] {
  return channel.messages.filter((message) => message.threadTs === parentTs && message.ts !== parentTs);
}

// ------------------------------------------------------------------ wire format

/** A channel as the Web API returns it (conversations.info / list / create). */
export function channelJson(channel: SlackChannel, viewer: string, team: SlackTeam): Record<string, unknown> {
  if (channel.isIm) {
    return {
      id: channel.id,
      created: channel.created,
      is_im: true,
      is_org_shared: false,
      user: channel.members.find((member) => member !== viewer) ?? viewer,
      is_user_deleted: false,
      priority: 0,
    };
  }
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.isPrivate,
    is_group: channel.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate,
    created: channel.created,
    is_archived: channel.isArchived,
    is_general: channel.isGeneral,
    unlinked: 0,
    name_normalized: channel.name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: team.id,
    updated: channel.created * 1000,
    creator: channel.creator,
    is_ext_shared: false,
    shared_team_ids: [team.id],
    is_member: channel.members.includes(viewer),
    topic: { value: channel.topic, creator: channel.topic === '' ? '' : channel.creator, last_set: 0 },
    purpose: { value: channel.purpose, creator: channel.purpose === '' ? '' : channel.creator, last_set: 0 },
    previous_names: [],
    num_members: channel.members.length,
  };
}

/** A user as users.info / users.list return it; the email only with `users:read.email`. */
export function userJson(user: SlackUser, team: SlackTeam, showEmail: boolean): Record<string, unknown> {
  return {
    id: user.id,
    team_id: team.id,
    name: user.name,
    deleted: user.deleted,
    color: '9f69e7',
    real_name: user.realName,
    tz: user.tz,
    tz_label: user.tz,
    tz_offset: 0,
    profile: {
      real_name: user.realName,
      real_name_normalized: user.realName,
      display_name: user.displayName,
      display_name_normalized: user.displayName,
      ...(showEmail && user.email !== undefined ? { email: user.email } : {}),
      ...(user.botId === undefined ? {} : { bot_id: user.botId }),
      team: team.id,
    },
    is_admin: user.isAdmin,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: 0,
  };
}

/** A message as conversations.history / replies and chat.* return it. */
export function messageJson(
  message: SlackMessage,
  channel: SlackChannel,
  state: SlackState,
): Record<string, unknown> {
  const replies = message.threadTs === message.ts ? repliesOf(channel, message.ts) : [];
  const parent =
    message.threadTs !== undefined && message.threadTs !== message.ts
      ? channel.messages.find((candidate) => candidate.ts === message.threadTs)
      : undefined;
  const replyUsers = [...new Set(replies.map((reply) => reply.user))];
  return {
    type: 'message',
    ...(message.subtype === undefined ? {} : { subtype: message.subtype }),
    user: message.user,
    text: message.text,
    ts: message.ts,
    team: state.team.id,
    ...(message.botId === undefined ? {} : { bot_id: message.botId, app_id: message.appId }),
    ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
    ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
    ...(parent === undefined ? {} : { parent_user_id: parent.user }),
    ...(message.replyBroadcast ? { subtype: 'thread_broadcast' } : {}),
    ...(replies.length === 0
      ? {}
      : {
          reply_count: replies.length,
          reply_users_count: replyUsers.length,
          reply_users: replyUsers,
          latest_reply: replies[replies.length - 1]?.ts,
          is_locked: false,
          subscribed: false,
        }),
    ...(message.edited === undefined ? {} : { edited: message.edited }),
    ...(message.reactions.length === 0
      ? {}
      : {
          reactions: message.reactions.map((reaction) => ({
            name: reaction.name,
            users: reaction.users,
            count: reaction.users.length,
          })),
        }),
    ...(message.files.length === 0
      ? {}
      : {
          files: message.files
            .map((id) => state.files.find((file) => file.id === id))
            .filter((file): file is SlackFile => file !== undefined)
            .map((file) => fileJson(file, state)),
        }),
  };
}

/** A file as files.completeUploadExternal returns it. */
export function fileJson(file: SlackFile, state: SlackState): Record<string, unknown> {
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? 'txt';
  return {
    id: file.id,
    created: file.created,
    timestamp: file.created,
    name: file.name,
    title: file.title,
    mimetype: MIME_TYPES[extension] ?? 'application/octet-stream',
    filetype: extension,
    pretty_type: extension.toUpperCase(),
    user: file.user,
    user_team: state.team.id,
    editable: false,
    size: file.length,
    mode: 'hosted',
    is_external: false,
    external_type: '',
    is_public: file.channels.some((id) => findChannel(state, id)?.isPrivate === false),
    public_url_shared: false,
    display_as_bot: false,
    username: '',
    url_private: `https://files.slack.com/files-pri/${state.team.id}-${file.id}/${encodeURIComponent(file.name)}`,
    permalink: `https://${state.team.domain}.slack.com/files/${file.user}/${file.id}/${encodeURIComponent(file.name)}`,
    ...(file.altText === undefined ? {} : { alt_txt: file.altText }),
    channels: file.channels.filter((id) => findChannel(state, id)?.isPrivate === false),
    groups: file.channels.filter((id) => findChannel(state, id)?.isPrivate === true),
    ims: [],
    comments_count: 0,
  };
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  md: 'text/markdown',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
};
