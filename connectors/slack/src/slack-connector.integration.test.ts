import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionConfig, createKit, type Kit } from '@connectorkit/core';
import { type EmulatorFor, type Sandbox, startSandbox, startSandboxes } from '@connectorkit/sandbox';
import { CANARY_SECRET, errorTexts, failureOf } from '@connectorkit/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackConnector } from './slack-connector.js';

// Every action runs through the kit, the connector and the real @slack/web-api WebClient against
// the Slack emulator of @connectorkit/sandbox: nothing is stubbed.

let slack: Sandbox<EmulatorFor<'slack'>>;
const kits: Kit[] = [];

function kitFor(connection: Readonly<Record<string, unknown>>) {
  const kit = createKit({
    connectors: [slackConnector],
    connections: { slack: { connector: 'slack', ...connection } as ConnectionConfig },
    logger: { level: 'silent' },
  });
  kits.push(kit as unknown as Kit);
  return kit;
}

let kit: ReturnType<typeof kitFor>;

const id = {
  channel: (name: string): string => slack.controls.channel(name)?.id ?? '',
  user: (name: string): string => slack.controls.user(name)?.id ?? '',
};

beforeAll(async () => {
  slack = await startSandbox('slack');
  kit = kitFor({ token: slack.credentials.botToken, baseUrl: slack.credentials.apiUrl });
});

afterAll(async () => {
  await Promise.all(kits.map((each) => each.close()));
  await slack.close();
});

beforeEach(() => {
  slack.reset();
});

