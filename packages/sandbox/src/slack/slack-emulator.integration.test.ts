import { ErrorCode, LogLevel, type WebAPICallResult, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startEmulator } from '../start-emulator.js';
import { slackEmulator } from './slack-emulator.js';

// The real @slack/web-api WebClient against the emulator: what the SDK sends is what Slack receives.
let slack: Sandbox<typeof slackEmulator>;
let web: WebClient;

const client = (token: string, options: { rejectRateLimitedCalls?: boolean } = {}): WebClient =>
  new WebClient(token, {
    slackApiUrl: slack.credentials.apiUrl,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? true,
  });

const platformError = async (
  call: Promise<unknown>,
): Promise<{ code: string; data: WebAPICallResult & Record<string, unknown> }> => {
  const error = (await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: unknown) => caught,
  )) as { code: string; data: WebAPICallResult & Record<string, unknown> };
  return error;
};

beforeAll(async () => {
  slack = await startEmulator(slackEmulator);
  web = client(slack.credentials.botToken);
});

afterAll(async () => {
  await slack.close();
});

beforeEach(() => {
  slack.reset();
});

describe('authentication', () => {
  it('answers auth.test for the bot token', async () => {
    const result = await web.auth.test();
    expect(result).toMatchObject({
      ok: true,
      team_id: 'T0SANDBOX',
      user_id: slack.credentials.botUserId,
      bot_id: 'B0SANDBOX',
      url: 'https://sandbox.slack.com/',
    });
  });

  it('rejects an unknown token with invalid_auth and a missing one with not_authed', async () => {
    expect((await platformError(client('xoxb-wrong').auth.test())).data.error).toBe('invalid_auth');
    expect((await platformError(client('').auth.test())).data.error).toBe('not_authed');
  });

  it('reports missing scopes with needed and provided', async () => {
    const token = slack.state.tokens[0];
    if (token === undefined) throw new Error('no bot token');
    token.scopes = token.scopes.filter((scope) => scope !== 'users:read.email');
    const error = await platformError(web.users.lookupByEmail({ email: 'alice@sandbox.example' }));
    expect(error.code).toBe(ErrorCode.PlatformError);
    expect(error.data).toMatchObject({ error: 'missing_scope', needed: 'users:read.email' });
  });
});

describe('messages', () => {
  it('posts, threads, updates and deletes messages with increasing ts values', async () => {
    const posted = await web.chat.postMessage({ channel: 'general', text: 'hello' });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    const general = slack.controls.channel('general');
    expect(posted.channel).toBe(general?.id);
    const reply = await web.chat.postMessage({
      channel: posted.channel ?? '',
      text: 'in thread',
      thread_ts: posted.ts ?? '',
    });
    expect(Number(reply.ts)).toBeGreaterThan(Number(posted.ts));
    const replies = await web.conversations.replies({ channel: posted.channel ?? '', ts: posted.ts ?? '' });
    expect(replies.messages?.map((message) => message.text)).toEqual(['hello', 'in thread']);
    expect(replies.messages?.[0]).toMatchObject({ reply_count: 1, thread_ts: posted.ts });

    const updated = await web.chat.update({
      channel: posted.channel ?? '',
      ts: posted.ts ?? '',
      text: 'hello again',
    });
    expect(updated.text).toBe('hello again');
    await web.chat.delete({ channel: posted.channel ?? '', ts: reply.ts ?? '' });
    expect(
      slack.controls.messages('general', { threadTs: posted.ts ?? '' }).map((message) => message.text),
    ).toEqual(['hello again']);
  });

  it('records whether a post asked for mrkdwn parsing, true unless it said false', async () => {
    const plain = await web.chat.postMessage({ channel: 'general', text: '*not bold*', mrkdwn: false });
    const formatted = await web.chat.postMessage({ channel: 'general', text: '*bold*', mrkdwn: true });
    const unsaid = await web.chat.postMessage({ channel: 'general', text: '*bold by default*' });
    const flags = new Map(slack.controls.messages('general').map((message) => [message.ts, message.mrkdwn]));
    expect([plain.ts, formatted.ts, unsaid.ts].map((ts) => flags.get(ts ?? ''))).toEqual([false, true, true]);
  });

  it("speaks Slack's errors: channel_not_found, not_in_channel, no_text, message_not_found, cant_update_message", async () => {
    expect((await platformError(web.chat.postMessage({ channel: 'C404', text: 'x' }))).data.error).toBe(
      'channel_not_found',
    );
    expect((await platformError(web.chat.postMessage({ channel: 'random', text: 'x' }))).data.error).toBe(
      'not_in_channel',
    );
    expect((await platformError(web.chat.postMessage({ channel: 'general', text: '' }))).data.error).toBe(
      'no_text',
    );
    const general = slack.controls.channel('general')?.id ?? '';
    expect(
      (await platformError(web.chat.update({ channel: general, ts: '1.000001', text: 'x' }))).data.error,
    ).toBe('message_not_found');
    const [welcome] = slack.controls.messages('general');
    expect(
      (await platformError(web.chat.update({ channel: general, ts: welcome?.ts ?? '', text: 'x' }))).data
        .error,
    ).toBe('cant_update_message');
  });

  it('posts ephemeral and scheduled messages', async () => {
    const alice = slack.controls.user('alice')?.id ?? '';
    const ephemeral = await web.chat.postEphemeral({ channel: 'general', user: alice, text: 'psst' });
    expect(ephemeral.message_ts).toMatch(/^\d+\.\d{6}$/);
    const postAt = Math.floor(Date.now() / 1000) + 3600;
    const scheduled = await web.chat.scheduleMessage({ channel: 'general', text: 'later', post_at: postAt });
    expect(scheduled).toMatchObject({ post_at: postAt, scheduled_message_id: expect.stringMatching(/^Q/) });
    expect(
      (await platformError(web.chat.scheduleMessage({ channel: 'general', text: 'x', post_at: 1 }))).data
        .error,
    ).toBe('time_in_past');
    expect(slack.controls.runScheduled({ all: true }).map((message) => message.text)).toEqual(['later']);
  });
});

