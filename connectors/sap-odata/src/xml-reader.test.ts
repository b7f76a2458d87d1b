import { describe, expect, it } from 'vitest';
import { attributeOf, childNamed, readXml, XmlError } from './xml-reader.js';

describe('readXml', () => {
  it('reads elements, prefixed names, attributes, text, CDATA and entities', () => {
    const root = readXml(
      `<?xml version="1.0" encoding="utf-8"?>
<!-- a comment -->
<edmx:Edmx Version="4.0" xmlns:edmx="urn:edmx">
  <Schema Namespace='ns' m:Note="a &amp; b &#x41;&#66;">
    <Text>O&apos;Reilly &lt;3 <![CDATA[<raw> & ]]></Text>
    <Empty/>
  </Schema>
</edmx:Edmx>`,
    );
    expect(root.name).toBe('Edmx');
    expect(attributeOf(root, 'Version')).toBe('4.0');
    const schema = childNamed(root, 'Schema');
    expect(schema?.attributes.Namespace).toBe('ns');
    expect(schema === undefined ? undefined : attributeOf(schema, 'Note')).toBe('a & b AB');
    expect(schema === undefined ? undefined : childNamed(schema, 'Text')?.text).toBe("O'Reilly <3 <raw> & ");
    expect(schema?.children.map((child) => child.name)).toEqual(['Text', 'Empty']);
  });

  it('refuses DTDs, so external entities (XXE) and entity expansion cannot happen', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>`;
    expect(() => readXml(xxe)).toThrow(XmlError);
    expect(() => readXml(xxe)).toThrow(/<!DOCTYPE>, <!ENTITY>\) are not allowed at line 1/);
    const laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>`;
    expect(() => readXml(laughs)).toThrow(XmlError);
  });

  it.each([
    ['an undeclared entity', '<a>&xxe;</a>', /unknown entity &xxe;/],
    ['mismatched tags', '<a><b></a></b>', /closing tag <\/a> does not match <b>/],
    ['an unclosed element', '<a><b>', /<b> is never closed/],
    ['two roots', '<a/><b/>', /a second root element/],
    ['an unquoted attribute', '<a b=c/>', /attribute b is not quoted/],
    ['a duplicate attribute', '<a b="1" b="2"/>', /duplicate attribute b/],
    ['text outside the root', 'oops<a/>', /text outside the root element/],
    ['an empty document', '   ', /no root element/],
    ['an invalid character reference', '<a>&#0;</a>', /invalid character reference/],
  ])('rejects %s', (_name, xml, message) => {
    expect(() => readXml(xml)).toThrow(message);
  });

  it('limits nesting depth and document size', () => {
    expect(() => readXml(`${'<a>'.repeat(20)}${'</a>'.repeat(20)}`, { maxDepth: 10 })).toThrow(
      /nested deeper than 10/,
    );
    expect(() => readXml('<a/>', { maxLength: 2 })).toThrow(/more than the 2 accepted/);
  });
});
