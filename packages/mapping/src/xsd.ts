import { XMLParser } from 'fast-xml-parser';
import { MappingError } from './errors.js';
import type { JsonSchema } from './json-schema.js';
import type { MessageDefinition } from './message-definition.js';
import { parseXml } from './xml.js';

const XSD_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';

/** A node of the XSD document: local name, attributes and element children in order. */
interface XsdNode {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XsdNode[];
}

const BUILTIN_TYPES: Readonly<Record<string, JsonSchema>> = {
  string: { type: 'string' },
  normalizedString: { type: 'string' },
  token: { type: 'string' },
  language: { type: 'string' },
  Name: { type: 'string' },
  NCName: { type: 'string' },
  NMTOKEN: { type: 'string' },
  ID: { type: 'string' },
  IDREF: { type: 'string' },
  QName: { type: 'string' },
  anyType: {},
  anySimpleType: { type: 'string' },
  anyURI: { type: 'string', format: 'uri-reference' },
  base64Binary: { type: 'string', contentEncoding: 'base64' },
  hexBinary: { type: 'string', pattern: '^([0-9a-fA-F]{2})*$' },
  boolean: { type: 'boolean' },
  decimal: { type: 'number' },
  float: { type: 'number' },
  double: { type: 'number' },
  integer: { type: 'integer' },
  int: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
  long: { type: 'integer' },
  short: { type: 'integer', minimum: -32768, maximum: 32767 },
  byte: { type: 'integer', minimum: -128, maximum: 127 },
  nonNegativeInteger: { type: 'integer', minimum: 0 },
  positiveInteger: { type: 'integer', minimum: 1 },
  nonPositiveInteger: { type: 'integer', maximum: 0 },
  negativeInteger: { type: 'integer', maximum: -1 },
  unsignedLong: { type: 'integer', minimum: 0 },
  unsignedInt: { type: 'integer', minimum: 0, maximum: 4294967295 },
  unsignedShort: { type: 'integer', minimum: 0, maximum: 65535 },
  unsignedByte: { type: 'integer', minimum: 0, maximum: 255 },
  date: { type: 'string', format: 'date' },
  dateTime: { type: 'string', format: 'date-time' },
  time: { type: 'string', format: 'time' },
  duration: { type: 'string', format: 'duration' },
  gYear: { type: 'string', pattern: '^-?\\d{4,}$' },
};

export interface XsdOptions {
  /** The global element that is the message root; default the first one declared. */
  readonly element?: string;
  /** Shown in messages; default `(XSD text)`. */
  readonly source?: string;
}

/**
 * Turns an XML Schema into a `MessageDefinition`: global and local elements, attributes,
 * `sequence`/`all`/`choice` (a choice becomes `oneOf` over its alternatives), `minOccurs`
 * and `maxOccurs` (arrays with `minItems`/`maxItems`), named and anonymous complex and
 * simple types (named complex types as `$defs`), simple content, complex content
 * extension, groups and attribute groups, and restrictions (enumeration, pattern, length,
 * minLength, maxLength, min/max inclusive/exclusive). `xs:include`/`xs:import`, `xs:any`
 * and substitution groups are refused with `DEFINITION_UNSUPPORTED`.
 *
 * @example
 * const invoice = xsdToDefinition(await readFile('invoice.xsd', 'utf8'), { element: 'Invoice' });
 */
export function xsdToDefinition(text: string, options: XsdOptions = {}): MessageDefinition {
  const source = options.source ?? '(XSD text)';
  let document: XsdNode;
  try {
    parseXml(text);
    document = readDocument(text);
  } catch (error) {
    throw new MappingError('DEFINITION_INVALID', `${source}: ${(error as Error).message}`, { cause: error });
  }
  return new XsdConverter(document, source).convert(options.element);
}

function readDocument(text: string): XsdNode {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    htmlEntities: false,
  });
  const nodes = parser.parse(text) as unknown[];
  const root = toNodes(nodes).find((node) => localName(node.name) === 'schema');
  if (root === undefined) throw new Error('the document is not an XML Schema (no <xs:schema> root)');
  return root;
}

function toNodes(items: unknown[]): XsdNode[] {
  const nodes: XsdNode[] = [];
  for (const item of items) {
    const entry = item as Record<string, unknown>;
    const name = Object.keys(entry).find((key) => key !== ':@' && key !== '#text' && !key.startsWith('?'));
    if (name === undefined) continue;
    const attributes = (entry[':@'] ?? {}) as Record<string, string>;
    nodes.push({ name, attributes, children: toNodes((entry[name] ?? []) as unknown[]) });
  }
  return nodes;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function occurs(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === 'unbounded') return Number.POSITIVE_INFINITY;
  return Number(value);
}

