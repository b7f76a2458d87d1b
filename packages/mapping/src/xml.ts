import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { jsonPath, MappingError } from './errors.js';
import { type JsonSchema, resolveSchema, schemaTypes } from './json-schema.js';
import type { MessageDefinition } from './message-definition.js';

/** Bounds on XML input; a message beyond one is refused before it is parsed. */
export interface XmlLimits {
  /** Largest accepted text, in UTF-8 bytes. Default 10 MiB. */
  readonly maxBytes?: number;
  /** Deepest accepted element nesting. Default 64. */
  readonly maxDepth?: number;
  /** Most elements accepted. Default 200 000. */
  readonly maxElements?: number;
}

export const DEFAULT_XML_LIMITS: Required<XmlLimits> = {
  maxBytes: 10 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 200_000,
};

export interface ParseXmlOptions {
  readonly limits?: XmlLimits;
  /**
   * Shapes the value by the definition: arrays where more than one element is allowed,
   * numbers and booleans where the schema says so, and the root element checked.
   */
  readonly definition?: MessageDefinition;
}

/** A parsed XML message. */
export interface XmlDocument {
  /** The root element's local name and namespace URI. */
  readonly root: { readonly name: string; readonly namespace: string | undefined };
  /** The root element's content (see `MessageDefinition`). */
  readonly value: unknown;
}

const PREDEFINED_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const START_OR_END_TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;

/**
 * Parses XML safely: DOCTYPE declarations are refused (so no external entities and no
 * entity expansion — a "billion laughs" document never expands), only the five predefined
 * entities and character references are decoded, and size, depth and element-count limits
 * are checked before the parser runs. Every refusal is a `MappingError`.
 *
 * @example
 * const { value } = parseXml(text, { definition: await loadMessageDefinition('order.xsd') });
 */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlDocument {
  const limits = { ...DEFAULT_XML_LIMITS, ...options.limits };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    throw new MappingError(
      'XML_TOO_LARGE',
      `the XML message is ${bytes} bytes, more than the limit of ${limits.maxBytes}`,
    );
  }
  // Comments, CDATA and processing instructions may hold anything; blank them before scanning.
  const markup = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g, (match) =>
    ' '.repeat(match.length),
  );
  const declaration = /<!(DOCTYPE|ENTITY)/i.exec(markup);
  if (declaration !== null) {
    throw new MappingError(
      'XML_DOCTYPE',
      `the XML message has a ${declaration[1]?.toUpperCase()} declaration at ${lineColumn(text, declaration.index)}: DTDs and entity declarations are refused`,
    );
  }
  for (const reference of markup.matchAll(/&([A-Za-z_][\w.-]*);/g)) {
    if (!PREDEFINED_ENTITIES.has(reference[1] ?? '')) {
      throw new MappingError(
        'XML_MALFORMED',
        `the XML message refers to the undeclared entity '&${reference[1]};' at ${lineColumn(text, reference.index)}`,
      );
    }
  }
  const root = scanElements(text, markup, limits);
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    throw new MappingError('XML_MALFORMED', `the XML message is not well-formed at ${line}:${col}: ${msg}`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    removeNSPrefix: false,
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: true,
    // Decodes character references; named entities other than the predefined five were refused above.
    htmlEntities: true,
    trimValues: true,
  });
  const parsed = parser.parse(text) as Record<string, unknown>;
  const content = parsed[root.name];
  let value: unknown = normaliseNames(content === undefined ? '' : content, new Map());
  const definition = options.definition;
  if (definition?.root !== undefined) {
    const expected = definition.root;
    if (localName(root.name) !== expected.name || root.namespace !== expected.namespace) {
      throw new MappingError(
        'XML_WRONG_ROOT',
        `the XML root element is ${describeElement(localName(root.name), root.namespace)}, expected ${describeElement(expected.name, expected.namespace)} (${definition.source})`,
        { path: '$' },
      );
    }
  }
  if (definition !== undefined) value = shapeValue(value, definition.schema, definition.schema);
  return { root: { name: localName(root.name), namespace: root.namespace }, value };
}

