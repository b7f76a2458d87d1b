import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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
  /**
   * The XSD's file. `xs:import` reads its `schemaLocation` relative to this file, from the local
   * file system only and only inside this file's folder (symbolic links resolved); without it an
   * `xs:import` is refused.
   */
  readonly file?: string;
}

/**
 * Turns an XML Schema into a `MessageDefinition`: global and local elements, attributes,
 * `sequence`/`all`/`choice` (a choice becomes `oneOf` over its alternatives), `minOccurs`
 * and `maxOccurs` (arrays with `minItems`/`maxItems`), named and anonymous complex and
 * simple types (named complex types as `$defs`), simple content, complex content
 * extension, groups and attribute groups, and restrictions (enumeration, pattern, length,
 * minLength, maxLength, min/max inclusive/exclusive), and `xs:import` of other namespaces'
 * schemas from files in this one's folder or below it (`options.file`). `xs:include`, `xs:any` and
 * substitution groups are refused with `DEFINITION_UNSUPPORTED`.
 *
 * @example
 * const invoice = xsdToDefinition(await readFile('invoice.xsd', 'utf8'), { element: 'Invoice' });
 */
export function xsdToDefinition(text: string, options: XsdOptions = {}): MessageDefinition {
  const source = options.source ?? '(XSD text)';
  const document = readSchemaText(text, source);
  return new XsdConverter(document, source, options.file).convert(options.element);
}

function readSchemaText(text: string, source: string): XsdNode {
  try {
    parseXml(text);
    return readDocument(text);
  } catch (error) {
    throw new MappingError('DEFINITION_INVALID', `${source}: ${(error as Error).message}`, { cause: error });
  }
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

/** One schema document: where it came from, its namespace declarations and form defaults. */
interface SchemaDocument {
  readonly source: string;
  readonly file: string | undefined;
  /** Prefix (`''` for the default namespace) → namespace URI. */
  readonly namespaces: ReadonlyMap<string, string>;
  readonly targetNamespace: string | undefined;
  /** `elementFormDefault="qualified"`. */
  readonly qualified: boolean;
  /** `attributeFormDefault="qualified"`. */
  readonly attributesQualified: boolean;
}

/** A global declaration and the document that declares it (its names resolve there). */
interface Component {
  readonly node: XsdNode;
  readonly document: SchemaDocument;
}

/** `{namespace}name`: global components are keyed by namespace and local name. */
function expandedName(namespace: string | undefined, name: string): string {
  return `{${namespace ?? ''}}${name}`;
}

const URL_SCHEME = /^[A-Za-z][A-Za-z\d+.-]*:/;

/**
 * The real path of a file that may not exist (its nearest existing folder's real path and the
 * rest), so a missing file is placed where an existing one would be. `undefined` when a link on
 * the way cannot be resolved (dangling or looping): where it points is unknown.
 */
function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    try {
      if (lstatSync(path, { throwIfNoEntry: false }) !== undefined) return undefined;
    } catch {
      return undefined;
    }
    const parent = dirname(path);
    if (parent === path) return undefined;
    const realParent = realPath(parent);
    return realParent === undefined ? undefined : join(realParent, basename(path));
  }
}

/** Whether a real path is inside a real folder (or is the folder). */
function isInside(folder: string, path: string): boolean {
  const fromFolder = relative(folder, path);
  return fromFolder !== '..' && !fromFolder.startsWith(`..${sep}`) && !isAbsolute(fromFolder);
}