describe('messages', () => {
  it('posts to a channel by name, replies in the thread and reads the thread back', async () => {
    const posted = await kit.invoke('slack.postMessage', { channel: '#general', text: 'Deploy *started*' });
    expect(posted).toMatchObject({
      channel: id.channel('general'),
      message: { text: 'Deploy *started*', botId: 'B0SANDBOX' },
    });
    expect(posted.ts).toMatch(/^\d+\.\d{6}$/);
    const reply = await kit.invoke('slack.postMessage', {
      channel: posted.channel,
      text: 'Done',
      threadTs: posted.ts,
    });
    expect(reply.message.threadTs).toBe(posted.ts);
    const thread = await kit.invoke('slack.replies', { channel: posted.channel, ts: posted.ts });
    expect(thread.messages.map((message) => message.text)).toEqual(['Deploy *started*', 'Done']);
    expect(thread.messages[0]).toMatchObject({ replyCount: 1, threadTs: posted.ts });
  });

  it('posts blocks, and opens a DM when given a user id', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Build* passed' } }];
    const withBlocks = await kit.invoke('slack.postMessage', {
      channel: id.channel('general'),
      text: 'Build passed',
      blocks,
    });
    expect(withBlocks.message.blocks).toEqual(blocks);
    const direct = await kit.invoke('slack.postMessage', { channel: id.user('carol'), text: 'psst' });
    expect(direct.channel).toMatch(/^D/);
    expect(slack.controls.messages(direct.channel).map((message) => message.text)).toEqual(['psst']);
  });

  it('passes mrkdwn: false to Slack, and leaves mrkdwn parsing on otherwise', async () => {
    const plain = await kit.invoke('slack.postMessage', {
      channel: 'general',
      text: 'literal *asterisks*',
      mrkdwn: false,
    });
    const formatted = await kit.invoke('slack.postMessage', { channel: 'general', text: '*bold*' });
    const flags = new Map(slack.controls.messages('general').map((message) => [message.ts, message.mrkdwn]));
    expect(flags.get(plain.ts)).toBe(false);
    expect(flags.get(formatted.ts)).toBe(true);
  });

  it('rejects a message without text or blocks before calling Slack', async () => {
    const error = await failureOf(kit.invoke('slack.postMessage', { channel: 'C1' }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: '$.text' });
    expect(slack.requests).toEqual([]);
  });

  it('updates and deletes its messages', async () => {
    const posted = await kit.invoke('slack.postMessage', { channel: 'general', text: 'v1' });
    expect(
      await kit.invoke('slack.updateMessage', { channel: posted.channel, ts: posted.ts, text: 'v2' }),
    ).toEqual({
      channel: posted.channel,
      ts: posted.ts,
      text: 'v2',
    });
    const [newest] = (await kit.invoke('slack.history', { channel: posted.channel, pageSize: 1 })).messages;
    expect(newest).toMatchObject({ text: 'v2', edited: { user: slack.credentials.botUserId } });
    await kit.invoke('slack.deleteMessage', { channel: posted.channel, ts: posted.ts });
    expect(slack.controls.messages('general').some((message) => message.ts === posted.ts)).toBe(false);
    const gone = await failureOf(
      kit.invoke('slack.deleteMessage', { channel: posted.channel, ts: posted.ts }),
    );
    expect(gone).toMatchObject({
      code: 'NOT_FOUND',
      vendorCode: 'message_not_found',
      action: 'deleteMessage',
    });
  });

  it("may not edit someone else's message", async () => {
    const [welcome] = slack.controls.messages('general');
    const error = await failureOf(
      kit.invoke('slack.updateMessage', { channel: id.channel('general'), ts: welcome?.ts ?? '', text: 'x' }),
    );
    expect(error).toMatchObject({ code: 'FORBIDDEN', vendorCode: 'cant_update_message' });
  });

  it('posts an ephemeral message to a member only', async () => {
    const result = await kit.invoke('slack.postEphemeral', {
      channel: id.channel('general'),
      user: id.user('alice'),
      text: 'only you',
    });
    expect(result.messageTs).toMatch(/^\d+\.\d{6}$/);
    expect(slack.state.ephemeralMessages).toMatchObject([{ user: id.user('alice'), text: 'only you' }]);
    const unknown = await failureOf(
      kit.invoke('slack.postEphemeral', { channel: id.channel('general'), user: 'U404', text: 'x' }),
    );
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', vendorCode: 'user_not_found' });
    const { channel } = await kit.invoke('slack.createChannel', { name: 'bot-only' });
    const notMember = await failureOf(
      kit.invoke('slack.postEphemeral', { channel: channel.id, user: id.user('alice'), text: 'x' }),
    );
    expect(notMember).toMatchObject({ code: 'INVALID_INPUT', vendorCode: 'user_not_in_channel' });
    expect(slack.state.ephemeralMessages).toHaveLength(1);
  });

  it('schedules a message from an ISO date or Unix seconds', async () => {
    const at = new Date(Date.now() + 3_600_000);
    const scheduled = await kit.invoke('slack.scheduleMessage', {
      channel: 'general',
      postAt: at.toISOString(),
      text: 'later',
    });
    expect(scheduled).toMatchObject({
      channel: id.channel('general'),
      postAt: Math.floor(at.getTime() / 1000),
    });
    expect(scheduled.scheduledMessageId).toMatch(/^Q/);
    const seconds = Math.floor(Date.now() / 1000) + 7_200;
    const fromSeconds = await kit.invoke('slack.scheduleMessage', {
      channel: 'general',
      postAt: seconds,
      text: 'even later',
    });
    expect(fromSeconds.postAt).toBe(seconds);
    const past = await failureOf(
      kit.invoke('slack.scheduleMessage', { channel: 'general', postAt: 1_000, text: 'x' }),
    );
    expect(past).toMatchObject({ code: 'INVALID_INPUT', vendorCode: 'time_in_past' });
    expect(slack.controls.runScheduled({ all: true }).map((message) => message.text)).toEqual([
      'later',
      'even later',
    ]);
  });
});

