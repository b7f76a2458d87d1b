import { randomBytes } from 'node:crypto';
import { defineEmulator, type EmulatorContext, invalidBody, json } from '../define-emulator.js';
import {
  deliverPayload,
  eventEnvelope,
  type SlackDeliverOptions,
  type SlackDeliveryOutcome,
} from './slack-events.js';
import {
  createSlackState,
  findChannel,
  findUser,
  type SlackChannel,
  type SlackEventsConfig,
  type SlackMessage,
  type SlackSeed,
  type SlackState,
  type SlackUser,
} from './slack-state.js';
import {
  answerUpload,
  answerWebApi,
  appendMessage,
  postAsUser,
  SLACK_METHOD_NAMES,
  SlackApiError,
} from './slack-web-api.js';

/** Test credentials of the Slack emulator (a type alias, so that it is a string record). */
export type SlackCredentials = {
  /** Pass as `slackApiUrl` to `WebClient` (ends with `/api/`). */
  readonly apiUrl: string;
  readonly botToken: string;
  readonly signingSecret: string;
  readonly teamId: string;
  readonly botUserId: string;
};

/** The answer to a `url_verification` handshake. */
export interface SlackUrlVerification {
  /** True when the endpoint answered 200 with the challenge (plain, JSON or form-encoded). */
  readonly ok: boolean;
  readonly challenge: string;
  readonly status: number | undefined;
  readonly body: string | undefined;
}

/** Helpers to drive the Slack emulator from tests. */
export interface SlackControls {
  /** Posts a message as a (human) user, as people do in Slack; delivers `message` (and `app_mention`) events. */
  postAsUser(input: {
    readonly user: string;
    readonly channel: string;
    readonly text: string;
    readonly threadTs?: string;
  }): SlackMessage;
  /** A channel by id or name. */
  channel(reference: string): SlackChannel | undefined;
  /** A user by id, name or email. */
  user(reference: string): SlackUser | undefined;
  /** Messages of a channel, oldest first: top-level ones, or the thread of `threadTs`. */
  messages(channel: string, options?: { readonly threadTs?: string }): readonly SlackMessage[];
  /** The bytes uploaded for a file. */
  fileContent(fileId: string): Buffer | undefined;
  /** Sets the Events API Request URL, subscribed types, retry delays or timeout. */
  configureEvents(config: Partial<SlackEventsConfig>): void;
  /** Sends the `url_verification` handshake to the Request URL, as Slack does when the URL is saved. */
  verifyRequestUrl(requestUrl?: string): Promise<SlackUrlVerification>;
  /** Delivers an inner event in Slack's envelope now (signed, retried), whatever the subscription. */
  deliverEvent(
    event: Readonly<Record<string, unknown>>,
    options?: SlackDeliverOptions,
  ): Promise<SlackDeliveryOutcome>;
  /** Resolves when every event delivery started so far (and its retries) has finished. */
  idle(): Promise<void>;
  /** Posts scheduled messages that are due — or all of them with `{ all: true }`. */
  runScheduled(options?: { readonly all?: boolean }): readonly SlackMessage[];
}

interface SlackRuntime {
  readonly pending: Set<Promise<unknown>>;
}

const runtimes = new WeakMap<object, SlackRuntime>();

function runtimeOf(context: EmulatorContext<SlackState>): SlackRuntime {
  let runtime = runtimes.get(context);
  if (runtime === undefined) {
    runtime = { pending: new Set() };
    runtimes.set(context, runtime);
  }
  return runtime;
}

function startDelivery(
  context: EmulatorContext<SlackState>,
  payload: Record<string, unknown>,
  options: SlackDeliverOptions,
): Promise<SlackDeliveryOutcome> {
  const runtime = runtimeOf(context);
  const delivery = deliverPayload(context.state, payload, options, context.signal);
  runtime.pending.add(delivery);
  void delivery.then(
    (outcome) => {
      runtime.pending.delete(delivery);
      if (!outcome.delivered && outcome.attempts.length > 0) {
        context.log(`event ${outcome.eventId} was not delivered after ${outcome.attempts.length} attempts`);
      }
    },
    () => runtime.pending.delete(delivery),
  );
  context.track(delivery);
  return delivery;
}

