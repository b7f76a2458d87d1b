import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AnyEmulatorDefinition,
  ControlsOf,
  CredentialsOf,
  EmulatorContext,
  EmulatorResponse,
  FaultResponses,
  SeedOf,
  StateOf,
} from './define-emulator.js';
import { invalidBody, json } from './define-emulator.js';
import { BodyError, decodeBody, type EmulatorRequest } from './emulator-request.js';
import { createFaults, type FaultKind, type Faults, faultFromJson } from './faults.js';

export interface StartEmulatorOptions<TSeed> {
  /** Initial data (users, channels …). The emulator's default seed when absent. */
  readonly seed?: TSeed;
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  readonly host?: string;
  /** Receives one line per request and per emulator diagnostic. Silent when absent. */
  readonly log?: (line: string) => void;
  /** Largest request body accepted (413 above). Default 50 MiB. */
  readonly maxBodyBytes?: number;
}

/** One request the emulator answered, for assertions in tests. */
export interface RecordedRequest {
  /** When it arrived (epoch milliseconds). */
  readonly time: number;
  readonly method: string;
  readonly path: string;
  /** The route name (Slack: the Web API method). */
  readonly route: string;
  readonly status: number;
  /** Faults that hit this request. */
  readonly faults: readonly FaultKind[];
  readonly durationMs: number;
}

