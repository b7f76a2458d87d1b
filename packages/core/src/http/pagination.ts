import { ConnectorError, toConnectorError } from '../errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from './http-client.js';

/** What every pagination helper accepts besides how to fetch a page. */
export interface PaginationLimits {
  /** Stops the walk between pages: pass the action's `ctx.signal`. */
  readonly signal?: AbortSignal;
  /**
   * A walk that needs more pages than this fails with a message instead of running forever
   * against a service that never says "last page". Default 1 000.
   */
  readonly maxPages?: number;
}

export interface CursorPagination<TPage, TItem> extends PaginationLimits {
  /** Fetches one page; `cursor` is `undefined` for the first. */
  fetchPage(cursor: string | undefined): Promise<TPage>;
  /** The items of a page. */
  items(page: TPage): readonly TItem[];
  /** The cursor of the next page; `null`, `undefined` or `''` when this was the last. */
  nextCursor(page: TPage): string | null | undefined;
}

export interface PageNumberPagination<TPage, TItem> extends PaginationLimits {
  /** Fetches one page by its number. */
  fetchPage(page: number): Promise<TPage>;
  items(page: TPage): readonly TItem[];
  /** Number of the first page. Default 1. */
  readonly firstPage?: number;
  /**
   * Whether a page follows this one. Default: the page had items — set it when the service
   * says so (`page.hasMore`, `page.totalPages`) to save the request for an empty last page.
   */
  hasMore?(page: TPage, items: readonly TItem[], pageNumber: number): boolean;
}

export interface NextLinkPagination<TBody, TItem> extends PaginationLimits {
  items(body: TBody, response: HttpResponse<TBody>): readonly TItem[];
  /**
   * The URL of the next page, relative or absolute on the API's origin; `null` or `undefined`
   * when this was the last. Default: the `Link` header's `rel="next"` (RFC 8288).
   */
  nextLink?(response: HttpResponse<TBody>): string | null | undefined;
}

const DEFAULT_MAX_PAGES = 1_000;

/**
 * Walks a cursor-paginated list, yielding items; the next page is fetched only when the
 * consumer asks for more, so `break` (or `collectItems(…, limit)`) stops the requests.
 *
 * @example
 * const channels = paginateByCursor({
 *   fetchPage: (cursor) => client.get<ChannelPage>('/channels', { query: { cursor, limit: 200 }, signal }),
 *   items: (page) => page.channels,
 *   nextCursor: (page) => page.nextCursor,
 *   signal,
 * });
 * for await (const channel of channels) …
 */
export async function* paginateByCursor<TPage, TItem>(
  pagination: CursorPagination<TPage, TItem>,
): AsyncGenerator<TItem, void, undefined> {
  const maxPages = pagination.maxPages ?? DEFAULT_MAX_PAGES;
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pageCount = 1; ; pageCount++) {
    throwIfAborted(pagination.signal);
    const page = await pagination.fetchPage(cursor);
    yield* pagination.items(page);
    const next = pagination.nextCursor(page);
    if (next === null || next === undefined || next === '') return;
    if (seen.has(next)) {
      throw new ConnectorError(
        'INTERNAL',
        `pagination: the service returned cursor '${next}' twice — stopping instead of looping forever`,
      );
    }
    seen.add(next);
    if (pageCount >= maxPages) throw tooManyPages(maxPages);
    cursor = next;
  }
}

/**
 * Walks a list paginated by page number (`?page=1`, `?page=2` …), yielding items until a page
 * is empty or `hasMore` says it was the last.
 *
 * @example
 * const issues = paginateByPage({
 *   fetchPage: (page) => client.get<Issue[]>('/issues', { query: { page, per_page: 100 }, signal }),
 *   items: (page) => page,
 *   hasMore: (_page, items) => items.length === 100,
 * });
 */
export async function* paginateByPage<TPage, TItem>(
  pagination: PageNumberPagination<TPage, TItem>,
): AsyncGenerator<TItem, void, undefined> {
  const maxPages = pagination.maxPages ?? DEFAULT_MAX_PAGES;
  const first = pagination.firstPage ?? 1;
  for (let pageNumber = first; ; pageNumber++) {
    throwIfAborted(pagination.signal);
    const page = await pagination.fetchPage(pageNumber);
    const items = pagination.items(page);
    yield* items;
    const more = pagination.hasMore?.(page, items, pageNumber) ?? items.length > 0;
    if (!more) return;
    if (pageNumber - first + 1 >= maxPages) throw tooManyPages(maxPages);
  }
}

/**
 * Walks a list whose responses link to the next page — the `Link: <…>; rel="next"` header by
 * default, or a URL in the body via `nextLink`. Links must stay on the client's origin: the
 * client refuses to send credentials elsewhere.
 *
 * @example
 * const repositories = paginateByNextLink<Repository[], Repository>(client, { path: '/user/repos', signal }, {
 *   items: (body) => body,
 * });
 */
export async function* paginateByNextLink<TBody, TItem>(
  client: HttpClient,
  first: HttpRequest,
  pagination: NextLinkPagination<TBody, TItem>,
): AsyncGenerator<TItem, void, undefined> {
  const maxPages = pagination.maxPages ?? DEFAULT_MAX_PAGES;
  const signal = pagination.signal ?? first.signal;
  const seen = new Set<string>();
  let request: HttpRequest = first;
  for (let pageCount = 1; ; pageCount++) {
    throwIfAborted(signal);
    const response = await client.request<TBody>(request);
    yield* pagination.items(response.body, response);
    const link = pagination.nextLink?.(response) ?? parseLinkHeader(response.headers.get('link')).next;
    if (link === null || link === undefined || link === '') return;
    const next = new URL(link, response.url || client.baseUrl).href;
    if (seen.has(next)) {
      throw new ConnectorError(
        'INTERNAL',
        'pagination: the service linked to the same page twice — stopping',
      );
    }
    seen.add(next);
    if (pageCount >= maxPages) throw tooManyPages(maxPages);
    // The link carries the query of the next page; the first request's query must not repeat.
    const { query: _query, params: _params, body: _body, ...rest } = first;
    request = { ...rest, path: next };
  }
}

/**
 * Parses an RFC 8288 `Link` header into its targets by relation:
 * `<https://api/x?page=2>; rel="next", <…>; rel="last"` → `{ next: 'https://api/x?page=2', last: '…' }`.
 */
export function parseLinkHeader(header: string | null | undefined): Readonly<Record<string, string>> {
  const links: Record<string, string> = {};
  if (header === null || header === undefined) return links;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const target = match[1] ?? '';
    const relation = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2] ?? '');
    const names = relation?.[1] ?? relation?.[2];
    if (names === undefined) continue;
    for (const name of names.split(/\s+/)) if (name !== '' && !(name in links)) links[name] = target;
  }
  return links;
}

/** Reads up to `limit` items of an async iterable (stopping its requests there) into an array. */
export async function collectItems<T>(
  items: AsyncIterable<T>,
  limit = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const collected: T[] = [];
  if (limit <= 0) return collected;
  for await (const item of items) {
    collected.push(item);
    if (collected.length >= limit) break;
  }
  return collected;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw toConnectorError(signal.reason);
}

function tooManyPages(maxPages: number): ConnectorError {
  return new ConnectorError(
    'INTERNAL',
    `pagination: stopped after ${maxPages} pages — narrow the query or raise maxPages`,
  );
}
