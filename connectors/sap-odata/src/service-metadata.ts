import { ConnectorError } from '@connectorkit/core';
import { attributeOf, childNamed, childrenNamed, readXml, type XmlElement, XmlError } from './xml-reader.js';

/** The OData protocol versions the connector speaks. */
export type ODataVersion = 'v2' | 'v4';

/** A structural property of an entity or complex type. */
export interface PropertyInfo {
  readonly name: string;
  /** Qualified type: `Edm.String`, `Edm.Decimal`, `Collection(Edm.String)`, `ns.Address` … */
  readonly type: string;
  readonly nullable: boolean;
  readonly maxLength?: number;
  readonly precision?: number;
  readonly scale?: number;
  /** V2 `sap:display-format` (`Date` marks an `Edm.DateTime` that holds a date). */
  readonly displayFormat?: string;
}

export interface NavigationInfo {
  readonly name: string;
  /** Qualified name of the entity type it leads to. */
  readonly targetType: string;
  /** True for a to-many navigation. */
  readonly collection: boolean;
  /** The entity set it leads to, when the service says. */
  readonly targetEntitySet?: string;
}

export interface StructuredTypeInfo {
  /** Qualified name (`namespace.Name`). */
  readonly name: string;
  readonly kind: 'entity' | 'complex';
  /** Key property names in key order (entity types). */
  readonly keys: readonly string[];
  readonly properties: ReadonlyMap<string, PropertyInfo>;
  readonly navigation: ReadonlyMap<string, NavigationInfo>;
}

export interface EntitySetInfo {
  readonly name: string;
  /** Qualified name of its entity type. */
  readonly entityType: string;
  /** True when writes need an ETag (`If-Match`). */
  readonly etag: boolean;
  /** Navigation property → target entity set (V4 NavigationPropertyBinding, V2 AssociationSet). */
  readonly navigationTargets: ReadonlyMap<string, string>;
}

export interface ParameterInfo {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
}

/** A V2 function import, or a V4 function or action (bound or unbound). */
export interface OperationInfo {
  readonly name: string;
  readonly kind: 'function' | 'action';
  /** GET for functions, POST for actions; V2 function imports say which (`m:HttpMethod`). */
  readonly httpMethod: 'GET' | 'POST';
  /** V4: bound to an entity type (or a collection of it). */
  readonly bound: boolean;
  readonly bindingType?: string;
  readonly bindingCollection?: boolean;
  /** Qualified name used to call a bound operation (`namespace.name`). */
  readonly qualifiedName: string;
  /** Parameters, without the binding parameter. */
  readonly parameters: readonly ParameterInfo[];
  readonly returnType?: string;
  /** The entity set a V2 function import returns entities of. */
  readonly entitySet?: string;
}

/** What the connector knows of a service from its `$metadata`. */
export interface ServiceMetadata {
  readonly version: ODataVersion;
  readonly namespaces: readonly string[];
  readonly entitySets: ReadonlyMap<string, EntitySetInfo>;
  readonly types: ReadonlyMap<string, StructuredTypeInfo>;
  /** Operations by name; overloads share a name. */
  readonly operations: ReadonlyMap<string, readonly OperationInfo[]>;
}

const OPTIMISTIC_CONCURRENCY = /(^|\.)OptimisticConcurrency$/;

/**
 * Parses an EDMX `$metadata` document (OData V2 or V4). Throws `UNSUPPORTED` when the document
 * is not EDMX or is malformed.
 */
