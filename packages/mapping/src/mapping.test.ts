import { Type } from '@sinclair/typebox';
import { beforeAll, describe, expect, it } from 'vitest';
import { MappingError } from './errors.js';
import { compileSchema } from './json-schema.js';
import { loadMessageDefinition } from './load-definition.js';
import { compileMapping, convert, loadMapping, type Mapping, unwrap } from './mapping.js';
import { defineMessage, type MessageDefinition } from './message-definition.js';
import { caught, fixturePath, readFixture } from './test-support.js';
import { parseXml } from './xml.js';

let order: Mapping;
beforeAll(async () => {
  order = await loadMapping(fixturePath('order.mapping.yaml'));
});

const expectedOrder = {
  id: 'PO-10042',
  orderedAt: '2026-03-14T09:30:00Z',
  currency: 'EUR',
  customer: { name: 'Hoekstra & Zonen B.V.', email: 'inkoop@hoekstra.example', vatId: 'NL001234567B01' },
  delivery: { kind: 'address', street: 'Keizersgracht 12', city: 'Amsterdam', country: 'NL' },
  lines: [
    { lineNumber: 1, sku: 'BRK-001', quantity: 12, unitPrice: 4.5, status: 'open' },
    { lineNumber: 2, sku: 'BRK-002', quantity: 3, unitPrice: 19.95, status: 'shipped' },
    { lineNumber: 3, sku: 'NUT-100', quantity: 250, unitPrice: 0.08, status: 'open' },
  ],
  total: 133.85,
  note: 'Deliver before noon <dock 4>',
};

