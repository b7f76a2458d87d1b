import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ConnectorError, type Logger, Redacted, sleep, toConnectorError } from '@connectorkit/core';
import { LogLevel, type Logger as SlackLogger, type WebAPICallResult, WebClient } from '@slack/web-api';
import { toSlackError } from './error-mapping.js';

/** How the client behaves when Slack says "slow down". */
export interface RateLimitPolicy {
  /** Re-sends of one call after 429 answers before RATE_LIMITED reaches the caller. */
  readonly retries: number;
  /** The longest `Retry-After` waited out; a longer one fails at once with RATE_LIMITED and `retryAfterMs`. */
  readonly maxWaitMs: number;
}

export interface SlackClientOptions {
  readonly token: Redacted;
  /** Web API base URL, ending with `/`. */
  readonly apiUrl: string;
  readonly signingSecret: Redacted | undefined;
  readonly rateLimit: RateLimitPolicy;
  /** True when talking to the local emulator: failures to connect then say how to start it. */
  readonly sandbox: boolean;
  readonly log: Logger;
}

/**
 * The pooled client of a Slack connection: the official `WebClient` plus what the connector adds
 * around every call — cancellation, rate-limit handling and error mapping.
 */
export interface SlackClient {
  /** The `@slack/web-api` client, for what the actions do not cover. */
  readonly web: WebClient;
  readonly apiUrl: string;
  /** The signing secret the events trigger verifies requests with. */
  readonly signingSecret: Redacted | undefined;
  readonly sandbox: boolean;
  /**
   * Calls a Web API method. The signal ends the HTTP request; a 429 is waited out (Retry-After)
   * and re-sent — safe for every method, as Slack did not run it — up to the policy's limits;
   * failures are `ConnectorError`s.
   */
  call<TResult extends WebAPICallResult = WebAPICallResult>(
    method: string,
    args: Readonly<Record<string, unknown>>,
    signal: AbortSignal,
  ): Promise<TResult>;
  /** Runs any SDK operation (e.g. `filesUploadV2`) with the same cancellation, rate limiting and mapping. */
  run<T>(operation: string, signal: AbortSignal, work: (web: WebClient) => Promise<T>): Promise<T>;
  /** Closes idle sockets. */
  close(): void;
}

/**
 * The signal of the call in progress. axios (inside WebClient) takes a per-request `signal`, but
 * WebClient has no way to pass one; a request interceptor reads it from here instead.
 */
const currentSignal = new AsyncLocalStorage<AbortSignal>();

/** Creates the client of one connection. Makes no request. */
export function createSlackClient(options: SlackClientOptions): SlackClient {
  const { log, rateLimit } = options;
  const secure = options.apiUrl.startsWith('https:');
  // An agent of our own, so that closing the connection closes its keep-alive sockets.
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const web = new WebClient(Redacted.reveal(options.token), {
    slackApiUrl: options.apiUrl,
    agent,
    logger: slackLogger(log),
    // The connector handles 429s itself (below): waits abortably, and never pauses unrelated calls.
    rejectRateLimitedCalls: true,
    // Network errors and 5xx are the kit's to retry (idempotent actions only), not the SDK's.
    retryConfig: { retries: 0 },
    // Unlimited: every request starts synchronously in its caller's async context, where the
    // interceptor finds that caller's signal (a queued request would run in another's context).
    maxRequestConcurrency: Number.POSITIVE_INFINITY,
    // `apiCall` with an absolute URL would send the token elsewhere.
    allowAbsoluteUrls: false,
    // The original error tells ECONNREFUSED from a timeout; `toSlackError` keeps its code and
    // drops the rest (its request carries the Authorization header).
    attachOriginalToWebAPIRequestError: true,
    requestInterceptor: (config) => {
      const signal = currentSignal.getStore();
      if (signal !== undefined) config.signal = signal;
      return config;
    },
  });
  /**
   * Until when each method must not be called, after a 429 — Slack limits per method and
   * workspace. Calls in that window wait (or fail at once, when the wait is too long) instead of
   * reaching Slack: never hammered.
   */
  const pausedUntil = new Map<string, number>();

  const run = async <T>(
    operation: string,
    signal: AbortSignal,
    work: (client: WebClient) => Promise<T>,
  ): Promise<T> => {
    for (let retry = 0; ; retry++) {
      const wait = (pausedUntil.get(operation) ?? 0) - Date.now();
      if (wait > rateLimit.maxWaitMs) {
        throw new ConnectorError(
          'RATE_LIMITED',
          `Slack ${operation}: rate limited — Slack asked to wait ${Math.ceil(wait / 1000)} s more`,
          {
            retryAfterMs: wait,
            vendorCode: 'ratelimited',
          },
        );
      }
      if (wait > 0) await sleep(wait, signal).catch(() => undefined);
      if (signal.aborted) throw aborted(signal, operation);
      try {
        return await currentSignal.run(signal, () => work(web));
      } catch (error) {
        if (signal.aborted) throw aborted(signal, operation);
        const mapped = withSandboxHint(toSlackError(error, operation), options.sandbox);
        if (mapped.code !== 'RATE_LIMITED') throw mapped;
        const retryAfterMs = mapped.retryAfterMs ?? 1_000;
        pausedUntil.set(operation, Math.max(pausedUntil.get(operation) ?? 0, Date.now() + retryAfterMs));
        if (retry >= rateLimit.retries || retryAfterMs > rateLimit.maxWaitMs) throw mapped;
        log.warn('Slack rate limited the call; waiting for Retry-After', {
          method: operation,
          retryAfterMs,
          retry: retry + 1,
        });
      }
    }
  };

  return {
    web,
    apiUrl: options.apiUrl,
    signingSecret: options.signingSecret,
    sandbox: options.sandbox,
    run,
    call: <TResult extends WebAPICallResult>(
      method: string,
      args: Readonly<Record<string, unknown>>,
      signal: AbortSignal,
    ) => run(method, signal, (client) => client.apiCall(method, { ...args }) as Promise<TResult>),
    close: () => agent.destroy(),
  };
}

/** The error for a call its caller aborted: TIMEOUT or CANCELLED, as the kit's pipeline reports them. */
function aborted(signal: AbortSignal, operation: string): ConnectorError {
  const error = toConnectorError(signal.reason);
  if (error.code === 'TIMEOUT' || error.code === 'CANCELLED') return error;
  return new ConnectorError('CANCELLED', `Slack ${operation}: cancelled`, { cause: signal.reason });
}

function withSandboxHint(error: ConnectorError, sandbox: boolean): ConnectorError {
  if (!sandbox || error.vendorCode !== 'ECONNREFUSED') return error;
  return new ConnectorError(
    error.code,
    `${error.message} — is the Slack sandbox running? Start it with 'ck sandbox start slack'`,
    {
      ...error.toJSON(),
      cause: error.cause,
    },
  );
}

/** WebClient's log lines go to the connection's (redacting) logger; its `info` lines are chatty, so debug. */
function slackLogger(log: Logger): SlackLogger {
  const line = (parts: unknown[]): string =>
    parts.map((part) => (typeof part === 'string' ? part : String(part))).join(' ');
  let level = LogLevel.WARN;
  return {
    debug: (...parts) => log.debug(line(parts), { source: '@slack/web-api' }),
    info: (...parts) => log.debug(line(parts), { source: '@slack/web-api' }),
    warn: (...parts) => log.warn(line(parts), { source: '@slack/web-api' }),
    error: (...parts) => log.error(line(parts), { source: '@slack/web-api' }),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
