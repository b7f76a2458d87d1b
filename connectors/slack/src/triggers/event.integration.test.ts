import { createServer } from 'node:net';
import { type ConnectionConfig, ConnectorError, createKit } from '@connectorkit/core';
import { type EmulatorFor, type Sandbox, startSandbox } from '@connectorkit/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { slackConnector } from '../slack-connector.js';
import type { SlackEvent } from './event.js';

// The event trigger receiving what the Slack emulator delivers: signed as Slack signs, retried as
// Slack retries.

let slack: Sandbox<EmulatorFor<'slack'>>;
let kit: ReturnType<typeof kitFor>;

function kitFor(connection: Readonly<Record<string, unknown>>) {
  return createKit({
    connectors: [slackConnector],
    connections: { slack: { connector: 'slack', ...connection } as ConnectionConfig },
    logger: { level: 'silent' },
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Starts a trigger on a fresh port, points the emulator's Request URL at it, records what the flow gets. */
async function listen(config: Record<string, unknown> = {}, handle?: (event: SlackEvent) => Promise<void>) {
  const port = (config.port as number | undefined) ?? (await freePort());
  const received: SlackEvent[] = [];
  const trigger = await kit.startTrigger(
    'slack.event',
    { host: '127.0.0.1', port, ...config },
    {
      handler: async (event) => {
        received.push(event);
        await handle?.(event);
      },
    },
  );
  const requestUrl = `http://127.0.0.1:${port}/slack/events`;
  slack.controls.configureEvents({ requestUrl });
  return { trigger, received, requestUrl, port };
}

beforeAll(async () => {
  // Slack allows 3 s per delivery; here 30 s, so that a busy machine never turns an answer into a timeout.
  slack = await startSandbox('slack', {
    seed: { events: { retryDelaysMs: [0, 50, 50], timeoutMs: 30_000 } },
  });
  kit = kitFor({
    token: slack.credentials.botToken,
    baseUrl: slack.credentials.apiUrl,
    signingSecret: slack.credentials.signingSecret,
  });
});

afterEach(async () => {
  await slack.controls.idle();
  slack.reset();
});

afterAll(async () => {
  await kit.close();
  await slack.close();
});

describe('slack.event trigger', () => {
  it('answers the url_verification handshake', async () => {
    const { trigger } = await listen();
    const verification = await slack.controls.verifyRequestUrl();
    expect(verification).toMatchObject({ ok: true, status: 200 });
    await trigger.stop();
  });

  it('runs the flow for a correctly signed event and acknowledges it', async () => {
    const { trigger, received } = await listen();
    const message = slack.controls.postAsUser({ user: 'alice', channel: 'general', text: 'hello bot' });
    await slack.controls.idle();
    expect(received).toEqual([
      expect.objectContaining({
        type: 'message',
        channel: slack.controls.channel('general')?.id,
        user: slack.controls.user('alice')?.id,
        text: 'hello bot',
        ts: message.ts,
        teamId: 'T0SANDBOX',
        eventId: expect.stringMatching(/^Ev/),
      }),
    ]);
    expect(received[0]?.event).toMatchObject({ type: 'message', channel_type: 'channel' });
    expect(slack.state.deliveries.map((delivery) => [delivery.ok, delivery.status])).toEqual([[true, 200]]);
    await trigger.stop();
  });

  it('rejects forged and stale requests with 401 without running the flow', async () => {
    const { trigger, received, requestUrl } = await listen();
    const forged = await slack.controls.deliverEvent(
      { type: 'message', text: 'forged' },
      { signingSecret: 'not-the-secret', retry: false },
    );
    expect(forged).toMatchObject({ delivered: false, status: 401 });
    const stale = await slack.controls.deliverEvent(
      { type: 'message', text: 'replayed' },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60, retry: false },
    );
    expect(stale).toMatchObject({ delivered: false, status: 401, body: 'stale request' });
    const unsigned = await fetch(requestUrl, { method: 'POST', body: '{"type":"event_callback"}' });
    expect(unsigned.status).toBe(401);
    expect(received).toEqual([]);
    await trigger.stop();
  });

  it('answers 500 when the flow fails, so that Slack redelivers: at-least-once', async () => {
    let attempts = 0;
    const { trigger, received } = await listen({}, async () => {
      attempts++;
      if (attempts === 1) throw new Error('downstream is down');
    });
    const outcome = await slack.controls.deliverEvent({
      type: 'message',
      channel: 'C1',
      user: 'U1',
      text: 'important',
    });
    expect(outcome.delivered).toBe(true);
    expect(outcome.attempts.map((attempt) => [attempt.status, attempt.reason])).toEqual([
      [500, 'http_error'],
      [200, undefined],
    ]);
    expect(received.map((event) => [event.eventId, event.retryNum, event.retryReason])).toEqual([
      [outcome.eventId, undefined, undefined],
      [outcome.eventId, 1, 'http_error'],
    ]);
    await trigger.stop();
  });

  it('runs the flow once when a slow flow makes Slack retry (http_timeout): the retry waits for it', async () => {
    // The first delivery times out after 2 s while the flow takes 3 s; the retry, 50 ms later,
    // waits for that run and is answered with a second of margin.
    slack.controls.configureEvents({ timeoutMs: 2_000 });
    const { trigger, received } = await listen(
      {},
      () => new Promise((resolve) => setTimeout(resolve, 3_000)),
    );
    const outcome = await slack.controls.deliverEvent({
      type: 'message',
      channel: 'C1',
      user: 'U1',
      text: 'slow',
    });
    expect(outcome.attempts.map((attempt) => attempt.reason)).toEqual(['http_timeout', undefined]);
    expect(received).toHaveLength(1);
    // A late duplicate (the same event_id again) is acknowledged at once, without running the flow again.
    const again = await slack.controls.deliverEvent(
      { type: 'message' },
      { retry: false, eventId: outcome.eventId },
    );
    expect(again).toMatchObject({ delivered: true, status: 200 });
    expect(received).toHaveLength(1);
    await trigger.stop();
  });

  it('feeds several flows from one endpoint, by event type and channel, skipping its own events', async () => {
    const port = await freePort();
    const mentions = await listen({ port, events: ['app_mention'] });
    const reactions = await listen({
      port,
      events: ['reaction_added'],
      channels: [slack.controls.channel('general')?.id ?? ''],
      ignoreSelf: false,
    });
    const messages = await listen({ port, events: ['message'] });
    slack.controls.postAsUser({
      user: 'bob',
      channel: 'general',
      text: `<@${slack.credentials.botUserId}> status?`,
    });
    const posted = await kit.invoke('slack.postMessage', { channel: 'general', text: 'all good' });
    await kit.invoke('slack.addReaction', { channel: posted.channel, ts: posted.ts, name: 'eyes' });
    await slack.controls.idle();
    expect(mentions.received.map((event) => event.type)).toEqual(['app_mention']);
    expect(reactions.received.map((event) => [event.type, event.channel])).toEqual([
      ['reaction_added', posted.channel],
    ]);
    // The bot's own "all good" is not handed to the message flow (ignoreSelf), bob's message is.
    expect(messages.received.map((event) => event.text)).toEqual([
      `<@${slack.credentials.botUserId}> status?`,
    ]);
    await Promise.all([mentions.trigger.stop(), reactions.trigger.stop(), messages.trigger.stop()]);
    const closed = await fetch(messages.requestUrl, { method: 'POST' }).catch((error: unknown) => error);
    expect(closed).toBeInstanceOf(Error);
  });

  it('refuses to start without a signing secret, saying where to set it', async () => {
    const unsigned = kitFor({ token: slack.credentials.botToken, baseUrl: slack.credentials.apiUrl });
    const error = await unsigned
      .startTrigger('slack.event', { port: await freePort() }, { handler: async () => undefined })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(/set `signingSecret` of connection 'slack'/),
    });
    await unsigned.close();
  });

  it('reports a port in use as CONFLICT', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const error = await kit
      .startTrigger('slack.event', { host: '0.0.0.0', port }, { handler: async () => undefined })
      .catch((caught: unknown) => caught);
    await new Promise((resolve) => blocker.close(resolve));
    expect(error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/port is in use/) });
  });
});
