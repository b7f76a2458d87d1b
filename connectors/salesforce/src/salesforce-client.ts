import { ConnectorError, type Logger, Redacted } from '@connectorkit/core';
import { Connection } from 'jsforce';
import { isSessionInvalid, toSalesforceError } from './error-mapping.js';
import { callContext, fetchTransport } from './fetch-transport.js';
import { type Grant, requestSession } from './token-grant.js';

/** What `createSalesforceClient` needs: a resolved target (see `resolveTarget`). */
export interface SalesforceClientOptions {
  readonly loginUrl: string;
  readonly instanceUrl: string | undefined;
  readonly apiVersion: string;
  readonly grant: Grant;
  readonly requestTimeoutMs: number;
  readonly log: Logger;
}

/** API usage reported by the last response's `Sforce-Limit-Info` header. */
export interface ApiUsage {
  readonly used: number;
  readonly limit: number;
}

/** The pooled client of a Salesforce connection. */
export interface SalesforceClient {
  readonly apiVersion: string;
  /**
   * Runs `operation` on the jsforce connection with a valid session: signs in first when there
   * is no session yet, and when Salesforce answers INVALID_SESSION_ID signs in again once and
   * repeats the operation. Every failure leaves as a `ConnectorError`; `what` names the call in
   * messages. The call ends when `signal` aborts or the request timeout passes.
   */
  call<T>(what: string, operation: (connection: Connection) => Promise<T>, signal: AbortSignal): Promise<T>;
  /** API usage from the last `Sforce-Limit-Info` header, when one was seen. */
  apiUsage(): ApiUsage | undefined;
  close(): void;
}

export function createSalesforceClient(options: SalesforceClientOptions): SalesforceClient {
  // No refresh function and no OAuth client in jsforce: renewal is ours, so it happens once per call.
  const connection = new Connection({
    loginUrl: options.loginUrl,
    ...(options.instanceUrl === undefined ? {} : { instanceUrl: options.instanceUrl }),
    version: options.apiVersion,
  });
  const closing = new AbortController();
  (connection as unknown as { _transport: unknown })._transport = fetchTransport(
    closing.signal,
    options.requestTimeoutMs,
  );
  let session: Promise<void> | undefined;
  let sessionNumber = 0;
  let closed = false;

  // A sign-in is shared by the calls waiting for it, so no single caller's signal may end it.
  const signIn = (): Promise<void> => {
    const number = ++sessionNumber;
    const signal = AbortSignal.any([closing.signal, AbortSignal.timeout(options.requestTimeoutMs)]);
    const pending = requestSession(options.grant, signal).then((granted) => {
      connection.accessToken = Redacted.reveal(granted.accessToken);
      if (granted.instanceUrl !== undefined && options.instanceUrl === undefined) {
        connection.instanceUrl = granted.instanceUrl.replace(/\/+$/, '');
      }
      options.log.debug('signed in to Salesforce', { flow: options.grant.type, session: number });
    });
    session = pending;
    // A failed sign-in is not remembered: the next call tries again.
    pending.catch(() => {
      if (session === pending) session = undefined;
    });
    return pending;
  };

  const ensureSession = (): Promise<void> => session ?? signIn();

  return {
    apiVersion: options.apiVersion,
    async call(what, operation, signal) {
      if (closed) throw new ConnectorError('UNAVAILABLE', `Salesforce ${what}: the connection is closed`);
      const bounded = AbortSignal.any([
        signal,
        closing.signal,
        AbortSignal.timeout(options.requestTimeoutMs),
      ]);
      const attempt = async (): Promise<unknown> => {
        await abortable(ensureSession(), bounded, what);
        const current = session;
        try {
          return await abortable(
            callContext.run({ signal: bounded }, () => operation(connection)),
            bounded,
            what,
          );
        } catch (error) {
          if (!isSessionInvalid(error)) throw error;
          if (options.grant.type === 'accessToken') {
            throw new ConnectorError(
              'AUTH',
              `Salesforce ${what}: the session expired or is invalid (INVALID_SESSION_ID) — an \`accessToken\` connection cannot renew it; configure an OAuth flow in \`auth\` instead`,
              { status: 401, vendorCode: 'INVALID_SESSION_ID', cause: error },
            );
          }
          // Another call may have renewed the session meanwhile; otherwise renew it here.
          if (session === current) await abortable(signIn(), bounded, what);
          else await abortable(ensureSession(), bounded, what);
          options.log.info('the Salesforce session expired; signed in again and repeated the call', { what });
          return await abortable(
            callContext.run({ signal: bounded }, () => operation(connection)),
            bounded,
            what,
          );
        }
      };
      try {
        return (await attempt()) as Awaited<ReturnType<typeof operation>>;
      } catch (error) {
        throw toSalesforceError(error, what);
      }
    },
    apiUsage() {
      const info = (connection as { limitInfo?: { apiUsage?: ApiUsage } }).limitInfo;
      return info?.apiUsage;
    },
    close() {
      closed = true;
      closing.abort(new ConnectorError('CANCELLED', 'the Salesforce connection was closed'));
    },
  };
}

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts, with TIMEOUT or CANCELLED (the
 * transport ends the HTTP request on the same signal).
 */
function abortable<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError(signal, what));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(signal: AbortSignal, what: string): ConnectorError {
  const reason = signal.reason as { name?: unknown } | undefined;
  return reason?.name === 'TimeoutError'
    ? new ConnectorError('TIMEOUT', `Salesforce ${what}: the call timed out`, { cause: signal.reason })
    : new ConnectorError('CANCELLED', `Salesforce ${what}: the call was cancelled`, { cause: signal.reason });
}