describe('conversations and users', () => {
  it('pages conversations.history with next_cursor, newest first', async () => {
    for (let index = 1; index <= 5; index++)
      await web.chat.postMessage({ channel: 'general', text: `m${index}` });
    const channel = slack.controls.channel('general')?.id ?? '';
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await web.conversations.history({
        channel,
        limit: 3,
        ...(cursor === undefined ? {} : { cursor }),
      });
      pages++;
      seen.push(...(page.messages ?? []).map((message) => message.text ?? ''));
      cursor = page.response_metadata?.next_cursor || undefined;
      expect(page.has_more).toBe(cursor !== undefined);
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen.slice(0, 5)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
    expect(seen).toHaveLength(7);
  });

  it("follows the SDK's own paginate() across pages and rejects a bad cursor", async () => {
    let pages = 0;
    for await (const page of web.paginate('users.list', { limit: 2 })) {
      pages++;
      expect((page as { members?: unknown[] }).members?.length).toBeLessThanOrEqual(2);
    }
    expect(pages).toBe(2);
    expect((await platformError(web.users.list({ cursor: 'bm9wZQ==' }))).data.error).toBe('invalid_cursor');
  });

  it('lists, creates, invites and describes channels', async () => {
    const listed = await web.conversations.list({ types: 'public_channel,private_channel' });
    expect(listed.channels?.map((channel) => [channel.name, channel.is_member])).toEqual([
      ['general', true],
      ['random', false],
      ['engineering', true],
    ]);
    const publicOnly = await web.conversations.list({});
    expect(publicOnly.channels?.map((channel) => channel.name)).toEqual(['general', 'random']);
    const created = await web.conversations.create({ name: 'incidents' });
    expect(created.channel).toMatchObject({ name: 'incidents', is_member: true, is_private: false });
    expect((await platformError(web.conversations.create({ name: 'incidents' }))).data.error).toBe(
      'name_taken',
    );
    expect((await platformError(web.conversations.create({ name: 'Bad Name' }))).data.error).toBe(
      'invalid_name_specials',
    );
    const bob = slack.controls.user('bob')?.id ?? '';
    await web.conversations.invite({ channel: created.channel?.id ?? '', users: bob });
    expect(
      (await platformError(web.conversations.invite({ channel: created.channel?.id ?? '', users: bob }))).data
        .error,
    ).toBe('already_in_channel');
    const info = await web.conversations.info({ channel: created.channel?.id ?? '' });
    expect(info.channel?.num_members).toBe(2);
    expect((await platformError(web.conversations.info({ channel: 'C404' }))).data.error).toBe(
      'channel_not_found',
    );
  });

  it('finds users by id and email', async () => {
    const alice = await web.users.lookupByEmail({ email: 'alice@sandbox.example' });
    expect(alice.user).toMatchObject({ name: 'alice', profile: { email: 'alice@sandbox.example' } });
    const info = await web.users.info({ user: alice.user?.id ?? '' });
    expect(info.user?.real_name).toBe('Alice Archer');
    expect((await platformError(web.users.lookupByEmail({ email: 'nobody@x.example' }))).data.error).toBe(
      'users_not_found',
    );
    expect((await platformError(web.users.info({ user: 'U404' }))).data.error).toBe('user_not_found');
  });

  it('adds and removes reactions', async () => {
    const posted = await web.chat.postMessage({ channel: 'general', text: 'react to me' });
    const target = { channel: posted.channel ?? '', timestamp: posted.ts ?? '' };
    await web.reactions.add({ ...target, name: 'thumbsup' });
    expect((await platformError(web.reactions.add({ ...target, name: 'thumbsup' }))).data.error).toBe(
      'already_reacted',
    );
    const history = await web.conversations.history({ channel: target.channel, limit: 1 });
    expect(history.messages?.[0]?.reactions).toEqual([
      { name: 'thumbsup', users: [slack.credentials.botUserId], count: 1 },
    ]);
    await web.reactions.remove({ ...target, name: 'thumbsup' });
    expect((await platformError(web.reactions.remove({ ...target, name: 'thumbsup' }))).data.error).toBe(
      'no_reaction',
    );
  });
});

