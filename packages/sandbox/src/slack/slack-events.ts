import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { slackSignatureHeaders } from './slack-signature.js';
import type { SlackDelivery, SlackState } from './slack-state.js';

/** How one event delivery ended, after Slack's retries. */
export interface SlackDeliveryOutcome {
  readonly eventId: string;
  /** True when an attempt got a 2xx answer. */
  readonly delivered: boolean;
  /** Every attempt, first to last. */
  readonly attempts: readonly SlackDelivery[];
  /** Status and body of the last answer, if any. */
  readonly status: number | undefined;
  readonly body: string | undefined;
}

/** Overrides for one delivery — mostly to forge requests in tests. */
export interface SlackDeliverOptions {
  /** Where to send it; the configured Request URL when absent. */
  readonly requestUrl?: string;
  /** Signs with this secret instead of the app's (a forged request). */
  readonly signingSecret?: string;
  /** Sends this `X-Slack-Request-Timestamp` (epoch seconds; an old one makes a stale request). */
  readonly timestamp?: number;
  /** Retry as Slack does (default true); false sends once. */
  readonly retry?: boolean;
  /** Sends with this `event_id` — a duplicate of an earlier event, as a receiver may see after a lost answer. */
  readonly eventId?: string;
}

/** The outer Events API payload around an inner event. */
export function eventEnvelope(
  state: SlackState,
  event: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const number = ++state.counters.event;
  return {
    token: state.app.verificationToken,
    team_id: state.team.id,
    api_app_id: state.app.id,
    event,
    type: 'event_callback',
    event_id: `Ev${String(number).padStart(10, '0')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: state.team.id,
        user_id: state.app.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(`${state.team.id}:${number}`).toString('base64url')}`,
  };
}

/**
 * Delivers a payload to the Request URL as Slack does: a signed JSON POST that must be answered
 * with 2xx within `timeoutMs`; otherwise retried after each of `retryDelaysMs` with
 * `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`, unless the answer carried `X-Slack-No-Retry: 1`.
 */
export async function deliverPayload(
  state: SlackState,
  payload: Readonly<Record<string, unknown>>,
  options: SlackDeliverOptions,
  signal: AbortSignal,
): Promise<SlackDeliveryOutcome> {
  const eventId = typeof payload.event_id === 'string' ? payload.event_id : String(payload.type ?? 'payload');
  const inner = payload.event as Record<string, unknown> | undefined;
  const eventType = String(inner?.type ?? payload.type ?? 'unknown');
  const url = options.requestUrl ?? state.events.requestUrl;
  const attempts: SlackDelivery[] = [];
  if (url === undefined) return { eventId, delivered: false, attempts, status: undefined, body: undefined };
  const body = JSON.stringify(payload);
  const delays = options.retry === false ? [] : state.events.retryDelaysMs;
  let reason: string | undefined;
  let status: number | undefined;
  let answer: string | undefined;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (attempt > 0) await wait(delays[attempt - 1] ?? 0, signal);
    if (signal.aborted) break;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...slackSignatureHeaders(options.signingSecret ?? state.app.signingSecret, body, options.timestamp),
      ...(attempt === 0
        ? {}
        : { 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': reason ?? 'unknown_error' }),
    };
    let noRetry = false;
    try {
      const response = await post(url, body, headers, state.events.timeoutMs, signal);
      status = response.status;
      answer = response.body;
      noRetry = response.headers['x-slack-no-retry'] === '1';
      reason = response.status >= 200 && response.status < 300 ? undefined : 'http_error';
    } catch (error) {
      status = undefined;
      answer = undefined;
      reason = error instanceof DeliveryTimeout ? 'http_timeout' : 'connection_failed';
    }
    const record: SlackDelivery = {
      eventId,
      eventType,
      attempt,
      ok: reason === undefined,
      status,
      reason,
      time: Date.now(),
    };
    attempts.push(record);
    state.deliveries.push(record);
    if (reason === undefined) return { eventId, delivered: true, attempts, status, body: answer };
    if (noRetry) break;
  }
  return { eventId, delivered: false, attempts, status, body: answer };
}

class DeliveryTimeout extends Error {}

interface PostResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // A fresh connection per delivery (agent: false) leaves no idle socket behind.
    const outgoing = send(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
      signal,
    });
    const timer = setTimeout(() => outgoing.destroy(new DeliveryTimeout('timed out')), timeoutMs);
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      incoming.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(body);
  });
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
