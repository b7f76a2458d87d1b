import { beforeAll, describe, expect, it } from 'vitest';
import { MappingError } from './errors.js';
import { compileSchema, type JsonSchema } from './json-schema.js';
import { loadMessageDefinition } from './load-definition.js';
import type { MessageDefinition } from './message-definition.js';
import { caught, fixturePath, readFixture } from './test-support.js';
import { parseXml } from './xml.js';
import { xsdToDefinition } from './xsd.js';

const XS = 'xmlns:xs="http://www.w3.org/2001/XMLSchema"';

let order: MessageDefinition;
let types: Record<string, JsonSchema>;
beforeAll(async () => {
  order = await loadMessageDefinition(fixturePath('order.xsd'));
  types = order.schema.$defs ?? {};
});

describe('xsdToDefinition on the order XSD', () => {
  it('takes the root element, its namespace and prefix', () => {
    expect(order.format).toBe('xml');
    expect(order.root).toEqual({
      name: 'Order',
      namespace: 'urn:example:orders:1',
      prefix: 'ord',
      qualified: true,
    });
    expect(order.schema.$ref).toBe('#/$defs/OrderType');
  });

  it('keeps the sequence order, attributes and occurrence bounds', () => {
    const orderType = types.OrderType as JsonSchema;
    expect(Object.keys(orderType.properties ?? {})).toEqual([
      'OrderDate',
      'Customer',
      'ShipTo',
      'PickupPoint',
      'Line',
      'Note',
      '@id',
      '@currency',
    ]);
    expect(orderType.required).toEqual(['OrderDate', 'Customer', 'Line', '@id']);
    expect(orderType.properties?.Line).toMatchObject({
      type: 'array',
      minItems: 1,
      items: { $ref: '#/$defs/LineType' },
    });
    expect(orderType.properties?.Line?.maxItems).toBeUndefined();
    expect(orderType.properties?.['@currency']).toMatchObject({
      default: 'EUR',
      xml: { attribute: true, name: 'currency' },
    });
    expect(orderType.properties?.OrderDate).toMatchObject({
      type: 'string',
      format: 'date-time',
      xml: { namespace: 'urn:example:orders:1' },
    });
    expect(orderType.additionalProperties).toBe(false);
  });

  it('turns a choice into exactly one of its alternatives', () => {
    expect((types.OrderType as JsonSchema).oneOf).toEqual([
      { required: ['ShipTo'], not: { anyOf: [{ required: ['PickupPoint'] }] } },
      { required: ['PickupPoint'], not: { anyOf: [{ required: ['ShipTo'] }] } },
    ]);
  });

  it('translates simple type restrictions', () => {
    const orderType = types.OrderType as JsonSchema;
    expect(orderType.properties?.['@id']).toMatchObject({
      type: 'string',
      pattern: '^(?:[A-Z]{2}-\\d{4,})$',
    });
    expect(orderType.properties?.['@currency']?.enum).toEqual(['EUR', 'USD', 'GBP']);
    expect(orderType.properties?.PickupPoint).toMatchObject({ minLength: 6, maxLength: 6 });
    expect(types.PartyType?.properties?.Name).toMatchObject({ minLength: 1, maxLength: 80 });
    expect(types.AddressType?.properties?.Country).toMatchObject({
      minLength: 2,
      maxLength: 2,
      pattern: '^(?:[A-Z]{2})$',
    });
    expect(types.LineType?.properties?.Quantity).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 1000,
    });
    expect(types.Amount?.properties?.['#text']).toMatchObject({ type: 'number', minimum: 0 });
    expect(types.Amount?.required).toEqual(['@currency']);
  });

  it('validates the sample documents, and rejects what the XSD rejects', async () => {
    const validate = compileSchema(order.schema);
    for (const file of ['order.xml', 'order-pickup.xml']) {
      expect(validate(parseXml(await readFixture(file), { definition: order }).value)).toEqual([]);
    }
    const bad = (await readFixture('order.xml'))
      .replace('<ord:Quantity>12</ord:Quantity>', '<ord:Quantity>1001</ord:Quantity>')
      .replace('status="S"', 'status="X"')
      .replace('</ord:ShipTo>', '</ord:ShipTo><ord:PickupPoint>AMS-04</ord:PickupPoint>')
      .replace('id="PO-10042"', 'id="10042"');
    const problems = validate(parseXml(bad, { definition: order }).value);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '$.Line[0].Quantity', message: 'must be <= 1000' },
        { path: '$.Line[1]["@status"]', message: 'must be one of "O", "S", "C"' },
        { path: '$["@id"]', message: 'must match pattern "^(?:[A-Z]{2}-\\d{4,})$"' },
        { path: '$', message: 'must match exactly one schema in oneOf' },
      ]),
    );
  });
});