class XsdConverter {
  private readonly main: SchemaDocument;
  /** The document whose component is being converted: QNames resolve against its declarations. */
  private document: SchemaDocument;
  /**
   * The real path of the top schema's folder: every import must stay inside it. `undefined` when
   * the schema has no file or its folder cannot be resolved.
   */
  private readonly root: string | undefined;
  /** The top schema's source, named when an import leaves its folder. */
  private readonly rootSource: string;
  /** Real path → the document read from it (each file is read once). */
  private readonly loadedFiles = new Map<string, SchemaDocument>();
  private readonly documents: SchemaDocument[] = [];
  private readonly complexTypes = new Map<string, Component>();
  private readonly simpleTypes = new Map<string, Component>();
  private readonly elements = new Map<string, Component>();
  private readonly attributes = new Map<string, Component>();
  private readonly groups = new Map<string, Component>();
  private readonly attributeGroups = new Map<string, Component>();
  private readonly definitions: Record<string, JsonSchema> = {};
  /** Expanded type name → its key in `$defs` (a local name, numbered when two namespaces share it). */
  private readonly definitionNames = new Map<string, string>();
  private readonly simpleTypesInProgress = new Set<string>();

  constructor(schemaNode: XsdNode, source: string, file: string | undefined) {
    const mainFile = file === undefined ? undefined : resolve(file);
    this.root = mainFile === undefined ? undefined : realPath(dirname(mainFile));
    this.rootSource = source;
    const realMainFile = mainFile === undefined ? undefined : (realPath(mainFile) ?? mainFile);
    this.main = this.addDocument(schemaNode, source, mainFile, realMainFile);
    this.document = this.main;
  }

  /** Registers a document's global components and reads the schemas it imports. */
  private addDocument(
    schemaNode: XsdNode,
    source: string,
    file: string | undefined,
    real: string | undefined,
  ): SchemaDocument {
    const namespaces = new Map<string, string>();
    for (const [key, value] of Object.entries(schemaNode.attributes)) {
      if (key === 'xmlns') namespaces.set('', value);
      else if (key.startsWith('xmlns:')) namespaces.set(key.slice(6), value);
    }
    const document: SchemaDocument = {
      source,
      file,
      namespaces,
      targetNamespace: schemaNode.attributes.targetNamespace,
      qualified: schemaNode.attributes.elementFormDefault === 'qualified',
      attributesQualified: schemaNode.attributes.attributeFormDefault === 'qualified',
    };
    this.documents.push(document);
    if (real !== undefined) this.loadedFiles.set(real, document);
    const tables: Record<string, Map<string, Component>> = {
      complexType: this.complexTypes,
      simpleType: this.simpleTypes,
      element: this.elements,
      attribute: this.attributes,
      group: this.groups,
      attributeGroup: this.attributeGroups,
    };
    for (const child of schemaNode.children) {
      const kind = localName(child.name);
      const name = child.attributes.name;
      const table = tables[kind];
      if (table !== undefined && name !== undefined)
        table.set(expandedName(document.targetNamespace, name), { node: child, document });
      else if (kind === 'import') this.importSchema(child, document);
      else if (kind === 'include' || kind === 'redefine' || kind === 'override')
        this.unsupported(`<xs:${kind}>`, document);
    }
    return document;
  }

