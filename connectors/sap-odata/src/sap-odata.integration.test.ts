import { createKit, type Kit } from '@connectorkit/core';
import { type ODataTestServer, startODataServer } from '@connectorkit/test-odata-server';
import { failureOf } from '@connectorkit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sapOData from './index.js';

// A real OData server: SAP CAP on in-memory SQLite, V4 natively and V2 through the adapter.
// Started fresh for this file; a server that cannot start fails the file (never skipped).
let server: ODataTestServer;

beforeAll(async () => {
  server = await startODataServer();
});

afterAll(async () => {
  await server?.stop();
});

const ADA = '5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e01';
const TIM = '5b0a6c1e-3b7a-4c1e-9d7e-1a2b3c4d5e03';

type SapKit = Kit<[typeof sapOData]>;

describe.each([
  { version: 'v4' as const, idBase: 1000 },
  { version: 'v2' as const, idBase: 2000 },
])('OData $version against SAP CAP', ({ version, idBase }) => {
  let kit: SapKit;

  /** A kit of its own: a connection with no CSRF token, session cookie or metadata yet. */
  function connect(): SapKit {
    return createKit({
      connectors: [sapOData],
      connections: {
        sales: {
          connector: 'sap-odata',
          serviceUrl: version === 'v4' ? server.v4 : server.v2,
          auth: { type: 'basic', username: server.user.username, password: server.user.password },
        },
      },
      logger: { level: 'silent' },
    });
  }

  beforeAll(() => {
    kit = connect();
  });

  afterAll(async () => {
    await kit?.close();
  });

  describe('metadata', () => {
    it('detects the version and describes entity sets, keys, ETags, navigation and operations', async () => {
      const service = await kit.invoke('sap-odata.metadata', {});
      expect(service.version).toBe(version);
      const names = service.entitySets.map((set) => set.name);
      expect(names).toEqual(expect.arrayContaining(['Customers', 'Orders', 'OrderItems', 'Products']));
      const orders = service.entitySets.find((set) => set.name === 'Orders');
      expect(orders?.keys).toEqual(['ID']);
      expect(orders?.etag).toBe(true);
      expect(orders?.navigation).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'customer', collection: false, targetEntitySet: 'Customers' }),
          expect.objectContaining({ name: 'items', collection: true, targetEntitySet: 'OrderItems' }),
        ]),
      );
      const items = service.entitySets.find((set) => set.name === 'OrderItems');
      expect(items?.keys).toEqual(['order_ID', 'position']);
      expect(items?.etag).toBe(false);
      expect(orders?.properties.find((property) => property.name === 'total')).toMatchObject({
        type: 'Edm.Decimal',
        precision: 12,
        scale: 2,
      });
      const operations = service.operations.map((operation) => operation.name);
      expect(operations).toEqual(expect.arrayContaining(['countOrders', 'customerRevenue', 'rateCity']));
      expect(operations).toContain(version === 'v4' ? 'cancel' : 'Orders_cancel');
    });

    it('describes the service through the connection (what ck describe --connection shows)', async () => {
      const described = (await kit.describeConnection('sales')) as {
        version: string;
        entitySets: { name: string }[];
      };
      expect(described.version).toBe(version);
      expect(described.entitySets.map((set) => set.name)).toEqual(
        expect.arrayContaining(['Customers', 'Orders']),
      );
    });
  });

  describe('query', () => {
    it('keeps a filter value with quotes a value (single and double quotes, and an injection attempt)', async () => {
      const tim = await kit.invoke('sap-odata.query', {
        entitySet: 'Customers',
        filter: { property: 'name', value: "Tim O'Reilly" },
      });
      expect(tim.value.map((customer) => customer.name)).toEqual(["Tim O'Reilly"]);
      const rock = await kit.invoke('sap-odata.query', {
        entitySet: 'Customers',
        filter: { property: 'name', operator: 'startswith', value: 'Dwayne "The Rock' },
      });
      expect(rock.value.map((customer) => customer.name)).toEqual(['Dwayne "The Rock" Johnson']);
      const injection = await kit.invoke('sap-odata.query', {
        entitySet: 'Customers',
        filter: { property: 'name', value: "x' or name ne 'y" },
      });
      expect(injection.value).toEqual([]);
      const contains = await kit.invoke('sap-odata.query', {
        entitySet: 'Orders',
        filter: { property: 'note', operator: 'contains', value: "O'Reilly's" },
        select: ['ID'],
      });
      expect(contains.value.map((order) => order.ID)).toEqual([4]);
    });

    it('formats guid, decimal, date-time and date literals for the version', async () => {
      const result = await kit.invoke('sap-odata.query', {
        entitySet: 'Orders',
        filter: {
          and: [
            { property: 'customer_ID', value: ADA },
            { property: 'total', operator: 'gt', value: '100.00' },
            { property: 'orderedAt', operator: 'ge', value: '2024-01-31T00:00:00Z' },
            { property: 'ID', operator: 'lt', value: 100 },
          ],
        },
        select: ['ID', 'total', 'orderedAt'],
      });
      expect(result.value).toEqual([
        expect.objectContaining({
          ID: 1,
          total: '120.5',
          orderedAt: expect.stringMatching(/^2024-02-01T10:00:00/),
        }),
      ]);
      const born = await kit.invoke('sap-odata.query', {
        entitySet: 'Customers',
        filter: { property: 'birthday', operator: 'lt', value: '1900-01-01' },
        select: ['name', 'birthday'],
      });
      expect(born.value).toEqual([expect.objectContaining({ name: 'Ada Lovelace', birthday: '1815-12-10' })]);
    });

    it('combines in, or and not, orders, selects, expands and counts', async () => {
      const result = await kit.invoke('sap-odata.query', {
        entitySet: 'Orders',
        filter: {
          and: [
            { property: 'ID', operator: 'in', value: [1, 2, 3, 4, 5] },
            { not: { property: 'currency', value: 'EUR' } },
            {
              or: [
                { property: 'status', value: 'shipped' },
                { property: 'total', operator: 'ge', value: 1000 },
              ],
            },
          ],
        },
        orderBy: [{ property: 'total', direction: 'desc' }],
        expand: ['customer'],
        count: true,
      });
      expect(result.count).toBe(2);
      expect(result.value.map((order) => order.ID)).toEqual([4, 5]);
      expect(result.value[0]?.customer).toMatchObject({ ID: TIM, name: "Tim O'Reilly" });
      expect(result.value[0]).toHaveProperty('@odata.etag');
      expect(result.value[0]).not.toHaveProperty('__metadata');
    });

    it('returns one page with a next link, and follows server-driven paging with all', async () => {
      const first = await kit.invoke('sap-odata.query', { entitySet: 'Products', orderBy: ['code'] });
      expect(first.value).toHaveLength(5);
      expect(first.pages).toBe(1);
      expect(first.nextLink).toMatch(/^http:\/\/.*Products\?.*skiptoken/);
      const second = await kit.invoke('sap-odata.query', {
        entitySet: 'Products',
        nextLink: first.nextLink ?? '',
      });
      expect(second.value).toHaveLength(5);
      expect(second.value[0]?.code).toBe('P-006');

      const all = await kit.invoke('sap-odata.query', {
        entitySet: 'Products',
        filter: { property: 'code', operator: 'startswith', value: 'P-' },
        orderBy: ['code'],
        all: true,
        count: true,
      });
      expect(all.pages).toBe(3);
      expect(all.count).toBe(12);
      expect(all.value.map((product) => product.code)).toEqual(
        Array.from({ length: 12 }, (_, index) => `P-${String(index + 1).padStart(3, '0')}`),
      );
      expect(all.nextLink).toBeUndefined();
      // Normalised the same in both versions: decimals and 64-bit integers as strings, doubles as numbers.
      expect(all.value[11]).toMatchObject({
        title: "The 'Quote' Mug",
        price: '9.99',
        weight: 0.35,
        stock: '9000000000',
        releasedOn: '2024-02-02',
      });

      const limited = await kit.invoke('sap-odata.query', {
        entitySet: 'Products',
        filter: { property: 'code', operator: 'startswith', value: 'P-' },
        orderBy: ['code'],
        all: true,
        limit: 7,
      });
      expect(limited.value).toHaveLength(7);
      expect(limited.pages).toBe(2);
    });

    it('skips and takes a window of an ordered set ($skip, $top), with the total count', async () => {
      const window = await kit.invoke('sap-odata.query', {
        entitySet: 'Products',
        filter: { property: 'code', operator: 'startswith', value: 'P-' },
        orderBy: ['code'],
        skip: 3,
        top: 2,
        count: true,
      });
      expect(window.value.map((product) => product.code)).toEqual(['P-004', 'P-005']);
      expect(window.count).toBe(12);
      expect(window.nextLink).toBeUndefined();
    });

    it('names unknown entity sets and properties with a suggestion', async () => {
      const set = await failureOf(kit.invoke('sap-odata.query', { entitySet: 'Order' }));
      expect(set.code).toBe('INVALID_INPUT');
      expect(set.message).toContain("no entity set 'Order' (did you mean 'Orders'?)");
      expect(set.path).toBe('$.entitySet');
      const property = await failureOf(
        kit.invoke('sap-odata.query', { entitySet: 'Orders', filter: { property: 'totl', value: 1 } }),
      );
      expect(property.code).toBe('INVALID_INPUT');
      expect(property.message).toContain("'totl' is not a property of Orders (did you mean 'total'?)");
      expect(property.path).toBe('$.filter.property');
      const literal = await failureOf(
        kit.invoke('sap-odata.query', {
          entitySet: 'Orders',
          filter: { property: 'customer_ID', value: 'not-a-guid' },
        }),
      );
      expect(literal.code).toBe('INVALID_INPUT');
      expect(literal.message).toContain('Edm.Guid');
    });
  });

  describe('get', () => {
    it('reads by a single key, a guid key and a composite key, with its ETag', async () => {
      const order = await kit.invoke('sap-odata.get', { entitySet: 'Orders', key: 1, expand: ['items'] });
      expect(order.entity).toMatchObject({ ID: 1, currency: 'EUR', total: '120.5' });
      expect(order.etag).toMatch(/^W\/"/);
      expect(order.entity.items).toEqual([
        expect.objectContaining({ order_ID: 1, position: 1, price: '50.25' }),
        expect.objectContaining({ order_ID: 1, position: 2, price: '20' }),
      ]);
      const customer = await kit.invoke('sap-odata.get', { entitySet: 'Customers', key: ADA });
      expect(customer.entity).toMatchObject({ ID: ADA, name: 'Ada Lovelace', birthday: '1815-12-10' });
      const item = await kit.invoke('sap-odata.get', {
        entitySet: 'OrderItems',
        key: { order_ID: 1, position: 2 },
        select: ['product'],
      });
      expect(item.entity).toMatchObject({ product: 'P-002' });
    });

    it('fails with NOT_FOUND for a missing entity and INVALID_INPUT for a wrong key', async () => {
      const missing = await failureOf(kit.invoke('sap-odata.get', { entitySet: 'Orders', key: 999_999 }));
      expect(missing.code).toBe('NOT_FOUND');
      expect(missing.status).toBe(404);
      const composite = await failureOf(kit.invoke('sap-odata.get', { entitySet: 'OrderItems', key: 1 }));
      expect(composite.code).toBe('INVALID_INPUT');
      expect(composite.message).toContain('composite key (order_ID, position)');
      const wrong = await failureOf(
        kit.invoke('sap-odata.get', { entitySet: 'OrderItems', key: { order_ID: 1, line: 2 } }),
      );
      expect(wrong.message).toContain("'line' is not a key property of OrderItems");
    });
  });

  describe('create, update and delete', () => {
    it('creates, updates with the ETag, refuses a stale ETag with CONFLICT, and deletes', async () => {
      const id = idBase + 1;
      const created = await kit.invoke('sap-odata.create', {
        entitySet: 'Orders',
        data: {
          ID: id,
          customer_ID: TIM,
          status: 'open',
          total: '12.50',
          currency: 'EUR',
          orderedAt: '2024-06-01T12:00:00Z',
          note: "it's new",
        },
      });
      expect(created.entity).toMatchObject({ ID: id, total: '12.5', note: "it's new" });
      const read = await kit.invoke('sap-odata.get', { entitySet: 'Orders', key: id });
      expect(read.etag).toBeDefined();

      const updated = await kit.invoke('sap-odata.update', {
        entitySet: 'Orders',
        key: id,
        data: { status: 'shipped', total: 13.75 },
        etag: read.etag ?? '',
      });
      expect(updated.etag).toBeDefined();
      expect(updated.etag).not.toBe(read.etag);

      const stale = await failureOf(
        kit.invoke('sap-odata.update', {
          entitySet: 'Orders',
          key: id,
          data: { note: 'late' },
          etag: read.etag ?? '',
        }),
      );
      expect(stale.code).toBe('CONFLICT');
      expect(stale.status).toBe(412);
      expect(stale.message).toContain('changed since its ETag was read');

      const withoutEtag = await failureOf(
        kit.invoke('sap-odata.update', { entitySet: 'Orders', key: id, data: { note: 'x' } }),
      );
      expect(withoutEtag.code).toBe('CONFLICT');
      expect(withoutEtag.message).toContain('pass etag');

      const reread = await kit.invoke('sap-odata.get', { entitySet: 'Orders', key: id });
      expect(reread.entity).toMatchObject({ status: 'shipped', total: '13.75' });
      await expect(
        kit.invoke('sap-odata.delete', { entitySet: 'Orders', key: id, etag: reread.etag ?? '' }),
      ).resolves.toEqual({ deleted: true });
      const gone = await failureOf(kit.invoke('sap-odata.get', { entitySet: 'Orders', key: id }));
      expect(gone.code).toBe('NOT_FOUND');
    });

    it('refuses a delete with a stale ETag with CONFLICT and keeps the entity', async () => {
      const id = idBase + 5;
      await kit.invoke('sap-odata.create', { entitySet: 'Orders', data: { ID: id, status: 'open' } });
      const read = await kit.invoke('sap-odata.get', { entitySet: 'Orders', key: id });
      const updated = await kit.invoke('sap-odata.update', {
        entitySet: 'Orders',
        key: id,
        data: { note: 'changed after the read' },
        etag: read.etag ?? '',
      });
      expect(updated.etag).not.toBe(read.etag);

      const stale = await failureOf(
        kit.invoke('sap-odata.delete', { entitySet: 'Orders', key: id, etag: read.etag ?? '' }),
      );
      expect(stale.code).toBe('CONFLICT');
      expect(stale.status).toBe(412);
      expect(stale.message).toContain('changed since its ETag was read');
      const kept = await kit.invoke('sap-odata.get', { entitySet: 'Orders', key: id });
      expect(kept.entity).toMatchObject({ ID: id, note: 'changed after the read' });
    });

    it('creates with a composite key and a string key holding a quote, and deletes them', async () => {
      const code = `Q'${version}`;
      await kit.invoke('sap-odata.create', {
        entitySet: 'Products',
        data: { code, title: 'quoted key', price: 1.5, releasedOn: '2024-05-05', stock: '12345678901' },
      });
      const product = await kit.invoke('sap-odata.get', { entitySet: 'Products', key: code });
      expect(product.entity).toMatchObject({
        code,
        price: '1.5',
        releasedOn: '2024-05-05',
        stock: '12345678901',
      });
      await kit.invoke('sap-odata.delete', { entitySet: 'Products', key: code });

      const item = { order_ID: 3, position: idBase };
      await kit.invoke('sap-odata.create', {
        entitySet: 'OrderItems',
        data: { ...item, product: 'P-009', quantity: 1 },
      });
      const read = await kit.invoke('sap-odata.get', { entitySet: 'OrderItems', key: item });
      expect(read.entity).toMatchObject({ product: 'P-009' });
      await kit.invoke('sap-odata.delete', { entitySet: 'OrderItems', key: item });
    });

    it('maps a duplicate key to CONFLICT and an unknown property to INVALID_INPUT', async () => {
      const duplicate = await failureOf(
        kit.invoke('sap-odata.create', { entitySet: 'Products', data: { code: 'P-001', title: 'again' } }),
      );
      expect(duplicate.code).toBe('CONFLICT');
      expect(duplicate.vendorCode).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
      const unknown = await failureOf(
        kit.invoke('sap-odata.create', { entitySet: 'Products', data: { code: 'X', titel: 'typo' } }),
      );
      expect(unknown.code).toBe('INVALID_INPUT');
      expect(unknown.message).toContain("'titel' is not a property of Products (did you mean 'title'?)");
      expect(unknown.path).toBe('$.data.titel');
    });
  });

  describe('callFunction', () => {
    it('calls unbound functions with typed parameters', async () => {
      const open = await kit.invoke('sap-odata.callFunction', {
        name: 'countOrders',
        parameters: { status: 'open' },
      });
      expect(typeof open.value).toBe('number');
      const revenue = await kit.invoke('sap-odata.callFunction', {
        name: 'customerRevenue',
        parameters: { customer: ADA, since: '2024-01-01T00:00:00Z' },
      });
      expect(revenue.value).toBe('220.49');
    });

    it('calls an unbound action and an action bound to an entity', async () => {
      const rated = await kit.invoke('sap-odata.callFunction', {
        name: 'rateCity',
        parameters: { city: 'Boston', points: 1 },
      });
      expect(rated.value).toBe(1);
      const id = idBase + 2;
      await kit.invoke('sap-odata.create', { entitySet: 'Orders', data: { ID: id, status: 'open' } });
      const cancelled = await kit.invoke('sap-odata.callFunction', {
        name: 'cancel',
        entitySet: 'Orders',
        key: id,
        parameters: { reason: "customer's wish" },
        etag: '*',
      });
      expect(cancelled.value).toMatchObject({
        ID: id,
        status: 'cancelled',
        note: "cancelled: customer's wish",
      });
    });

    it('names unknown operations and parameters', async () => {
      const unknown = await failureOf(kit.invoke('sap-odata.callFunction', { name: 'countOrder' }));
      expect(unknown.code).toBe('INVALID_INPUT');
      expect(unknown.message).toContain("(did you mean 'countOrders'?)");
      const parameter = await failureOf(
        kit.invoke('sap-odata.callFunction', { name: 'countOrders', parameters: { state: 'open' } }),
      );
      expect(parameter.message).toContain("'countOrders' has no parameter 'state'");
    });
  });

  describe('batch', () => {
    it('runs reads and a change set in one request', async () => {
      const id = idBase + 3;
      const result = await kit.invoke('sap-odata.batch', {
        requests: [
          { operation: 'get', entitySet: 'Orders', key: 1 },
          {
            operation: 'query',
            entitySet: 'Customers',
            filter: { property: 'city', value: 'London' },
            select: ['name'],
          },
          {
            changeset: [
              { operation: 'create', entitySet: 'Orders', data: { ID: id, status: 'open', total: '5.00' } },
              {
                operation: 'create',
                entitySet: 'OrderItems',
                data: { order_ID: id, position: 1, quantity: 3 },
              },
            ],
          },
        ],
      });
      expect(result.ok).toBe(true);
      expect(result.results).toHaveLength(4);
      expect(result.results[0]).toMatchObject({ request: 0, status: 200, ok: true, entity: { ID: 1 } });
      expect(result.results[1]?.value).toEqual([expect.objectContaining({ name: 'Ada Lovelace' })]);
      expect(result.results[2]).toMatchObject({
        request: 2,
        operation: 0,
        status: 201,
        ok: true,
        entity: { ID: id },
      });
      expect(result.results[3]).toMatchObject({ request: 2, operation: 1, status: 201, ok: true });
      const item = await kit.invoke('sap-odata.get', {
        entitySet: 'OrderItems',
        key: { order_ID: id, position: 1 },
      });
      expect(item.entity).toMatchObject({ quantity: 3 });
    });

    it('rolls a failing change set back as a whole', async () => {
      const code = `B-${version}`;
      const result = await kit.invoke('sap-odata.batch', {
        requests: [
          {
            changeset: [
              { operation: 'create', entitySet: 'Products', data: { code, title: 'rolled back' } },
              { operation: 'create', entitySet: 'Products', data: { code: 'P-001', title: 'duplicate' } },
            ],
          },
        ],
      });
      expect(result.ok).toBe(false);
      expect(result.results).toHaveLength(2);
      for (const entry of result.results) {
        expect(entry.ok).toBe(false);
        expect(entry.error?.code).toBe('CONFLICT');
      }
      const missing = await failureOf(kit.invoke('sap-odata.get', { entitySet: 'Products', key: code }));
      expect(missing.code).toBe('NOT_FOUND');
    });
  });

  describe('apiCall', () => {
    it('sends any request with the connection auth, parsing JSON', async () => {
      const response = await kit.invoke('sap-odata.apiCall', {
        method: 'GET',
        path: 'Customers',
        query: { $filter: "name eq 'Tim O''Reilly'", $select: 'name' },
      });
      expect(response.status).toBe(200);
      expect(JSON.stringify(response.body)).toContain("Tim O'Reilly");
      const failed = await kit.invoke('sap-odata.apiCall', {
        method: 'GET',
        path: 'Nope',
        failOnError: false,
      });
      expect(failed.status).toBe(404);
      const error = await failureOf(
        kit.invoke('sap-odata.apiCall', { method: 'GET', path: 'http://example.com/steal' }),
      );
      expect(error.code).toBe('INVALID_INPUT');
    });
  });

  describe('CSRF', () => {
    it("fetches a token once before a fresh connection's first write, which is accepted", async () => {
      await using fresh = connect();
      const before = await server.stats();
      const id = idBase + 6;
      await fresh.invoke('sap-odata.create', { entitySet: 'Orders', data: { ID: id, status: 'open' } });
      const after = await server.stats();
      expect(after.csrfFetches).toBe(before.csrfFetches + 1);
      expect(after.csrfRejections).toBe(before.csrfRejections);
      const read = await kit.invoke('sap-odata.get', { entitySet: 'Orders', key: id });
      expect(read.entity).toMatchObject({ ID: id, status: 'open' });
    });

    it('fetches a token once before an apiCall POST on a fresh connection, which is accepted', async () => {
      await using fresh = connect();
      // Sorts after the seeded P- codes: the paging tests of the other version see the same pages.
      const code = `X-API-${version}`;
      const before = await server.stats();
      const response = await fresh.invoke('sap-odata.apiCall', {
        method: 'POST',
        path: 'Products',
        body: { code, title: 'posted through apiCall' },
      });
      expect(response.status).toBe(201);
      const after = await server.stats();
      expect(after.csrfFetches).toBe(before.csrfFetches + 1);
      expect(after.csrfRejections).toBe(before.csrfRejections);
      const read = await kit.invoke('sap-odata.get', { entitySet: 'Products', key: code });
      expect(read.entity).toMatchObject({ code, title: 'posted through apiCall' });
    });

    it('fetches a token once before an apiCall PATCH on a fresh connection, which is accepted', async () => {
      await using fresh = connect();
      const title = `patched through apiCall (${version})`;
      const before = await server.stats();
      const response = await fresh.invoke('sap-odata.apiCall', {
        method: 'PATCH',
        path: "Products('P-003')",
        body: { title },
      });
      expect(response.status).toBeLessThan(300);
      const after = await server.stats();
      expect(after.csrfFetches).toBe(before.csrfFetches + 1);
      expect(after.csrfRejections).toBe(before.csrfRejections);
      const read = await kit.invoke('sap-odata.get', { entitySet: 'Products', key: 'P-003' });
      expect(read.entity).toMatchObject({ code: 'P-003', title });
    });

    it('fetches a token before the first write, and fetches a new one once when the token is refused', async () => {
      const before = await server.stats();
      await server.expireCsrfTokens();
      const id = idBase + 4;
      await kit.invoke('sap-odata.create', { entitySet: 'Orders', data: { ID: id, status: 'open' } });
      const after = await server.stats();
      expect(after.csrfRejections).toBeGreaterThan(before.csrfRejections);
      expect(after.csrfFetches).toBeGreaterThan(before.csrfFetches);
      // The new token (and its session cookie) is reused: no further fetch.
      await kit.invoke('sap-odata.update', {
        entitySet: 'Orders',
        key: id,
        data: { note: 'again' },
        etag: '*',
      });
      expect((await server.stats()).csrfFetches).toBe(after.csrfFetches);
    });
  });
});

