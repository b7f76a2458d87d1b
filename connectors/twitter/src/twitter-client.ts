import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ConnectorError, type Logger, Redacted, sleep } from '@connectorkit/core';
import {
  ApiResponseError,
  type ITwitterApiClientPlugin,
  TwitterApi,
  type TwitterApiTokens,
  TwitterApiv2,
} from 'twitter-api-v2';
import { toTwitterError } from './error-mapping.js';

/** The credentials of a connection, already resolved; every secret stays `Redacted` until it is sent. */
export type TwitterAuth =
  | { readonly type: 'app'; readonly bearerToken: Redacted }
  | { readonly type: 'oauth2User'; readonly accessToken: Redacted }
  | {
      readonly type: 'oauth1';
      readonly appKey: Redacted;
      readonly appSecret: Redacted;
      readonly accessToken: Redacted;
      readonly accessSecret: Redacted;
    };

/** How the client behaves when a rate-limit window is spent. */
export interface RateLimitPolicy {
  /** Re-sends of one call after 429 before RATE_LIMITED reaches the caller. */
  readonly retries: number;
  /** The longest wait for `x-rate-limit-reset`; a later reset fails at once with RATE_LIMITED. */
  readonly maxWaitMs: number;
}

export interface TwitterClientOptions {
  readonly apiUrl: string;
  readonly auth: TwitterAuth;
  readonly rateLimit: RateLimitPolicy;
  readonly sandbox: boolean;
  readonly log: Logger;
}

/** The authenticated user of a user-context connection. */
export interface TwitterMe {
  readonly id: string;
  readonly username: string;
}

/** Options of one call. */
export interface CallOptions {
  /** Overrides the connection's policy (the polling triggers wait for any reset). */
  readonly rateLimit?: RateLimitPolicy;
}

/**
 * The pooled client of a Twitter/X connection: the official twitter-api-v2 v2 client plus what
 * the connector adds around every call — cancellation, rate-limit waits and error mapping.
 */
export interface TwitterClient {
  /** The twitter-api-v2 v2 client, its base URL set to the connection's. */
  readonly v2: TwitterApiv2;
  readonly apiUrl: string;
  readonly auth: { readonly type: TwitterAuth['type'] };
  readonly sandbox: boolean;
  /**
   * Runs an SDK call. The signal ends the HTTP request; a 429 is waited out until
   * `x-rate-limit-reset` and re-sent within the policy; failures are `ConnectorError`s.
   */
  call<T>(
    operation: string,
    signal: AbortSignal,
    work: (v2: TwitterApiv2) => Promise<T>,
    options?: CallOptions,
  ): Promise<T>;
  /** The user the credentials act as (`users/me`, asked once); FORBIDDEN for an app-only connection. */
  me(signal: AbortSignal): Promise<TwitterMe>;
  close(): void;
}

/** The signal of the call in progress; a plugin hands it to the SDK's `https.request`. */
const currentSignal = new AsyncLocalStorage<AbortSignal>();

const signalPlugin: ITwitterApiClientPlugin = {
  onBeforeRequest: ({ requestOptions }) => {
    const signal = currentSignal.getStore();
    if (signal !== undefined) (requestOptions as { signal?: AbortSignal }).signal = signal;
  },
};

/** The SDK's v2 client with its base URL moved (the SDK hard-codes api.x.com). */
class TwitterApiv2At extends TwitterApiv2 {
  constructor(client: TwitterApi, prefix: string) {
    super(client);
    this.setPrefix(prefix);
  }
}

function sdkCredentials(auth: TwitterAuth): string | TwitterApiTokens {
  switch (auth.type) {
    case 'app':
      return Redacted.reveal(auth.bearerToken);
    case 'oauth2User':
      return Redacted.reveal(auth.accessToken);
    case 'oauth1':
      return {
        appKey: Redacted.reveal(auth.appKey),
        appSecret: Redacted.reveal(auth.appSecret),
        accessToken: Redacted.reveal(auth.accessToken),
        accessSecret: Redacted.reveal(auth.accessSecret),
      };
  }
}

/** Creates the client of one connection. Makes no request. */
export function createTwitterClient(options: TwitterClientOptions): TwitterClient {
  const http = options.apiUrl.startsWith('http:');
  // The SDK sends through `https.request`; an http agent lets it reach an http URL (the emulator).
  const agent = http ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true });
  const credentials = sdkCredentials(options.auth);
  const settings = { httpAgent: agent, plugins: [signalPlugin] };
  const api =
    typeof credentials === 'string'
      ? new TwitterApi(credentials, settings)
      : new TwitterApi(credentials, settings);
  const v2: TwitterApiv2 = new TwitterApiv2At(api, options.apiUrl);
  let me: Promise<TwitterMe> | undefined;

  const call = async <T>(
    operation: string,
    signal: AbortSignal,
    work: (client: TwitterApiv2) => Promise<T>,
    callOptions: CallOptions = {},
  ): Promise<T> => {
    const policy = callOptions.rateLimit ?? options.rateLimit;
    for (let attempt = 0; ; attempt += 1) {
      if (signal.aborted)
        throw new ConnectorError('CANCELLED', `Twitter/X ${operation}: cancelled before it was sent`);
      try {
        return await currentSignal.run(signal, () => work(v2));
      } catch (error) {
        if (signal.aborted) {
          throw new ConnectorError('CANCELLED', `Twitter/X ${operation}: the request was cancelled`, {
            cause: toTwitterError(error, operation, options.sandbox),
          });
        }
        if (error instanceof ApiResponseError && error.code === 429) {
          const waitMs = resetWaitMs(error);
          if (waitMs !== undefined && attempt < policy.retries && waitMs <= policy.maxWaitMs) {
            options.log.warn('rate-limit window spent; waiting for its reset', { operation, waitMs });
            await sleep(waitMs, signal).catch(() => undefined);
            continue;
          }
        }
        throw toTwitterError(error, operation, options.sandbox);
      }
    }
  };

  return {
    v2,
    apiUrl: options.apiUrl,
    auth: { type: options.auth.type },
    sandbox: options.sandbox,
    call,
    me: (signal) => {
      if (options.auth.type === 'app') {
        return Promise.reject(
          new ConnectorError(
            'FORBIDDEN',
            'this needs a user context — the connection uses an app-only bearer token; set `userAccessToken` (OAuth 2.0) or the OAuth 1.0a keys',
            { path: '$.auth' },
          ),
        );
      }
      me ??= call('users/me', signal, async (client) => {
        const body = (await client.get('users/me')) as { data?: { id?: unknown; username?: unknown } };
        return { id: String(body.data?.id ?? ''), username: String(body.data?.username ?? '') };
      }).catch((error: unknown) => {
        me = undefined;
        throw error;
      });
      return me;
    },
    close: () => agent.destroy(),
  };
}

/** Milliseconds until the window of a 429 resets (`x-rate-limit-reset`, epoch seconds), if it says. */
export function resetWaitMs(error: ApiResponseError, now = Date.now()): number | undefined {
  const reset = error.rateLimit?.reset;
  if (reset === undefined || !Number.isFinite(reset)) return undefined;
  return Math.max(0, reset * 1000 - now);
}