describe('XML import', () => {
  it('maps the order XML to a valid SalesOrder entity', async () => {
    expect(order.name).toBe('purchase-order');
    expect(order.directions).toEqual({ import: true, export: true });
    const result = await order.import(await readFixture('order.xml'));
    expect(result).toEqual({ ok: true, value: expectedOrder });
  });

  it('takes the other branch of the choice, value maps and defaults', async () => {
    const result = await order.import(await readFixture('order-pickup.xml'));
    expect(unwrap(result)).toEqual({
      id: 'PO-20001',
      orderedAt: '2026-03-15T14:00:00+01:00',
      currency: 'EUR',
      customer: { name: 'Jansen' },
      delivery: { kind: 'pickup', pickupCode: 'AMS-04' },
      lines: [{ lineNumber: 1, sku: 'BRK-001', quantity: 1, unitPrice: 4.5, status: 'cancelled' }],
      total: 4.5,
    });
  });

  it('reports every violation with its source and target path', async () => {
    const xml = (await readFixture('order.xml'))
      .replace('<ord:Quantity>3</ord:Quantity>', '<ord:Quantity>three</ord:Quantity>')
      .replace('status="S"', 'status="X"')
      .replace('<ord:Email>inkoop@hoekstra.example</ord:Email>', '<ord:Email>not-an-address</ord:Email>');
    const result = await order.import(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.violations).toEqual([
      {
        kind: 'conversion',
        sourcePath: '$.Line[1].Quantity',
        targetPath: '$.lines[1].quantity',
        message: '"three" is not an integer',
      },
      {
        kind: 'value-map',
        sourcePath: '$.Line[1]["@status"]',
        targetPath: '$.lines[1].status',
        message: '"X" is not in the value map (known: O, S, C)',
      },
      {
        kind: 'expression',
        sourcePath: '$ ⟶ $round($sum(Line.(Quantity * UnitPrice.`#text`)), 2)',
        targetPath: '$.total',
        message: expect.stringContaining('the expression failed'),
      },
      {
        kind: 'schema',
        sourcePath: '$.Customer.Email',
        targetPath: '$.customer.email',
        message: 'must match format "email"',
      },
    ]);
    expect(result.error).toBeInstanceOf(MappingError);
    expect(result.error).toMatchObject({
      reason: 'MAPPING_FAILED',
      code: 'INVALID_INPUT',
      path: '$.lines[1].quantity',
    });
    expect(result.error.message).toBe(
      'purchase-order (import): $.lines[1].quantity "three" is not an integer (from $.Line[1].Quantity) (and 3 more violations)',
    );
    expect(result.error.issues).toContainEqual({
      path: '$.customer.email',
      message: 'must match format "email" (from $.Customer.Email)',
    });
  });

  it('applies `missing: error` and reports schema-required fields with their source', async () => {
    const xml =
      '<Order xmlns="urn:example:orders:1" id="PO-0001"><Line number="1"><Sku>A</Sku><Quantity>1</Quantity><UnitPrice currency="EUR">1</UnitPrice></Line></Order>';
    const result = await order.import(xml);
    if (result.ok) throw new Error('expected violations');
    expect(result.violations).toContainEqual({
      kind: 'missing',
      sourcePath: '$.Customer',
      targetPath: '$.customer',
      message: 'is required by the mapping but the source is missing',
    });
    expect(result.violations).toContainEqual({
      kind: 'schema',
      sourcePath: '$.OrderDate',
      targetPath: '$.orderedAt',
      message: 'is required',
    });
    expect(result.violations.filter((violation) => violation.targetPath === '$.customer')).toHaveLength(1);
  });

  it('refuses an element from another namespace instead of taking its value', async () => {
    const xml = (await readFixture('order.xml')).replace(
      '<ord:Email>inkoop@hoekstra.example</ord:Email>',
      '<ord:Email>inkoop@hoekstra.example</ord:Email><e:Email xmlns:e="urn:evil">evil@attacker.example</e:Email>',
    );
    const result = await order.import(xml);
    if (result.ok) throw new Error(`expected a violation, got ${JSON.stringify(result.value)}`);
    expect(result.error).toMatchObject({
      reason: 'XML_INVALID',
      code: 'INVALID_INPUT',
      path: '$.Customer.Email',
    });
    expect(result.violations).toEqual([
      {
        kind: 'structure',
        sourcePath: '$.Customer.Email',
        targetPath: '$',
        message:
          "<Email> in namespace 'urn:evil' is not allowed here: the XSD expects <Email> in namespace 'urn:example:orders:1'",
      },
    ]);
  });

  it('refuses hostile XML as a failed result with a typed error', async () => {
    const result = await order.import(
      '<!DOCTYPE Order [<!ENTITY x SYSTEM "file:///etc/passwd">]><Order>&x;</Order>',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ reason: 'XML_DOCTYPE', code: 'INVALID_INPUT' });
    const deep = await order.import(`${'<a>'.repeat(20)}${'</a>'.repeat(20)}`, {
      xmlLimits: { maxDepth: 10 },
    });
    expect(deep.ok === false && deep.error.reason).toBe('XML_TOO_DEEP');
    expect(() => unwrap(deep)).toThrow(MappingError);
  });

  it.each([
    ['constructor', '<Order xmlns="urn:example:orders:1"><constructor>1</constructor></Order>'],
    ['__proto__', '<Order xmlns="urn:example:orders:1"><__proto__><admin>true</admin></__proto__></Order>'],
    ['toString', '<Order xmlns="urn:example:orders:1" toString="PO-1"/>'],
  ])('refuses an element or attribute named %s as malformed XML, never as JSON', async (name, xml) => {
    const result = await order.import(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ reason: 'XML_MALFORMED', code: 'INVALID_INPUT' });
    expect(result.error.message).toContain(`the XML message uses the name '${name}'`);
    expect(result.error.message).not.toContain('JSON');
  });
});

