import type { JsonSchema } from './json-schema.js';

/** The root element of an XML message. */
export interface XmlRoot {
  /** Local name of the root element. */
  readonly name: string;
  /** Namespace URI of the root element (the XSD `targetNamespace`). */
  readonly namespace?: string;
  /** Prefix to write when the namespace needs one (taken from the XSD when it declares one). */
  readonly prefix?: string;
  /** Local elements are in the namespace too (`elementFormDefault="qualified"`). */
  readonly qualified?: boolean;
}

/**
 * One internal form for every message and entity definition: a JSON Schema describing the
 * message value, and for XML the root element. An XML message's value is its root element's
 * content: child elements by local name (arrays where the XSD allows more than one),
 * attributes as `@name`, the text of an element with attributes as `#text`.
 */
export interface MessageDefinition {
  readonly format: 'json' | 'xml';
  readonly schema: JsonSchema;
  /** For `format: 'xml'`: the root element. */
  readonly root?: XmlRoot;
  /** Where the definition came from (a file, or `code`), for messages. */
  readonly source: string;
}

/**
 * A definition from a JSON Schema written in code (TypeBox schemas are JSON Schemas).
 *
 * @example
 * const order = defineMessage(Type.Object({ id: Type.String(), total: Type.Number() }));
 */
export function defineMessage(
  schema: object,
  options: { readonly format?: 'json' | 'xml'; readonly root?: XmlRoot; readonly source?: string } = {},
): MessageDefinition {
  const format = options.format ?? (options.root === undefined ? 'json' : 'xml');
  return {
    format,
    schema: schema as JsonSchema,
    ...(options.root === undefined ? {} : { root: options.root }),
    source: options.source ?? 'code',
  };
}
