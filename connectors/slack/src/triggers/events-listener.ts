import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectorError, type Logger } from '@connectorkit/core';
import { verifySlackSignature } from './request-signature.js';

/** The outer payload of an Events API request (`type: event_callback`). */
export interface EventEnvelope {
  readonly type: 'event_callback';
  readonly event_id: string;
  readonly event_time: number;
  readonly team_id: string;
  readonly api_app_id?: string;
  readonly event: Readonly<Record<string, unknown>>;
  readonly authorizations?: readonly { readonly user_id?: string; readonly is_bot?: boolean }[];
}

/** How Slack marked a redelivery (`X-Slack-Retry-Num`, `X-Slack-Retry-Reason`). */
export interface DeliveryAttempt {
  readonly retryNum: number | undefined;
  readonly retryReason: string | undefined;
}

/** One trigger listening on a path of a shared listener. */
export interface EventSubscription {
  readonly path: string;
  /** The app's signing secret (revealed only inside the listener). */
  readonly signingSecret: string;
  readonly maxAgeSeconds: number;
  readonly log: Logger;
  accepts(envelope: EventEnvelope): boolean;
  /** Runs the flow for the event; resolves when it finished (ctx.emit resolved). */
  handle(envelope: EventEnvelope, attempt: DeliveryAttempt): Promise<void>;
}

/** Slack retries at most three times (at once, after 1 and after 5 minutes); an hour covers every retry. */
const REMEMBER_HANDLED_MS = 60 * 60 * 1000;
const REMEMBER_HANDLED_MAX = 10_000;
const MAX_BODY_BYTES = 1024 * 1024;

interface Entry {
  readonly subscription: EventSubscription;
  /** Events being handled, so that a retry joins the run in progress instead of starting another. */
  readonly inFlight: Map<string, Promise<void>>;
  /** Events handled successfully (event_id → when), so that a late retry does not run the flow again. */
  readonly handled: Map<string, number>;
}

interface Listener {
  readonly key: string;
  readonly server: Server;
  readonly entries: Set<Entry>;
  readonly requests: Set<Promise<void>>;
  port: number;
}

const listeners = new Map<string, Promise<Listener>>();

/**
 * Subscribes to Events API requests on `host:port` + `subscription.path`. One HTTP server per
 * host and port is shared by every subscription, so one Request URL can feed many flows
 * (filtered by event type and channel). Resolves with an unsubscribe function; the server closes
 * with its last subscription.
 */
export async function subscribe(
  host: string,
  port: number,
  subscription: EventSubscription,
): Promise<{ readonly port: number; readonly unsubscribe: () => Promise<void> }> {
  const key = `${host}:${port}`;
  let starting = listeners.get(key);
  if (starting === undefined) {
    starting = listen(key, host, port);
    listeners.set(key, starting);
    starting.catch(() => listeners.delete(key));
  }
  const listener = await starting;
  for (const entry of listener.entries) {
    if (
      entry.subscription.path === subscription.path &&
      entry.subscription.signingSecret !== subscription.signingSecret
    ) {
      throw new ConnectorError(
        'INVALID_CONFIG',
        `${key}${subscription.path} already receives events of another Slack app (another signing secret) — give this trigger its own \`path\` or \`port\``,
      );
    }
  }
  const entry: Entry = { subscription, inFlight: new Map(), handled: new Map() };
  listener.entries.add(entry);
  let stopping: Promise<void> | undefined;
  return {
    port: listener.port,
    unsubscribe: () => {
      stopping ??= (async () => {
        listener.entries.delete(entry);
        await Promise.allSettled([...entry.inFlight.values()]);
        if (listener.entries.size === 0 && listeners.get(key) === starting) {
          listeners.delete(key);
          await closeListener(listener);
        }
      })();
      return stopping;
    },
  };
}