describe('OAuth 2.0 client credentials against the fixture token endpoint', () => {
  it('fetches a token once, reuses it, and fetches a new one after the service refuses it', async () => {
    await using kit = createKit({
      connectors: [sapOData],
      connections: {
        sales: {
          connector: 'sap-odata',
          serviceUrl: server.v4,
          auth: {
            type: 'oauth2',
            tokenUrl: server.tokenUrl,
            clientId: server.oauthClient.clientId,
            clientSecret: server.oauthClient.clientSecret,
          },
        },
      },
      logger: { level: 'silent' },
    });
    const before = (await server.stats()).tokensIssued;
    await kit.invoke('sap-odata.query', { entitySet: 'Orders', top: 1 });
    await kit.invoke('sap-odata.get', { entitySet: 'Orders', key: 1 });
    await kit.invoke('sap-odata.create', {
      entitySet: 'Products',
      data: { code: 'OAUTH-1', title: 'via oauth' },
    });
    expect((await server.stats()).tokensIssued).toBe(before + 1);
    await server.revokeOAuthTokens();
    await kit.invoke('sap-odata.get', { entitySet: 'Products', key: 'OAUTH-1' });
    expect((await server.stats()).tokensIssued).toBe(before + 2);
  });

  it('fails with AUTH for a wrong client secret, without echoing it', async () => {
    const secret = 'wrong-secret-9f2c1d7a';
    await using kit = createKit({
      connectors: [sapOData],
      connections: {
        sales: {
          connector: 'sap-odata',
          serviceUrl: server.v2,
          auth: {
            type: 'oauth2',
            tokenUrl: server.tokenUrl,
            clientId: server.oauthClient.clientId,
            clientSecret: secret,
          },
        },
      },
      logger: { level: 'silent' },
    });
    const error = await failureOf(kit.invoke('sap-odata.query', { entitySet: 'Orders', top: 1 }));
    expect(error.code).toBe('AUTH');
    expect(error.vendorCode).toBe('invalid_client');
    expect(error.message).toContain('check clientId');
    expect(JSON.stringify({ message: error.message, stack: error.stack, json: error })).not.toContain(secret);
  });
});

