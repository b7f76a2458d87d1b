import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { jsonPath, MappingError, type Violation } from './errors.js';
import { type JsonSchema, resolveSchema, schemaTypes } from './json-schema.js';
import type { MessageDefinition, XmlRoot } from './message-definition.js';

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
const START_OR_END_TAG =
  /<(\/?)([\p{L}_:][\p{L}\p{M}\p{N}._:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/gu;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"[^"]*"|'[^']*')/g;
/**
 * Names a message value cannot hold: keys of every plain object (`constructor`, `__proto__`,
 * `toString`, …) and `prototype`. The parser throws on some and renames others, so they are
 * refused up front, with or without a namespace prefix.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

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
  scanElements(markup, text, limits);
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    throw new MappingError('XML_MALFORMED', `the XML message is not well-formed at ${line}:${col}: ${msg}`);
  }
  const nodes = parseOrdered(text);
  const rootNode = nodes.find((node) => tagOf(node) !== undefined);
  if (rootNode === undefined) throw new MappingError('XML_MALFORMED', 'the XML message has no root element');
  const root = readElement(rootNode, new Map([['xml', XML_NAMESPACE]]));
  const definition = options.definition;
  if (definition?.root !== undefined) {
    const expected = definition.root;
    if (root.name !== expected.name || root.namespace !== expected.namespace) {
      throw new MappingError(
        'XML_WRONG_ROOT',
        `the XML root element is ${describeElement(root.name, root.namespace)}, expected ${describeElement(expected.name, expected.namespace)} (${definition.source})`,
        { path: '$' },
      );
    }
  }
  let value: unknown;
  if (definition === undefined) value = plainValue(root, root.namespace);
  else {
    const reader = new SchemaReader(definition.schema);
    value = reader.value(root, definition.schema, []);
    if (reader.violations.length > 0) {
      const [first] = reader.violations as [Violation];
      const more =
        reader.violations.length > 1
          ? ` (and ${reader.violations.length - 1} more violation${reader.violations.length > 2 ? 's' : ''})`
          : '';
      throw new MappingError(
        'XML_INVALID',
        `the XML message breaks ${definition.source}: ${first.sourcePath} ${first.message}${more}`,
        { path: first.sourcePath, violations: reader.violations },
      );
    }
  }
  return { root: { name: root.name, namespace: root.namespace }, value };
}

/** Runs the parser; anything it throws becomes `XML_MALFORMED` (its text cut to 200 characters). */
function parseOrdered(text: string): OrderedNode[] {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: true,
    // Decodes character references; named entities other than the predefined five were refused above.
    htmlEntities: true,
    trimValues: true,
    // Reserved names were refused above; a renamed key would silently change the message.
    onDangerousProperty: (name) => {
      throw reservedName(name, undefined);
    },
  });
  try {
    return parser.parse(text) as OrderedNode[];
  } catch (error) {
    if (error instanceof MappingError) throw error;
    const problem = (error as Error).message.slice(0, 200);
    throw new MappingError('XML_MALFORMED', `the XML message cannot be parsed: ${problem}`, { cause: error });
  }
}

function reservedName(name: string, where: string | undefined): MappingError {
  return new MappingError(
    'XML_MALFORMED',
    `the XML message uses the name '${name}'${where === undefined ? '' : ` at ${where}`}, which is refused: names of JavaScript object members (constructor, __proto__, toString, …) cannot be read safely; rename the element or attribute`,
  );
}

/** Refuses an element or attribute whose name, or local name, is reserved. */
function checkName(qualifiedName: string, text: string, index: number): void {
  const local = qualifiedName.slice(qualifiedName.indexOf(':') + 1);
  if (RESERVED_NAMES.has(qualifiedName) || RESERVED_NAMES.has(local))
    throw reservedName(qualifiedName, lineColumn(text, index));
}

