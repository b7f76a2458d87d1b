import { type TSchema, Type } from '@connectorkit/core';
import { type Expression, js } from './code-printer.js';
import { isNode, type OpenApiDocument, type OpenApiNode, stringOf } from './openapi-document.js';

/**
 * A schema of the OpenAPI document in the shape TypeBox builds: printed as TypeBox code for the
 * generated package, built with TypeBox here to check the sample values the tests use.
 */
export type TypeNode =
  | {
      readonly kind: 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'unknown';
      readonly options: Options;
    }
  | { readonly kind: 'literal'; readonly value: string | number | boolean; readonly options: Options }
  | { readonly kind: 'array'; readonly items: TypeNode; readonly options: Options }
  | {
      readonly kind: 'object';
      readonly properties: readonly ObjectProperty[];
      /** `false` for `additionalProperties: false`, a node for a schema, undefined when open. */
      readonly additional: TypeNode | false | undefined;
      readonly options: Options;
    }
  | { readonly kind: 'record'; readonly value: TypeNode; readonly options: Options }
  | { readonly kind: 'union' | 'intersect'; readonly members: readonly TypeNode[]; readonly options: Options }
  | { readonly kind: 'ref'; readonly identifier: string };

export interface ObjectProperty {
  readonly name: string;
  readonly node: TypeNode;
  readonly optional: boolean;
}

/** Schema keywords kept as TypeBox options, in the order they are printed. */
type Options = Readonly<Record<string, string | number | boolean>>;

const OPTION_KEYWORDS = [
  'title',
  'description',
  'format',
  'contentEncoding',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'default',
] as const;

/** Formats the kit's validator knows (ajv-formats); others would be ignored with a warning. */
const KNOWN_FORMATS = new Set([
  'date',
  'time',
  'date-time',
  'duration',
  'uri',
  'uri-reference',
  'uri-template',
  'url',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'regex',
  'uuid',
  'json-pointer',
  'relative-json-pointer',
  'byte',
  'int32',
  'int64',
  'float',
  'double',
  'password',
  'binary',
]);

/** Names that must not be shadowed by a generated constant. */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if implements import in instanceof interface let new null package private protected public return ' +
    'static super switch this throw true try typeof var void while with yield await arguments eval undefined NaN ' +
    'Infinity Object Array String Number Boolean Symbol BigInt Date Error Map Set WeakMap WeakSet Promise RegExp ' +
    'JSON Math Function Proxy Reflect Intl Buffer URL Request Response Headers Blob Type Static TSchema Input Output ' +
    'Record Partial Required Readonly Pick Omit Event Node Element globalThis escape unescape isNaN isFinite ' +
    'parseInt parseFloat'
  ).split(' '),
);

/** A valid, unshadowing identifier from any text: `pet-category` → `PetCategory` (pascal) or `petCategory`. */
export function identifierFrom(text: string, casing: 'pascal' | 'camel'): string {
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  const joined = words
    .map((word, index) => {
      if (casing === 'camel' && index === 0) {
        return word === word.toUpperCase()
          ? word.toLowerCase()
          : `${word[0]?.toLowerCase() ?? ''}${word.slice(1)}`;
      }
      return `${word[0]?.toUpperCase() ?? ''}${word.slice(1)}`;
    })
    .join('');
  const identifier = /^[A-Za-z]/.test(joined)
    ? joined
    : `${casing === 'camel' ? 'operation' : 'Schema'}${joined}`;
  return RESERVED.has(identifier)
    ? `${identifier}${casing === 'camel' ? 'Operation' : 'Schema'}`
    : identifier;
}

/** Converts schemas of one document, collecting the component schemas they use. */
export class SchemaConverter {
  /** Component schemas in dependency order: each is defined after those it refers to. */
  readonly components: { readonly name: string; readonly identifier: string; readonly node: TypeNode }[] = [];
  private readonly states = new Map<string, { identifier: string; done: boolean }>();
  private readonly identifiers = new Set<string>();

  constructor(private readonly document: OpenApiDocument) {}