describe('version detection and configuration errors', () => {
  it('refuses a configured version that $metadata contradicts', async () => {
    await using kit = createKit({
      connectors: [sapOData],
      connections: {
        sales: {
          connector: 'sap-odata',
          serviceUrl: server.v4,
          version: 'v2',
          auth: { type: 'basic', username: server.user.username, password: server.user.password },
        },
      },
      logger: { level: 'silent' },
    });
    const error = await failureOf(kit.invoke('sap-odata.query', { entitySet: 'Orders' }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('set version: v4');
  });

  it('keeps query parameters of the service URL and sapClient on every request', async () => {
    await using kit = createKit({
      connectors: [sapOData],
      connections: {
        sales: {
          connector: 'sap-odata',
          serviceUrl: `${server.v2}?sap-language=EN`,
          sapClient: '100',
          auth: { type: 'basic', username: server.user.username, password: server.user.password },
        },
      },
      logger: { level: 'silent' },
    });
    const page = await kit.invoke('sap-odata.query', { entitySet: 'Products' });
    expect(page.nextLink).toContain('sap-client=100');
    expect(page.nextLink).toContain('sap-language=EN');
    const next = await kit.invoke('sap-odata.query', {
      entitySet: 'Products',
      nextLink: page.nextLink ?? '',
    });
    expect(next.value).toHaveLength(5);
  });
});
