import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      // No elementFormDefault: the local elements are in no namespace, only the root is in urn:t.
      '<t:Deal xmlns:t="urn:t"><Buyer><Name>Ada</Name><Budget currency="USD">12.5</Budget></Buyer><Size>large</Size></t:Deal>',
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

describe('xs:import', () => {
  const INVOICE = 'urn:example:invoice:2';
  const COMMON = 'urn:example:invoice:common:2';
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'mapping-import-'));
    await mkdir(join(folder, 'common'));
    await writeFile(
      join(folder, 'common', 'party.xsd'),
      `<xs:schema ${XS} xmlns:p="urn:party" targetNamespace="urn:party" elementFormDefault="qualified">
         <xs:element name="Party" type="p:PartyType"/>
         <xs:complexType name="PartyType"><xs:sequence><xs:element name="Name" type="xs:string"/></xs:sequence></xs:complexType>
       </xs:schema>`,
    );
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /** Writes a schema importing `location` as `namespace`; its definition, or what converting it threw. */
  async function importing(namespace: string, location: string): Promise<unknown> {
    const file = join(folder, 'main.xsd');
    const text = `<xs:schema ${XS} xmlns:p="urn:party" targetNamespace="urn:main">
        <xs:import namespace="${namespace}" schemaLocation="${location}"/>
        <xs:element name="Deal"><xs:complexType><xs:sequence><xs:element ref="p:Party"/></xs:sequence></xs:complexType></xs:element>
      </xs:schema>`;
    await writeFile(file, text);
    try {
      return xsdToDefinition(text, { source: 'main.xsd', file });
    } catch (error) {
      return error;
    }
  }

  it('reads the imported schema next to the importing one, each element in its own namespace', async () => {
    const invoice = await loadMessageDefinition(fixturePath('invoice.xsd'));
    expect(invoice.root).toEqual({ name: 'Invoice', namespace: INVOICE, prefix: 'inv', qualified: true });
    const invoiceType = invoice.schema.$defs?.InvoiceType as JsonSchema;
    expect(Object.keys(invoiceType.properties ?? {})).toEqual([
      'ID',
      'IssueDate',
      'DueDate',
      'DocumentCurrencyCode',
      'Note',
      'AccountingSupplierParty',
      'AccountingCustomerParty',
      'InvoiceLine',
      'LegalMonetaryTotal',
      '@status',
    ]);
    expect(invoiceType.properties?.ID?.xml).toEqual({ namespace: INVOICE, prefix: 'inv' });
    // A type of the imported schema used from the importing one.
    expect(invoiceType.properties?.DocumentCurrencyCode).toMatchObject({ enum: ['EUR', 'USD', 'GBP'] });
    expect(invoiceType.properties?.AccountingSupplierParty).toEqual({
      $ref: '#/$defs/PartyType',
      xml: { namespace: COMMON, prefix: 'cac' },
    });
    expect(invoiceType.properties?.InvoiceLine).toMatchObject({
      type: 'array',
      minItems: 1,
      items: { $ref: '#/$defs/InvoiceLineType', xml: { namespace: COMMON } },
    });
    // Local elements of the imported schema follow its elementFormDefault.
    expect(invoice.schema.$defs?.PartyType?.properties?.Name?.xml).toEqual({
      namespace: COMMON,
      prefix: 'cac',
    });
    // A global attribute is qualified; a local one is not.
    expect(invoice.schema.$defs?.IdentifierType?.properties?.['@schemeID']).toEqual({
      type: 'string',
      xml: { attribute: true, name: 'schemeID', namespace: COMMON, prefix: 'cac' },
    });
    expect(invoice.schema.$defs?.AmountType?.properties?.['@currencyID']?.xml).toEqual({
      attribute: true,
      name: 'currencyID',
    });
    const validate = compileSchema(invoice.schema);
    expect(validate(parseXml(await readFixture('invoice.xml'), { definition: invoice }).value)).toEqual([]);
  });

  it('resolves schemaLocation relative to the importing file, in a sub-folder too', async () => {
    const definition = await importing('urn:party', 'common/party.xsd');
    expect(definition).toMatchObject({ root: { name: 'Deal', namespace: 'urn:main' } });
    expect((definition as MessageDefinition).schema.properties?.Party?.xml).toEqual({
      namespace: 'urn:party',
      prefix: 'p',
    });
  });

  it('refuses a missing file, a namespace mismatch, URLs and absolute paths', async () => {
    const missing = await importing('urn:party', 'common/nowhere.xsd');
    expect(missing).toMatchObject({ reason: 'DEFINITION_INVALID', code: 'INVALID_CONFIG' });
    expect((missing as Error).message).toBe(
      'main.xsd: <xs:import namespace="urn:party" schemaLocation="common/nowhere.xsd">: cannot read the imported schema (ENOENT)',
    );
    const mismatch = await importing('urn:parties', 'common/party.xsd');
    expect(mismatch).toMatchObject({ reason: 'DEFINITION_INVALID' });
    expect((mismatch as Error).message).toBe(
      "main.xsd: <xs:import namespace=\"urn:parties\" schemaLocation=\"common/party.xsd\">: the imported schema's targetNamespace is 'urn:party', not the imported namespace 'urn:parties'",
    );
    for (const location of [
      'https://schemas.example/party.xsd',
      'file:///etc/party.xsd',
      join(folder, 'common', 'party.xsd'),
    ]) {
      const remote = await importing('urn:party', location);
      expect(remote).toMatchObject({ reason: 'DEFINITION_INVALID' });
      expect((remote as Error).message).toContain(
        'schemaLocation must be a path relative to the importing schema (imports are never fetched from the network)',
      );
    }
  });

  describe('stays inside the folder of the top schema', () => {
    let outside: string;
    beforeAll(async () => {
      outside = await mkdtemp(join(tmpdir(), 'mapping-outside-'));
      await writeFile(
        join(outside, 'party.xsd'),
        `<xs:schema ${XS} targetNamespace="urn:party"><xs:element name="Party" type="xs:string"/></xs:schema>`,
      );
      await symlink(join(outside, 'party.xsd'), join(folder, 'linked-party.xsd'));
      await symlink(outside, join(folder, 'linked-folder'));
      await symlink(join(folder, 'common', 'party.xsd'), join(folder, 'alias-party.xsd'));
    });
    afterAll(async () => {
      await rm(outside, { recursive: true, force: true });
    });

    const refusal = (location: string) =>
      `main.xsd: <xs:import namespace="urn:party" schemaLocation="${location}">: the imported schema must be a file inside the folder of main.xsd (symbolic links resolved); imports may not leave that folder`;

    it('refuses a path that climbs out with ..', async () => {
      const location = `../${basename(outside)}/party.xsd`;
      const error = await importing('urn:party', location);
      expect(error).toMatchObject({ reason: 'DEFINITION_INVALID', code: 'INVALID_CONFIG' });
      expect((error as Error).message).toBe(refusal(location));
      const deep = '../../../../../../../../etc/hostname';
      expect((await importing('urn:party', deep)) as Error).toMatchObject({ message: refusal(deep) });
    });

    it('refuses a symbolic link, to a file or a folder, that points outside', async () => {
      for (const location of ['linked-party.xsd', 'linked-folder/party.xsd', 'common/../linked-party.xsd']) {
        const error = await importing('urn:party', location);
        expect(error).toMatchObject({ reason: 'DEFINITION_INVALID' });
        expect((error as Error).message).toBe(refusal(location));
      }
    });

    it('gives the same refusal for a missing file outside as for an existing one', async () => {
      for (const location of [`../${basename(outside)}/nowhere.xsd`, 'linked-folder/nowhere.xsd']) {
        const error = await importing('urn:party', location);
        expect(error).toMatchObject({ reason: 'DEFINITION_INVALID' });
        expect((error as Error).message).toBe(refusal(location));
        expect((error as Error).message).not.toContain('ENOENT');
      }
    });

    it('follows a symbolic link that stays inside, reading the file once', async () => {
      const text = `<xs:schema ${XS} xmlns:p="urn:party" targetNamespace="urn:main">
          <xs:import namespace="urn:party" schemaLocation="common/party.xsd"/>
          <xs:import namespace="urn:party" schemaLocation="alias-party.xsd"/>
          <xs:element name="Deal"><xs:complexType><xs:sequence><xs:element ref="p:Party"/></xs:sequence></xs:complexType></xs:element>
        </xs:schema>`;
      const definition = xsdToDefinition(text, { source: 'main.xsd', file: join(folder, 'main.xsd') });
      expect(definition.schema.properties?.Party?.xml).toEqual({ namespace: 'urn:party', prefix: 'p' });
    });
  });

  it('refuses one file imported under a second namespace, through a link too', async () => {
    for (const second of ['common/party.xsd', 'alias-party.xsd']) {
      const text = `<xs:schema ${XS} targetNamespace="urn:main">
          <xs:import namespace="urn:party" schemaLocation="common/party.xsd"/>
          <xs:import namespace="urn:other" schemaLocation="${second}"/>
          <xs:element name="Deal" type="xs:string"/>
        </xs:schema>`;
      const error = await caught(() =>
        xsdToDefinition(text, { source: 'main.xsd', file: join(folder, 'main.xsd') }),
      );
      expect(error).toMatchObject({ reason: 'DEFINITION_INVALID' });
      expect((error as Error).message).toBe(
        `main.xsd: <xs:import namespace="urn:other" schemaLocation="${second}">: the imported schema's targetNamespace is 'urn:party', not the imported namespace 'urn:other'`,
      );
    }
  });

  it('refuses an import without schemaLocation, or when the schema has no file', async () => {
    const noLocation = await caught(() =>
      xsdToDefinition(`<xs:schema ${XS}><xs:import namespace="urn:party"/></xs:schema>`, {
        source: 'a.xsd',
        file: join(folder, 'a.xsd'),
      }),
    );
    expect((noLocation as Error).message).toBe(
      'a.xsd: <xs:import namespace="urn:party"> has no schemaLocation; imports are read only from files next to the schema',
    );
    const noFile = await caught(() =>
      xsdToDefinition(
        `<xs:schema ${XS}><xs:import namespace="urn:party" schemaLocation="party.xsd"/></xs:schema>`,
      ),
    );
    expect(noFile).toMatchObject({ reason: 'DEFINITION_INVALID' });
    expect((noFile as Error).message).toContain("needs the schema's file to resolve schemaLocation");
  });

  it('refuses one local name from two namespaces in one type', async () => {
    await writeFile(
      join(folder, 'other.xsd'),
      `<xs:schema ${XS} targetNamespace="urn:other" elementFormDefault="qualified"><xs:element name="Name" type="xs:string"/></xs:schema>`,
    );
    const text = `<xs:schema ${XS} xmlns:o="urn:other" targetNamespace="urn:main" elementFormDefault="qualified">
        <xs:import namespace="urn:other" schemaLocation="other.xsd"/>
        <xs:element name="Deal"><xs:complexType><xs:sequence>
          <xs:element name="Name" type="xs:string"/><xs:element ref="o:Name"/>
        </xs:sequence></xs:complexType></xs:element>
      </xs:schema>`;
    const error = await caught(() =>
      xsdToDefinition(text, { source: 'main.xsd', file: join(folder, 'main.xsd') }),
    );
    expect(error).toMatchObject({ reason: 'DEFINITION_UNSUPPORTED' });
    expect((error as Error).message).toContain(
      "'Name' declared in two namespaces ('urn:main' and 'urn:other') in one type",
    );
  });
});