  convert(schema: unknown, where: string, visiting: ReadonlySet<string> = new Set()): TypeNode {
    if (!isNode(schema)) return { kind: 'unknown', options: {} };
    const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
    if (ref !== undefined) {
      const component = /^#\/components\/schemas\/([^/]+)$/.exec(ref)?.[1];
      if (component !== undefined) return this.component(decodePointer(component), ref, where);
      if (visiting.has(ref)) return { kind: 'unknown', options: { description: `recursive (${ref})` } };
      return this.convert(this.document.pointer(ref, where), where, new Set([...visiting, ref]));
    }
    const node = this.convertInline(schema, where, visiting);
    if (schema.nullable === true && node.kind !== 'null' && node.kind !== 'unknown') {
      return { kind: 'union', members: [withoutDefault(node), { kind: 'null', options: {} }], options: {} };
    }
    return node;
  }

  /** The value of a node, as a plain TypeBox schema (to validate sample values with). */
  build(node: TypeNode): TSchema {
    switch (node.kind) {
      case 'string':
        return Type.String(node.options);
      case 'number':
        return Type.Number(node.options);
      case 'integer':
        return Type.Integer(node.options);
      case 'boolean':
        return Type.Boolean(node.options);
      case 'null':
        return Type.Null(node.options);
      case 'unknown':
        return Type.Unknown(node.options);
      case 'literal':
        return Type.Literal(node.value, node.options);
      case 'array':
        return Type.Array(this.build(node.items), node.options);
      case 'record':
        return Type.Record(Type.String(), this.build(node.value), node.options);
      case 'union':
        return Type.Union(
          node.members.map((member) => this.build(member)),
          node.options,
        );
      case 'intersect':
        return Type.Intersect(
          node.members.map((member) => this.build(member)),
          node.options,
        );
      case 'ref':
        return this.build(this.target(node.identifier));
      case 'object': {
        const properties: Record<string, TSchema> = {};
        for (const property of node.properties) {
          const built = this.build(property.node);
          properties[property.name] = property.optional ? Type.Optional(built) : built;
        }
        const additional =
          node.additional === undefined
            ? {}
            : { additionalProperties: node.additional === false ? false : this.build(node.additional) };
        return Type.Object(properties, { ...node.options, ...additional });
      }
    }
  }

  /** The node a component identifier stands for. */
  target(identifier: string): TypeNode {
    const component = this.components.find((candidate) => candidate.identifier === identifier);
    if (component === undefined) throw new Error(`unknown component ${identifier}`);
    return component.node;
  }

  private component(name: string, ref: string, where: string): TypeNode {
    const state = this.states.get(name);
    if (state !== undefined) {
      // A reference back to a schema being converted: TypeBox code cannot name it yet.
      return state.done
        ? { kind: 'ref', identifier: state.identifier }
        : { kind: 'unknown', options: { description: `${name} (recursive, not checked)` } };
    }
    const identifier = this.uniqueIdentifier(identifierFrom(name, 'pascal'));
    const entry = { identifier, done: false };
    this.states.set(name, entry);
    const node = this.convert(this.document.pointer(ref, where), `${ref}`);
    entry.done = true;
    this.components.push({ name, identifier, node });
    return { kind: 'ref', identifier };
  }

  private uniqueIdentifier(base: string): string {
    let identifier = base;
    for (let suffix = 2; this.identifiers.has(identifier); suffix++) identifier = `${base}${suffix}`;
    this.identifiers.add(identifier);
    return identifier;
  }