/** Properties being collected for one complex type. */
interface ContentBuilder {
  readonly properties: Record<string, JsonSchema>;
  readonly required: string[];
  /** One `oneOf` per choice. */
  readonly constraints: JsonSchema[];
}

/** An element particle ready to become a property. */
interface ElementParticle {
  readonly name: string;
  readonly schema: JsonSchema;
  readonly minOccurs: number;
  readonly maxOccurs: number;
}

class XsdConverter {
  private readonly namespaces = new Map<string, string>();
  private readonly targetNamespace: string | undefined;
  private readonly qualified: boolean;
  private readonly complexTypes = new Map<string, XsdNode>();
  private readonly simpleTypes = new Map<string, XsdNode>();
  private readonly elements = new Map<string, XsdNode>();
  private readonly groups = new Map<string, XsdNode>();
  private readonly attributeGroups = new Map<string, XsdNode>();
  private readonly definitions: Record<string, JsonSchema> = {};
  private readonly simpleTypesInProgress = new Set<string>();

  constructor(
    schemaNode: XsdNode,
    private readonly source: string,
  ) {
    for (const [key, value] of Object.entries(schemaNode.attributes)) {
      if (key === 'xmlns') this.namespaces.set('', value);
      else if (key.startsWith('xmlns:')) this.namespaces.set(key.slice(6), value);
    }
    this.targetNamespace = schemaNode.attributes.targetNamespace;
    this.qualified = schemaNode.attributes.elementFormDefault === 'qualified';
    for (const child of schemaNode.children) {
      const name = child.attributes.name;
      switch (localName(child.name)) {
        case 'complexType':
          if (name !== undefined) this.complexTypes.set(name, child);
          break;
        case 'simpleType':
          if (name !== undefined) this.simpleTypes.set(name, child);
          break;
        case 'element':
          if (name !== undefined) this.elements.set(name, child);
          break;
        case 'group':
          if (name !== undefined) this.groups.set(name, child);
          break;
        case 'attributeGroup':
          if (name !== undefined) this.attributeGroups.set(name, child);
          break;
        case 'include':
        case 'import':
        case 'redefine':
        case 'override':
          this.unsupported(`<xs:${localName(child.name)}>`);
          break;
        default:
          break;
      }
    }
  }