async function listen(key: string, host: string, port: number): Promise<Listener> {
  const listener: Listener = {
    key,
    server: createServer((incoming, outgoing) => {
      const handled = answer(listener, incoming, outgoing).catch((error: unknown) => {
        const [first] = listener.entries;
        first?.subscription.log.error('Slack events listener failed', { error: String(error) });
        if (!outgoing.headersSent) reply(outgoing, 500, 'listener failure');
      });
      listener.requests.add(handled);
      void handled.finally(() => listener.requests.delete(handled));
    }),
    entries: new Set(),
    requests: new Set(),
    port,
  };
  await new Promise<void>((resolve, reject) => {
    listener.server.once('error', reject);
    listener.server.listen(port, host, () => {
      listener.server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    const code = (error as { code?: unknown }).code;
    throw new ConnectorError(
      code === 'EADDRINUSE' ? 'CONFLICT' : 'UNAVAILABLE',
      code === 'EADDRINUSE'
        ? `cannot listen for Slack events on ${key}: the port is in use — choose another \`port\``
        : `cannot listen for Slack events on ${key}: ${String(error)}`,
      { cause: error },
    );
  });
  listener.port = (listener.server.address() as AddressInfo).port;
  return listener;
}

async function closeListener(listener: Listener): Promise<void> {
  const closed = new Promise<void>((resolve) => listener.server.close(() => resolve()));
  listener.server.closeIdleConnections();
  await Promise.allSettled([...listener.requests]);
  listener.server.closeAllConnections();
  await closed;
}

function reply(
  outgoing: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  outgoing.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  outgoing.end(body);
}

async function answer(
  listener: Listener,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const path = new URL(incoming.url ?? '/', 'http://listener.invalid').pathname;
  const entries = [...listener.entries].filter((entry) => entry.subscription.path === path);
  const [first] = entries;
  if (first === undefined) {
    incoming.resume();
    reply(outgoing, 404, 'no Slack events trigger listens on this path');
    return;
  }
  if (incoming.method !== 'POST') {
    incoming.resume();
    reply(outgoing, 405, 'Slack sends events with POST', { allow: 'POST' });
    return;
  }
  const body = await readBody(incoming);
  if (body === undefined) {
    reply(outgoing, 413, 'body too large', { 'x-slack-no-retry': '1' });
    return;
  }
  const { log, signingSecret, maxAgeSeconds } = first.subscription;
  const problem = verifySlackSignature({
    signature: header(incoming, 'x-slack-signature'),
    timestamp: header(incoming, 'x-slack-request-timestamp'),
    body,
    signingSecret,
    maxAgeSeconds,
  });
  if (problem !== undefined) {
    log.warn('rejected a request that is not signed by Slack', {
      problem,
      path,
      remote: incoming.socket.remoteAddress,
    });
    reply(outgoing, 401, problem === 'stale' ? 'stale request' : 'invalid signature');
    return;
  }
  let payload: Readonly<Record<string, unknown>>;
  try {
    payload = JSON.parse(body.toString('utf8')) as typeof payload;
  } catch {
    reply(
      outgoing,
      400,
      'expected a JSON Events API payload (interactivity and slash commands are not handled here)',
      {
        'x-slack-no-retry': '1',
      },
    );
    return;
  }
  if (payload.type === 'url_verification') {
    reply(outgoing, 200, String(payload.challenge ?? ''));
    return;
  }
  if (payload.type === 'app_rate_limited') {
    log.warn('Slack is dropping events: the app exceeded the Events API rate limit', { payload });
    reply(outgoing, 200, '');
    return;
  }
  if (
    payload.type !== 'event_callback' ||
    typeof payload.event_id !== 'string' ||
    typeof payload.event !== 'object' ||
    payload.event === null
  ) {
    reply(outgoing, 200, '');
    return;
  }
  const envelope = payload as unknown as EventEnvelope;
  const retryNumText = header(incoming, 'x-slack-retry-num');
  const attempt: DeliveryAttempt = {
    retryNum: retryNumText === undefined ? undefined : Number(retryNumText),
    retryReason: header(incoming, 'x-slack-retry-reason'),
  };
  const outcomes = await Promise.allSettled(
    entries
      .filter((entry) => entry.subscription.accepts(envelope))
      .map((entry) => dispatch(entry, envelope, attempt)),
  );
  const failed = outcomes.filter(
    (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
  );
  if (failed.length === 0) {
    reply(outgoing, 200, '');
    return;
  }
  const lastChance = attempt.retryNum !== undefined && attempt.retryNum >= 3;
  log.error(
    lastChance
      ? 'a flow failed on the last delivery Slack makes; the event is lost'
      : 'a flow failed; answering 500 so that Slack delivers the event again',
    {
      eventId: envelope.event_id,
      retryNum: attempt.retryNum,
      error: failed.map((failure) =>
        String((failure.reason as { message?: unknown })?.message ?? failure.reason),
      ),
    },
  );
  reply(outgoing, 500, 'the flow handling this event failed');
}

/** Runs a subscription's flow once per event id: a retry joins a run in progress or is answered from memory. */
function dispatch(entry: Entry, envelope: EventEnvelope, attempt: DeliveryAttempt): Promise<void> {
  const id = envelope.event_id;
  if (entry.handled.has(id)) return Promise.resolve();
  const running = entry.inFlight.get(id);
  if (running !== undefined) return running;
  const run = entry.subscription.handle(envelope, attempt).then(() => {
    remember(entry.handled, id);
  });
  entry.inFlight.set(id, run);
  void run.then(
    () => entry.inFlight.delete(id),
    () => entry.inFlight.delete(id),
  );
  return run;
}

function remember(handled: Map<string, number>, id: string): void {
  const now = Date.now();
  handled.set(id, now);
  if (handled.size <= REMEMBER_HANDLED_MAX) return;
  for (const [key, time] of handled) {
    if (handled.size > REMEMBER_HANDLED_MAX || now - time > REMEMBER_HANDLED_MS) handled.delete(key);
    else break;
  }
}

function header(incoming: IncomingMessage, name: string): string | undefined {
  const value = incoming.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(incoming: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    incoming.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}
