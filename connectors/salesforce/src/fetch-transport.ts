import { AsyncLocalStorage } from 'node:async_hooks';
import { PassThrough } from 'node:stream';

/** What the transport learns of the call in progress. */
export interface CallContext {
  /** Aborting it ends the call's requests. */
  readonly signal: AbortSignal;
  /** Sees every response of the call (for headers jsforce does not pass on, such as Sforce-Locator). */
  readonly onResponse?: (response: TransportResponse) => void;
}

/** The context of the call in progress, read by the transport. */
export const callContext = new AsyncLocalStorage<CallContext>();

/**
 * Runs `operation` with `onResponse` seeing each response it receives, inside the current call.
 *
 * @example
 * const headers: Record<string, string>[] = [];
 * await withResponses((response) => headers.push(response.headers), () => connection.request(url));
 */
export function withResponses<T>(
  onResponse: (response: TransportResponse) => void,
  operation: () => Promise<T>,
): Promise<T> {
  const current = callContext.getStore();
  if (current === undefined) return operation();
  return callContext.run({ signal: current.signal, onResponse }, operation);
}

interface TransportRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** What jsforce's HTTP layer reads from a transport. */
export interface TransportResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A jsforce transport on the platform `fetch`. Unlike jsforce's own it ends a request when the
 * call's signal aborts, when the connection closes or after `timeoutMs`, and it never re-sends
 * a request by itself: retrying is the kit's job, which knows what is idempotent.
 */
export function fetchTransport(closing: AbortSignal, timeoutMs: number) {
  return {
    // jsforce awaits the result and reads `stream()` (its StreamPromise shape).
    httpRequest(request: TransportRequest): Promise<TransportResponse> & { stream(): PassThrough } {
      const stream = new PassThrough();
      const promise = (async (): Promise<TransportResponse> => {
        const call = callContext.getStore();
        const signal = AbortSignal.any([
          closing,
          AbortSignal.timeout(timeoutMs),
          ...(call === undefined ? [] : [call.signal]),
        ]);
        const body = request.body;
        if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
          throw new TypeError('the Salesforce transport sends string or Buffer bodies only');
        }
        const response = await fetch(request.url, {
          method: request.method,
          headers: { ...request.headers },
          ...(body === undefined ? {} : { body }),
          redirect: 'manual',
          signal,
        });
        const text = await response.text();
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name] = value;
        });
        stream.end(text);
        const answer = { statusCode: response.status, headers, body: text };
        call?.onResponse?.(answer);
        return answer;
      })();
      promise.catch(() => stream.destroy());
      return Object.assign(promise, { stream: () => stream });
    },
  };
}