function describeElement(name: string, namespace: string | undefined): string {
  return namespace === undefined ? `<${name}> (no namespace)` : `<${name}> in namespace '${namespace}'`;
}

function describeAttribute(name: string, namespace: string | undefined): string {
  return namespace === undefined
    ? `attribute '${name}' (no namespace)`
    : `attribute '${name}' in namespace '${namespace}'`;
}

function lineColumn(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `${line}:${index - before.lastIndexOf('\n')}`;
}

/** Counts elements and depth without building a tree. */
function scanElements(markup: string, text: string, limits: Required<XmlLimits>): void {
  let depth = 0;
  let elements = 0;
  for (const tag of markup.matchAll(START_OR_END_TAG)) {
    if (tag[1] === '/') {
      depth--;
      continue;
    }
    checkName(tag[2] ?? '', text, tag.index);
    for (const attribute of (tag[3] ?? '').matchAll(ATTRIBUTE))
      checkName(attribute[1] ?? '', text, tag.index);
    elements++;
    if (elements > limits.maxElements) {
      throw new MappingError(
        'XML_TOO_MANY_ELEMENTS',
        `the XML message has more than ${limits.maxElements} elements`,
      );
    }
    if (tag[4] === '/') continue;
    depth++;
    if (depth > limits.maxDepth) {
      throw new MappingError(
        'XML_TOO_DEEP',
        `the XML message nests elements deeper than the limit of ${limits.maxDepth} (at ${lineColumn(text, tag.index)})`,
      );
    }
  }
  if (elements === 0) throw new MappingError('XML_MALFORMED', 'the XML message has no root element');
}

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/** A node of fast-xml-parser's ordered output: `{ tag: children, ':@': attributes }` or `{ '#text': text }`. */
type OrderedNode = Record<string, unknown>;

/** An element with its name and its attributes' names resolved against the namespace declarations in scope. */
interface XmlElement {
  readonly name: string;
  readonly namespace: string | undefined;
  /** Attributes other than namespace declarations. */
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** The element's own text (its text nodes joined), `''` when it has none. */
  readonly text: string;
}

interface XmlAttribute {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly value: string;
}

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text');
}

function readElement(node: OrderedNode, scope: ReadonlyMap<string, string>): XmlElement {
  const tag = tagOf(node) ?? '';
  const declared = (node[':@'] ?? {}) as Record<string, string>;
  let inner = scope;
  for (const [key, uri] of Object.entries(declared)) {
    if (key !== 'xmlns' && !key.startsWith('xmlns:')) continue;
    if (inner === scope) inner = new Map(scope);
    const prefix = key === 'xmlns' ? '' : key.slice(6);
    // `xmlns=""` undeclares the default namespace.
    if (uri === '' && prefix === '') (inner as Map<string, string>).delete('');
    else (inner as Map<string, string>).set(prefix, uri);
  }
  const element = resolveName(tag, inner, true);
  if (RESERVED_NAMES.has(element.name)) throw reservedName(tag, undefined);
  const attributes: XmlAttribute[] = [];
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(declared)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    const attribute = resolveName(key, inner, false);
    if (RESERVED_NAMES.has(attribute.name)) throw reservedName(key, undefined);
    const expanded = `{${attribute.namespace ?? ''}}${attribute.name}`;
    if (seen.has(expanded)) {
      throw new MappingError(
        'XML_MALFORMED',
        `<${tag}> has the ${describeAttribute(attribute.name, attribute.namespace)} twice`,
      );
    }
    seen.add(expanded);
    attributes.push({ ...attribute, value: String(value) });
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[tag] ?? []) as OrderedNode[]) {
    if (tagOf(child) === undefined) text += String(child['#text'] ?? '');
    else children.push(readElement(child, inner));
  }
  return { ...element, attributes, children, text };
}