export function parseMetadata(xml: string): ServiceMetadata {
  let root: XmlElement;
  try {
    root = readXml(xml);
  } catch (error) {
    const reason = error instanceof XmlError ? error.message : String(error);
    throw new ConnectorError('UNSUPPORTED', `the service's $metadata is not readable XML: ${reason}`, {
      cause: error,
    });
  }
  if (root.name !== 'Edmx') {
    throw new ConnectorError(
      'UNSUPPORTED',
      `the service's $metadata is not an EDMX document (root element <${root.name}>) — is serviceUrl the root of an OData service?`,
    );
  }
  const edmxVersion = attributeOf(root, 'Version') ?? '';
  const version: ODataVersion = edmxVersion.startsWith('4') ? 'v4' : 'v2';
  const dataServices = childNamed(root, 'DataServices');
  const schemas = dataServices === undefined ? [] : childrenNamed(dataServices, 'Schema');

  const aliases = new Map<string, string>();
  for (const schema of schemas) {
    const namespace = attributeOf(schema, 'Namespace');
    const alias = attributeOf(schema, 'Alias');
    if (namespace !== undefined && alias !== undefined) aliases.set(alias, namespace);
  }
  const qualify = (name: string): string => {
    const collection = /^Collection\((.*)\)$/.exec(name);
    if (collection?.[1] !== undefined) return `Collection(${qualify(collection[1])})`;
    const dot = name.lastIndexOf('.');
    if (dot === -1) return name;
    const prefix = name.slice(0, dot);
    const namespace = aliases.get(prefix);
    return namespace === undefined ? name : `${namespace}.${name.slice(dot + 1)}`;
  };

  const associations = new Map<string, XmlElement>();
  const rawTypes: { namespace: string; element: XmlElement; kind: 'entity' | 'complex' }[] = [];
  const operationElements: { namespace: string; element: XmlElement }[] = [];
  for (const schema of schemas) {
    const namespace = attributeOf(schema, 'Namespace') ?? '';
    for (const child of schema.children) {
      if (child.name === 'EntityType') rawTypes.push({ namespace, element: child, kind: 'entity' });
      else if (child.name === 'ComplexType') rawTypes.push({ namespace, element: child, kind: 'complex' });
      else if (child.name === 'Association')
        associations.set(`${namespace}.${attributeOf(child, 'Name') ?? ''}`, child);
      else if (child.name === 'Function' || child.name === 'Action')
        operationElements.push({ namespace, element: child });
    }
  }

  const associationEnd = (relationship: string, role: string): XmlElement | undefined => {
    const association = associations.get(qualify(relationship));
    if (association === undefined) return undefined;
    return childrenNamed(association, 'End').find((end) => attributeOf(end, 'Role') === role);
  };

  // First pass: each type's own members; base types are merged in afterwards.
  const ownTypes = new Map<string, { base?: string; info: StructuredTypeInfo }>();
  for (const { namespace, element, kind } of rawTypes) {
    const name = `${namespace}.${attributeOf(element, 'Name') ?? ''}`;
    const key = childNamed(element, 'Key');
    const keys =
      key === undefined ? [] : childrenNamed(key, 'PropertyRef').map((ref) => attributeOf(ref, 'Name') ?? '');
    const properties = new Map<string, PropertyInfo>();
    for (const property of childrenNamed(element, 'Property')) {
      const info = propertyInfo(property, qualify);
      properties.set(info.name, info);
    }
    const navigation = new Map<string, NavigationInfo>();
    for (const property of childrenNamed(element, 'NavigationProperty')) {
      const propertyName = attributeOf(property, 'Name') ?? '';
      const type = attributeOf(property, 'Type');
      if (type !== undefined) {
        const collection = /^Collection\((.*)\)$/.exec(type);
        navigation.set(propertyName, {
          name: propertyName,
          targetType: qualify(collection?.[1] ?? type),
          collection: collection !== null,
        });
        continue;
      }
      // V2: the target and multiplicity live on the association's end named by ToRole.
      const end = associationEnd(
        attributeOf(property, 'Relationship') ?? '',
        attributeOf(property, 'ToRole') ?? '',
      );
      navigation.set(propertyName, {
        name: propertyName,
        targetType: qualify(end === undefined ? '' : (attributeOf(end, 'Type') ?? '')),
        collection: end !== undefined && attributeOf(end, 'Multiplicity') === '*',
      });
    }
    const base = attributeOf(element, 'BaseType');
    ownTypes.set(name, {
      ...(base === undefined ? {} : { base: qualify(base) }),
      info: { name, kind, keys, properties, navigation },
    });
  }
  const types = new Map<string, StructuredTypeInfo>();
  const resolveType = (name: string, depth = 0): StructuredTypeInfo | undefined => {
    const resolved = types.get(name);
    if (resolved !== undefined) return resolved;
    const own = ownTypes.get(name);
    if (own === undefined) return undefined;
    const base = own.base === undefined || depth > 20 ? undefined : resolveType(own.base, depth + 1);
    const info: StructuredTypeInfo =
      base === undefined
        ? own.info
        : {
            ...own.info,
            keys: own.info.keys.length > 0 ? own.info.keys : base.keys,
            properties: new Map([...base.properties, ...own.info.properties]),
            navigation: new Map([...base.navigation, ...own.info.navigation]),
          };
    types.set(name, info);
    return info;
  };
  for (const name of ownTypes.keys()) resolveType(name);

  const etagSets = new Set<string>();
  for (const schema of schemas) {
    for (const annotations of childrenNamed(schema, 'Annotations')) {
      const target = attributeOf(annotations, 'Target') ?? '';
      const hasConcurrency = childrenNamed(annotations, 'Annotation').some((annotation) =>
        OPTIMISTIC_CONCURRENCY.test(attributeOf(annotation, 'Term') ?? ''),
      );
      if (hasConcurrency) etagSets.add(target.slice(target.lastIndexOf('/') + 1));
    }
  }

  const entitySets = new Map<string, EntitySetInfo>();
  const operations = new Map<string, OperationInfo[]>();
  const addOperation = (operation: OperationInfo): void => {
    const list = operations.get(operation.name);
    if (list === undefined) operations.set(operation.name, [operation]);
    else list.push(operation);
  };
  for (const schema of schemas) {
    for (const container of childrenNamed(schema, 'EntityContainer')) {
      const associationSets = childrenNamed(container, 'AssociationSet');
      for (const set of childrenNamed(container, 'EntitySet')) {
        const setName = attributeOf(set, 'Name') ?? '';
        const entityType = qualify(attributeOf(set, 'EntityType') ?? '');
        const type = types.get(entityType);
        const navigationTargets = new Map<string, string>();
        for (const binding of childrenNamed(set, 'NavigationPropertyBinding')) {
          const target = attributeOf(binding, 'Target') ?? '';
          navigationTargets.set(
            attributeOf(binding, 'Path') ?? '',
            target.slice(target.lastIndexOf('/') + 1),
          );
        }
        if (version === 'v2' && type !== undefined) {
          for (const element of rawTypes) {
            if (`${element.namespace}.${attributeOf(element.element, 'Name')}` !== entityType) continue;
            for (const property of childrenNamed(element.element, 'NavigationProperty')) {
              const relationship = qualify(attributeOf(property, 'Relationship') ?? '');
              const fromRole = attributeOf(property, 'FromRole');
              const toRole = attributeOf(property, 'ToRole');
              const associationSet = associationSets.find((candidate) => {
                if (qualify(attributeOf(candidate, 'Association') ?? '') !== relationship) return false;
                return childrenNamed(candidate, 'End').some(
                  (end) => attributeOf(end, 'Role') === fromRole && attributeOf(end, 'EntitySet') === setName,
                );
              });
              const targetEnd = associationSet
                ? childrenNamed(associationSet, 'End').find((end) => attributeOf(end, 'Role') === toRole)
                : undefined;
              const target = targetEnd === undefined ? undefined : attributeOf(targetEnd, 'EntitySet');
              if (target !== undefined) navigationTargets.set(attributeOf(property, 'Name') ?? '', target);
            }
          }
        }
        const inlineConcurrency = childrenNamed(set, 'Annotation').some((annotation) =>
          OPTIMISTIC_CONCURRENCY.test(attributeOf(annotation, 'Term') ?? ''),
        );
        const v2Concurrency =
          version === 'v2' &&
          rawTypes.some(
            (raw) =>
              `${raw.namespace}.${attributeOf(raw.element, 'Name')}` === entityType &&
              childrenNamed(raw.element, 'Property').some(
                (property) => attributeOf(property, 'ConcurrencyMode') === 'Fixed',
              ),
          );
        entitySets.set(setName, {
          name: setName,
          entityType,
          etag: inlineConcurrency || v2Concurrency || etagSets.has(setName),
          navigationTargets,
        });
      }
      if (version === 'v2') {
        for (const functionImport of childrenNamed(container, 'FunctionImport')) {
          const name = attributeOf(functionImport, 'Name') ?? '';
          const method = (attributeOf(functionImport, 'HttpMethod') ?? 'GET').toUpperCase();
          const returnType = attributeOf(functionImport, 'ReturnType');
          const entitySet = attributeOf(functionImport, 'EntitySet');
          addOperation({
            name,
            kind: method === 'GET' ? 'function' : 'action',
            httpMethod: method === 'GET' ? 'GET' : 'POST',
            bound: false,
            qualifiedName: name,
            parameters: childrenNamed(functionImport, 'Parameter').map((parameter) =>
              parameterInfo(parameter, qualify),
            ),
            ...(returnType === undefined ? {} : { returnType: qualify(returnType) }),
            ...(entitySet === undefined ? {} : { entitySet }),
          });
        }
      }
    }
  }
  if (version === 'v4') {
    for (const { namespace, element } of operationElements) {
      const name = attributeOf(element, 'Name') ?? '';
      const kind = element.name === 'Action' ? 'action' : 'function';
      const bound = attributeOf(element, 'IsBound') === 'true';
      const parameters = childrenNamed(element, 'Parameter').map((parameter) =>
        parameterInfo(parameter, qualify),
      );
      const binding = bound ? parameters[0] : undefined;
      const bindingCollection = binding === undefined ? undefined : /^Collection\((.*)\)$/.exec(binding.type);
      const returnType = childNamed(element, 'ReturnType');
      const returnTypeName = returnType === undefined ? undefined : attributeOf(returnType, 'Type');
      addOperation({
        name,
        kind,
        httpMethod: kind === 'action' ? 'POST' : 'GET',
        bound,
        ...(binding === undefined
          ? {}
          : {
              bindingType: bindingCollection?.[1] ?? binding.type,
              bindingCollection: bindingCollection !== null && bindingCollection !== undefined,
            }),
        qualifiedName: `${namespace}.${name}`,
        parameters: bound ? parameters.slice(1) : parameters,
        ...(returnTypeName === undefined ? {} : { returnType: qualify(returnTypeName) }),
      });
    }
  }

  return {
    version,
    namespaces: schemas.map((schema) => attributeOf(schema, 'Namespace') ?? ''),
    entitySets,
    types,
    operations,
  };
}