describe('reactions and files', () => {
  it('adds and removes reactions idempotently', async () => {
    const posted = await kit.invoke('slack.postMessage', { channel: 'general', text: 'ship it?' });
    const target = { channel: posted.channel, ts: posted.ts };
    expect(await kit.invoke('slack.addReaction', { ...target, name: ':white_check_mark:' })).toMatchObject({
      name: 'white_check_mark',
      changed: true,
    });
    expect((await kit.invoke('slack.addReaction', { ...target, name: 'white_check_mark' })).changed).toBe(
      false,
    );
    const [message] = (await kit.invoke('slack.history', { channel: posted.channel, pageSize: 1 })).messages;
    expect(message?.reactions).toEqual([
      { name: 'white_check_mark', count: 1, users: [slack.credentials.botUserId] },
    ]);
    expect((await kit.invoke('slack.removeReaction', { ...target, name: 'white_check_mark' })).changed).toBe(
      true,
    );
    expect((await kit.invoke('slack.removeReaction', { ...target, name: 'white_check_mark' })).changed).toBe(
      false,
    );
    const missing = await failureOf(
      kit.invoke('slack.addReaction', { channel: posted.channel, ts: '1.000001', name: 'eyes' }),
    );
    expect(missing.vendorCode).toBe('message_not_found');
  });

  it('uploads text and binary files through the upload v2 flow and shares them', async () => {
    const text = await kit.invoke('slack.uploadFile', {
      channel: id.channel('general'),
      filename: 'report.csv',
      content: 'region,total\nnorth,42\n',
      title: 'Weekly report',
      initialComment: 'Here it is',
    });
    expect(text.files).toMatchObject([{ name: 'report.csv', title: 'Weekly report', mimetype: 'text/csv' }]);
    expect(slack.controls.fileContent(text.files[0]?.id ?? '')?.toString()).toBe('region,total\nnorth,42\n');
    expect(slack.controls.messages('general').at(-1)).toMatchObject({
      text: 'Here it is',
      files: [text.files[0]?.id],
    });

    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const binary = await kit.invoke('slack.uploadFile', {
      filename: 'pixel.png',
      contentBase64: bytes.toString('base64'),
    });
    expect(slack.controls.fileContent(binary.files[0]?.id ?? '')?.equals(bytes)).toBe(true);

    const both = await failureOf(
      kit.invoke('slack.uploadFile', { filename: 'x.txt', content: 'a', contentBase64: 'YQ==' }),
    );
    expect(both).toMatchObject({ code: 'INVALID_INPUT', path: '$.content' });
  });
});