describe('XML export and round trip', () => {
  it('XML → entity → XML gives the same message, valid for the definition, in XSD order', async () => {
    const definition = await loadMessageDefinition(fixturePath('order.xsd'));
    const original = parseXml(await readFixture('order.xml'), { definition }).value;
    const entity = unwrap(await order.import(await readFixture('order.xml')));
    const exported = await order.export(entity);
    if (!exported.ok) throw exported.error;
    const reparsed = parseXml(exported.text, { definition });
    expect(reparsed.root).toEqual({ name: 'Order', namespace: 'urn:example:orders:1' });
    expect(compileSchema(definition.schema)(reparsed.value)).toEqual([]);
    // The XML had no status on line 3; the entity default makes it explicit.
    const withDefaults = structuredClone(original) as { Line: Record<string, unknown>[] };
    (withDefaults.Line[2] as Record<string, unknown>)['@status'] = 'O';
    expect(reparsed.value).toEqual(withDefaults);
    const tags = [...exported.text.matchAll(/<(\w+)[\s>]/g)].map((match) => match[1]).slice(0, 9);
    expect(tags).toEqual([
      'Order',
      'OrderDate',
      'Customer',
      'Name',
      'Email',
      'ShipTo',
      'Street',
      'City',
      'Country',
    ]);
    expect(exported.text).toContain('<Line number="1" status="O">');
    expect(exported.text).toContain('<Note>Deliver before noon &lt;dock 4&gt;</Note>');
  });

  it('round trips the pickup branch', async () => {
    const entity = unwrap(await order.import(await readFixture('order-pickup.xml')));
    const exported = await order.export(entity, { indent: '', declaration: false });
    expect(exported.ok && exported.text).toBe(
      '<Order xmlns="urn:example:orders:1" id="PO-20001" currency="EUR"><OrderDate>2026-03-15T14:00:00+01:00</OrderDate>' +
        '<Customer><Name>Jansen</Name></Customer><PickupPoint>AMS-04</PickupPoint>' +
        '<Line number="1" status="C"><Sku>BRK-001</Sku><Quantity>1</Quantity><UnitPrice currency="EUR">4.5</UnitPrice></Line></Order>',
    );
    expect(unwrap(await order.import(exported.ok ? exported.text : ''))).toEqual(entity);
  });

  it('reports export violations against the message definition with the entity path', async () => {
    const result = await order.export({
      ...expectedOrder,
      id: 'bad id',
      delivery: { kind: 'address', street: 'x', city: 'y', country: 'nl' },
    });
    if (result.ok) throw new Error('expected violations');
    expect(result.violations).toEqual([
      {
        kind: 'schema',
        sourcePath:
          '$ ⟶ delivery.kind = "address" ? { "Street": delivery.street, "City": delivery.city, "Country": delivery.country }',
        targetPath: '$.ShipTo.Country',
        message: 'must match pattern "^(?:[A-Z]{2})$"',
      },
      {
        kind: 'schema',
        sourcePath: '$.id',
        targetPath: '$["@id"]',
        message: 'must match pattern "^(?:[A-Z]{2}-\\d{4,})$"',
      },
    ]);
  });
});

describe('JSON import and export', () => {
  it('JSON → entity → JSON gives the original message back', async () => {
    const shop = await loadMapping(fixturePath('shop-order.mapping.yaml'));
    expect(shop.message?.schema.properties?.items?.items?.properties?.qty).toEqual({ type: 'string' });
    const text = await readFixture('shop-order.sample.json');
    const entity = unwrap(await shop.import(text));
    expect(entity).toEqual({
      id: 'PO-30007',
      orderedAt: '2026-04-01T08:15:00Z',
      currency: 'USD',
      customer: { name: 'Grace Hopper', email: 'grace@navy.example' },
      delivery: { kind: 'address', street: '1 Navy Way', city: 'Arlington', country: 'US' },
      lines: [
        { lineNumber: 1, sku: 'BRK-001', quantity: 4, unitPrice: 4.5, status: 'open' },
        { lineNumber: 2, sku: 'BRK-002', quantity: 1, unitPrice: 19.95, status: 'shipped' },
      ],
    });
    const exported = await shop.export(entity);
    if (!exported.ok) throw exported.error;
    expect(exported.value).toEqual(JSON.parse(text));
    expect(JSON.parse(exported.text)).toEqual(JSON.parse(text));
  });

  it('reports an export whose result breaks the message definition, with paths and messages', async () => {
    const shop = await loadMapping(fixturePath('shop-order.mapping.yaml'));
    const result = await shop.export({
      id: 'PO-30008',
      orderedAt: '2026-04-02T10:00:00Z',
      currency: 'USD',
      customer: { name: 'Ada Lovelace', email: 'ada-at-example' },
      delivery: { kind: 'pickup', pickupCode: 'AMS-04' },
      lines: [{ lineNumber: 1.5, sku: 'BRK-001', quantity: 2, unitPrice: 4.5, status: 'open' }],
    });
    if (result.ok) throw new Error(`expected violations, got ${result.text}`);
    expect(result.violations).toEqual([
      {
        kind: 'conversion',
        sourcePath: '$.lines[0].lineNumber',
        targetPath: '$.items[0].pos',
        message: '1.5 is not an integer',
      },
      {
        kind: 'schema',
        sourcePath: '$.customer.email',
        targetPath: '$.buyer.email',
        message: 'must match format "email"',
      },
      {
        // The sample always has an address; the pickup branch of the export gives none.
        kind: 'schema',
        sourcePath: '$.delivery ⟶ kind = "address" ? { "line1": street, "city": city, "country": country }',
        targetPath: '$.shipping.address',
        message: 'is required',
      },
    ]);
    expect(result.error).toMatchObject({
      reason: 'MAPPING_FAILED',
      code: 'INVALID_INPUT',
      path: '$.items[0].pos',
    });
    expect(result.error.message).toBe(
      'shop-order (export): $.items[0].pos 1.5 is not an integer (from $.lines[0].lineNumber) (and 2 more violations)',
    );
    expect(result.error.issues).toContainEqual({
      path: '$.buyer.email',
      message: 'must match format "email" (from $.customer.email)',
    });
  });

  it('reports JSON that does not parse', async () => {
    const shop = await loadMapping(fixturePath('shop-order.mapping.yaml'));
    const result = await shop.import('{ "orderId": ');
    expect(result.ok === false && result.error.reason).toBe('MAPPING_FAILED');
  });
});

