import { describe, expect, it } from 'vitest';
import { collectPages } from './pagination.js';

/** A fake Slack list of 7 items with a cursor that is the next index. */
const list = Array.from({ length: 7 }, (_, index) => index + 1);
function fetcher(requests: [string | undefined, number][]) {
  return async (cursor: string | undefined, limit: number) => {
    requests.push([cursor, limit]);
    const start = cursor === undefined ? 0 : Number(cursor);
    const items = list.slice(start, start + limit);
    return { items, nextCursor: start + limit < list.length ? String(start + limit) : '' };
  };
}

describe('collectPages', () => {
  it('fetches one page by default, from the cursor given', async () => {
    const requests: [string | undefined, number][] = [];
    expect(await collectPages({ pageSize: 3 }, fetcher(requests))).toEqual({
      items: [1, 2, 3],
      nextCursor: '3',
      pages: 1,
    });
    expect(await collectPages({ pageSize: 3, cursor: '6' }, fetcher(requests))).toEqual({
      items: [7],
      nextCursor: null,
      pages: 1,
    });
  });

  it('follows cursors across pages with all', async () => {
    const requests: [string | undefined, number][] = [];
    expect(await collectPages({ pageSize: 3, all: true }, fetcher(requests))).toEqual({
      items: list,
      nextCursor: null,
      pages: 3,
    });
    expect(requests).toEqual([
      [undefined, 3],
      ['3', 3],
      ['6', 3],
    ]);
  });

  it('never cuts a page at maxItems: the last request asks only for what is missing', async () => {
    const requests: [string | undefined, number][] = [];
    const result = await collectPages({ pageSize: 3, all: true, maxItems: 5 }, fetcher(requests));
    expect(result).toEqual({ items: [1, 2, 3, 4, 5], nextCursor: '5', pages: 2 });
    expect(requests).toEqual([
      [undefined, 3],
      ['3', 2],
    ]);
  });
});
