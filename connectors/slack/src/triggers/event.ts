import { ConnectorError, defineTrigger, Redacted, type Static, Type } from '@connectorkit/core';
import { slackConnection } from '../connection.js';
import { optional } from '../schemas.js';
import { type EventEnvelope, subscribe } from './events-listener.js';

export const SlackEventConfig = Type.Object(
  {
    port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 3000,
      description: 'Port of the HTTP listener (triggers on the same host and port share it)',
    }),
    host: Type.String({ default: '0.0.0.0', description: 'Interface to listen on' }),
    path: Type.String({
      pattern: '^/',
      default: '/slack/events',
      description: "Path of the Request URL (the app's Event Subscriptions page)",
    }),
    events: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description:
        'Inner event types to run the flow for (message, app_mention, reaction_added …); all when empty',
    }),
    channels: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Only events of these channel ids; all when empty',
    }),
    ignoreSelf: Type.Boolean({
      default: true,
      description:
        "Skip events caused by the app's own bot user (its messages, its reactions) — prevents loops",
    }),
    maxAgeSeconds: Type.Integer({
      minimum: 1,
      default: 300,
      description:
        "Replay window: requests whose X-Slack-Request-Timestamp is further off are rejected (Slack's advice: 5 minutes)",
    }),
  },
  { additionalProperties: false },
);

export const SlackEvent = Type.Object({
  eventId: Type.String({
    description: 'Slack event_id: the same on every redelivery — use it to de-duplicate',
  }),
  eventTime: Type.Integer({ description: 'Unix time (seconds) of the event' }),
  teamId: Type.String(),
  apiAppId: Type.Optional(Type.String()),
  type: Type.String({ description: 'Inner event type: message, app_mention, reaction_added …' }),
  subtype: Type.Optional(Type.String()),
  channel: Type.Optional(Type.String()),
  user: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  ts: Type.Optional(Type.String()),
  threadTs: Type.Optional(Type.String()),
  eventTs: Type.Optional(Type.String()),
  retryNum: Type.Optional(Type.Integer({ description: 'X-Slack-Retry-Num of a redelivery' })),
  retryReason: Type.Optional(Type.String({ description: 'X-Slack-Retry-Reason of a redelivery' })),
  event: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The inner event exactly as Slack sent it',
  }),
});
export type SlackEvent = Static<typeof SlackEvent>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The channel an inner event concerns: `channel`, `item.channel` (reactions) or `channel.id` (channel_created). */
export function channelOf(event: Readonly<Record<string, unknown>>): string | undefined {
  const channel = event.channel;
  if (typeof channel === 'string') return channel;
  if (channel !== null && typeof channel === 'object') return text((channel as { id?: unknown }).id);
  return text((event.item as { channel?: unknown } | undefined)?.channel);
}

/** Whether the app's own bot user caused the event. */
function causedBySelf(envelope: EventEnvelope): boolean {
  const self = envelope.authorizations?.find((authorization) => authorization.is_bot === true)?.user_id;
  if (self === undefined) return false;
  const event = envelope.event;
  const nested = event.message as { user?: unknown } | undefined;
  return event.user === self || nested?.user === self;
}

export function toSlackEvent(
  envelope: EventEnvelope,
  attempt: { retryNum?: number | undefined; retryReason?: string | undefined },
): SlackEvent {
  const event = envelope.event;
  return {
    eventId: envelope.event_id,
    eventTime: Math.trunc(envelope.event_time),
    teamId: envelope.team_id,
    ...optional('apiAppId', envelope.api_app_id),
    type: String(event.type ?? 'unknown'),
    ...optional('subtype', text(event.subtype)),
    ...optional('channel', channelOf(event)),
    ...optional('user', text(event.user)),
    ...optional('text', text(event.text)),
    ...optional('ts', text(event.ts)),
    ...optional('threadTs', text(event.thread_ts)),
    ...optional('eventTs', text(event.event_ts)),
    ...optional('retryNum', Number.isInteger(attempt.retryNum) ? attempt.retryNum : undefined),
    ...optional('retryReason', attempt.retryReason),
    event: { ...event },
  };
}

/**
 * Events API requests from Slack, over HTTP. Delivery is at-least-once: the listener answers 200
 * only after the flow finished (ctx.emit resolved), and 500 when it failed, so Slack redelivers
 * (three retries: at once, after 1 and after 5 minutes). A retry of an event being handled
 * joins that run; one already handled is answered 200 without running the flow again.
 */
export const event = defineTrigger({
  connection: slackConnection,
  title: 'Slack event',
  description:
    "Runs a flow for each Events API event (message, app_mention, reaction_added …): verifies Slack's v0 signature (401 for forged or stale requests), answers the url_verification handshake, acknowledges after the flow succeeded (at-least-once: Slack redelivers on failure). Slack expects an answer within 3 s; a slower flow gets a redelivery, which waits for the running one instead of starting again.",
  config: SlackEventConfig,
  event: SlackEvent,
  delivery: 'at-least-once',
  start: async (config, ctx) => {
    const secret = ctx.client.signingSecret;
    if (secret === undefined) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `the Slack event trigger verifies request signatures: set \`signingSecret\` of connection '${ctx.connection}' (the app's Basic Information page)`,
        { connection: ctx.connection, path: '$.signingSecret' },
      );
    }
    const events = new Set(config.events);
    const channels = new Set(config.channels);
    const log = ctx.log.child({ path: config.path });
    const listening = await subscribe(config.host, config.port, {
      path: config.path,
      signingSecret: Redacted.reveal(secret),
      maxAgeSeconds: config.maxAgeSeconds,
      log,
      accepts: (envelope) => {
        if (events.size > 0 && !events.has(String(envelope.event.type))) return false;
        if (channels.size > 0 && !channels.has(channelOf(envelope.event) ?? '')) return false;
        return !(config.ignoreSelf && causedBySelf(envelope));
      },
      handle: (envelope, attempt) => ctx.emit(toSlackEvent(envelope, attempt)),
    });
    log.info('listening for Slack events', { url: `http://${config.host}:${listening.port}${config.path}` });
    return listening.unsubscribe;
  },
});