describe('channels, history and users — with pagination', () => {
  const sevenChannels = {
    channels: ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'].map((name) => ({ name })),
  };

  it('lists channels one page at a time, resuming from the cursor, or all pages at once', async () => {
    slack.reset(sevenChannels);
    const first = await kit.invoke('slack.listChannels', { pageSize: 3 });
    expect(first.channels.map((channel) => channel.name)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(first).toMatchObject({ pages: 1, nextCursor: expect.any(String) });
    const second = await kit.invoke('slack.listChannels', { pageSize: 3, cursor: first.nextCursor ?? '' });
    expect(second.channels.map((channel) => channel.name)).toEqual(['delta', 'echo', 'foxtrot']);
    const all = await kit.invoke('slack.listChannels', { pageSize: 3, all: true });
    expect(all).toMatchObject({ pages: 3, nextCursor: null });
    expect(all.channels).toHaveLength(7);
    expect(all.channels[0]).toMatchObject({
      name: 'alpha',
      isPrivate: false,
      isMember: true,
      isArchived: false,
    });
    const capped = await kit.invoke('slack.listChannels', { pageSize: 3, all: true, maxItems: 5 });
    expect(capped.channels.map((channel) => channel.name)).toEqual([
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
    ]);
    const rest = await kit.invoke('slack.listChannels', {
      pageSize: 3,
      all: true,
      cursor: capped.nextCursor ?? '',
    });
    expect(rest.channels.map((channel) => channel.name)).toEqual(['foxtrot', 'golf']);
  });

  it('reads history across three pages, newest first', async () => {
    slack.reset({
      channels: [
        { name: 'ops', messages: [1, 2, 3, 4, 5, 6].map((n) => ({ user: 'alice', text: `m${n}` })) },
      ],
    });
    const all = await kit.invoke('slack.history', { channel: id.channel('ops'), pageSize: 2, all: true });
    expect(all.pages).toBe(3);
    expect(all.messages.map((message) => message.text)).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1']);
    expect(all.nextCursor).toBeNull();
    const historyCalls = slack.requests.filter((request) => request.route === 'conversations.history');
    expect(historyCalls).toHaveLength(3);
    const older = await kit.invoke('slack.history', {
      channel: id.channel('ops'),
      latest: all.messages[2]?.ts ?? '',
    });
    expect(older.messages.map((message) => message.text)).toEqual(['m3', 'm2', 'm1']);
  });

  it('gets, creates and invites to channels', async () => {
    const created = await kit.invoke('slack.createChannel', { name: 'incident-42' });
    expect(created.channel).toMatchObject({ name: 'incident-42', isMember: true, isPrivate: false });
    const taken = await failureOf(kit.invoke('slack.createChannel', { name: 'incident-42' }));
    expect(taken).toMatchObject({ code: 'CONFLICT', vendorCode: 'name_taken' });
    const invited = await kit.invoke('slack.invite', {
      channel: created.channel.id,
      users: [id.user('alice'), id.user('bob')],
    });
    expect(invited.channel.numMembers).toBe(3);
    expect(
      (await kit.invoke('slack.invite', { channel: created.channel.id, users: [id.user('alice')] })).channel
        .numMembers,
    ).toBe(3);
    const unknown = await failureOf(
      kit.invoke('slack.invite', { channel: created.channel.id, users: ['U404'] }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    expect((await kit.invoke('slack.getChannel', { channel: created.channel.id })).channel).toMatchObject({
      id: created.channel.id,
      numMembers: 3,
    });
    const secret = await kit.invoke('slack.createChannel', { name: 'secret', isPrivate: true });
    expect(secret.channel.isPrivate).toBe(true);
  });

  it('lists users across pages and finds them by id and email', async () => {
    const all = await kit.invoke('slack.listUsers', { pageSize: 2, all: true });
    expect(all.pages).toBe(2);
    expect(all.users.map((user) => user.name)).toEqual(['sandbox-bot', 'alice', 'bob', 'carol']);
    expect(all.users[0]).toMatchObject({ isBot: true });
    const alice = await kit.invoke('slack.lookupUserByEmail', { email: 'alice@sandbox.example' });
    expect(alice.user).toMatchObject({
      name: 'alice',
      realName: 'Alice Archer',
      email: 'alice@sandbox.example',
      isAdmin: true,
    });
    expect((await kit.invoke('slack.getUser', { user: alice.user.id })).user.id).toBe(alice.user.id);
    const nobody = await failureOf(kit.invoke('slack.lookupUserByEmail', { email: 'nobody@example.com' }));
    expect(nobody).toMatchObject({ code: 'NOT_FOUND', vendorCode: 'users_not_found' });
  });
});

describe('apiCall', () => {
  it('calls any Web API method with the connection', async () => {
    const joined = await kit.invoke('slack.apiCall', {
      method: 'conversations.join',
      args: { channel: id.channel('random') },
    });
    expect(joined.response).toMatchObject({
      ok: true,
      channel: { id: id.channel('random'), is_member: true },
    });
    const unknown = await failureOf(kit.invoke('slack.apiCall', { method: 'nothing.here' }));
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', vendorCode: 'unknown_method' });
    const absolute = await failureOf(kit.invoke('slack.apiCall', { method: 'https://evil.example/steal' }));
    expect(absolute.code).toBe('INVALID_INPUT');
  });
});

describe("Slack's failures as ConnectorErrors", () => {
  it('maps channel_not_found, not_in_channel and missing_scope', async () => {
    expect(await failureOf(kit.invoke('slack.history', { channel: 'C404' }))).toMatchObject({
      code: 'NOT_FOUND',
      connector: 'slack',
    });
    const outside = await failureOf(kit.invoke('slack.postMessage', { channel: 'random', text: 'x' }));
    expect(outside).toMatchObject({ code: 'FORBIDDEN', vendorCode: 'not_in_channel' });
    const token = slack.state.tokens[0];
    if (token !== undefined) token.scopes = token.scopes.filter((scope) => scope !== 'reactions:write');
    const posted = await kit.invoke('slack.postMessage', { channel: 'general', text: 'x' });
    const scope = await failureOf(
      kit.invoke('slack.addReaction', { channel: posted.channel, ts: posted.ts, name: 'eyes' }),
    );
    expect(scope.code).toBe('FORBIDDEN');
    expect(scope.message).toMatch(/needs the scope 'reactions:write'/);
  });

  it('fails with AUTH for a token Slack does not accept, never showing the token', async () => {
    const wrong = kitFor({ token: CANARY_SECRET, baseUrl: slack.credentials.apiUrl });
    const error = await failureOf(wrong.invoke('slack.postMessage', { channel: 'general', text: 'x' }));
    expect(error).toMatchObject({ code: 'AUTH', vendorCode: 'invalid_auth', retryable: false });
    for (const text of errorTexts(error)) expect(text).not.toContain(CANARY_SECRET);
    const checked = await failureOf(wrong.check('slack'));
    expect(checked.code).toBe('AUTH');
    for (const text of errorTexts(checked)) expect(text).not.toContain(CANARY_SECRET);
    slack.faults.invalidToken({ times: 1 });
    expect((await failureOf(kit.invoke('slack.getUser', { user: id.user('alice') }))).code).toBe('AUTH');
  });

  it('maps 5xx to UNAVAILABLE, and the kit retries idempotent actions after it', async () => {
    slack.faults.serverError({ status: 500, times: 1 });
    expect(await failureOf(kit.invoke('slack.postMessage', { channel: 'general', text: 'x' }))).toMatchObject(
      {
        code: 'UNAVAILABLE',
        status: 500,
        retryable: true,
      },
    );
    slack.faults.serverError({ status: 503, times: 1 });
    expect(
      await failureOf(kit.invoke('slack.getUser', { user: id.user('alice') }, { retry: false })),
    ).toMatchObject({
      code: 'UNAVAILABLE',
      status: 503,
    });
    slack.faults.serverError({ status: 503, times: 1 });
    expect((await kit.invoke('slack.getUser', { user: id.user('alice') })).user.name).toBe('alice');
  });

  it('waits out a 429 for its Retry-After and re-sends — even a non-idempotent post', async () => {
    slack.faults.rateLimit({ route: 'chat.postMessage', retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    const posted = await kit.invoke('slack.postMessage', { channel: 'general', text: 'patience' });
    expect(posted.message.text).toBe('patience');
    const [limited, accepted] = slack.requests.filter((request) => request.route === 'chat.postMessage');
    expect([limited?.status, accepted?.status]).toEqual([429, 200]);
    expect((accepted?.time ?? 0) - (limited?.time ?? 0)).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(slack.controls.messages('general').filter((message) => message.text === 'patience')).toHaveLength(
      1,
    );
  });

  it('holds back other calls of the same method while Slack asks to wait: never hammered', async () => {
    const own = kitFor({ token: slack.credentials.botToken, baseUrl: slack.credentials.apiUrl });
    slack.faults.rateLimit({ route: 'users.info', retryAfterSeconds: 1, times: 1 });
    const first = own.invoke('slack.getUser', { user: id.user('alice') });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await own.invoke('slack.getChannel', { channel: id.channel('general') });
    await own.invoke('slack.getUser', { user: id.user('bob') });
    await first;
    const limited = slack.requests.filter((request) => request.status === 429);
    expect(limited.map((request) => request.route)).toEqual(['users.info']);
    const limitedAt = limited[0]?.time ?? Number.NaN;
    const otherMethod = slack.requests.find((request) => request.route === 'conversations.info');
    const sameMethod = slack.requests.filter(
      (request) => request.route === 'users.info' && request.status === 200,
    );
    expect(sameMethod).toHaveLength(2);
    // Slack limits per method: another method goes at once; the same method waits for Retry-After.
    const firstRetry = Math.min(...sameMethod.map((request) => request.time));
    expect(otherMethod?.time ?? Number.POSITIVE_INFINITY).toBeLessThan(firstRetry);
    for (const request of sameMethod) expect(request.time - limitedAt).toBeGreaterThanOrEqual(950);
  });

  it('surfaces RATE_LIMITED with retryAfterMs when Retry-After is longer than it waits — and keeps quiet meanwhile', async () => {
    const own = kitFor({ token: slack.credentials.botToken, baseUrl: slack.credentials.apiUrl });
    slack.faults.rateLimit({ route: 'users.info', retryAfterSeconds: 120, times: 1 });
    const error = await failureOf(own.invoke('slack.getUser', { user: id.user('alice') }));
    expect(error).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 120_000,
      retryable: true,
      status: 429,
    });
    const again = await failureOf(own.invoke('slack.getUser', { user: id.user('alice') }));
    expect(again.code).toBe('RATE_LIMITED');
    expect(again.retryAfterMs).toBeGreaterThan(110_000);
    expect(slack.requests).toHaveLength(1);
  });

  it('surfaces RATE_LIMITED when the 429s outlast rateLimitRetries', async () => {
    const impatient = kitFor({
      token: slack.credentials.botToken,
      baseUrl: slack.credentials.apiUrl,
      rateLimitRetries: 0,
    });
    slack.faults.rateLimit({ retryAfterSeconds: 0, times: 1 });
    const error = await failureOf(impatient.invoke('slack.postMessage', { channel: 'general', text: 'x' }));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 0 });
    expect(slack.requests.map((request) => request.status)).toEqual([429]);
  });

  it('ends the HTTP request when the call times out or is cancelled', async () => {
    slack.faults.delay({ route: 'users.info', ms: 5_000 });
    const started = Date.now();
    const timedOut = await failureOf(
      kit.invoke('slack.getUser', { user: id.user('alice') }, { timeoutMs: 200, retry: false }),
    );
    expect(timedOut.code).toBe('TIMEOUT');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const cancelled = await failureOf(
      kit.invoke('slack.getUser', { user: id.user('alice') }, { signal: controller.signal }),
    );
    expect(cancelled.code).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(2_000);
    // The emulator saw both clients go away: neither request was answered.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(slack.requests.filter((request) => request.route === 'users.info')).toEqual([]);
  });
});

describe('sandbox: true', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ck-slack-sandbox-'));
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('finds the emulator `ck sandbox start slack` announced, and its test token', async () => {
    const file = join(folder, 'discovery.json');
    await using group = await startSandboxes(['slack'], { announce: file });
    process.env.CONNECTORKIT_SANDBOX_FILE = file;
    const sandboxed = kitFor({ sandbox: true });
    await sandboxed.check('slack');
    const posted = await sandboxed.invoke('slack.postMessage', {
      channel: 'general',
      text: 'from the sandbox',
    });
    expect(group.get('slack')?.controls.messages('general').at(-1)?.ts).toBe(posted.ts);
    await sandboxed.close();
  });

  it('says how to start the sandbox when it is not running', async () => {
    process.env.CONNECTORKIT_SANDBOX_SLACK_URL = 'http://127.0.0.1:9';
    process.env.CONNECTORKIT_SANDBOX_SLACK_TOKEN = 'xoxb-sandbox-bot-token';
    const error = await failureOf(kitFor({ sandbox: true }).check('slack'));
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toMatch(/ck sandbox start slack/);
  });
});