describe('an XSD-described invoice with two namespaces (xs:import)', () => {
  let invoice: Mapping;
  beforeAll(async () => {
    invoice = await loadMapping(fixturePath('invoice.mapping.yaml'));
  });

  const expectedInvoice = {
    number: 'INV-2026-0042',
    status: 'final',
    issuedOn: '2026-03-31',
    dueOn: '2026-04-30',
    currency: 'EUR',
    note: 'Payment within 30 days & quote the invoice number',
    seller: {
      name: 'Hoekstra & Zonen B.V.',
      vatId: 'NL001234567B01',
      street: 'Keizersgracht 12',
      city: 'Amsterdam',
      postalCode: '1015 CJ',
      country: 'NL',
    },
    buyer: { name: 'Brouwer Techniek', street: 'Oudegracht 200', city: 'Utrecht', country: 'NL' },
    lines: [
      {
        lineNumber: 1,
        description: 'Brake pads, front axle',
        quantity: 12,
        unit: 'piece',
        unitPrice: 4.5,
        amount: 54,
      },
      { lineNumber: 2, description: 'Grease', quantity: 2.5, unit: 'kilogram', unitPrice: 8, amount: 20 },
    ],
    totals: { net: 74, tax: 15.54, payable: 89.54 },
  };

  it('maps the invoice XML to a valid SalesInvoice entity', async () => {
    expect(invoice.message?.root).toMatchObject({ name: 'Invoice', namespace: 'urn:example:invoice:2' });
    expect(await invoice.import(await readFixture('invoice.xml'))).toEqual({
      ok: true,
      value: expectedInvoice,
    });
  });

  it('entity → XML → entity: both namespaces, attributes and the XSD element order', async () => {
    const exported = await invoice.export(expectedInvoice);
    if (!exported.ok) throw exported.error;
    const definition = invoice.message as MessageDefinition;
    expect(exported.text.split('\n').slice(0, 9)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<Invoice xmlns="urn:example:invoice:2" xmlns:cac="urn:example:invoice:common:2" status="final">',
      '  <ID>INV-2026-0042</ID>',
      '  <IssueDate>2026-03-31</IssueDate>',
      '  <DueDate>2026-04-30</DueDate>',
      '  <DocumentCurrencyCode>EUR</DocumentCurrencyCode>',
      '  <Note>Payment within 30 days &amp; quote the invoice number</Note>',
      '  <cac:AccountingSupplierParty>',
      '    <cac:Name>Hoekstra &amp; Zonen B.V.</cac:Name>',
    ]);
    // A global attribute of the imported schema is written in its namespace, a local one unprefixed.
    expect(exported.text).toContain('<cac:VatId cac:schemeID="VAT">NL001234567B01</cac:VatId>');
    expect(exported.text).toContain('<cac:Quantity unitCode="KGM">2.5</cac:Quantity>');
    const tags = [...exported.text.matchAll(/<([\w:]+)[\s>]/g)].map((match) => match[1]);
    expect(tags.filter((tag) => tag?.startsWith('cac:') && !tag.includes('Party')).slice(0, 6)).toEqual([
      'cac:Name',
      'cac:VatId',
      'cac:Address',
      'cac:Street',
      'cac:City',
      'cac:PostalCode',
    ]);
    expect(tags.filter((tag) => ['cac:InvoiceLine', 'cac:LegalMonetaryTotal'].includes(tag ?? ''))).toEqual([
      'cac:InvoiceLine',
      'cac:InvoiceLine',
      'cac:LegalMonetaryTotal',
    ]);
    expect(tags.slice(-4)).toEqual([
      'cac:LegalMonetaryTotal',
      'cac:LineTotal',
      'cac:TaxAmount',
      'cac:PayableAmount',
    ]);
    const reparsed = parseXml(exported.text, { definition });
    expect(compileSchema(definition.schema)(reparsed.value)).toEqual([]);
    // The same message as the sample (amounts are numbers once read: 4.50 and 4.5 are one value).
    expect(reparsed.value).toEqual(parseXml(await readFixture('invoice.xml'), { definition }).value);
    expect(await invoice.import(exported.text)).toEqual({ ok: true, value: expectedInvoice });
  });

  it('refuses hostile namespaces on the invoice: a foreign element, a wrong namespace, an unqualified attribute, a repeat', async () => {
    const xml = (await readFixture('invoice.xml'))
      .replace(
        '<cac:Name>Hoekstra &amp; Zonen B.V.</cac:Name>',
        '<cac:Name>Hoekstra &amp; Zonen B.V.</cac:Name><e:Name xmlns:e="urn:evil">Evil Corp</e:Name>',
      )
      .replace('<cac:VatId cac:schemeID="VAT">', '<cac:VatId schemeID="VAT">')
      .replace('<cac:Name>Brouwer Techniek</cac:Name>', '<Name>Brouwer Techniek</Name>')
      .replace('<DueDate>2026-04-30</DueDate>', '<DueDate>2026-04-30</DueDate><DueDate>2099-01-01</DueDate>');
    const result = await invoice.import(xml);
    if (result.ok) throw new Error(`expected violations, got ${JSON.stringify(result.value)}`);
    expect(result.error).toMatchObject({ reason: 'XML_INVALID', code: 'INVALID_INPUT' });
    expect(
      result.violations.map(({ kind, sourcePath, targetPath, message }) => [
        kind,
        sourcePath,
        targetPath,
        message,
      ]),
    ).toEqual([
      [
        'structure',
        '$.DueDate',
        '$',
        "<DueDate> in namespace 'urn:example:invoice:2' appears more than once; the XSD allows one here",
      ],
      [
        'structure',
        '$.AccountingSupplierParty.Name',
        '$',
        "<Name> in namespace 'urn:evil' is not allowed here: the XSD expects <Name> in namespace 'urn:example:invoice:common:2'",
      ],
      [
        'structure',
        '$.AccountingSupplierParty.VatId["@schemeID"]',
        '$',
        "attribute 'schemeID' (no namespace) is not allowed here: the XSD declares the attribute 'schemeID' in namespace 'urn:example:invoice:common:2'",
      ],
      [
        'structure',
        '$.AccountingCustomerParty.Name',
        '$',
        "<Name> in namespace 'urn:example:invoice:2' is not allowed here: the XSD expects <Name> in namespace 'urn:example:invoice:common:2'",
      ],
    ]);
    expect(result.error.message).not.toContain('Evil Corp');
  });
});