  private convertInline(schema: OpenApiNode, where: string, visiting: ReadonlySet<string>): TypeNode {
    const options = optionsOf(schema, this.document.version);
    const enumValues = Array.isArray(schema.enum) ? schema.enum : undefined;
    if (enumValues !== undefined && enumValues.length > 0) {
      const members = enumValues.map(
        (value): Exclude<TypeNode, { kind: 'ref' }> =>
          value === null
            ? { kind: 'null', options: {} }
            : typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
              ? { kind: 'literal', value, options: {} }
              : { kind: 'unknown', options: {} },
      );
      return members.length === 1 && members[0] !== undefined
        ? { ...members[0], options: { ...members[0].options, ...withoutKeyword(options, 'format') } }
        : { kind: 'union', members, options: withoutKeyword(options, 'format') };
    }
    if ('const' in schema && ['string', 'number', 'boolean'].includes(typeof schema.const)) {
      return { kind: 'literal', value: schema.const as string | number | boolean, options };
    }
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const branches = schema[keyword];
      if (Array.isArray(branches) && branches.length > 0) {
        const members = branches.map((branch, index) =>
          this.convert(branch, `${where}.${keyword}[${index}]`, visiting),
        );
        return members.length === 1 && members[0] !== undefined
          ? members[0]
          : { kind: 'union', members, options };
      }
    }
    if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
      const members = schema.allOf.map((branch, index) =>
        this.convert(branch, `${where}.allOf[${index}]`, visiting),
      );
      return members.length === 1 && members[0] !== undefined
        ? members[0]
        : { kind: 'intersect', members, options };
    }
    const types = Array.isArray(schema.type)
      ? schema.type.filter((type) => typeof type === 'string')
      : [schema.type];
    if (types.length > 1) {
      const members = types.map((type) => this.convertInline({ ...schema, type }, where, visiting));
      return {
        kind: 'union',
        members: members.map((member) => ({ ...member, options: {} }) as TypeNode),
        options,
      };
    }
    const type =
      typeof types[0] === 'string'
        ? types[0]
        : isNode(schema.properties) || schema.additionalProperties !== undefined
          ? 'object'
          : schema.items !== undefined
            ? 'array'
            : undefined;
    switch (type) {
      case 'string':
        return { kind: 'string', options };
      case 'number':
      case 'integer':
      case 'boolean':
      case 'null':
        return { kind: type, options };
      case 'array':
        return { kind: 'array', items: this.convert(schema.items, `${where}.items`, visiting), options };
      case 'object':
        return this.convertObject(schema, options, where, visiting);
      default:
        return { kind: 'unknown', options: withoutKeyword(options, 'format') };
    }
  }

  private convertObject(
    schema: OpenApiNode,
    options: Options,
    where: string,
    visiting: ReadonlySet<string>,
  ): TypeNode {
    const required = new Set(
      Array.isArray(schema.required) ? schema.required.filter((key) => typeof key === 'string') : [],
    );
    const properties: ObjectProperty[] = [];
    for (const [name, property] of Object.entries(isNode(schema.properties) ? schema.properties : {})) {
      const resolved = this.document.resolve(property, `${where}.${name}`);
      // A required read-only (or write-only) field is absent from requests (or responses).
      const oneWay = resolved.readOnly === true || resolved.writeOnly === true;
      properties.push({
        name,
        node: this.convert(property, `${where}.${name}`, visiting),
        optional: !required.has(name) || oneWay,
      });
    }
    const additionalSchema = schema.additionalProperties;
    const additional =
      additionalSchema === false
        ? false
        : isNode(additionalSchema) && Object.keys(additionalSchema).length > 0
          ? this.convert(additionalSchema, `${where}.additionalProperties`, visiting)
          : undefined;
    if (properties.length === 0 && additional !== false) {
      return { kind: 'record', value: additional ?? { kind: 'unknown', options: {} }, options };
    }
    return { kind: 'object', properties, additional, options };
  }
}

function decodePointer(segment: string): string {
  return decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~');
}