/** Splits `prefix:local` and finds the prefix's namespace; an unprefixed attribute is in no namespace. */
function resolveName(
  qualifiedName: string,
  scope: ReadonlyMap<string, string>,
  isElement: boolean,
): { name: string; namespace: string | undefined } {
  const colon = qualifiedName.indexOf(':');
  if (colon === -1) return { name: qualifiedName, namespace: isElement ? scope.get('') : undefined };
  const prefix = qualifiedName.slice(0, colon);
  const namespace = scope.get(prefix);
  if (namespace === undefined) {
    throw new MappingError(
      'XML_MALFORMED',
      `the namespace prefix '${prefix}' of ${isElement ? 'element' : 'attribute'} '${qualifiedName}' is not declared`,
    );
  }
  return { name: qualifiedName.slice(colon + 1), namespace };
}

function isNil(element: XmlElement): boolean {
  return element.attributes.some(
    (attribute) =>
      attribute.namespace === XSI_NAMESPACE &&
      attribute.name === 'nil' &&
      (attribute.value === 'true' || attribute.value === '1'),
  );
}

/**
 * The value of an element read without a definition. Elements in the root element's namespace
 * are keyed by local name, others as `{namespace}name` (`{}name` for no namespace); attributes
 * in no namespace as `@name`, others as `@{namespace}name`. A repeated key becomes an array.
 */
function plainValue(element: XmlElement, home: string | undefined): unknown {
  if (isNil(element)) return null;
  const result: Record<string, unknown> = {};
  for (const attribute of element.attributes) {
    if (attribute.namespace === XSI_NAMESPACE) continue;
    const name =
      attribute.namespace === undefined ? attribute.name : `{${attribute.namespace}}${attribute.name}`;
    result[`@${name}`] = attribute.value;
  }
  for (const child of element.children) {
    const key = child.namespace === home ? child.name : `{${child.namespace ?? ''}}${child.name}`;
    const value = plainValue(child, home);
    const earlier = result[key];
    if (earlier === undefined && !(key in result)) result[key] = value;
    else if (Array.isArray(earlier)) earlier.push(value);
    else result[key] = [earlier, value];
  }
  const keys = Object.keys(result);
  if (keys.length === 0) return element.text;
  if (element.text !== '') result['#text'] = element.text;
  return result;
}

/**
 * Reads elements as their schema describes them: arrays where more than one element is
 * allowed, numbers and booleans where the schema says so. Every element or attribute that
 * is not declared at its place, or is in another namespace than the declared one, and every
 * element repeated where one is allowed, is a violation: never silently dropped or overwritten.
 */
class SchemaReader {
  readonly violations: Violation[] = [];

  constructor(private readonly rootSchema: JsonSchema) {}

  value(element: XmlElement, schemaOrRef: JsonSchema | undefined, path: Path): unknown {
    if (isNil(element)) return null;
    const schema = resolveSchema(schemaOrRef, this.rootSchema);
    // No schema, or `xs:anyType`: any content, read as it is.
    if (schema === undefined || Object.keys(schema).length === 0)
      return plainValue(element, element.namespace);
    if (schemaTypes(schema).includes('object') || schema.properties !== undefined)
      return this.object(element, schema, path);
    for (const attribute of element.attributes) {
      if (attribute.namespace !== XSI_NAMESPACE)
        this.report(
          [...path, `@${attribute.name}`],
          `${describeAttribute(attribute.name, attribute.namespace)} is not declared here by the XSD`,
        );
    }
    for (const child of element.children)
      this.report(
        [...path, child.name],
        `${describeElement(child.name, child.namespace)} is not declared here by the XSD (the element has simple content)`,
      );
    return scalarValue(element.text, schema);
  }

