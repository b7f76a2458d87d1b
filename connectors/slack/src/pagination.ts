import { Type } from '@connectorkit/core';

/**
 * Paging input shared by the list actions: one page (optionally from `cursor`), or — with
 * `all` — every page up to `maxItems`.
 */
export const PagingInput = {
  cursor: Type.Optional(
    Type.String({ minLength: 1, description: 'Continue from this cursor (`nextCursor` of an earlier call)' }),
  ),
  pageSize: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 200,
      description: "Items per request (Slack's `limit`; Slack may return fewer)",
    }),
  ),
  all: Type.Optional(
    Type.Boolean({
      default: false,
      description: 'Follow `next_cursor` across pages until done or `maxItems`',
    }),
  ),
  maxItems: Type.Optional(
    Type.Integer({ minimum: 1, default: 1000, description: 'With `all`: stop after this many items' }),
  ),
} as const;

/** Paging output shared by the list actions. */
export const PagingOutput = {
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor` for the next page; null when there is none',
  }),
  pages: Type.Integer({ description: 'Requests made' }),
} as const;

export interface PagingOptions {
  readonly cursor?: string | undefined;
  readonly pageSize?: number | undefined;
  readonly all?: boolean | undefined;
  readonly maxItems?: number | undefined;
}

export interface FetchedPage<TItem> {
  readonly items: readonly TItem[];
  /** Slack's `response_metadata.next_cursor`; empty or absent on the last page. */
  readonly nextCursor: string | undefined;
}

export interface CollectedPages<TItem> {
  readonly items: TItem[];
  readonly nextCursor: string | null;
  readonly pages: number;
}

/**
 * Cursor pagination the Slack way. In `all` mode each request asks for no more than is still
 * wanted, so a page is never cut: `nextCursor` then resumes exactly after the last item returned.
 */
export async function collectPages<TItem>(
  options: PagingOptions,
  fetchPage: (cursor: string | undefined, limit: number) => Promise<FetchedPage<TItem>>,
): Promise<CollectedPages<TItem>> {
  const pageSize = options.pageSize ?? 200;
  const maxItems = options.all === true ? (options.maxItems ?? 1000) : pageSize;
  const items: TItem[] = [];
  let cursor = options.cursor;
  let pages = 0;
  for (;;) {
    const page = await fetchPage(cursor, Math.min(pageSize, maxItems - items.length));
    pages++;
    items.push(...page.items);
    cursor = page.nextCursor === undefined || page.nextCursor === '' ? undefined : page.nextCursor;
    if (cursor === undefined || options.all !== true || items.length >= maxItems) break;
  }
  return { items, nextCursor: cursor ?? null, pages };
}