  convert(elementName: string | undefined): MessageDefinition {
    const name = elementName ?? this.elements.keys().next().value;
    if (name === undefined) this.invalid('the schema declares no global element');
    const node = this.elements.get(name);
    if (node === undefined) {
      this.invalid(
        `the schema has no global element '${name}' (it has: ${[...this.elements.keys()].join(', ')})`,
      );
    }
    const schema: JsonSchema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      ...this.elementType(node),
    };
    if (Object.keys(this.definitions).length > 0) schema.$defs = this.definitions;
    const prefix = [...this.namespaces].find(([key, uri]) => key !== '' && uri === this.targetNamespace)?.[0];
    return {
      format: 'xml',
      schema,
      root: {
        name,
        ...(this.targetNamespace === undefined ? {} : { namespace: this.targetNamespace }),
        ...(prefix === undefined ? {} : { prefix }),
        qualified: this.qualified,
      },
      source: this.source,
    };
  }

  private invalid(message: string): never {
    throw new MappingError('DEFINITION_INVALID', `${this.source}: ${message}`);
  }

  private unsupported(construct: string): never {
    throw new MappingError(
      'DEFINITION_UNSUPPORTED',
      `${this.source}: ${construct} is not supported; inline the definitions into one schema`,
    );
  }

  /** Splits a QName into its namespace URI and local name. */
  private resolveName(qualifiedName: string): { namespace: string | undefined; name: string } {
    const colon = qualifiedName.indexOf(':');
    const prefix = colon === -1 ? '' : qualifiedName.slice(0, colon);
    return { namespace: this.namespaces.get(prefix), name: localName(qualifiedName) };
  }

  /** The schema of a type reference: a built-in, a named simple type (inlined) or a named complex type (`$ref`). */
  private typeReference(qualifiedName: string): JsonSchema {
    const { namespace, name } = this.resolveName(qualifiedName);
    if (namespace === XSD_NAMESPACE) {
      const builtin = BUILTIN_TYPES[name];
      if (builtin === undefined) this.unsupported(`the built-in type xs:${name}`);
      return { ...builtin };
    }
    const simple = this.simpleTypes.get(name);
    if (simple !== undefined) {
      if (this.simpleTypesInProgress.has(name)) this.invalid(`simple type '${name}' refers to itself`);
      this.simpleTypesInProgress.add(name);
      try {
        return this.simpleType(simple);
      } finally {
        this.simpleTypesInProgress.delete(name);
      }
    }
    const complex = this.complexTypes.get(name);
    if (complex !== undefined) {
      if (!(name in this.definitions)) {
        this.definitions[name] = {};
        this.definitions[name] = this.complexType(complex);
      }
      return { $ref: `#/$defs/${encodeURIComponent(name)}` };
    }
    const builtin = namespace === undefined ? BUILTIN_TYPES[name] : undefined;
    if (builtin !== undefined) return { ...builtin };
    return this.invalid(`type '${qualifiedName}' is not defined`);
  }

  private elementType(node: XsdNode): JsonSchema {
    const type = node.attributes.type;
    let schema: JsonSchema;
    if (type !== undefined) schema = this.typeReference(type);
    else {
      const complex = node.children.find((child) => localName(child.name) === 'complexType');
      const simple = node.children.find((child) => localName(child.name) === 'simpleType');
      schema =
        complex !== undefined
          ? this.complexType(complex)
          : simple !== undefined
            ? this.simpleType(simple)
            : {};
    }
    if (node.attributes.default !== undefined)
      schema = { ...schema, default: this.typedValue(node.attributes.default, schema) };
    if (node.attributes.fixed !== undefined)
      schema = { ...schema, const: this.typedValue(node.attributes.fixed, schema) };
    return schema;
  }

  private typedValue(text: string, schema: JsonSchema): unknown {
    const type = schema.type;
    if (type === 'integer' || type === 'number') return Number(text);
    if (type === 'boolean') return text === 'true' || text === '1';
    return text;
  }

  private complexType(node: XsdNode): JsonSchema {
    const builder: ContentBuilder = { properties: {}, required: [], constraints: [] };
    this.complexContent(node, builder);
    const schema: JsonSchema = { type: 'object', properties: builder.properties };
    if (builder.required.length > 0) schema.required = builder.required;
    if (builder.constraints.length === 1) Object.assign(schema, builder.constraints[0]);
    else if (builder.constraints.length > 1) schema.allOf = builder.constraints;
    schema.additionalProperties = false;
    return schema;
  }

  /** Adds a complex type's content (particles, attributes, text) to a builder. */
  private complexContent(node: XsdNode, builder: ContentBuilder): void {
    if (node.attributes.mixed === 'true') builder.properties['#text'] = { type: 'string' };
    for (const child of node.children) {
      switch (localName(child.name)) {
        case 'sequence':
        case 'all':
        case 'choice':
        case 'group':
          this.particle(child, builder, false, false);
          break;
        case 'attribute':
          this.attribute(child, builder);
          break;
        case 'attributeGroup':
          this.attributeGroup(child, builder);
          break;
        case 'simpleContent':
          this.simpleContent(child, builder);
          break;
        case 'complexContent':
          this.derivedComplexContent(child, builder);
          break;
        case 'anyAttribute':
          this.unsupported('<xs:anyAttribute>');
          break;
        default:
          break;
      }
    }
  }

  private derivedComplexContent(node: XsdNode, builder: ContentBuilder): void {
    const derivation = node.children.find((child) =>
      ['extension', 'restriction'].includes(localName(child.name)),
    );
    if (derivation === undefined)
      this.invalid('<xs:complexContent> needs an <xs:extension> or <xs:restriction>');
    const base = derivation.attributes.base;
    if (localName(derivation.name) === 'extension' && base !== undefined) {
      const { namespace, name } = this.resolveName(base);
      const baseNode = namespace === XSD_NAMESPACE ? undefined : this.complexTypes.get(name);
      if (baseNode === undefined && !(namespace === XSD_NAMESPACE && name === 'anyType')) {
        this.invalid(`complex type '${base}' (the base of an extension) is not defined`);
      }
      if (baseNode !== undefined) this.complexContent(baseNode, builder);
    }
    this.complexContent(derivation, builder);
  }

  private simpleContent(node: XsdNode, builder: ContentBuilder): void {
    const derivation = node.children.find((child) =>
      ['extension', 'restriction'].includes(localName(child.name)),
    );
    if (derivation === undefined)
      this.invalid('<xs:simpleContent> needs an <xs:extension> or <xs:restriction>');
    const base = derivation.attributes.base;
    let text: JsonSchema = base === undefined ? { type: 'string' } : this.typeReference(base);
    if (text.$ref !== undefined) {
      // A complex type with simple content as base: take its text and attributes.
      const baseNode = this.complexTypes.get(this.resolveName(base ?? '').name);
      if (baseNode !== undefined) this.complexContent(baseNode, builder);
      text = builder.properties['#text'] ?? { type: 'string' };
    }
    if (localName(derivation.name) === 'restriction') text = this.restrict(text, derivation);
    builder.properties['#text'] = text;
    for (const child of derivation.children) {
      if (localName(child.name) === 'attribute') this.attribute(child, builder);
      else if (localName(child.name) === 'attributeGroup') this.attributeGroup(child, builder);
    }
  }

  private attribute(node: XsdNode, builder: ContentBuilder): void {
    const reference = node.attributes.ref;
    const name = node.attributes.name ?? (reference === undefined ? undefined : localName(reference));
    if (name === undefined) this.invalid('an <xs:attribute> has neither name nor ref');
    if (node.attributes.use === 'prohibited') return;
    let schema: JsonSchema;
    if (node.attributes.type !== undefined) schema = this.typeReference(node.attributes.type);
    else {
      const simple = node.children.find((child) => localName(child.name) === 'simpleType');
      schema = simple === undefined ? { type: 'string' } : this.simpleType(simple);
    }
    if (node.attributes.default !== undefined)
      schema.default = this.typedValue(node.attributes.default, schema);
    if (node.attributes.fixed !== undefined) schema.const = this.typedValue(node.attributes.fixed, schema);
    schema.xml = { attribute: true, name };
    builder.properties[`@${name}`] = schema;
    if (node.attributes.use === 'required') builder.required.push(`@${name}`);
  }

  private attributeGroup(node: XsdNode, builder: ContentBuilder): void {
    const reference = node.attributes.ref;
    const group = reference === undefined ? node : this.attributeGroups.get(localName(reference));
    if (group === undefined) this.invalid(`attribute group '${reference}' is not defined`);
    for (const child of group.children) {
      if (localName(child.name) === 'attribute') this.attribute(child, builder);
      else if (localName(child.name) === 'attributeGroup') this.attributeGroup(child, builder);
    }
  }

  /**
   * Adds a sequence, choice, all or group to the builder. `optional`: an enclosing particle
   * may be absent; `repeated`: an enclosing particle may occur more than once.
   * Returns the names it made required (used by choices for their alternatives).
   */
  private particle(node: XsdNode, builder: ContentBuilder, optional: boolean, repeated: boolean): string[] {
    const minOccurs = occurs(node.attributes.minOccurs, 1);
    const maxOccurs = occurs(node.attributes.maxOccurs, 1);
    const isOptional = optional || minOccurs === 0;
    const isRepeated = repeated || maxOccurs > 1;
    switch (localName(node.name)) {
      case 'element':
        return this.elementParticle(node, builder, optional, repeated);
      case 'group': {
        const reference = node.attributes.ref;
        const group = reference === undefined ? node : this.groups.get(localName(reference));
        if (group === undefined) this.invalid(`group '${reference}' is not defined`);
        const names: string[] = [];
        for (const child of group.children)
          names.push(...this.particle(child, builder, isOptional, isRepeated));
        return names;
      }
      case 'sequence':
      case 'all': {
        const names: string[] = [];
        for (const child of node.children)
          names.push(...this.particle(child, builder, isOptional, isRepeated));
        return names;
      }
      case 'choice': {
        const alternatives: string[][] = [];
        const scratch: ContentBuilder = { properties: {}, required: [], constraints: [] };
        for (const child of node.children) {
          // In a repeated choice every alternative may be absent from the merged arrays.
          const names = this.particle(child, scratch, isRepeated, isRepeated);
          alternatives.push(names);
        }
        for (const [key, schema] of Object.entries(scratch.properties)) builder.properties[key] = schema;
        if (!isRepeated && alternatives.length > 0) {
          const all = [...new Set(alternatives.flat())];
          // Exactly one alternative: its elements present, the other alternatives' elements absent.
          const branches: JsonSchema[] = alternatives.map((names) => {
            const others = all.filter((name) => !names.includes(name));
            const branch: JsonSchema = { required: names };
            if (others.length > 0) branch.not = { anyOf: others.map((name) => ({ required: [name] })) };
            return branch;
          });
          if (isOptional) branches.push({ not: { anyOf: all.map((name) => ({ required: [name] })) } });
          builder.constraints.push({ oneOf: branches });
        }
        return [];
      }
      case 'any':
        return this.unsupported('<xs:any>');
      default:
        return [];
    }
  }

  private elementParticle(
    node: XsdNode,
    builder: ContentBuilder,
    optional: boolean,
    repeated: boolean,
  ): string[] {
    const reference = node.attributes.ref;
    let declaration = node;
    let qualified = this.qualified || node.attributes.form === 'qualified';
    if (node.attributes.form === 'unqualified') qualified = false;
    if (reference !== undefined) {
      const global = this.elements.get(localName(reference));
      if (global === undefined) this.invalid(`element '${reference}' is not defined`);
      declaration = global;
      qualified = true;
    }
    if (declaration.attributes.substitutionGroup !== undefined) this.unsupported('substitutionGroup');
    const name = declaration.attributes.name;
    if (name === undefined) this.invalid('an <xs:element> has neither name nor ref');
    const minOccurs = occurs(node.attributes.minOccurs, 1);
    const maxOccurs = occurs(node.attributes.maxOccurs, 1);
    const particle: ElementParticle = { name, schema: this.elementType(declaration), minOccurs, maxOccurs };
    const namespace = qualified ? this.targetNamespace : undefined;
    const nillable = declaration.attributes.nillable === 'true';
    const element: JsonSchema =
      namespace === undefined && !nillable
        ? particle.schema
        : {
            ...particle.schema,
            xml: {
              ...(namespace === undefined ? {} : { namespace }),
              ...(nillable ? { nillable: true } : {}),
            },
          };
    const isArray = repeated || maxOccurs > 1;
    if (isArray) {
      const array: JsonSchema = { type: 'array', items: element };
      if (!optional && minOccurs > 0) array.minItems = minOccurs;
      if (!repeated && Number.isFinite(maxOccurs)) array.maxItems = maxOccurs;
      builder.properties[name] = array;
    } else builder.properties[name] = element;
    const required = !optional && minOccurs > 0;
    if (required) builder.required.push(name);
    return required ? [name] : [];
  }

  private simpleType(node: XsdNode): JsonSchema {
    for (const child of node.children) {
      switch (localName(child.name)) {
        case 'restriction': {
          const base = child.attributes.base;
          const inline = child.children.find((inner) => localName(inner.name) === 'simpleType');
          const baseSchema =
            base !== undefined
              ? this.typeReference(base)
              : inline !== undefined
                ? this.simpleType(inline)
                : {};
          return this.restrict(baseSchema, child);
        }
        case 'list':
          // A whitespace-separated list is one text value.
          return { type: 'string' };
        case 'union': {
          const members = (child.attributes.memberTypes ?? '').split(/\s+/).filter((member) => member !== '');
          const inline = child.children.filter((inner) => localName(inner.name) === 'simpleType');
          return {
            anyOf: [
              ...members.map((member) => this.typeReference(member)),
              ...inline.map((inner) => this.simpleType(inner)),
            ],
          };
        }
        default:
          break;
      }
    }
    return this.invalid(
      `simple type '${node.attributes.name ?? '(anonymous)'}' has no restriction, list or union`,
    );
  }

  /** Applies XSD facets to a base schema. */
  private restrict(base: JsonSchema, node: XsdNode): JsonSchema {
    const schema: JsonSchema = { ...base };
    const enumeration: unknown[] = [];
    const patterns: string[] = [];
    for (const facet of node.children) {
      const value = facet.attributes.value;
      if (value === undefined) continue;
      switch (localName(facet.name)) {
        case 'enumeration':
          enumeration.push(this.typedValue(value, schema));
          break;
        case 'pattern':
          patterns.push(value);
          break;
        case 'length':
          schema.minLength = Number(value);
          schema.maxLength = Number(value);
          break;
        case 'minLength':
          schema.minLength = Number(value);
          break;
        case 'maxLength':
          schema.maxLength = Number(value);
          break;
        case 'minInclusive':
          schema.minimum = Number(value);
          break;
        case 'maxInclusive':
          schema.maximum = Number(value);
          break;
        case 'minExclusive':
          schema.exclusiveMinimum = Number(value);
          break;
        case 'maxExclusive':
          schema.exclusiveMaximum = Number(value);
          break;
        default:
          // totalDigits, fractionDigits and whiteSpace have no JSON Schema counterpart.
          break;
      }
    }
    if (enumeration.length > 0) schema.enum = enumeration;
    if (patterns.length > 0) {
      // XSD patterns match the whole value; several patterns in one step are alternatives.
      schema.pattern = `^(?:${patterns.join('|')})$`;
    }
    return schema;
  }
}