  private object(element: XmlElement, schema: JsonSchema, path: Path): Record<string, unknown> {
    const properties = schema.properties ?? {};
    const object: Record<string, unknown> = {};
    for (const attribute of element.attributes) {
      if (attribute.namespace === XSI_NAMESPACE) continue;
      const key = `@${attribute.name}`;
      const property = properties[key];
      const described = describeAttribute(attribute.name, attribute.namespace);
      if (property === undefined) {
        this.report([...path, key], `${described} is not declared here by the XSD`);
        continue;
      }
      const expected = property.xml?.namespace;
      if (attribute.namespace !== expected) {
        this.report(
          [...path, key],
          `${described} is not allowed here: the XSD declares the ${describeAttribute(attribute.name, expected)}`,
        );
        continue;
      }
      object[key] = scalarValue(attribute.value, resolveSchema(property, this.rootSchema));
    }
    for (const child of element.children) {
      const key = child.name;
      const property = key === '#text' ? undefined : properties[key];
      const described = describeElement(key, child.namespace);
      if (property === undefined || property.xml?.attribute === true) {
        this.report([...path, key], `${described} is not declared here by the XSD`);
        continue;
      }
      const resolved = resolveSchema(property, this.rootSchema);
      const repeatable = schemaTypes(resolved).includes('array');
      const elementSchema = repeatable ? resolved?.items : property;
      const list = object[key];
      const place: Path = repeatable ? [...path, key, Array.isArray(list) ? list.length : 0] : [...path, key];
      const expected = elementSchema?.xml?.namespace;
      if (child.namespace !== expected) {
        this.report(
          place,
          `${described} is not allowed here: the XSD expects ${describeElement(key, expected)}`,
        );
        continue;
      }
      if (!repeatable) {
        if (key in object) this.report(place, `${described} appears more than once; the XSD allows one here`);
        else object[key] = this.value(child, elementSchema, place);
      } else if (Array.isArray(list)) list.push(this.value(child, elementSchema, place));
      else object[key] = [this.value(child, elementSchema, place)];
    }
    if (element.text !== '') {
      const textSchema = properties['#text'];
      if (textSchema === undefined)
        this.report(
          [...path, '#text'],
          'is text the XSD does not allow here (the element has element-only content)',
        );
      else object['#text'] = scalarValue(element.text, resolveSchema(textSchema, this.rootSchema));
    }
    return object;
  }

  private report(path: Path, message: string): void {
    this.violations.push({ kind: 'structure', sourcePath: jsonPath(path), targetPath: '$', message });
  }
}

type Path = readonly (string | number)[];

/** Text as the schema's type: a number or boolean where it says so, else the text. */
function scalarValue(text: string, schema: JsonSchema | undefined): unknown {
  const types = schemaTypes(schema);
  if (types.includes('integer') || types.includes('number')) {
    const number = Number(text);
    if (text.trim() !== '' && Number.isFinite(number)) return number;
  }
  if (types.includes('boolean')) {
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
  }
  return text;
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
  const plan = namespacePlan(definition.schema, root);
  const writer = new XmlWriter(definition.schema, indent, plan);
  let declarations =
    plan.defaultNamespace === undefined ? '' : ` xmlns="${escapeAttribute(plan.defaultNamespace)}"`;
  for (const [namespace, prefix] of plan.prefixes)
    declarations += ` xmlns:${prefix}="${escapeAttribute(namespace)}"`;
  let body = writer.element(
    writer.elementName(root.name, root.namespace),
    value,
    definition.schema,
    0,
    [],
    declarations,
  );
  if (writer.wroteNil) body = body.replace(/^(\s*<[^\s/>]+)/, `$1 xmlns:xsi="${XSI_NAMESPACE}"`);
  return `${options.declaration === false ? '' : `<?xml version="1.0" encoding="UTF-8"?>${indent === '' ? '' : '\n'}`}${body}`;
}

/** How a definition's namespaces are written: at most one default namespace, a prefix for each other one. */
interface NamespacePlan {
  /** Declared as `xmlns="…"`: the root's namespace, when no element of the definition is in no namespace. */
  readonly defaultNamespace: string | undefined;
  /** Namespace URI → prefix, declared on the root element (attributes in a namespace always need one). */
  readonly prefixes: ReadonlyMap<string, string>;
}