function optionsOf(schema: OpenApiNode, version: '3.0' | '3.1'): Options {
  const options: Record<string, string | number | boolean> = {};
  for (const keyword of OPTION_KEYWORDS) {
    let value = schema[keyword];
    if (keyword === 'description' || keyword === 'title') value = stringOf(value);
    if (keyword === 'format' && (typeof value !== 'string' || !KNOWN_FORMATS.has(value))) continue;
    if (keyword === 'pattern' && typeof value === 'string' && !isValidPattern(value)) continue;
    // OpenAPI 3.0 writes `exclusiveMinimum: true` beside `minimum`; JSON Schema wants the bound.
    if ((keyword === 'exclusiveMinimum' || keyword === 'exclusiveMaximum') && typeof value === 'boolean') {
      continue;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      options[keyword] = value;
  }
  if (version === '3.0') {
    for (const [flag, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      const limit = schema[bound];
      if (schema[flag] === true && typeof limit === 'number') {
        delete options[bound];
        options[flag] = limit;
      }
    }
  }
  return options as Options;
}

function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function withoutKeyword(options: Options, keyword: string): Options {
  const { [keyword]: _dropped, ...rest } = options;
  return rest as Options;
}

function withoutDefault(node: TypeNode): TypeNode {
  return node.kind === 'ref'
    ? node
    : ({ ...node, options: withoutKeyword(node.options, 'default') } as TypeNode);
}

// ------------------------------------------------------------------ code

/** TypeBox code for a node: `Type.Object({ … })`, `Type.Array(Pet)` … */
export function typeBoxCode(node: TypeNode): Expression {
  const options = (extra: Record<string, Expression> = {}): Expression[] => {
    if (node.kind === 'ref') return [];
    const properties = [
      ...Object.entries(node.options).map(([key, value]) => ({ key, value: js.value(value) })),
      ...Object.entries(extra).map(([key, value]) => ({ key, value })),
    ];
    return properties.length === 0 ? [] : [js.object(properties)];
  };
  switch (node.kind) {
    case 'string':
      return js.call('Type.String', ...options());
    case 'number':
      return js.call('Type.Number', ...options());
    case 'integer':
      return js.call('Type.Integer', ...options());
    case 'boolean':
      return js.call('Type.Boolean', ...options());
    case 'null':
      return js.call('Type.Null', ...options());
    case 'unknown':
      return js.call('Type.Unknown', ...options());
    case 'literal':
      return js.call('Type.Literal', js.value(node.value), ...options());
    case 'array':
      return js.call('Type.Array', typeBoxCode(node.items), ...options());
    case 'record':
      return js.call('Type.Record', js.call('Type.String'), typeBoxCode(node.value), ...options());
    case 'union':
      return js.call('Type.Union', js.array(node.members.map(typeBoxCode)), ...options());
    case 'intersect':
      return js.call('Type.Intersect', js.array(node.members.map(typeBoxCode)), ...options());
    case 'ref':
      return js.raw(node.identifier);
    case 'object': {
      const properties = node.properties.map((property) => ({
        key: property.name,
        value: property.optional
          ? js.call('Type.Optional', typeBoxCode(property.node))
          : typeBoxCode(property.node),
      }));
      const additional =
        node.additional === undefined
          ? {}
          : {
              additionalProperties:
                node.additional === false ? js.raw('false') : typeBoxCode(node.additional),
            };
      return js.call('Type.Object', js.object(properties, true), ...options(additional));
    }
  }
}

/** Component identifiers a node refers to. */
export function referencedComponents(node: TypeNode, into = new Set<string>()): Set<string> {
  switch (node.kind) {
    case 'ref':
      into.add(node.identifier);
      break;
    case 'array':
      referencedComponents(node.items, into);
      break;
    case 'record':
      referencedComponents(node.value, into);
      break;
    case 'union':
    case 'intersect':
      for (const member of node.members) referencedComponents(member, into);
      break;
    case 'object':
      for (const property of node.properties) referencedComponents(property.node, into);
      if (node.additional !== undefined && node.additional !== false)
        referencedComponents(node.additional, into);
      break;
    default:
      break;
  }
  return into;
}

// ------------------------------------------------------------------ sample values

const FORMAT_SAMPLES: Readonly<Record<string, string>> = {
  date: '2024-01-31',
  time: '12:30:00Z',
  'date-time': '2024-01-31T12:30:00Z',
  duration: 'P1D',
  uri: 'https://api.test/resource',
  url: 'https://api.test/resource',
  'uri-reference': '/resource',
  'uri-template': '/resource/{id}',
  email: 'someone@mail.test',
  hostname: 'api.test',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  regex: 'a+',
  uuid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  'json-pointer': '/a',
  'relative-json-pointer': '0/a',
  byte: 'c2FtcGxl',
};

/**
 * A value that satisfies a node, for the generated tests: examples and defaults of the
 * document where it has them, else the simplest value within the node's bounds.
 */
export function sampleValue(converter: SchemaConverter, node: TypeNode, depth = 0): unknown {
  if (depth > 8) return null;
  const options = node.kind === 'ref' ? {} : node.options;
  if (options.default !== undefined) return options.default;
  switch (node.kind) {
    case 'ref':
      return sampleValue(converter, converter.target(node.identifier), depth + 1);
    case 'literal':
      return node.value;
    case 'null':
      return null;
    case 'boolean':
      return true;
    case 'unknown':
      return {};
    case 'integer':
    case 'number':
      return sampleNumber(node.kind, options);
    case 'string':
      return sampleString(options);
    case 'array': {
      const count = Math.max(1, typeof options.minItems === 'number' ? options.minItems : 1);
      if (options.uniqueItems === true && count > 1) return null;
      return Array.from({ length: count }, () => sampleValue(converter, node.items, depth + 1));
    }
    case 'record':
      return {};
    case 'union': {
      const preferred = node.members.find((member) => member.kind !== 'null') ?? node.members[0];
      return preferred === undefined ? null : sampleValue(converter, preferred, depth + 1);
    }
    case 'intersect': {
      const parts = node.members.map((member) => sampleValue(converter, member, depth + 1));
      return parts.every(isNode) ? Object.assign({}, ...parts) : parts[0];
    }
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const property of node.properties) {
        // Optional nested objects are left out below the top to keep fixtures small.
        if (property.optional && depth > 1) continue;
        value[property.name] = sampleValue(converter, property.node, depth + 1);
      }
      return value;
    }
  }
}