function describeElement(name: string, namespace: string | undefined): string {
  return namespace === undefined ? `<${name}> (no namespace)` : `<${name}> in namespace '${namespace}'`;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function lineColumn(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `${line}:${index - before.lastIndexOf('\n')}`;
}

/** Counts elements and depth without building a tree; returns the root start tag. */
function scanElements(
  text: string,
  markup: string,
  limits: Required<XmlLimits>,
): { name: string; namespace: string | undefined } {
  let depth = 0;
  let elements = 0;
  let root: { name: string; namespace: string | undefined } | undefined;
  for (const tag of markup.matchAll(START_OR_END_TAG)) {
    if (tag[1] === '/') {
      depth--;
      continue;
    }
    elements++;
    if (elements > limits.maxElements) {
      throw new MappingError(
        'XML_TOO_MANY_ELEMENTS',
        `the XML message has more than ${limits.maxElements} elements`,
      );
    }
    const name = tag[2] ?? '';
    if (root === undefined) root = { name, namespace: namespaceOf(name, tag[3] ?? '') };
    if (tag[4] === '/') continue;
    depth++;
    if (depth > limits.maxDepth) {
      throw new MappingError(
        'XML_TOO_DEEP',
        `the XML message nests elements deeper than the limit of ${limits.maxDepth} (at ${lineColumn(text, tag.index)})`,
      );
    }
  }
  if (root === undefined) throw new MappingError('XML_MALFORMED', 'the XML message has no root element');
  return root;
}

function namespaceOf(name: string, attributes: string): string | undefined {
  const colon = name.indexOf(':');
  const prefix = colon === -1 ? undefined : name.slice(0, colon);
  for (const match of attributes.matchAll(/\s+xmlns(?::([^\s=]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    if (match[1] === prefix) return match[2] ?? match[3] ?? '';
  }
  return undefined;
}

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * Drops namespace prefixes from element and attribute names, drops `xmlns` declarations and
 * XML Schema instance attributes (`xsi:schemaLocation`, `xsi:type`), and turns an element
 * with `xsi:nil="true"` into `null`.
 */
function normaliseNames(value: unknown, scope: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => normaliseNames(item, scope));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  let inner = scope;
  for (const [key, declared] of entries) {
    if (key === '@xmlns' || key.startsWith('@xmlns:')) {
      if (inner === scope) inner = new Map(scope);
      (inner as Map<string, string>).set(key === '@xmlns' ? '' : key.slice(7), String(declared));
    }
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    if (key === '@xmlns' || key.startsWith('@xmlns:')) continue;
    const attribute = key.startsWith('@');
    const name = attribute ? key.slice(1) : key;
    const colon = name.indexOf(':');
    if (attribute && colon !== -1 && inner.get(name.slice(0, colon)) === XSI_NAMESPACE) {
      if (name.slice(colon + 1) === 'nil' && (item === 'true' || item === '1')) return null;
      continue;
    }
    const local = colon === -1 || key === '#text' ? key : `${attribute ? '@' : ''}${name.slice(colon + 1)}`;
    result[local] = normaliseNames(item, inner);
  }
  // An element whose only attributes were declarations is its text, as without them.
  const keys = Object.keys(result);
  if (keys.length === 0) return '';
  if (keys.length === 1 && keys[0] === '#text') return result['#text'];
  return result;
}

/** Puts a parsed element into the shape its schema describes. */
function shapeValue(value: unknown, schemaOrRef: JsonSchema | undefined, root: JsonSchema): unknown {
  const schema = resolveSchema(schemaOrRef, root);
  if (schema === undefined || value === undefined) return value;
  const types = schemaTypes(schema);
  if (types.includes('array')) {
    const items = Array.isArray(value) ? value : [value];
    return items.map((item) => shapeValue(item, schema.items, root));
  }
  if (types.includes('object') || schema.properties !== undefined) {
    let object: Record<string, unknown>;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) object = { ...value };
    else if (value === '') object = {};
    else if (schema.properties?.['#text'] !== undefined) object = { '#text': value };
    else return value;
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (key in object) object[key] = shapeValue(object[key], property, root);
    }
    return object;
  }
  if (typeof value !== 'string') return value;
  if (types.includes('integer') || types.includes('number')) {
    const number = Number(value);
    return value.trim() !== '' && Number.isFinite(number) ? number : value;
  }
  if (types.includes('boolean')) {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
  }
  return value;
}

export interface SerializeXmlOptions {
  /** Write `<?xml version="1.0" encoding="UTF-8"?>` first. Default true. */
  readonly declaration?: boolean;
  /** Indentation per level; `''` writes everything on one line. Default two spaces. */
  readonly indent?: string;
}

/**
 * Writes a message value as XML for an XML definition: the root element in its namespace,
 * `@name` properties as attributes, child elements in the order of the XSD sequence
 * (the order of the schema's properties), repeated elements for arrays. Properties the
 * schema does not know are refused, as are values that cannot be written as text.
 *
 * @example
 * const xml = serializeXml({ '@id': 'A-1', customer: { name: 'Ada' } }, orderDefinition);
 */
export function serializeXml(
  value: unknown,
  definition: MessageDefinition,
  options: SerializeXmlOptions = {},
): string {
  const root = definition.root;
  if (definition.format !== 'xml' || root === undefined) {
    throw new MappingError(
      'DEFINITION_INVALID',
      `the definition ${definition.source} is not an XML definition (it has no root element)`,
    );
  }
  const indent = options.indent ?? '  ';
  const prefix = root.namespace === undefined || root.qualified === true ? undefined : (root.prefix ?? 'ns');
  const writer = new XmlWriter(definition.schema, indent, root.namespace, prefix);
  const rootAttributes =
    root.namespace === undefined
      ? ''
      : prefix === undefined
        ? ` xmlns="${escapeAttribute(root.namespace)}"`
        : ` xmlns:${prefix}="${escapeAttribute(root.namespace)}"`;
  const name = prefix === undefined ? root.name : `${prefix}:${root.name}`;
  let body = writer.element(name, value, definition.schema, 0, [], rootAttributes);
  if (writer.wroteNil) body = body.replace(/^(\s*<[^\s/>]+)/, `$1 xmlns:xsi="${XSI_NAMESPACE}"`);
  return `${options.declaration === false ? '' : `<?xml version="1.0" encoding="UTF-8"?>${indent === '' ? '' : '\n'}`}${body}`;
}

class XmlWriter {
  /** Whether an `xsi:nil` was written (the root then declares the `xsi` prefix). */
  wroteNil = false;

  constructor(
    private readonly rootSchema: JsonSchema,
    private readonly indent: string,
    private readonly namespace: string | undefined,
    private readonly prefix: string | undefined,
  ) {}

  element(
    name: string,
    value: unknown,
    schemaOrRef: JsonSchema | undefined,
    level: number,
    path: (string | number)[],
    extraAttributes = '',
  ): string {
    const schema = resolveSchema(schemaOrRef, this.rootSchema);
    const pad = this.indent.repeat(level);
    const newline = this.indent === '' ? '' : '\n';
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      if (Array.isArray(value)) {
        throw new MappingError(
          'MAPPING_FAILED',
          `${jsonPath(path)}: an array cannot be written as one element <${name}>`,
          {
            path: jsonPath(path),
          },
        );
      }
      const properties = schema?.properties ?? {};
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        if (!(key in properties) && object[key] !== undefined) {
          throw new MappingError(
            'MAPPING_FAILED',
            `${jsonPath([...path, key])}: <${name}> has no attribute or element '${key}' in the definition`,
            {
              path: jsonPath([...path, key]),
            },
          );
        }
      }
      let attributes = extraAttributes;
      let text: string | undefined;
      const children: string[] = [];
      for (const [key, propertySchema] of Object.entries(properties)) {
        const property = object[key];
        if (property === undefined) continue;
        if (property === null) {
          if (propertySchema.xml?.nillable === true) {
            this.wroteNil = true;
            const pad = this.indent.repeat(level + 1);
            children.push(
              `${pad}<${this.qualify(propertySchema.xml?.name ?? key, propertySchema)} xsi:nil="true"/>`,
            );
          }
          continue;
        }
        if (key === '#text') text = escapeText(scalarText(property, [...path, key]));
        else if (key.startsWith('@') || propertySchema.xml?.attribute === true) {
          const attributeName = propertySchema.xml?.name ?? key.replace(/^@/, '');
          attributes += ` ${attributeName}="${escapeAttribute(scalarText(property, [...path, key]))}"`;
        } else {
          const elementName = this.qualify(propertySchema.xml?.name ?? key, propertySchema);
          const resolved = resolveSchema(propertySchema, this.rootSchema);
          if (Array.isArray(property)) {
            property.forEach((item, index) => {
              children.push(
                this.element(elementName, item, resolved?.items ?? resolved, level + 1, [
                  ...path,
                  key,
                  index,
                ]),
              );
            });
          } else
            children.push(this.element(elementName, property, propertySchema, level + 1, [...path, key]));
        }
      }
      if (children.length === 0) {
        return text === undefined
          ? `${pad}<${name}${attributes}/>`
          : `${pad}<${name}${attributes}>${text}</${name}>`;
      }
      return `${pad}<${name}${attributes}>${newline}${children.join(newline)}${newline}${pad}</${name}>`;
    }
    if (value === undefined || value === null) return `${pad}<${name}${extraAttributes}/>`;
    return `${pad}<${name}${extraAttributes}>${escapeText(scalarText(value, path))}</${name}>`;
  }

  private qualify(name: string, schema: JsonSchema): string {
    const namespace = schema.xml?.namespace ?? resolveSchema(schema, this.rootSchema)?.items?.xml?.namespace;
    if (namespace === undefined || namespace !== this.namespace || this.prefix === undefined) return name;
    return `${this.prefix}:${name}`;
  }
}

function scalarText(value: unknown, path: (string | number)[]): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  throw new MappingError('MAPPING_FAILED', `${jsonPath(path)}: an object cannot be written as text`, {
    path: jsonPath(path),
  });
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text)
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