function propertyInfo(element: XmlElement, qualify: (name: string) => string): PropertyInfo {
  const maxLength = numberAttribute(element, 'MaxLength');
  const precision = numberAttribute(element, 'Precision');
  const scale = numberAttribute(element, 'Scale');
  const displayFormat = attributeOf(element, 'display-format');
  return {
    name: attributeOf(element, 'Name') ?? '',
    type: qualify(attributeOf(element, 'Type') ?? 'Edm.String'),
    nullable: attributeOf(element, 'Nullable') !== 'false',
    ...(maxLength === undefined ? {} : { maxLength }),
    ...(precision === undefined ? {} : { precision }),
    ...(scale === undefined ? {} : { scale }),
    ...(displayFormat === undefined ? {} : { displayFormat }),
  };
}

function parameterInfo(element: XmlElement, qualify: (name: string) => string): ParameterInfo {
  return {
    name: attributeOf(element, 'Name') ?? '',
    type: qualify(attributeOf(element, 'Type') ?? 'Edm.String'),
    nullable: attributeOf(element, 'Nullable') !== 'false',
  };
}

function numberAttribute(element: XmlElement, name: string): number | undefined {
  const value = attributeOf(element, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** The entity set, or INVALID_INPUT naming the sets the service has. */
export function entitySetOf(metadata: ServiceMetadata, name: string, path = '$.entitySet'): EntitySetInfo {
  const set = metadata.entitySets.get(name);
  if (set !== undefined) return set;
  throw new ConnectorError(
    'INVALID_INPUT',
    `the service has no entity set '${name}'${suggestion(name, metadata.entitySets.keys())} — it has: ${listOf(metadata.entitySets.keys())}`,
    { path },
  );
}

/** The structured type, or INTERNAL when the metadata is inconsistent. */
export function typeOf(metadata: ServiceMetadata, name: string): StructuredTypeInfo {
  const type = metadata.types.get(name);
  if (type !== undefined) return type;
  throw new ConnectorError('UNSUPPORTED', `the service's $metadata does not define type '${name}'`);
}

/** The entity type of an entity set. */
export function entityTypeOf(metadata: ServiceMetadata, set: EntitySetInfo): StructuredTypeInfo {
  return typeOf(metadata, set.entityType);
}

/** What a property path (`customer/name`) resolves to. */
export interface ResolvedPath {
  readonly property?: PropertyInfo;
  readonly navigation?: NavigationInfo;
  /** The type the last segment belongs to. */
  readonly owner: StructuredTypeInfo;
  /** True when the path crosses a to-many navigation. */
  readonly throughCollection: boolean;
}

/**
 * Resolves a `/`-separated property path against a type, following navigation and complex
 * properties. Throws INVALID_INPUT naming the segment that does not exist and what does.
 */
export function resolvePath(
  metadata: ServiceMetadata,
  type: StructuredTypeInfo,
  path: string,
  inputPath: string,
): ResolvedPath {
  const segments = path.split('/');
  let owner = type;
  let throughCollection = false;
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const property = owner.properties.get(segment);
    const navigation = owner.navigation.get(segment);
    if (last) {
      if (property !== undefined) return { property, owner, throughCollection };
      if (navigation !== undefined) return { navigation, owner, throughCollection };
    } else if (navigation !== undefined) {
      throughCollection ||= navigation.collection;
      owner = typeOf(metadata, navigation.targetType);
      continue;
    } else if (property !== undefined) {
      const complex = metadata.types.get(property.type);
      if (complex !== undefined) {
        owner = complex;
        continue;
      }
    }
    const known = [...owner.properties.keys(), ...owner.navigation.keys()];
    throw new ConnectorError(
      'INVALID_INPUT',
      `'${segment}'${segments.length > 1 ? ` (in '${path}')` : ''} is not a property of ${shortName(owner.name)}${suggestion(segment, known)} — its properties are: ${listOf(known)}`,
      { path: inputPath },
    );
  }
  throw new ConnectorError('INVALID_INPUT', `the property path is empty`, { path: inputPath });
}

/** `ns.Orders` → `Orders` */
export function shortName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

function listOf(names: Iterable<string>, limit = 40): string {
  const all = [...names];
  if (all.length === 0) return '(none)';
  return all.length > limit
    ? `${all.slice(0, limit).join(', ')}, … (${all.length - limit} more)`
    : all.join(', ');
}

/** " — did you mean 'x'?" for a near miss (case or a small typo), else "". */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    if (candidate.toLowerCase() === lower) return ` (did you mean '${candidate}'?)`;
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? limit;
}