  /**
   * Reads an `xs:import`: a file in the folder of the top schema (or below it, symbolic links
   * resolved), whose target namespace is the one imported.
   */
  private importSchema(node: XsdNode, importing: SchemaDocument): void {
    const namespace = node.attributes.namespace;
    const location = node.attributes.schemaLocation;
    const described = `<xs:import namespace="${namespace ?? ''}"${location === undefined ? '' : ` schemaLocation="${location}"`}>`;
    if (location === undefined) {
      this.invalid(
        `${described} has no schemaLocation; imports are read only from files next to the schema`,
        importing,
      );
    }
    if (URL_SCHEME.test(location) || isAbsolute(location)) {
      this.invalid(
        `${described}: schemaLocation must be a path relative to the importing schema (imports are never fetched from the network)`,
        importing,
      );
    }
    if (importing.file === undefined) {
      this.invalid(
        `${described} needs the schema's file to resolve schemaLocation; load the XSD with loadMessageDefinition (or pass \`file\`)`,
        importing,
      );
    }
    const file = resolve(dirname(importing.file), location);
    const real = realPath(file);
    // One message whether or not the file exists, so an import cannot probe the disk outside the folder.
    if (this.root === undefined || real === undefined || !isInside(this.root, real)) {
      this.invalid(
        `${described}: the imported schema must be a file inside the folder of ${this.rootSource} (symbolic links resolved); imports may not leave that folder`,
        importing,
      );
    }
    const loaded = this.loadedFiles.get(real);
    if (loaded !== undefined) {
      this.checkImportedNamespace(loaded.targetNamespace, namespace, described, importing);
      return;
    }
    let text: string;
    try {
      text = readFileSync(real, 'utf8');
    } catch (error) {
      throw new MappingError(
        'DEFINITION_INVALID',
        `${importing.source}: ${described}: cannot read the imported schema (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        { cause: error },
      );
    }
    const source = location;
    const imported = readSchemaText(text, source);
    this.checkImportedNamespace(imported.attributes.targetNamespace, namespace, described, importing);
    this.addDocument(imported, source, file, real);
  }

  private checkImportedNamespace(
    targetNamespace: string | undefined,
    namespace: string | undefined,
    described: string,
    importing: SchemaDocument,
  ): void {
    if (targetNamespace !== namespace) {
      this.invalid(
        `${described}: the imported schema's targetNamespace is ${targetNamespace === undefined ? 'absent' : `'${targetNamespace}'`}, not the imported namespace ${namespace === undefined ? '(none)' : `'${namespace}'`}`,
        importing,
      );
    }
  }

