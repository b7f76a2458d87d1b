import { ConnectorError, type TSchema, Type } from '@connectorkit/core';
import { encodeLiteral, formatLiteral } from './literals.js';
import {
  type ODataVersion,
  resolvePath,
  type ServiceMetadata,
  type StructuredTypeInfo,
  shortName,
} from './service-metadata.js';

/** Comparison operators of a filter condition. */
export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'in',
  'contains',
  'startswith',
  'endswith',
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** `property operator value`; the value is formatted as a literal of the property's type. */
export interface FilterCondition {
  /** A property, or a path through navigation properties (`customer/city`). */
  readonly property: string;
  /** Default `eq`. */
  readonly operator?: FilterOperator;
  /** The value; an array for `in`. A string with quotes stays a string. */
  readonly value: unknown;
}

/** A structured filter: a condition, or `and` / `or` / `not` of filters. */
export type ODataFilter =
  | FilterCondition
  | { readonly and: readonly ODataFilter[] }
  | { readonly or: readonly ODataFilter[] }
  | { readonly not: ODataFilter };

/** Where the recursive filter schema lives in a schema that uses it (see `withFilterDefinitions`). */
const FILTER_REFERENCE = '#/definitions/odataFilter';

const filterDefinition = {
  description:
    "A condition { property, operator, value } — property may be a path through navigations ('customer/city') — or { and: [...] }, { or: [...] }, { not: {...} }.",
  anyOf: [
    Type.Object(
      {
        property: Type.String({
          minLength: 1,
          description: "Property or path, e.g. 'name' or 'customer/city'",
        }),
        operator: Type.Optional(
          Type.Union(
            FILTER_OPERATORS.map((operator) => Type.Literal(operator)),
            { description: 'Default eq' },
          ),
        ),
        value: Type.Unknown({ description: 'The value; an array for in' }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { and: Type.Array(Type.Unsafe({ $ref: FILTER_REFERENCE }), { minItems: 1 }) },
      { additionalProperties: false },
    ),
    Type.Object(
      { or: Type.Array(Type.Unsafe({ $ref: FILTER_REFERENCE }), { minItems: 1 }) },
      { additionalProperties: false },
    ),
    Type.Object({ not: Type.Unsafe({ $ref: FILTER_REFERENCE }) }, { additionalProperties: false }),
  ],
};

/**
 * The `filter` field: a structured filter, or a raw `$filter` expression string that is sent
 * as is (escape values in it yourself). The structured form refers to a recursive definition,
 * so the object schema using it must carry `withFilterDefinitions()`.
 */
export function FilterSchema(description?: string): TSchema & { static: ODataFilter | string } {
  return Type.Unsafe<ODataFilter | string>({
    description:
      description ??
      'Structured filter ({ property, operator, value }, { and: [...] }, { or: [...] }, { not }) — values are escaped and typed from $metadata; or a raw $filter string sent as is.',
    anyOf: [Type.String({ minLength: 1 }), { $ref: FILTER_REFERENCE }],
  });
}

/** Schema options that define the recursive filter for `FilterSchema` fields inside. */
export function withFilterDefinitions<T extends object>(
  options: T,
): T & { definitions: Record<string, unknown> } {
  return { ...options, definitions: { odataFilter: filterDefinition } };
}

export interface FilterContext {
  readonly metadata: ServiceMetadata;
  readonly version: ODataVersion;
  readonly type: StructuredTypeInfo;
}

/**
 * Builds a `$filter` expression (not yet URL-encoded) from a structured filter, validating each
 * property path against the metadata and formatting each value as a literal of its type.
 */
export function buildFilter(filter: ODataFilter | string, context: FilterContext, path = '$.filter'): string {
  if (typeof filter === 'string') return filter;
  if ('and' in filter) return group(filter.and, 'and', context, `${path}.and`);
  if ('or' in filter) return group(filter.or, 'or', context, `${path}.or`);
  if ('not' in filter) return `not (${buildFilter(filter.not, context, `${path}.not`)})`;
  return condition(filter, context, path);
}

function group(
  filters: readonly ODataFilter[],
  operator: 'and' | 'or',
  context: FilterContext,
  path: string,
): string {
  if (filters.length === 0) {
    throw new ConnectorError('INVALID_INPUT', `'${operator}' needs at least one filter`, { path });
  }
  const parts = filters.map((filter, index) => buildFilter(filter, context, `${path}[${index}]`));
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(` ${operator} `)})`;
}

function condition(filter: FilterCondition, context: FilterContext, path: string): string {
  const { metadata, version, type } = context;
  const operator = filter.operator ?? 'eq';
  const resolved = resolvePath(metadata, type, filter.property, `${path}.property`);
  if (resolved.property === undefined) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `'${filter.property}' is a navigation property of ${shortName(resolved.owner.name)}, not a value to compare — filter on one of its properties ('${filter.property}/…')`,
      { path: `${path}.property` },
    );
  }
  if (resolved.throughCollection) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `'${filter.property}' goes through a to-many navigation, which needs any()/all() — pass that filter as a raw $filter string`,
      { path: `${path}.property` },
    );
  }
  const propertyType = resolved.property.type;
  const literal = (value: unknown, at: string): string => formatLiteral(value, propertyType, version, at);
  const property = filter.property;
  switch (operator) {
    case 'in': {
      if (!Array.isArray(filter.value) || filter.value.length === 0) {
        throw new ConnectorError('INVALID_INPUT', `'in' needs a non-empty array of values`, {
          path: `${path}.value`,
        });
      }
      const literals = filter.value.map((value, index) => literal(value, `${path}.value[${index}]`));
      // V2 has no `in`: the same test as a disjunction.
      if (version === 'v2') {
        return literals.length === 1
          ? `${property} eq ${literals[0]}`
          : `(${literals.map((value) => `${property} eq ${value}`).join(' or ')})`;
      }
      return `${property} in (${literals.join(',')})`;
    }
    case 'contains':
    case 'startswith':
    case 'endswith': {
      if (propertyType !== 'Edm.String') {
        throw new ConnectorError(
          'INVALID_INPUT',
          `'${operator}' works on strings, but '${property}' is ${propertyType}`,
          { path: `${path}.operator` },
        );
      }
      const value = literal(filter.value, `${path}.value`);
      if (version === 'v2') {
        return operator === 'contains'
          ? `substringof(${value},${property}) eq true`
          : `${operator}(${property},${value}) eq true`;
      }
      return `${operator}(${property},${value})`;
    }
    default:
      if (Array.isArray(filter.value)) {
        throw new ConnectorError(
          'INVALID_INPUT',
          `'${operator}' compares with one value — use 'in' for a list`,
          {
            path: `${path}.value`,
          },
        );
      }
      if (filter.value === null && operator !== 'eq' && operator !== 'ne') {
        throw new ConnectorError('INVALID_INPUT', `null can only be compared with eq or ne`, {
          path: `${path}.value`,
        });
      }
      return `${property} ${operator} ${literal(filter.value, `${path}.value`)}`;
  }
}

/**
 * Encodes a `$filter` (or any system query option value) for the query string: spaces as %20
 * (a `+` would not be read as a space by every server), and `& # + %` escaped so that a value
 * can never end the option early.
 */
export function encodeQueryValue(value: string): string {
  return encodeLiteral(value)
    .replace(/%2F/gi, '/')
    .replace(/%24/g, '$')
    .replace(/%3D/gi, '=')
    .replace(/%40/g, '@');
}