/** The metadata as plain JSON, for the `metadata` action and `ck describe`. */
export function describeMetadata(metadata: ServiceMetadata, only?: string): DescribedService {
  const sets = [...metadata.entitySets.values()].filter((set) => only === undefined || set.name === only);
  return {
    version: metadata.version,
    namespaces: [...metadata.namespaces],
    entitySets: sets.map((set) => {
      const type = metadata.types.get(set.entityType);
      return {
        name: set.name,
        entityType: set.entityType,
        keys: [...(type?.keys ?? [])],
        etag: set.etag,
        properties: [...(type?.properties.values() ?? [])].map((property) => ({ ...property })),
        navigation: [...(type?.navigation.values() ?? [])].map((navigation) => {
          const target = set.navigationTargets.get(navigation.name);
          return {
            name: navigation.name,
            targetType: navigation.targetType,
            collection: navigation.collection,
            ...(target === undefined ? {} : { targetEntitySet: target }),
          };
        }),
      };
    }),
    operations:
      only === undefined
        ? [...metadata.operations.values()].flat().map((operation) => ({
            name: operation.name,
            kind: operation.kind,
            httpMethod: operation.httpMethod,
            bound: operation.bound,
            ...(operation.bindingType === undefined ? {} : { bindingType: operation.bindingType }),
            parameters: operation.parameters.map((parameter) => ({ ...parameter })),
            ...(operation.returnType === undefined ? {} : { returnType: operation.returnType }),
          }))
        : [],
  };
}

export interface DescribedService {
  version: ODataVersion;
  namespaces: string[];
  entitySets: {
    name: string;
    entityType: string;
    keys: string[];
    etag: boolean;
    properties: PropertyInfo[];
    navigation: { name: string; targetType: string; collection: boolean; targetEntitySet?: string }[];
  }[];
  operations: {
    name: string;
    kind: 'function' | 'action';
    httpMethod: 'GET' | 'POST';
    bound: boolean;
    bindingType?: string;
    parameters: ParameterInfo[];
    returnType?: string;
  }[];
}