describe('mapping rules', () => {
  const entity = defineMessage(
    Type.Object({
      code: Type.Optional(Type.String()),
      count: Type.Optional(Type.Integer()),
      ratio: Type.Optional(Type.Number()),
      active: Type.Optional(Type.Boolean()),
      day: Type.Optional(Type.String({ format: 'date' })),
      at: Type.Optional(Type.String({ format: 'date-time' })),
      label: Type.Optional(Type.String()),
      tags: Type.Optional(Type.Array(Type.String())),
      pairs: Type.Optional(Type.Array(Type.Object({ key: Type.String(), parent: Type.String() }))),
    }),
  );

  async function run(fields: string, input: unknown) {
    const mapping = await compileMapping(`import:\n  fields:\n${fields}`, { entity });
    return mapping.import(input);
  }

  it('converts as the target schema says (TypeBox entity)', async () => {
    const result = await run(
      '    count: a\n    ratio: b\n    active: c\n    day: d\n    at: e\n    label: f\n',
      { a: '42', b: ' 0.25 ', c: 'YES', d: '2026-03-14T23:30:00+01:00', e: 1767225600000, f: 7 },
    );
    expect(unwrap(result)).toEqual({
      count: 42,
      ratio: 0.25,
      active: true,
      day: '2026-03-14',
      at: '2026-01-01T00:00:00.000Z',
      label: '7',
    });
  });

  it('converts to an explicit type, and reports values that do not convert', async () => {
    expect(unwrap(await run('    label: { from: a, type: date }\n', { a: '2026-01-02' }))).toEqual({
      label: '2026-01-02',
    });
    const result = await run('    count: a\n    active: b\n    at: c\n', { a: '4.5', b: 'maybe', c: 'soon' });
    expect(
      result.ok === false && result.violations.map((violation) => [violation.targetPath, violation.message]),
    ).toEqual([
      ['$.count', '"4.5" is not an integer'],
      ['$.active', '"maybe" is not a boolean (true/false, 1/0, yes/no)'],
      ['$.at', '"soon" is not a date and time'],
    ]);
  });

  it('applies the missing rules: skip, default, error — for missing and null sources', async () => {
    expect(unwrap(await run('    code: a\n', { a: null }))).toEqual({});
    expect(unwrap(await run('    code: { from: a, default: none }\n', {}))).toEqual({ code: 'none' });
    expect(unwrap(await run('    count: { from: a, default: "5" }\n', { a: null }))).toEqual({ count: 5 });
    expect(unwrap(await run('    label: { default: fixed }\n', { label: 'ignored' }))).toEqual({
      label: 'fixed',
    });
    const result = await run('    code: { from: a.b, missing: error }\n', { a: null });
    expect(result.ok === false && result.violations).toEqual([
      {
        kind: 'missing',
        sourcePath: '$.a.b',
        targetPath: '$.code',
        message: 'is required by the mapping but the source is missing',
      },
    ]);
    const mapping = await compileMapping(
      'missing: error\nimport:\n  fields:\n    code: a\n    label: { from: b, missing: skip }\n',
      { entity },
    );
    const strict = await mapping.import({});
    expect(strict.ok === false && strict.violations.map((violation) => violation.targetPath)).toEqual([
      '$.code',
    ]);
  });

  it('maps values through code tables with unmapped rules', async () => {
    const table = 'values: { "1": one, "2": two }';
    expect(unwrap(await run(`    code: { from: a, ${table} }\n`, { a: 2 }))).toEqual({ code: 'two' });
    expect(unwrap(await run(`    code: { from: a, ${table}, unmapped: keep }\n`, { a: 'x' }))).toEqual({
      code: 'x',
    });
    expect(
      unwrap(await run(`    code: { from: a, ${table}, unmapped: default, default: other }\n`, { a: 'x' })),
    ).toEqual({ code: 'other' });
  });

  it('maps one-to-many, scalar arrays, $root paths and JSONata', async () => {
    const result = await run(
      [
        '    tags: { each: items, from: name }',
        '    pairs:',
        '      each: groups.members',
        '      fields:',
        '        key: $',
        '        parent: $root.owner',
        '    label: { expr: "$join(items.name, \'+\')" }',
        '    count: { expr: "$count(items)" }',
        '',
      ].join('\n'),
      {
        owner: 'team',
        items: [{ name: 'a' }, { name: 'b' }],
        groups: [{ members: ['x', 'y'] }, { members: 'z' }],
      },
    );
    expect(unwrap(result)).toEqual({
      tags: ['a', 'b'],
      pairs: [
        { key: 'x', parent: 'team' },
        { key: 'y', parent: 'team' },
        { key: 'z', parent: 'team' },
      ],
      label: 'a+b',
      count: 2,
    });
    expect(
      unwrap(
        await run('    tags: { each: { expr: "items[name != \'a\'].name" } }\n', {
          items: [{ name: 'a' }, { name: 'b' }],
        }),
      ),
    ).toEqual({
      tags: ['b'],
    });
  });

  it('exposes the conversion used by the mapping', () => {
    expect(convert('12', undefined, { type: ['integer', 'null'] })).toEqual({ ok: true, value: 12 });
    expect(convert('x', undefined, { type: 'object' })).toEqual({
      ok: false,
      message: 'cannot be converted to object',
    });
  });
});

