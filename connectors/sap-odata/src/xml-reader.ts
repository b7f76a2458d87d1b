/**
 * A small, safe XML reader for EDMX documents and XML error bodies. It builds an element tree
 * and nothing else: no DTDs (a `<!DOCTYPE` is rejected, so there are no external entities and
 * no entity expansion), only the five predefined entities and character references.
 */

/** One element of a parsed document. */
export interface XmlElement {
  /** Local name, without the namespace prefix (`EntityType` for `edm:EntityType`). */
  readonly name: string;
  /** Attributes by their name as written, prefix included (`m:HttpMethod`). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (its text nodes and CDATA, concatenated). */
  readonly text: string;
}

export interface ReadXmlOptions {
  /** Longest document accepted, in characters. Default: 64 MiB. */
  readonly maxLength?: number;
  /** Deepest nesting accepted. Default: 100. */
  readonly maxDepth?: number;
}

/** Thrown for malformed or unsafe XML, with the line and column of the problem. */
export class XmlError extends Error {
  override readonly name = 'XmlError';
}

interface MutableElement {
  name: string;
  qualifiedName: string;
  attributes: Record<string, string>;
  children: MutableElement[];
  text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const WHITESPACE = /\s*/y;

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/** Parses an XML document and returns its root element. */
export function readXml(xml: string, options: ReadXmlOptions = {}): XmlElement {
  const maxLength = options.maxLength ?? 64 * 1024 * 1024;
  const maxDepth = options.maxDepth ?? 100;
  if (xml.length > maxLength) {
    throw new XmlError(`the document has ${xml.length} characters, more than the ${maxLength} accepted`);
  }
  const fail: (message: string, at: number) => never = (message, at) => {
    const before = xml.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new XmlError(`${message} at line ${line}, column ${column}`);
  };
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let position = xml.charCodeAt(0) === 0xfeff ? 1 : 0;

  while (position < xml.length) {
    const open = xml.indexOf('<', position);
    const textEnd = open === -1 ? xml.length : open;
    if (textEnd > position) {
      const text = xml.slice(position, textEnd);
      const current = stack.at(-1);
      if (current === undefined) {
        if (text.trim() !== '') fail('text outside the root element', position);
      } else {
        current.text += decodeEntities(text, (message) => fail(message, position));
      }
    }
    if (open === -1) break;
    position = open;
    if (xml.startsWith('<?', position)) {
      const end = xml.indexOf('?>', position + 2);
      if (end === -1) fail('unterminated processing instruction', position);
      position = end + 2;
    } else if (xml.startsWith('<!--', position)) {
      const end = xml.indexOf('-->', position + 4);
      if (end === -1) fail('unterminated comment', position);
      position = end + 3;
    } else if (xml.startsWith('<![CDATA[', position)) {
      const end = xml.indexOf(']]>', position + 9);
      if (end === -1) fail('unterminated CDATA section', position);
      const current = stack.at(-1);
      if (current === undefined) fail('CDATA outside the root element', position);
      current.text += xml.slice(position + 9, end);
      position = end + 3;
    } else if (xml.startsWith('<!', position)) {
      // <!DOCTYPE …> and friends: refused outright — no DTDs, no entity declarations.
      fail('document type declarations (<!DOCTYPE>, <!ENTITY>) are not allowed', position);
    } else if (xml.startsWith('</', position)) {
      NAME.lastIndex = position + 2;
      const match = NAME.exec(xml);
      if (match === null) fail('malformed closing tag', position);
      const name = match[0];
      const end = xml.indexOf('>', NAME.lastIndex);
      if (end === -1 || xml.slice(NAME.lastIndex, end).trim() !== '') fail('malformed closing tag', position);
      const current = stack.pop();
      if (current === undefined || current.qualifiedName !== name) {
        fail(`closing tag </${name}> does not match <${current?.qualifiedName ?? '(none)'}>`, position);
      }
      position = end + 1;
    } else {
      NAME.lastIndex = position + 1;
      const match = NAME.exec(xml);
      if (match === null) fail('malformed start tag', position);
      const qualifiedName = match[0];
      let cursor = NAME.lastIndex;
      const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
      let selfClosing = false;
      for (;;) {
        WHITESPACE.lastIndex = cursor;
        WHITESPACE.exec(xml);
        cursor = WHITESPACE.lastIndex;
        const character = xml[cursor];
        if (character === undefined) fail(`unterminated start tag <${qualifiedName}>`, position);
        if (character === '>') {
          cursor += 1;
          break;
        }
        if (character === '/' && xml[cursor + 1] === '>') {
          selfClosing = true;
          cursor += 2;
          break;
        }
        NAME.lastIndex = cursor;
        const attribute = NAME.exec(xml);
        if (attribute === null) fail(`malformed attribute in <${qualifiedName}>`, cursor);
        const attributeName = attribute[0];
        cursor = NAME.lastIndex;
        WHITESPACE.lastIndex = cursor;
        WHITESPACE.exec(xml);
        cursor = WHITESPACE.lastIndex;
        if (xml[cursor] !== '=') fail(`attribute ${attributeName} has no value`, cursor);
        WHITESPACE.lastIndex = cursor + 1;
        WHITESPACE.exec(xml);
        cursor = WHITESPACE.lastIndex;
        const quote = xml[cursor];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attributeName} is not quoted`, cursor);
        const valueEnd = xml.indexOf(quote, cursor + 1);
        if (valueEnd === -1) fail(`unterminated value of attribute ${attributeName}`, cursor);
        const raw = xml.slice(cursor + 1, valueEnd);
        if (raw.includes('<')) fail(`'<' in the value of attribute ${attributeName}`, cursor);
        if (Object.hasOwn(attributes, attributeName)) fail(`duplicate attribute ${attributeName}`, cursor);
        attributes[attributeName] = decodeEntities(raw, (message) => fail(message, cursor));
        cursor = valueEnd + 1;
      }
      const colon = qualifiedName.indexOf(':');
      const element: MutableElement = {
        name: colon === -1 ? qualifiedName : qualifiedName.slice(colon + 1),
        qualifiedName,
        attributes,
        children: [],
        text: '',
      };
      const parent = stack.at(-1);
      if (parent === undefined) {
        if (root !== undefined) fail('a second root element', position);
        root = element;
      } else {
        parent.children.push(element);
      }
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > maxDepth) fail(`elements nested deeper than ${maxDepth}`, position);
      }
      position = cursor;
    }
  }
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) fail(`<${unclosed.qualifiedName}> is never closed`, xml.length);
  if (root === undefined) return fail('no root element', 0);
  return root;
}

function decodeEntities(text: string, fail: (message: string) => never): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]{1,10});/g, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) {
      return codePoint(Number.parseInt(entity.slice(2), 16), whole, fail);
    }
    if (entity.startsWith('#')) return codePoint(Number.parseInt(entity.slice(1), 10), whole, fail);
    const value = PREDEFINED_ENTITIES[entity];
    if (value === undefined) fail(`unknown entity ${whole} (only the predefined ones are allowed)`);
    return value as string;
  });
}

function codePoint(value: number, whole: string, fail: (message: string) => never): string {
  if (!Number.isInteger(value) || value <= 0 || value > 0x10ffff)
    fail(`invalid character reference ${whole}`);
  return String.fromCodePoint(value);
}

/** The value of an attribute by its local name, whatever its prefix (`HttpMethod` finds `m:HttpMethod`). */
export function attributeOf(element: XmlElement, localName: string): string | undefined {
  const direct = element.attributes[localName];
  if (direct !== undefined) return direct;
  for (const [name, value] of Object.entries(element.attributes)) {
    if (name.startsWith('xmlns')) continue;
    if (name.endsWith(`:${localName}`)) return value;
  }
  return undefined;
}

/** The children with a local name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The first child with a local name. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}