  convert(elementName: string | undefined): MessageDefinition {
    const own = [...this.elements.values()].filter((component) => component.document === this.main);
    const name = elementName ?? own[0]?.node.attributes.name;
    if (name === undefined) this.invalid('the schema declares no global element');
    const component = this.elements.get(expandedName(this.main.targetNamespace, name));
    if (component === undefined) {
      this.invalid(
        `the schema has no global element '${name}' (it has: ${own.map((global) => global.node.attributes.name).join(', ')})`,
      );
    }
    const schema: JsonSchema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      ...this.elementType(component.node),
    };
    if (Object.keys(this.definitions).length > 0) schema.$defs = this.definitions;
    const targetNamespace = this.main.targetNamespace;
    const prefix = targetNamespace === undefined ? undefined : this.prefixFor(targetNamespace);
    return {
      format: 'xml',
      schema,
      root: {
        name,
        ...(targetNamespace === undefined ? {} : { namespace: targetNamespace }),
        ...(prefix === undefined ? {} : { prefix }),
        qualified: this.main.qualified,
      },
      source: this.main.source,
    };
  }

  private invalid(message: string, document: SchemaDocument = this.document): never {
    throw new MappingError('DEFINITION_INVALID', `${document.source}: ${message}`);
  }

  private unsupported(construct: string, document: SchemaDocument = this.document): never {
    throw new MappingError(
      'DEFINITION_UNSUPPORTED',
      `${document.source}: ${construct} is not supported; inline the definitions into one schema`,
    );
  }

  /** Runs a conversion in the document that declares a component (its QNames resolve there). */
  private within<T>(document: SchemaDocument, convert: () => T): T {
    const previous = this.document;
    this.document = document;
    try {
      return convert();
    } finally {
      this.document = previous;
    }
  }

  /** The prefix a namespace is declared with: in the current document, else in any loaded one. */
  private prefixFor(namespace: string): string | undefined {
    for (const document of [this.document, this.main, ...this.documents]) {
      for (const [prefix, uri] of document.namespaces) if (prefix !== '' && uri === namespace) return prefix;
    }
    return undefined;
  }

  /** Splits a QName into its namespace URI (from the current document's declarations) and local name. */
  private resolveName(qualifiedName: string): { namespace: string | undefined; name: string } {
    const colon = qualifiedName.indexOf(':');
    const prefix = colon === -1 ? '' : qualifiedName.slice(0, colon);
    const namespace = this.document.namespaces.get(prefix);
    if (prefix !== '' && namespace === undefined)
      this.invalid(`the prefix '${prefix}' of '${qualifiedName}' is not declared`);
    return { namespace, name: localName(qualifiedName) };
  }

  /** The global component a QName refers to. */
  private lookUp(table: ReadonlyMap<string, Component>, qualifiedName: string): Component | undefined {
    const { namespace, name } = this.resolveName(qualifiedName);
    return table.get(expandedName(namespace, name));
  }

  /** The schema of a type reference: a built-in, a named simple type (inlined) or a named complex type (`$ref`). */
  private typeReference(qualifiedName: string): JsonSchema {
    const { namespace, name } = this.resolveName(qualifiedName);
    if (namespace === XSD_NAMESPACE) {
      const builtin = BUILTIN_TYPES[name];
      if (builtin === undefined) this.unsupported(`the built-in type xs:${name}`);
      return { ...builtin };
    }
    const key = expandedName(namespace, name);
    const simple = this.simpleTypes.get(key);
    if (simple !== undefined) {
      if (this.simpleTypesInProgress.has(key)) this.invalid(`simple type '${name}' refers to itself`);
      this.simpleTypesInProgress.add(key);
      try {
        return this.within(simple.document, () => this.simpleType(simple.node));
      } finally {
        this.simpleTypesInProgress.delete(key);
      }
    }
    const complex = this.complexTypes.get(key);
    if (complex !== undefined) {
      let definitionName = this.definitionNames.get(key);
      if (definitionName === undefined) {
        definitionName = name;
        for (let number = 2; definitionName in this.definitions; number++)
          definitionName = `${name}-${number}`;
        this.definitionNames.set(key, definitionName);
        this.definitions[definitionName] = {};
        this.definitions[definitionName] = this.within(complex.document, () =>
          this.complexType(complex.node),
        );
      }
      return { $ref: `#/$defs/${encodeURIComponent(definitionName)}` };
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
      const baseType = namespace === XSD_NAMESPACE ? undefined : this.lookUp(this.complexTypes, base);
      if (baseType === undefined && !(namespace === XSD_NAMESPACE && name === 'anyType')) {
        this.invalid(`complex type '${base}' (the base of an extension) is not defined`);
      }
      if (baseType !== undefined)
        this.within(baseType.document, () => this.complexContent(baseType.node, builder));
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
      const baseType = this.lookUp(this.complexTypes, base ?? '');
      if (baseType !== undefined)
        this.within(baseType.document, () => this.complexContent(baseType.node, builder));
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
    if (node.attributes.use === 'prohibited') return;
    let declaration = node;
    let document = this.document;
    // A global attribute is in its schema's target namespace; a local one when its form says so.
    let qualified =
      node.attributes.form === 'qualified' ||
      (node.attributes.form === undefined && this.document.attributesQualified);
    if (reference !== undefined) {
      const global = this.lookUp(this.attributes, reference);
      if (global === undefined) this.invalid(`attribute '${reference}' is not defined`);
      declaration = global.node;
      document = global.document;
      qualified = true;
    }
    const name = declaration.attributes.name;
    if (name === undefined) this.invalid('an <xs:attribute> has neither name nor ref');
    const schema = this.within(document, (): JsonSchema => {
      if (declaration.attributes.type !== undefined) return this.typeReference(declaration.attributes.type);
      const simple = declaration.children.find((child) => localName(child.name) === 'simpleType');
      return simple === undefined ? { type: 'string' } : this.simpleType(simple);
    });
    const defaultValue = node.attributes.default ?? declaration.attributes.default;
    const fixedValue = node.attributes.fixed ?? declaration.attributes.fixed;
    if (defaultValue !== undefined) schema.default = this.typedValue(defaultValue, schema);
    if (fixedValue !== undefined) schema.const = this.typedValue(fixedValue, schema);
    const namespace = qualified ? document.targetNamespace : undefined;
    const prefix = namespace === undefined ? undefined : this.prefixFor(namespace);
    schema.xml = {
      attribute: true,
      name,
      ...(namespace === undefined ? {} : { namespace }),
      ...(prefix === undefined ? {} : { prefix }),
    };
    this.addProperty(builder, `@${name}`, schema, namespace);
    if (node.attributes.use === 'required') builder.required.push(`@${name}`);
  }

  /** Adds a property; one name from two namespaces in one type cannot be told apart in the value. */
  private addProperty(
    builder: ContentBuilder,
    key: string,
    schema: JsonSchema,
    namespace: string | undefined,
  ): void {
    const existing = builder.properties[key];
    const existingNamespace = (existing?.items ?? existing)?.xml?.namespace;
    if (existing !== undefined && existingNamespace !== namespace) {
      this.unsupported(
        `'${key}' declared in two namespaces ('${existingNamespace ?? ''}' and '${namespace ?? ''}') in one type`,
      );
    }
    builder.properties[key] = schema;
  }

  private attributeGroup(node: XsdNode, builder: ContentBuilder): void {
    const reference = node.attributes.ref;
    const group =
      reference === undefined
        ? { node, document: this.document }
        : this.lookUp(this.attributeGroups, reference);
    if (group === undefined) this.invalid(`attribute group '${reference}' is not defined`);
    this.within(group.document, () => {
      for (const child of group.node.children) {
        if (localName(child.name) === 'attribute') this.attribute(child, builder);
        else if (localName(child.name) === 'attributeGroup') this.attributeGroup(child, builder);
      }
    });
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
        const group =
          reference === undefined ? { node, document: this.document } : this.lookUp(this.groups, reference);
        if (group === undefined) this.invalid(`group '${reference}' is not defined`);
        return this.within(group.document, () => {
          const names: string[] = [];
          for (const child of group.node.children)
            names.push(...this.particle(child, builder, isOptional, isRepeated));
          return names;
        });
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
        for (const [key, schema] of Object.entries(scratch.properties))
          this.addProperty(builder, key, schema, (schema.items ?? schema).xml?.namespace);
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
    let document = this.document;
    let qualified = this.document.qualified || node.attributes.form === 'qualified';
    if (node.attributes.form === 'unqualified') qualified = false;
    if (reference !== undefined) {
      const global = this.lookUp(this.elements, reference);
      if (global === undefined) this.invalid(`element '${reference}' is not defined`);
      declaration = global.node;
      document = global.document;
      qualified = true;
    }
    if (declaration.attributes.substitutionGroup !== undefined) this.unsupported('substitutionGroup');
    const name = declaration.attributes.name;
    if (name === undefined) this.invalid('an <xs:element> has neither name nor ref');
    const minOccurs = occurs(node.attributes.minOccurs, 1);
    const maxOccurs = occurs(node.attributes.maxOccurs, 1);
    const particle: ElementParticle = {
      name,
      schema: this.within(document, () => this.elementType(declaration)),
      minOccurs,
      maxOccurs,
    };
    const namespace = qualified ? document.targetNamespace : undefined;
    const prefix = namespace === undefined ? undefined : this.prefixFor(namespace);
    const nillable = declaration.attributes.nillable === 'true';
    const element: JsonSchema =
      namespace === undefined && !nillable
        ? particle.schema
        : {
            ...particle.schema,
            xml: {
              ...(namespace === undefined ? {} : { namespace }),
              ...(prefix === undefined ? {} : { prefix }),
              ...(nillable ? { nillable: true } : {}),
            },
          };
    const isArray = repeated || maxOccurs > 1;
    if (isArray) {
      const array: JsonSchema = { type: 'array', items: element };
      if (!optional && minOccurs > 0) array.minItems = minOccurs;
      if (!repeated && Number.isFinite(maxOccurs)) array.maxItems = maxOccurs;
      this.addProperty(builder, name, array, namespace);
    } else this.addProperty(builder, name, element, namespace);
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