describe('loading mappings', () => {
  async function problem(text: string): Promise<MappingError> {
    const error = await caught(() => compileMapping(text, { file: fixturePath('inline.mapping.yaml') }));
    expect(error).toBeInstanceOf(MappingError);
    return error as MappingError;
  }

  it('locates every problem as file:line:column', async () => {
    const error = await problem(
      [
        'import:',
        '  fields:',
        '    a: { form: x }',
        '    b: { expr: "$sum(" }',
        '    c: "a..b"',
        '    d: { from: x, missing: sometimes }',
        '',
      ].join('\n'),
    );
    expect(error).toMatchObject({ reason: 'MAPPING_INVALID', code: 'INVALID_CONFIG' });
    expect(error.issues?.map((issue) => issue.path.replace(/^.*\//, ''))).toEqual([
      'inline.mapping.yaml:3:10',
      'inline.mapping.yaml:3:8',
      'inline.mapping.yaml:4:16',
      'inline.mapping.yaml:5:8',
      'inline.mapping.yaml:6:28',
    ]);
    expect(error.issues?.map((issue) => issue.message)).toEqual([
      "unknown key 'form' (expected one of from, expr, value, fields, each, type, values, unmapped, default, missing)",
      'a field needs `from`, `expr`, `value`, `fields` or `each`',
      expect.stringMatching(/^JSONata: /),
      "'a..b' is not a source path (segments like `name`, `@id`, `lines[0]`, joined by dots; use `expr:` for anything else)",
      '`missing` must be skip, default or error',
    ]);
    expect(error.message).toMatch(
      /inline\.mapping\.yaml:3:10: unknown key 'form' .* \(and 4 more problems\)$/,
    );
  });

  it('locates YAML syntax errors and missing definition files', async () => {
    const syntax = await problem('import:\n  fields:\n    a: [x\n');
    expect(syntax.issues?.[0]?.path).toMatch(/inline\.mapping\.yaml:\d+:\d+$/);
    const missing = await problem('message:\n  definition: no-such.xsd\nimport:\n  fields:\n    a: b\n');
    expect(missing.issues?.[0]?.path).toMatch(/inline\.mapping\.yaml:2:15$/);
    expect(missing.issues?.[0]?.message).toBe('no-such.xsd: cannot read the definition (ENOENT)');
    const wrongElement = await problem(
      'message:\n  definition: order.xsd\n  element: Invoice\nimport:\n  fields:\n    a: b\n',
    );
    expect(wrongElement.issues?.[0]?.message).toContain("no global element 'Invoice'");
    const empty = await problem('mapping: nothing\n');
    expect(empty.issues?.[0]?.message).toBe('the mapping has neither `import:` nor `export:`');
  });

  it('needs an XSD to export XML, and says which direction is missing', async () => {
    const noXsd = await problem('message:\n  format: xml\nexport:\n  fields:\n    a: b\n');
    expect(noXsd.issues?.[0]?.message).toContain('exporting XML needs an XSD');
    const importOnly = await compileMapping('import:\n  fields:\n    a: b\n');
    const result = await importOnly.export({ a: 1 });
    expect(result.ok === false && result.error.message).toBe('(mapping text) has no `export:` section');
  });

  it('reports an unreadable mapping file', async () => {
    const error = await caught(() => loadMapping(fixturePath('missing.mapping.yaml')));
    expect(error).toMatchObject({ reason: 'MAPPING_INVALID' });
  });
});