/** The event sink of the Web API: events of subscribed types go to the Request URL. */
function emitter(context: EmulatorContext<SlackState>): (event: Record<string, unknown>) => void {
  return (event) => {
    const { events } = context.state;
    if (events.requestUrl === undefined) return;
    if (events.types !== undefined && !events.types.includes(String(event.type))) return;
    void startDelivery(context, eventEnvelope(context.state, event), {});
  };
}

function runScheduled(context: EmulatorContext<SlackState>, all: boolean): SlackMessage[] {
  const state = context.state;
  const now = Date.now() / 1000;
  const due = state.scheduledMessages.filter((scheduled) => all || scheduled.postAt <= now);
  state.scheduledMessages = state.scheduledMessages.filter((scheduled) => !due.includes(scheduled));
  const bot = findUser(state, state.app.botUserId) as SlackUser;
  const posted: SlackMessage[] = [];
  for (const scheduled of due) {
    const channel = findChannel(state, scheduled.channel);
    if (channel === undefined || channel.isArchived) continue;
    posted.push(
      appendMessage(
        state,
        channel,
        bot,
        { text: scheduled.text, blocks: scheduled.blocks, threadTs: scheduled.threadTs },
        emitter(context),
      ),
    );
  }
  return posted;
}

/**
 * The Slack emulator: the Web API methods the Connector Kit Slack connector uses, with Slack's
 * wire format (`ok`/`error` bodies, cursor pagination, scopes, `ts` values, threads, 429 with
 * `Retry-After`), the files upload v2 flow, and Events API delivery signed with v0 signatures.
 */
