import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { jsonPath } from './errors.js';

/** XML facts carried next to a JSON Schema (in the spirit of OpenAPI's `xml` object). */
export interface XmlAnnotation {
  /** The element or attribute name, when it differs from the property name. */
  readonly name?: string;
  /** The namespace URI of the element or attribute (absent: no namespace). */
  readonly namespace?: string;
  /** The prefix to write for `namespace` (taken from the XSD's declarations). */
  readonly prefix?: string;
  /** The property is an XML attribute. */
  readonly attribute?: boolean;
  /** The element may be empty with `xsi:nil="true"`; its value is then `null`. */
  readonly nillable?: boolean;
}

/**
 * The JSON Schema subset this package reads and writes. Properties keep their order: for
 * XML definitions it is the element order of the XSD sequence. Attributes are properties
 * named `@name`, the text of an element with attributes is `#text`.
 */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
  type?: JsonSchemaType | JsonSchemaType[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  xml?: XmlAnnotation;
  [keyword: string]: unknown;
}

export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let draft07: Ajv | undefined;
let draft2020: Ajv | undefined;

function ajvFor(schema: JsonSchema): Ajv {
  if (typeof schema.$schema === 'string' && schema.$schema.includes('2020-12')) {
    draft2020 ??= configure(new Ajv2020({ allErrors: true, strict: false }) as unknown as Ajv);
    return draft2020;
  }
  draft07 ??= configure(new Ajv({ allErrors: true, strict: false }));
  return draft07;
}

function configure(ajv: Ajv): Ajv {
  addFormats(ajv);
  return ajv;
}

/** One schema problem of a value: JSONPath of the value and what was expected. */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

/** A compiled validator; compile once, call per message. */
export type SchemaValidator = (value: unknown) => SchemaProblem[];

/** Compiles a JSON Schema (draft-07, or 2020-12 when `$schema` says so) with formats. */
export function compileSchema(schema: JsonSchema): SchemaValidator {
  const validate: ValidateFunction = ajvFor(schema).compile(stripXml(schema) as object);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map(describeAjvError));
}

/** ajv ignores unknown keywords in non-strict mode; a copy without `xml` keeps the cache small. */
function stripXml(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripXml);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  const nillable = (schema as JsonSchema).xml?.nillable === true;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'xml') continue;
    copy[key] =
      key === 'properties' || key === '$defs' || key === 'definitions'
        ? Object.fromEntries(Object.entries(value as object).map(([name, inner]) => [name, stripXml(inner)]))
        : key === 'enum' || key === 'const' || key === 'default'
          ? value
          : stripXml(value);
  }
  return nillable ? { anyOf: [copy, { type: 'null' }] } : copy;
}

function describeAjvError(error: ErrorObject): SchemaProblem {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return { path: jsonPath([...segments, params.missingProperty]), message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return {
      path: jsonPath([...segments, params.additionalProperty]),
      message: 'is not allowed by the schema',
    };
  }
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    return {
      path: jsonPath(segments),
      message: `must be one of ${params.allowedValues.map((value) => JSON.stringify(value)).join(', ')}`,
    };
  }
  return { path: jsonPath(segments), message: error.message ?? `breaks '${error.keyword}'` };
}

/** Follows a local `$ref` (`#/$defs/Name`, `#/definitions/Name`) against the root schema. */
export function resolveSchema(schema: JsonSchema | undefined, root: JsonSchema): JsonSchema | undefined {
  let current = schema;
  for (let hops = 0; current?.$ref !== undefined && hops < 32; hops++) {
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(current.$ref);
    if (match === null) return current;
    const table = match[1] === '$defs' ? root.$defs : root.definitions;
    current = table?.[decodeURIComponent(match[2] ?? '')];
  }
  return current;
}

/** The schema's types as a list (`type` may be one type or several). */
export function schemaTypes(schema: JsonSchema | undefined): JsonSchemaType[] {
  if (schema === undefined || schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}
