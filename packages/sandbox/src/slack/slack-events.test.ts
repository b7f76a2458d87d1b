import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startEmulator } from '../start-emulator.js';
import { slackEmulator } from './slack-emulator.js';
import { signSlackRequest } from './slack-signature.js';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A request URL that records what arrives and answers as the current `respond` says. */
let receiver: Server;
let requestUrl: string;
let received: Received[] = [];
let respond: (request: Received, response: ServerResponse) => void;
let slack: Sandbox<typeof slackEmulator>;

beforeAll(async () => {
  receiver = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = { headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      respond(request, response);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  requestUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slack/events`;
  // Short retry delays keep the tests quick; the answer timeout is generous, so that only the
  // test about timeouts sees one, however slowly a loaded machine answers.
  slack = await startEmulator(slackEmulator, {
    seed: { events: { retryDelaysMs: [0, 20, 20], timeoutMs: 30_000 } },
  });
});

afterAll(async () => {
  await slack.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

afterEach(() => {
  received = [];
  slack.reset();
});

const ok = (_request: Received, response: ServerResponse): void => {
  response.writeHead(200).end();
};

describe('Events API delivery', () => {
  it('delivers events of bot-member channels, signed v0 over v0:{timestamp}:{body}', async () => {
    respond = ok;
    slack.controls.configureEvents({ requestUrl });
    slack.controls.postAsUser({
      user: 'alice',
      channel: 'general',
      text: `hey <@${slack.credentials.botUserId}>`,
    });
    slack.controls.postAsUser({ user: 'alice', channel: 'random', text: 'the bot is not here' });
    await slack.controls.idle();
    expect(
      received.map((request) => (JSON.parse(request.body) as { event: { type: string } }).event.type),
    ).toEqual(['message', 'app_mention']);
    const [first] = received;
    if (first === undefined) throw new Error('nothing received');
    const timestamp = String(first.headers['x-slack-request-timestamp']);
    const expected = `v0=${createHmac('sha256', slack.credentials.signingSecret).update(`v0:${timestamp}:${first.body}`).digest('hex')}`;
    expect(first.headers['x-slack-signature']).toBe(expected);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(first.headers['content-type']).toBe('application/json');
    const envelope = JSON.parse(first.body) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      type: 'event_callback',
      team_id: 'T0SANDBOX',
      api_app_id: 'A0SANDBOX',
      event_id: expect.stringMatching(/^Ev/),
      event: {
        type: 'message',
        channel: slack.controls.channel('general')?.id,
        user: slack.controls.user('alice')?.id,
      },
    });
  });

  it('emits events for Web API calls made through the SDK, filtered by subscribed types', async () => {
    respond = ok;
    slack.controls.configureEvents({ requestUrl, types: ['reaction_added'] });
    const web = new WebClient(slack.credentials.botToken, {
      slackApiUrl: slack.credentials.apiUrl,
      logLevel: LogLevel.ERROR,
    });
    const posted = await web.chat.postMessage({ channel: 'general', text: 'hi' });
    await web.reactions.add({ channel: posted.channel ?? '', timestamp: posted.ts ?? '', name: 'eyes' });
    await slack.controls.idle();
    expect(received.map((request) => JSON.parse(request.body) as { event: unknown })).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({
          type: 'reaction_added',
          reaction: 'eyes',
          item: { type: 'message', channel: posted.channel, ts: posted.ts },
        }),
      }),
    ]);
  });

  it('retries failed deliveries with X-Slack-Retry-Num and X-Slack-Retry-Reason', async () => {
    let calls = 0;
    respond = (_request, response) => {
      calls++;
      response.writeHead(calls < 3 ? 500 : 200).end();
    };
    slack.controls.configureEvents({ requestUrl });
    const outcome = await slack.controls.deliverEvent({ type: 'message', text: 'retry me' });
    expect(outcome.delivered).toBe(true);
    expect(outcome.attempts.map((attempt) => [attempt.attempt, attempt.ok, attempt.reason])).toEqual([
      [0, false, 'http_error'],
      [1, false, 'http_error'],
      [2, true, undefined],
    ]);
    expect(
      received.map((request) => [
        request.headers['x-slack-retry-num'],
        request.headers['x-slack-retry-reason'],
      ]),
    ).toEqual([
      [undefined, undefined],
      ['1', 'http_error'],
      ['2', 'http_error'],
    ]);
    const ids = new Set(
      received.map((request) => (JSON.parse(request.body) as { event_id: string }).event_id),
    );
    expect(ids.size).toBe(1);
  });

  it('stops retrying on X-Slack-No-Retry: 1, and gives up after the last retry', async () => {
    respond = (_request, response) => {
      response.writeHead(500, { 'x-slack-no-retry': '1' }).end();
    };
    slack.controls.configureEvents({ requestUrl });
    expect((await slack.controls.deliverEvent({ type: 'message' })).attempts).toHaveLength(1);
    respond = (_request, response) => {
      response.writeHead(503).end();
    };
    const outcome = await slack.controls.deliverEvent({ type: 'message' });
    expect(outcome.delivered).toBe(false);
    expect(outcome.attempts).toHaveLength(4);
    expect(slack.state.deliveries).toHaveLength(5);
  });

  it('counts a slow answer as http_timeout and retries without waiting for it', async () => {
    respond = (request, response) => {
      if (request.headers['x-slack-retry-num'] === undefined) {
        // The first attempt is never answered, so it times out whatever the machine's speed;
        // the retry gets the generous limit back and is judged on its answer alone.
        slack.controls.configureEvents({ timeoutMs: 30_000 });
        return;
      }
      response.writeHead(200).end();
    };
    slack.controls.configureEvents({ requestUrl, timeoutMs: 200 });
    const outcome = await slack.controls.deliverEvent({ type: 'message' });
    expect(outcome.attempts.map((attempt) => attempt.reason)).toEqual(['http_timeout', undefined]);
    expect(outcome.delivered).toBe(true);
    expect(received.at(-1)?.headers['x-slack-retry-reason']).toBe('http_timeout');
  });

  it('forges signatures and timestamps on request, for receiver tests', async () => {
    respond = ok;
    slack.controls.configureEvents({ requestUrl });
    const stale = Math.floor(Date.now() / 1000) - 600;
    await slack.controls.deliverEvent(
      { type: 'message' },
      { timestamp: stale, signingSecret: 'not-the-secret', retry: false },
    );
    const [request] = received;
    expect(request?.headers['x-slack-request-timestamp']).toBe(String(stale));
    expect(request?.headers['x-slack-signature']).toBe(
      signSlackRequest('not-the-secret', stale, request?.body ?? ''),
    );
  });

  it('sends the url_verification handshake and checks the challenge', async () => {
    respond = (request, response) => {
      const { challenge } = JSON.parse(request.body) as { challenge: string };
      response.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
    };
    const verification = await slack.controls.verifyRequestUrl(requestUrl);
    expect(verification.ok).toBe(true);
    expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({
      type: 'url_verification',
      challenge: verification.challenge,
    });
    respond = (_request, response) => {
      response.writeHead(200).end('wrong');
    };
    expect((await slack.controls.verifyRequestUrl(requestUrl)).ok).toBe(false);
  });
});