export const slackEmulator = defineEmulator({
  name: 'slack',
  title: 'Slack',
  description: `Slack Web API (${SLACK_METHOD_NAMES.join(', ')}), the files upload v2 flow and signed Events API delivery.`,
  defaultPort: 4100,
  createState: (seed: SlackSeed | undefined): SlackState => createSlackState(seed),
  credentials: (state: SlackState, url: string): SlackCredentials => ({
    apiUrl: `${url}/api/`,
    botToken: state.app.botToken,
    signingSecret: state.app.signingSecret,
    teamId: state.team.id,
    botUserId: state.app.botUserId,
  }),
  routeOf: (request) => {
    const method = /^\/api\/([\w.]+)$/.exec(request.path)?.[1];
    if (method !== undefined) return method;
    return request.path.startsWith('/upload/') ? 'files.upload' : request.path;
  },
  handle: (request, context) => {
    const method = /^\/api\/([\w.]+)$/.exec(request.path)?.[1];
    if (method !== undefined) {
      return answerWebApi(method, request, context.state, context.url, emitter(context));
    }
    const uploadKey = /^\/upload\/v1\/([\w-]+)$/.exec(request.path)?.[1];
    if (uploadKey !== undefined && request.method === 'POST')
      return answerUpload(request, context.state, uploadKey);
    return json(404, { ok: false, error: 'unknown_method', req_method: request.path });
  },
  faultResponses: {
    rateLimited: (retryAfterSeconds) =>
      json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfterSeconds) }),
    serverError: (status) => ({
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<html><body><h1>${status}</h1><p>Slack is having trouble right now.</p></body></html>`,
    }),
    invalidToken: () => json(200, { ok: false, error: 'invalid_auth' }),
    // Slack answers a body it cannot read with 200 and an error string, like every other failure.
    invalidBody: (status, message) =>
      status === 413 ? invalidBody(status, message) : json(200, { ok: false, error: 'invalid_json' }),
  },
  controls: (context): SlackControls => {
    // Scheduled messages post themselves when due, as in Slack; the timer never keeps the process alive.
    const timer = setInterval(() => runScheduled(context, false), 1_000);
    timer.unref();
    context.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
    return {
      postAsUser: (input) => postAsUser(context.state, input, emitter(context)),
      channel: (reference) => findChannel(context.state, reference),
      user: (reference) => findUser(context.state, reference),
      messages: (reference, options = {}) => {
        const channel = findChannel(context.state, reference);
        if (channel === undefined) return [];
        const threadTs = options.threadTs;
        return threadTs === undefined
          ? channel.messages.filter(
              (message) => message.threadTs === undefined || message.threadTs === message.ts,
            )
          : channel.messages.filter((message) => message.ts === threadTs || message.threadTs === threadTs);
      },
      fileContent: (fileId) => {
        const content = context.state.files.find((file) => file.id === fileId)?.content;
        return content === undefined ? undefined : Buffer.from(content, 'base64');
      },
      configureEvents: (config) => {
        Object.assign(context.state.events, config);
      },
      verifyRequestUrl: async (requestUrl) => {
        const challenge = randomBytes(24).toString('base64url');
        const outcome = await startDelivery(
          context,
          { token: context.state.app.verificationToken, challenge, type: 'url_verification' },
          { retry: false, ...(requestUrl === undefined ? {} : { requestUrl }) },
        );
        return {
          ok: outcome.delivered && answersChallenge(outcome.body, challenge),
          challenge,
          status: outcome.status,
          body: outcome.body,
        };
      },
      deliverEvent: (event, options = {}) => {
        const envelope = eventEnvelope(context.state, event);
        if (options.eventId !== undefined) envelope.event_id = options.eventId;
        return startDelivery(context, envelope, options);
      },
      idle: async () => {
        const runtime = runtimeOf(context);
        while (runtime.pending.size > 0) await Promise.allSettled([...runtime.pending]);
      },
      runScheduled: (options = {}) => runScheduled(context, options.all === true),
    };
  },
  controlRoutes: {
    messages: (request, context) => {
      const params = request.params as {
        user?: unknown;
        channel?: unknown;
        text?: unknown;
        thread_ts?: unknown;
      };
      try {
        const message = postAsUser(
          context.state,
          {
            user: String(params.user ?? ''),
            channel: String(params.channel ?? ''),
            text: String(params.text ?? ''),
            ...(typeof params.thread_ts === 'string' ? { threadTs: params.thread_ts } : {}),
          },
          emitter(context),
        );
        return json(201, { ok: true, ts: message.ts });
      } catch (error) {
        if (error instanceof SlackApiError) return json(400, { ok: false, error: error.error });
        throw error;
      }
    },
    events: (request, context) => {
      const params = request.params as Partial<SlackEventsConfig>;
      Object.assign(context.state.events, {
        ...(typeof params.requestUrl === 'string' ? { requestUrl: params.requestUrl } : {}),
        ...(Array.isArray(params.types) ? { types: params.types.map(String) } : {}),
        ...(Array.isArray(params.retryDelaysMs) ? { retryDelaysMs: params.retryDelaysMs.map(Number) } : {}),
        ...(typeof params.timeoutMs === 'number' ? { timeoutMs: params.timeoutMs } : {}),
      });
      return json(200, { ok: true, events: context.state.events });
    },
    scheduled: (_request, context) =>
      json(200, { ok: true, posted: runScheduled(context, true).map((message) => message.ts) }),
  },
});

function answersChallenge(body: string | undefined, challenge: string): boolean {
  if (body === undefined) return false;
  if (body.trim() === challenge) return true;
  if (new URLSearchParams(body).get('challenge') === challenge) return true;
  try {
    return (JSON.parse(body) as { challenge?: unknown }).challenge === challenge;
  } catch {
    return false;
  }
}