describe('xsdToDefinition constructs', () => {
  it('handles anonymous types, element refs, groups, attribute groups, optional and repeated choices', () => {
    const definition = xsdToDefinition(
      `<xs:schema ${XS}>
        <xs:element name="Shipment">
          <xs:complexType>
            <xs:sequence>
              <xs:group ref="Header"/>
              <xs:choice minOccurs="0">
                <xs:element name="Express" type="xs:boolean"/>
                <xs:element name="Standard" type="xs:boolean"/>
              </xs:choice>
              <xs:choice maxOccurs="unbounded">
                <xs:element name="Box" type="xs:string"/>
                <xs:element name="Pallet" type="xs:string"/>
              </xs:choice>
              <xs:element ref="Remark" minOccurs="0" maxOccurs="3"/>
            </xs:sequence>
            <xs:attributeGroup ref="Audit"/>
          </xs:complexType>
        </xs:element>
        <xs:element name="Remark" type="xs:string"/>
        <xs:group name="Header"><xs:sequence><xs:element name="Number" type="xs:unsignedInt"/></xs:sequence></xs:group>
        <xs:attributeGroup name="Audit"><xs:attribute name="createdBy" type="xs:string" use="required"/></xs:attributeGroup>
      </xs:schema>`,
      { element: 'Shipment' },
    );
    const schema = definition.schema;
    expect(definition.root).toEqual({ name: 'Shipment', qualified: false });
    expect(Object.keys(schema.properties ?? {})).toEqual([
      'Number',
      'Express',
      'Standard',
      'Box',
      'Pallet',
      'Remark',
      '@createdBy',
    ]);
    expect(schema.required).toEqual(['Number', '@createdBy']);
    expect(schema.properties?.Number).toEqual({ type: 'integer', minimum: 0, maximum: 4294967295 });
    expect(schema.properties?.Box).toEqual({ type: 'array', items: { type: 'string' } });
    expect(schema.properties?.Remark).toEqual({ type: 'array', items: { type: 'string' }, maxItems: 3 });
    const validate = compileSchema(schema);
    expect(validate({ Number: 1, Box: ['a'], '@createdBy': 'x' })).toEqual([]);
    expect(validate({ Number: 1, Express: true, Standard: false, '@createdBy': 'x' })).toContainEqual({
      path: '$',
      message: 'must match exactly one schema in oneOf',
    });
  });

  it('handles complex content extension, simple content and unions', () => {
    const definition = xsdToDefinition(
      `<xs:schema ${XS} xmlns:t="urn:t" targetNamespace="urn:t">
        <xs:complexType name="Party"><xs:sequence><xs:element name="Name" type="xs:string"/></xs:sequence></xs:complexType>
        <xs:complexType name="Buyer">
          <xs:complexContent><xs:extension base="t:Party">
            <xs:sequence><xs:element name="Budget" type="t:Price"/></xs:sequence>
          </xs:extension></xs:complexContent>
        </xs:complexType>
        <xs:complexType name="Price"><xs:simpleContent><xs:extension base="xs:decimal">
          <xs:attribute name="currency" type="xs:string" default="EUR"/>
        </xs:extension></xs:simpleContent></xs:complexType>
        <xs:simpleType name="Size"><xs:union memberTypes="xs:integer t:Word"/></xs:simpleType>
        <xs:simpleType name="Word"><xs:restriction base="xs:string"><xs:enumeration value="large"/></xs:restriction></xs:simpleType>
        <xs:element name="Deal"><xs:complexType><xs:sequence>
          <xs:element name="Buyer" type="t:Buyer"/>
          <xs:element name="Size" type="t:Size"/>
        </xs:sequence></xs:complexType></xs:element>
      </xs:schema>`,
    );
    const buyer = definition.schema.$defs?.Buyer;
    expect(Object.keys(buyer?.properties ?? {})).toEqual(['Name', 'Budget']);
    expect(buyer?.required).toEqual(['Name', 'Budget']);
    expect(definition.schema.$defs?.Price?.properties).toEqual({
      '#text': { type: 'number' },
      '@currency': { type: 'string', default: 'EUR', xml: { attribute: true, name: 'currency' } },
    });
    expect(definition.schema.properties?.Size).toMatchObject({
      anyOf: [{ type: 'integer' }, { type: 'string', enum: ['large'] }],
    });
    const value = parseXml(
      '<Deal xmlns="urn:t"><Buyer><Name>Ada</Name><Budget currency="USD">12.5</Budget></Buyer><Size>large</Size></Deal>',
      { definition },
    ).value;
    expect(value).toEqual({
      Buyer: { Name: 'Ada', Budget: { '@currency': 'USD', '#text': 12.5 } },
      Size: 'large',
    });
    expect(compileSchema(definition.schema)(value)).toEqual([]);
  });

  it('refuses what it does not translate, and reports what is wrong', async () => {
    const include = await caught(() =>
      xsdToDefinition(`<xs:schema ${XS}><xs:include schemaLocation="other.xsd"/></xs:schema>`, {
        source: 'a.xsd',
      }),
    );
    expect(include).toBeInstanceOf(MappingError);
    expect(include).toMatchObject({ reason: 'DEFINITION_UNSUPPORTED', code: 'UNSUPPORTED' });
    expect((include as Error).message).toBe(
      'a.xsd: <xs:include> is not supported; inline the definitions into one schema',
    );
    const unknownType = await caught(() =>
      xsdToDefinition(`<xs:schema ${XS}><xs:element name="A" type="Missing"/></xs:schema>`),
    );
    expect(unknownType).toMatchObject({ reason: 'DEFINITION_INVALID' });
    expect((unknownType as Error).message).toContain("type 'Missing' is not defined");
    const unknownElement = await caught(() =>
      xsdToDefinition(`<xs:schema ${XS}><xs:element name="A" type="xs:string"/></xs:schema>`, {
        element: 'B',
      }),
    );
    expect((unknownElement as Error).message).toContain("no global element 'B' (it has: A)");
    const notXsd = await caught(() => xsdToDefinition('<html/>'));
    expect(notXsd).toMatchObject({ reason: 'DEFINITION_INVALID' });
    const doctype = await caught(() => xsdToDefinition(`<!DOCTYPE x><xs:schema ${XS}/>`));
    expect(doctype).toMatchObject({ reason: 'DEFINITION_INVALID' });
  });
});

describe('nillable elements', () => {
  it('reads xsi:nil as null, validates it, and writes it back', async () => {
    const { serializeXml } = await import('./xml.js');
    const definition = xsdToDefinition(
      `<xs:schema ${XS}><xs:element name="Payment"><xs:complexType><xs:sequence>
         <xs:element name="PaidAt" type="xs:dateTime" nillable="true"/>
         <xs:element name="Amount" type="xs:decimal"/>
       </xs:sequence></xs:complexType></xs:element></xs:schema>`,
    );
    const value = parseXml(
      '<Payment xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><PaidAt xsi:nil="true"/><Amount>5</Amount></Payment>',
      { definition },
    ).value;
    expect(value).toEqual({ PaidAt: null, Amount: 5 });
    const validate = compileSchema(definition.schema);
    expect(validate(value)).toEqual([]);
    expect(validate({ PaidAt: null, Amount: null })).toContainEqual({
      path: '$.Amount',
      message: 'must be number',
    });
    expect(serializeXml(value, definition, { indent: '', declaration: false })).toBe(
      '<Payment xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><PaidAt xsi:nil="true"/><Amount>5</Amount></Payment>',
    );
  });
});