const plans = new WeakMap<JsonSchema, NamespacePlan>();

function namespacePlan(schema: JsonSchema, root: XmlRoot): NamespacePlan {
  const known = plans.get(schema);
  if (known !== undefined) return known;
  const elementNamespaces = new Set<string | undefined>([root.namespace]);
  const attributeNamespaces = new Set<string>();
  const suggested = new Map<string, string>();
  if (root.namespace !== undefined && root.prefix !== undefined) suggested.set(root.namespace, root.prefix);
  const visited = new Set<JsonSchema>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || visited.has(node as JsonSchema)) return;
    visited.add(node as JsonSchema);
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const current = node as JsonSchema;
    for (const [key, property] of Object.entries(current.properties ?? {})) {
      if (key === '#text') continue;
      const annotation = property.items?.xml ?? property.xml;
      const namespace = annotation?.namespace;
      if (namespace !== undefined && annotation?.prefix !== undefined && !suggested.has(namespace))
        suggested.set(namespace, annotation.prefix);
      if (key.startsWith('@') || property.xml?.attribute === true) {
        if (namespace !== undefined) attributeNamespaces.add(namespace);
      } else elementNamespaces.add(namespace);
    }
    for (const [key, inner] of Object.entries(current)) if (key !== 'xml') visit(inner);
  };
  visit(schema);
  const defaultNamespace =
    root.namespace !== undefined && !elementNamespaces.has(undefined) ? root.namespace : undefined;
  const prefixes = new Map<string, string>();
  const taken = new Set(['xml', 'xmlns', 'xsi']);
  for (const namespace of [...elementNamespaces, ...attributeNamespaces]) {
    if (namespace === undefined || prefixes.has(namespace)) continue;
    if (namespace === defaultNamespace && !attributeNamespaces.has(namespace)) continue;
    let prefix = suggested.get(namespace);
    for (let number = 1; prefix === undefined || taken.has(prefix); number++) prefix = `ns${number}`;
    taken.add(prefix);
    prefixes.set(namespace, prefix);
  }
  const plan = { defaultNamespace, prefixes };
  plans.set(schema, plan);
  return plan;
}

class XmlWriter {
  /** Whether an `xsi:nil` was written (the root then declares the `xsi` prefix). */
  wroteNil = false;

  constructor(
    private readonly rootSchema: JsonSchema,
    private readonly indent: string,
    private readonly plan: NamespacePlan,
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
        const resolved = resolveSchema(propertySchema, this.rootSchema);
        const annotation = propertySchema.xml ?? resolved?.items?.xml;
        if (property === null) {
          if (annotation?.nillable === true) {
            this.wroteNil = true;
            const pad = this.indent.repeat(level + 1);
            children.push(
              `${pad}<${this.elementName(annotation.name ?? key, annotation.namespace)} xsi:nil="true"/>`,
            );
          }
          continue;
        }
        if (key === '#text') text = escapeText(scalarText(property, [...path, key]));
        else if (key.startsWith('@') || annotation?.attribute === true) {
          const local = annotation?.name ?? key.replace(/^@/, '');
          const namespace = annotation?.namespace;
          const attributeName =
            namespace === undefined ? local : `${this.plan.prefixes.get(namespace)}:${local}`;
          attributes += ` ${attributeName}="${escapeAttribute(scalarText(property, [...path, key]))}"`;
        } else {
          const elementName = this.elementName(annotation?.name ?? key, annotation?.namespace);
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

  /** An element name as written: unprefixed in no namespace or the default one, else with its prefix. */
  elementName(name: string, namespace: string | undefined): string {
    if (namespace === undefined || namespace === this.plan.defaultNamespace) return name;
    return `${this.plan.prefixes.get(namespace)}:${name}`;
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