/** A running emulator. Dispose it (`await using`) or call `close()`. */
export interface Sandbox<TDefinition extends AnyEmulatorDefinition = AnyEmulatorDefinition>
  extends AsyncDisposable {
  readonly name: TDefinition['name'];
  /** Base URL, e.g. `http://127.0.0.1:53411`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Test credentials for clients (tokens, secrets, API URL). */
  readonly credentials: CredentialsOf<TDefinition>;
  /** The live state: inspect it in assertions, or change it to set up a case. */
  readonly state: StateOf<TDefinition>;
  /** Fault injection: rate limits, 5xx, slow answers, invalid tokens. */
  readonly faults: Faults;
  /** Emulator-specific helpers (Slack: post as a user, deliver events …). */
  readonly controls: ControlsOf<TDefinition>;
  /** Requests answered so far, oldest first (the last 1 000). */
  readonly requests: readonly RecordedRequest[];
  /**
   * Replaces the state with a fresh one — from `seed` when given, else from the seed the emulator
   * started with — and clears the faults and the request log.
   */
  reset(seed?: SeedOf<TDefinition>): void;
  /** Stops the server, cancels delayed answers and background work, and waits for them. */
  close(): Promise<void>;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_MAX_BODY = 50 * 1024 * 1024;
const MAX_RECORDED = 1_000;

/**
 * Starts an emulator on its own HTTP server.
 *
 * @example
 * await using slack = await startEmulator(slackEmulator, { seed: { channels: [{ name: 'ops' }] } });
 * const web = new WebClient(slack.credentials.botToken, { slackApiUrl: slack.credentials.apiUrl });
 */
export async function startEmulator<const TDefinition extends AnyEmulatorDefinition>(
  definition: TDefinition,
  options: StartEmulatorOptions<SeedOf<TDefinition>> = {},
): Promise<Sandbox<TDefinition>> {
  const host = options.host ?? DEFAULT_HOST;
  const log = options.log ?? (() => undefined);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const faults = createFaults();
  const lifetime = new AbortController();
  const work = new Set<Promise<unknown>>();
  const requests: RecordedRequest[] = [];
  const seed = options.seed;
  let state: StateOf<TDefinition> = definition.createState(seed);
  let url = '';

  const track = (promise: Promise<unknown>): void => {
    const settled = promise.then(
      () => undefined,
      (error: unknown) => log(`${definition.name}: background work failed: ${describe(error)}`),
    );
    work.add(settled);
    void settled.finally(() => work.delete(settled));
  };

  const context: EmulatorContext<StateOf<TDefinition>> = {
    get state() {
      return state;
    },
    get url() {
      return url;
    },
    signal: lifetime.signal,
    track,
    log: (message) => log(`${definition.name}: ${message}`),
  };

  const fallbackFaults: FaultResponses = {
    rateLimited: (retryAfterSeconds) =>
      json(429, { error: 'rate_limited' }, { 'retry-after': String(retryAfterSeconds) }),
    serverError: (status) => json(status, { error: 'server_error' }),
    invalidToken: () => json(401, { error: 'invalid_token' }),
    invalidBody,
  };
  const faultResponses: FaultResponses = { ...fallbackFaults, ...definition.faultResponses };

  const control = async (request: EmulatorRequest): Promise<EmulatorResponse> => {
    const sub = request.path.replace(/^\/_sandbox\/?/, '');
    if (sub === '' && request.method === 'GET') {
      return json(200, {
        name: definition.name,
        title: definition.title,
        url,
        credentials: definition.credentials(state, url),
      });
    }
    if (sub === 'state' && request.method === 'GET') return json(200, state);
    if (sub === 'requests' && request.method === 'GET') return json(200, requests);
    if (sub === 'reset' && request.method === 'POST') {
      sandbox.reset(request.isJson ? (request.params as SeedOf<TDefinition>) : undefined);
      return json(200, { reset: true });
    }
    if (sub === 'faults') {
      if (request.method === 'GET') return json(200, faults.list().map(faultJson));
      if (request.method === 'DELETE') {
        faults.clear();
        return json(200, { cleared: true });
      }
      if (request.method === 'POST') {
        try {
          return json(201, faultJson(faults.add(faultFromJson(request.params))));
        } catch (error) {
          return json(400, { error: 'invalid_fault', message: describe(error) });
        }
      }
    }
    const prefix = `${definition.name}/`;
    if (sub.startsWith(prefix)) {
      const route = definition.controlRoutes?.[sub.slice(prefix.length)];
      if (route !== undefined) return route(request, context);
    }
    return json(404, { error: 'unknown_control_route', path: request.path });
  };

  const answer = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const started = Date.now();
    const requestUrl = new URL(incoming.url ?? '/', 'http://sandbox.invalid');
    let route = requestUrl.pathname;
    let kinds: readonly FaultKind[] = [];
    let response: EmulatorResponse;
    let isControl = false;
    try {
      const body = await readBody(incoming, maxBodyBytes);
      const request: EmulatorRequest = {
        method: incoming.method ?? 'GET',
        path: requestUrl.pathname,
        query: requestUrl.searchParams,
        headers: incoming.headers,
        body,
        ...mergeQuery(requestUrl.searchParams, decodeBody(incoming.headers, body)),
      };
      isControl = request.path === '/_sandbox' || request.path.startsWith('/_sandbox/');
      if (isControl) {
        response = await control(request);
      } else {
        route = definition.routeOf?.(request) ?? request.path;
        const decision = faults.decide(route, request.path);
        kinds = decision.kinds;
        if (decision.delayMs > 0) await pause(decision.delayMs, lifetime.signal, outgoing);
        const fault = decision.answer;
        if (fault === undefined) response = await definition.handle(request, context);
        else if (fault.kind === 'rateLimit')
          response = faultResponses.rateLimited(fault.retryAfterSeconds ?? 1, request);
        else if (fault.kind === 'serverError')
          response = faultResponses.serverError(fault.status ?? 503, request);
        else response = faultResponses.invalidToken(request);
      }
    } catch (error) {
      if (error instanceof Aborted) {
        outgoing.destroy();
        return;
      }
      response =
        error instanceof BodyError
          ? faultResponses.invalidBody(error.message.startsWith('body larger') ? 413 : 400, error.message)
          : json(500, { error: 'emulator_failure', message: describe(error) });
      if (!(error instanceof BodyError)) log(`${definition.name}: ${route} failed: ${describe(error)}`);
    }
    write(outgoing, response);
    // The log is about the emulated API; control routes are the test's own traffic.
    if (isControl) return;
    requests.push({
      time: started,
      method: incoming.method ?? 'GET',
      path: requestUrl.pathname,
      route,
      status: response.status,
      faults: kinds,
      durationMs: Date.now() - started,
    });
    if (requests.length > MAX_RECORDED) requests.splice(0, requests.length - MAX_RECORDED);
    log(
      `${definition.name}: ${incoming.method} ${route} → ${response.status}${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`,
    );
  };

  const server = createServer((incoming, outgoing) => {
    const handled = answer(incoming, outgoing).catch((error: unknown) => {
      log(`${definition.name}: could not answer: ${describe(error)}`);
      outgoing.destroy();
    });
    work.add(handled);
    void handled.finally(() => work.delete(handled));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const controls = (definition.controls?.(context) ?? {}) as ControlsOf<TDefinition>;

  let closing: Promise<void> | undefined;
  const sandbox: Sandbox<TDefinition> = {
    name: definition.name,
    url,
    host,
    port,
    get credentials() {
      return definition.credentials(state, url) as CredentialsOf<TDefinition>;
    },
    get state() {
      return state;
    },
    faults,
    controls,
    requests,
    reset: (next) => {
      state = definition.createState(next ?? seed);
      faults.clear();
      requests.length = 0;
    },
    close: () => {
      closing ??= (async () => {
        lifetime.abort();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await Promise.all([stopped, ...work]);
      })();
      return closing;
    },
    [Symbol.asyncDispose]: () => sandbox.close(),
  };
  return sandbox;
}

function faultJson(fault: ReturnType<Faults['add']>): Record<string, unknown> {
  const route = fault.spec.route;
  return {
    id: fault.id,
    ...fault.spec,
    ...(route instanceof RegExp ? { route: String(route) } : {}),
    hits: fault.hits,
    remaining: Number.isFinite(fault.remaining) ? fault.remaining : null,
  };
}

function mergeQuery(
  query: URLSearchParams,
  decoded: Pick<EmulatorRequest, 'params' | 'files' | 'isJson'>,
): Pick<EmulatorRequest, 'params' | 'files' | 'isJson'> {
  if (query.size === 0) return decoded;
  return { ...decoded, params: { ...Object.fromEntries(query), ...decoded.params } };
}

function readBody(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyError(`body larger than ${limit} bytes`));
        incoming.resume();
        return;
      }
      chunks.push(chunk);
    });
    incoming.on('end', () => resolve(Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}

class Aborted extends Error {}

/** Waits `ms`; ends early (rejecting) when the emulator closes or the client goes away. */
function pause(ms: number, signal: AbortSignal, outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      outgoing.off('close', stop);
      reject(new Aborted());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      outgoing.off('close', stop);
      resolve();
    }, ms);
    if (signal.aborted) {
      stop();
      return;
    }
    signal.addEventListener('abort', stop, { once: true });
    outgoing.once('close', stop);
  });
}

function write(outgoing: ServerResponse, response: EmulatorResponse): void {
  if (outgoing.destroyed || outgoing.headersSent) return;
  const body =
    response.body === undefined
      ? Buffer.alloc(0)
      : typeof response.body === 'string'
        ? Buffer.from(response.body)
        : Buffer.isBuffer(response.body)
          ? response.body
          : Buffer.from(JSON.stringify(response.body));
  outgoing.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) });
  outgoing.end(body);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
