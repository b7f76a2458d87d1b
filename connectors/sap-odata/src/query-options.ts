import { ConnectorError, Type } from '@connectorkit/core';
import {
  buildFilter,
  encodeQueryValue,
  type FilterContext,
  FilterSchema,
  type ODataFilter,
} from './filter.js';
import { resolvePath, shortName } from './service-metadata.js';

/** One query option, name and already-encoded value. */
export type QueryOption = readonly [name: string, encodedValue: string];

export const OrderBySchema = Type.Array(
  Type.Union([
    Type.String({ minLength: 1, description: "'name' or 'name desc'" }),
    Type.Object(
      {
        property: Type.String({ minLength: 1 }),
        direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
      },
      { additionalProperties: false },
    ),
  ]),
  { description: "Sort order: ['name', 'total desc'] or [{ property: 'total', direction: 'desc' }]" },
);

/** The query options shared by `query`, the batch `query` operation and the `changes` trigger. */
export const QueryOptionsSchema = {
  filter: Type.Optional(FilterSchema()),
  select: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), { description: 'Properties to return ($select)' }),
  ),
  expand: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      description:
        "Navigation properties to expand ($expand), e.g. ['customer', 'items'] (V4 options allowed: 'items($select=product)')",
    }),
  ),
  orderBy: Type.Optional(OrderBySchema),
  search: Type.Optional(
    Type.String({ minLength: 1, description: 'Free-text search (V4 $search, V2 SAP search=)' }),
  ),
  parameters: Type.Optional(
    Type.Record(Type.String({ pattern: '^[^$]' }), Type.String(), {
      description: "Extra query parameters sent as is (e.g. { 'sap-language': 'DE' })",
    }),
  ),
};

/** The options `buildQueryOptions` understands. */
export interface QueryOptionsInput {
  readonly filter?: ODataFilter | string | undefined;
  readonly select?: readonly string[] | undefined;
  readonly expand?: readonly string[] | undefined;
  readonly orderBy?:
    | readonly (string | { readonly property: string; readonly direction?: 'asc' | 'desc' | undefined })[]
    | undefined;
  readonly top?: number | undefined;
  readonly skip?: number | undefined;
  readonly count?: boolean | undefined;
  readonly search?: string | undefined;
  readonly parameters?: Readonly<Record<string, string>> | undefined;
}

/**
 * Builds the system query options of a collection or entity request, validating every
 * property and navigation name against the entity type.
 */
export function buildQueryOptions(
  input: QueryOptionsInput,
  context: FilterContext,
  path = '$',
): QueryOption[] {
  const options: QueryOption[] = [];
  const { version } = context;
  if (input.filter !== undefined) {
    options.push(['$filter', encodeQueryValue(buildFilter(input.filter, context, `${path}.filter`))]);
  }
  if (input.select !== undefined && input.select.length > 0) {
    input.select.forEach((property, index) => {
      if (property !== '*') checkPath(property, context, `${path}.select[${index}]`, 'select');
    });
    options.push(['$select', encodeQueryValue(input.select.join(','))]);
  }
  if (input.expand !== undefined && input.expand.length > 0) {
    input.expand.forEach((expand, index) => {
      checkExpand(expand, context, `${path}.expand[${index}]`);
    });
    options.push(['$expand', encodeQueryValue(input.expand.join(','))]);
  }
  if (input.orderBy !== undefined && input.orderBy.length > 0) {
    const parts = input.orderBy.map((entry, index) => {
      const at = `${path}.orderBy[${index}]`;
      if (typeof entry === 'string') {
        const [property = '', direction, ...rest] = entry.trim().split(/\s+/);
        if (rest.length > 0 || (direction !== undefined && direction !== 'asc' && direction !== 'desc')) {
          throw new ConnectorError('INVALID_INPUT', `'${entry}' is not 'property' or 'property asc|desc'`, {
            path: at,
          });
        }
        checkPath(property, context, at, 'orderBy');
        return direction === undefined ? property : `${property} ${direction}`;
      }
      checkPath(entry.property, context, `${at}.property`, 'orderBy');
      return entry.direction === undefined ? entry.property : `${entry.property} ${entry.direction}`;
    });
    options.push(['$orderby', encodeQueryValue(parts.join(','))]);
  }
  if (input.top !== undefined) options.push(['$top', String(input.top)]);
  if (input.skip !== undefined) options.push(['$skip', String(input.skip)]);
  if (input.count === true)
    options.push(version === 'v2' ? ['$inlinecount', 'allpages'] : ['$count', 'true']);
  if (input.search !== undefined) {
    options.push([version === 'v2' ? 'search' : '$search', encodeQueryValue(input.search)]);
  }
  for (const [name, value] of Object.entries(input.parameters ?? {})) {
    options.push([encodeURIComponent(name), encodeQueryValue(value)]);
  }
  return options;
}

function checkPath(property: string, context: FilterContext, path: string, option: string): void {
  const resolved = resolvePath(context.metadata, context.type, property, path);
  if (option === 'orderBy' && resolved.property === undefined) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `'${property}' is a navigation property of ${shortName(resolved.owner.name)} — order by one of its properties ('${property}/…')`,
      { path },
    );
  }
}

function checkExpand(expand: string, context: FilterContext, path: string): void {
  // V4 nested options (`items($select=a;$top=2)`) are passed on; the navigation path before them is checked.
  const open = expand.indexOf('(');
  const navigationPath = (open === -1 ? expand : expand.slice(0, open)).trim();
  let type = context.type;
  for (const segment of navigationPath.split('/')) {
    if (segment === '*') return;
    const navigation = type.navigation.get(segment);
    if (navigation === undefined) {
      const known = [...type.navigation.keys()];
      throw new ConnectorError(
        'INVALID_INPUT',
        `'${segment}' is not a navigation property of ${shortName(type.name)} — it has: ${known.length === 0 ? '(none)' : known.join(', ')}`,
        { path },
      );
    }
    const target = context.metadata.types.get(navigation.targetType);
    if (target === undefined) return;
    type = target;
  }
}

/** `name=value&…` of encoded options. */
export function queryString(options: readonly QueryOption[]): string {
  return options.map(([name, value]) => `${name}=${value}`).join('&');
}
