import { defineAction, Type } from '@connectorkit/core';
import { sapODataConnection } from '../connection.js';
import {
  collectionOf,
  EntitySchema,
  EntitySetNameSchema,
  entityContext,
  jsonBody,
} from '../entity-context.js';
import { withFilterDefinitions } from '../filter.js';
import { type Entity, normalizeEntity } from '../normalize-payload.js';
import { buildQueryOptions, type QueryOption, QueryOptionsSchema } from '../query-options.js';

/** How many records `all: true` collects at most when no `limit` is given. */
export const DEFAULT_QUERY_LIMIT = 10_000;

export const query = defineAction({
  connection: sapODataConnection,
  title: 'Query entities',
  description:
    'Reads entities of an entity set with $filter (structured, escaped and typed from $metadata), $select, $expand, $orderby, $top, $skip and $count; returns one page, or follows server-driven paging (__next / @odata.nextLink) with all: true up to a limit.',
  input: Type.Object(
    {
      entitySet: EntitySetNameSchema,
      ...QueryOptionsSchema,
      top: Type.Optional(Type.Integer({ minimum: 0, description: 'At most this many entities ($top)' })),
      skip: Type.Optional(Type.Integer({ minimum: 0, description: 'Skip this many entities ($skip)' })),
      count: Type.Optional(
        Type.Boolean({ description: 'Also return the total count ($count / $inlinecount)' }),
      ),
      all: Type.Optional(
        Type.Boolean({
          description: 'Follow the next links and return every page (up to limit). Default: one page',
        }),
      ),
      limit: Type.Optional(
        Type.Integer({
          minimum: 1,
          description: `With all: stop after this many entities (default ${DEFAULT_QUERY_LIMIT}); sent as $top`,
        }),
      ),
      nextLink: Type.Optional(
        Type.String({
          minLength: 1,
          description:
            'Continue from the nextLink of an earlier result (the other options are then in the link)',
        }),
      ),
    },
    withFilterDefinitions({ additionalProperties: false }),
  ),
  output: Type.Object({
    value: Type.Array(EntitySchema),
    count: Type.Optional(Type.Integer({ description: 'Total matching entities, when count was asked for' })),
    nextLink: Type.Optional(
      Type.String({
        description: 'Absolute URL of the next page, when there is one: pass it back as nextLink',
      }),
    ),
    pages: Type.Integer({ description: 'Pages read' }),
  }),
  idempotent: true,
  examples: [
    {
      title: 'Open orders over 100, newest first, with their customer',
      input: {
        entitySet: 'Orders',
        filter: {
          and: [
            { property: 'status', value: 'open' },
            { property: 'total', operator: 'gt', value: '100.00' },
          ],
        },
        expand: ['customer'],
        orderBy: ['orderedAt desc'],
        top: 20,
      },
    },
    {
      title: 'Every product, following the server-driven paging',
      input: { entitySet: 'Products', select: ['code', 'title'], all: true, limit: 500 },
    },
  ],
  run: async (input, { client, signal }) => {
    const context = await entityContext(client, input.entitySet, signal);
    const all = input.all === true;
    const limit = input.limit ?? DEFAULT_QUERY_LIMIT;
    let path: string;
    let options: QueryOption[];
    if (input.nextLink !== undefined) {
      path = input.nextLink;
      options = [];
    } else {
      const top = all ? Math.min(input.top ?? limit, limit) : input.top;
      path = encodeURIComponent(context.set.name);
      options = buildQueryOptions({ ...input, ...(top === undefined ? {} : { top }) }, context);
    }
    const value: Entity[] = [];
    let count: number | undefined;
    let nextLink: string | undefined;
    let pages = 0;
    for (;;) {
      const response = await client.request({ method: 'GET', path, query: options, signal });
      pages++;
      const page = collectionOf(jsonBody(response), context.version, response.url);
      for (const item of page.items) value.push(normalizeEntity(item, context.type, context.normalize));
      count ??= page.count;
      // V4 next links are relative to the service root (where the context URL points), V2's absolute.
      nextLink = page.nextLink === undefined ? undefined : client.resolve(page.nextLink).href;
      if (!all || nextLink === undefined || value.length >= limit) break;
      path = nextLink;
      options = [];
    }
    if (value.length > limit && all) value.length = limit;
    return {
      value,
      ...(count === undefined ? {} : { count }),
      ...(nextLink === undefined ? {} : { nextLink }),
      pages,
    };
  },
});