function sampleNumber(kind: 'integer' | 'number', options: Options): number {
  const minimum =
    typeof options.exclusiveMinimum === 'number'
      ? options.exclusiveMinimum + (kind === 'integer' ? 1 : 0.5)
      : typeof options.minimum === 'number'
        ? options.minimum
        : undefined;
  const maximum =
    typeof options.exclusiveMaximum === 'number'
      ? options.exclusiveMaximum - (kind === 'integer' ? 1 : 0.5)
      : typeof options.maximum === 'number'
        ? options.maximum
        : undefined;
  let value = minimum ?? Math.min(maximum ?? 1, 1);
  if (kind === 'integer') value = Math.ceil(value);
  const step = typeof options.multipleOf === 'number' ? options.multipleOf : undefined;
  if (step !== undefined && step > 0) value = Math.ceil(value / step) * step;
  return value;
}

function sampleString(options: Options): string {
  // Base64 text is sampled as the `byte` format: its bytes read back to the same text.
  const format =
    options.contentEncoding === 'base64'
      ? 'byte'
      : typeof options.format === 'string'
        ? options.format
        : undefined;
  const minLength = typeof options.minLength === 'number' ? options.minLength : 0;
  const maxLength = typeof options.maxLength === 'number' ? options.maxLength : Number.POSITIVE_INFINITY;
  const candidates = [
    ...(format !== undefined && FORMAT_SAMPLES[format] !== undefined ? [FORMAT_SAMPLES[format]] : []),
    'sample',
    'abc',
    'ABC',
    '123',
    'a1',
    'A1',
    'sample-1',
    'x'.repeat(Math.max(1, minLength)),
    '1'.repeat(Math.max(1, minLength)),
  ];
  const pattern = typeof options.pattern === 'string' ? new RegExp(options.pattern, 'u') : undefined;
  for (const candidate of candidates) {
    let value = candidate;
    if (value.length < minLength) value = value.padEnd(minLength, 'x');
    if (value.length > maxLength) value = value.slice(0, maxLength);
    if (pattern === undefined || pattern.test(value)) return value;
  }
  return 'sample';
}
