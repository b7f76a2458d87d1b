import { readFileSync } from 'node:fs';
import { ConnectorError } from '@connectorkit/core';
import { describe, expect, it } from 'vitest';
import { describeMetadata, entitySetOf, parseMetadata, resolvePath, typeOf } from './service-metadata.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./test-fixtures/${name}`, import.meta.url), 'utf8');

describe('parseMetadata', () => {
  it('reads a V4 service: sets, keys, types, navigation bindings, ETags and operations', () => {
    const metadata = parseMetadata(fixture('sales-v4.xml'));
    expect(metadata.version).toBe('v4');
    expect([...metadata.entitySets.keys()]).toEqual(['Customers', 'Orders', 'OrderItems', 'Products']);
    const orders = entitySetOf(metadata, 'Orders');
    expect(orders).toMatchObject({ entityType: 'SalesService.Orders', etag: true });
    expect(orders.navigationTargets.get('items')).toBe('OrderItems');
    expect(entitySetOf(metadata, 'Products').etag).toBe(false);
    const type = typeOf(metadata, 'SalesService.OrderItems');
    expect(type.keys).toEqual(['order_ID', 'position']);
    expect(typeOf(metadata, 'SalesService.Orders').properties.get('total')).toEqual({
      name: 'total',
      type: 'Edm.Decimal',
      nullable: true,
      precision: 12,
      scale: 2,
    });
    expect(typeOf(metadata, 'SalesService.Customers').navigation.get('orders')).toEqual({
      name: 'orders',
      targetType: 'SalesService.Orders',
      collection: true,
    });
    expect(metadata.operations.get('cancel')).toEqual([
      expect.objectContaining({
        kind: 'action',
        bound: true,
        bindingType: 'SalesService.Orders',
        bindingCollection: false,
        qualifiedName: 'SalesService.cancel',
        parameters: [{ name: 'reason', type: 'Edm.String', nullable: true }],
      }),
    ]);
    expect(metadata.operations.get('countOrders')?.[0]).toMatchObject({
      kind: 'function',
      httpMethod: 'GET',
      returnType: 'Edm.Int32',
    });
  });

  it('reads a V2 service: associations, ConcurrencyMode, display formats and function imports', () => {
    const metadata = parseMetadata(fixture('sales-v2.xml'));
    expect(metadata.version).toBe('v2');
    const orders = entitySetOf(metadata, 'Orders');
    expect(orders.etag).toBe(true);
    expect(orders.navigationTargets.get('customer')).toBe('Customers');
    expect(entitySetOf(metadata, 'OrderItems').etag).toBe(false);
    const customers = typeOf(metadata, 'SalesService.Customers');
    expect(customers.navigation.get('orders')).toEqual({
      name: 'orders',
      targetType: 'SalesService.Orders',
      collection: true,
    });
    expect(typeOf(metadata, 'SalesService.Orders').navigation.get('customer')?.collection).toBe(false);
    expect(customers.properties.get('birthday')).toMatchObject({
      type: 'Edm.DateTime',
      displayFormat: 'Date',
    });
    expect(metadata.operations.get('Orders_cancel')?.[0]).toMatchObject({
      kind: 'action',
      httpMethod: 'POST',
      entitySet: 'Orders',
      parameters: [
        { name: 'ID', type: 'Edm.Int32', nullable: false },
        { name: 'reason', type: 'Edm.String', nullable: true },
      ],
    });
  });

  it('resolves aliases, base types and collection-bound overloads', () => {
    const metadata =
      parseMetadata(`<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
      <edmx:DataServices><Schema Namespace="com.example.sales" Alias="S" xmlns="http://docs.oasis-open.org/odata/ns/edm">
        <EntityType Name="Base" Abstract="true"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int64" Nullable="false"/></EntityType>
        <EntityType Name="Invoice" BaseType="S.Base"><Property Name="amount" Type="Edm.Decimal" Scale="2"/>
          <Property Name="address" Type="S.Address"/></EntityType>
        <ComplexType Name="Address"><Property Name="city" Type="Edm.String"/></ComplexType>
        <Function Name="overdue" IsBound="true"><Parameter Name="in" Type="Collection(S.Invoice)"/><ReturnType Type="Collection(S.Invoice)"/></Function>
        <Function Name="overdue" IsBound="false"><ReturnType Type="Edm.Int32"/></Function>
        <EntityContainer Name="C"><EntitySet Name="Invoices" EntityType="S.Invoice">
          <Annotation Term="Org.OData.Core.V1.OptimisticConcurrency"><Collection><PropertyPath>amount</PropertyPath></Collection></Annotation>
        </EntitySet></EntityContainer>
      </Schema></edmx:DataServices></edmx:Edmx>`);
    const invoices = entitySetOf(metadata, 'Invoices');
    expect(invoices).toMatchObject({ entityType: 'com.example.sales.Invoice', etag: true });
    const invoice = typeOf(metadata, invoices.entityType);
    expect(invoice.keys).toEqual(['id']);
    expect([...invoice.properties.keys()]).toEqual(['id', 'amount', 'address']);
    expect(resolvePath(metadata, invoice, 'address/city', '$.x').property?.type).toBe('Edm.String');
    expect(
      metadata.operations.get('overdue')?.map((operation) => [operation.bound, operation.bindingCollection]),
    ).toEqual([
      [true, true],
      [false, undefined],
    ]);
    expect(describeMetadata(metadata).entitySets[0]?.keys).toEqual(['id']);
  });

  it('explains unknown entity sets and properties, with a suggestion', () => {
    const metadata = parseMetadata(fixture('sales-v4.xml'));
    expect(() => entitySetOf(metadata, 'customers')).toThrow(
      "no entity set 'customers' (did you mean 'Customers'?)",
    );
    const orders = typeOf(metadata, 'SalesService.Orders');
    try {
      resolvePath(metadata, orders, 'customer/nmae', '$.filter.property');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).message).toContain(
        "'nmae' (in 'customer/nmae') is not a property of Customers (did you mean 'name'?)",
      );
      expect((error as ConnectorError).path).toBe('$.filter.property');
    }
  });

  it('refuses what is not EDMX, with UNSUPPORTED', () => {
    expect(() => parseMetadata('<html><body>Logon</body></html>')).toThrow(
      /not an EDMX document \(root element <html>\)/,
    );
    expect(() => parseMetadata('{"value":[]}')).toThrow(/not readable XML/);
  });
});
