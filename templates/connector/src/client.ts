/**
 * A stand-in for the client library (SDK) this connector wraps, so that the template builds
 * and passes its tests offline. Replace this module with the real SDK: add it to the
 * package's dependencies, create its client in connection.ts and keep the shape around it —
 * one client per connection, `ctx.signal` passed to every call, failures mapped by
 * `toExampleError`.
 *
 * It behaves like a remote service: clients with the same endpoint share an in-memory store
 * of items, only `EXAMPLE_DEMO_TOKEN` is accepted, and reading the item `slow` takes ten
 * seconds unless the call is aborted.
 */

/** The one token the stand-in service accepts. */
export const EXAMPLE_DEMO_TOKEN = 'example-demo-token';

export interface ExampleItem {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface ExampleEvent {
  readonly sequence: number;
  readonly item: ExampleItem;
}

export interface ExampleClientOptions {
  readonly token: string;
  readonly endpoint: string;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** What the stand-in SDK throws: an HTTP-like status, a vendor code and a retry hint. */
export class ExampleApiError extends Error {
  override readonly name = 'ExampleApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

interface Store {
  readonly items: Map<string, ExampleItem>;
  readonly events: ExampleEvent[];
}

const stores = new Map<string, Store>();

function storeOf(endpoint: string): Store {
  let store = stores.get(endpoint);
  if (store === undefined) {
    const first = { id: 'item-1', name: 'First item', createdAt: '2024-01-01T00:00:00.000Z' };
    store = { items: new Map([[first.id, first]]), events: [] };
    stores.set(endpoint, store);
  }
  return store;
}

export class ExampleClient {
  private readonly store: Store;
  private closed = false;

  constructor(private readonly options: ExampleClientOptions) {
    this.store = storeOf(options.endpoint);
  }

  /** Checks the credentials. */
  async ping(options: CallOptions = {}): Promise<void> {
    await this.call(options);
  }

  async getItem(id: string, options: CallOptions = {}): Promise<ExampleItem> {
    await this.call(options, id === 'slow' ? 10_000 : 0);
    const item = this.store.items.get(id);
    if (item === undefined) {
      throw new ExampleApiError(404, 'item_not_found', `item '${id}' does not exist`);
    }
    return item;
  }

  async createItem(name: string, options: CallOptions = {}): Promise<ExampleItem> {
    await this.call(options);
    const sequence = this.store.events.length + 1;
    const item = { id: `item-${sequence + 1}`, name, createdAt: new Date().toISOString() };
    this.store.items.set(item.id, item);
    this.store.events.push({ sequence, item });
    return item;
  }

  /** Events with a sequence number above `after`, oldest first. */
  async listEvents(after: number, options: CallOptions = {}): Promise<ExampleEvent[]> {
    await this.call(options);
    return this.store.events.filter((event) => event.sequence > after);
  }

  close(): void {
    this.closed = true;
  }

  private async call(options: CallOptions, latencyMs = 0): Promise<void> {
    if (this.closed) throw new ExampleApiError(503, 'client_closed', 'the client is closed');
    if (this.options.token !== EXAMPLE_DEMO_TOKEN) {
      throw new ExampleApiError(401, 'invalid_auth', 'the token was rejected');
    }
    await delay(latencyMs, options.signal);
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