describe('files', () => {
  it('runs the upload v2 flow: getUploadURLExternal, POST to the upload URL, completeUploadExternal', async () => {
    const channel = slack.controls.channel('general')?.id ?? '';
    const result = await web.filesUploadV2({
      channel_id: channel,
      content: 'a,b\n1,2\n',
      filename: 'report.csv',
      title: 'Report',
      initial_comment: 'the report',
    });
    const file = (result.files[0] as { files?: { id?: string; name?: string; title?: string }[] } | undefined)
      ?.files?.[0];
    expect(file).toMatchObject({ name: 'report.csv', title: 'Report' });
    expect(slack.controls.fileContent(file?.id ?? '')?.toString()).toBe('a,b\n1,2\n');
    const [message] = slack.controls.messages('general').slice(-1);
    expect(message).toMatchObject({ text: 'the report', files: [file?.id] });
  });
});

describe('faults', () => {
  it('rate limits with HTTP 429, Retry-After and ratelimited', async () => {
    slack.faults.rateLimit({ route: 'chat.postMessage', retryAfterSeconds: 7, times: 1 });
    const error = (await web.chat
      .postMessage({ channel: 'general', text: 'x' })
      .catch((caught: unknown) => caught)) as {
      code: string;
      retryAfter: number;
    };
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(7);
    await expect(web.chat.postMessage({ channel: 'general', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
    expect(slack.requests.map((request) => [request.route, request.status])).toEqual([
      ['chat.postMessage', 429],
      ['chat.postMessage', 200],
    ]);
  });

  it('lets the SDK wait out Retry-After itself when it does not reject rate-limited calls', async () => {
    slack.faults.rateLimit({ route: 'auth.test', retryAfterSeconds: 1, times: 1 });
    const patient = new WebClient(slack.credentials.botToken, {
      slackApiUrl: slack.credentials.apiUrl,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
    });
    const started = Date.now();
    await expect(patient.auth.test()).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('fails with an HTTP error on 5xx and with invalid_auth on an injected invalid token', async () => {
    slack.faults.serverError({ status: 503, times: 1 });
    const error = (await web.auth.test().catch((caught: unknown) => caught)) as {
      code: string;
      statusCode: number;
    };
    expect(error).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    slack.faults.invalidToken({ route: 'auth.test', times: 1 });
    expect((await platformError(web.auth.test())).data.error).toBe('invalid_auth');
    await expect(web.auth.test()).resolves.toMatchObject({ ok: true });
  });
});
