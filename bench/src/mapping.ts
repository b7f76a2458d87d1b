import { deepStrictEqual } from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadMapping, type MessageDefinition, parseXml } from '@connectorkit/mapping';
import { type Benchmark, opsPerSecond } from './measure.js';

// The mappings and schemas of the order-mapping example: a web shop's JSON order and a
// supplier's XML order (XSD), both imported into the application's SalesOrder entity.
const example = (path: string): string =>
  fileURLToPath(new URL(`../../examples/order-mapping/${path}`, import.meta.url));

const LINES = 50;
const STATUS_CODES: Readonly<Record<string, string>> = {
  OPEN: 'open',
  SHIPPED: 'shipped',
  CANCELLED: 'cancelled',
};
const XML_STATUS: Readonly<Record<string, string>> = { O: 'open', S: 'shipped', C: 'cancelled' };

/** A web shop order with `LINES` lines, as the shop sends it (numbers as strings, codes in capitals). */
function webOrder(): Record<string, unknown> {
  return {
    orderId: 'PO-50001',
    created: '2026-04-01T08:15:00Z',
    currency: 'EUR',
    buyer: { fullName: 'Grace Hopper', email: 'grace@navy.example' },
    shipping: { method: 'ADDR', address: { line1: '1 Navy Way', city: 'Arlington', country: 'US' } },
    items: Array.from({ length: LINES }, (_, index) => ({
      pos: index + 1,
      sku: `SKU-${String(index + 1).padStart(3, '0')}`,
      qty: String((index % 7) + 1),
      price: ((index % 13) + 0.5).toFixed(2),
      state: ['OPEN', 'SHIPPED', 'CANCELLED'][index % 3],
    })),
    giftWrap: 'no',
  };
}

/** The same order as the supplier's XML, valid for the example's order.xsd. */
function supplierXml(): string {
  const lines = Array.from({ length: LINES }, (_, index) => {
    const status = ['O', 'S', 'C'][index % 3];
    return `  <ord:Line number="${index + 1}" status="${status}">
    <ord:Sku>SKU-${String(index + 1).padStart(3, '0')}</ord:Sku>
    <ord:Quantity>${(index % 7) + 1}</ord:Quantity>
    <ord:UnitPrice currency="EUR">${((index % 13) + 0.5).toFixed(2)}</ord:UnitPrice>
  </ord:Line>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<ord:Order xmlns:ord="urn:example:orders:1" id="PO-50001" currency="EUR">
  <ord:OrderDate>2026-04-01T08:15:00Z</ord:OrderDate>
  <ord:Customer vatId="NL001234567B01">
    <ord:Name>Hoekstra &amp; Zonen B.V.</ord:Name>
    <ord:Email>inkoop@hoekstra.example</ord:Email>
  </ord:Customer>
  <ord:ShipTo>
    <ord:Street>Keizersgracht 12</ord:Street>
    <ord:City>Amsterdam</ord:City>
    <ord:Country>NL</ord:Country>
  </ord:ShipTo>
${lines}
  <ord:Note>Deliver before noon</ord:Note>
</ord:Order>`;
}

type Json = Record<string, unknown>;

/** What a developer would write by hand for the web order: parse, pick, convert, translate codes. */
function importWebOrderByHand(text: string): Json {
  const order = JSON.parse(text) as Json;
  const buyer = order.buyer as Json;
  const shipping = order.shipping as Json;
  const address = shipping.address as Json;
  return {
    id: order.orderId,
    orderedAt: order.created,
    currency: order.currency ?? 'EUR',
    customer: { name: buyer.fullName, email: buyer.email },
    delivery: {
      kind: shipping.method === 'ADDR' ? 'address' : 'pickup',
      street: address.line1,
      city: address.city,
      country: address.country,
    },
    lines: (order.items as Json[]).map((item) => ({
      lineNumber: Number(item.pos),
      sku: item.sku,
      quantity: Number(item.qty),
      unitPrice: Number(item.price),
      status: STATUS_CODES[item.state as string],
    })),
  };
}

/** The same by hand for the supplier XML, on the package's safe XML parser (as any real code must be). */
function importSupplierXmlByHand(text: string, definition: MessageDefinition): Json {
  const order = parseXml(text, { definition }).value as Json;
  const customer = order.Customer as Json;
  const shipTo = order.ShipTo as Json;
  const lines = order.Line as Json[];
  return {
    id: order['@id'],
    orderedAt: order.OrderDate,
    currency: order['@currency'] ?? 'EUR',
    customer: { name: customer.Name, email: customer.Email, vatId: customer['@vatId'] },
    delivery: { kind: 'address', street: shipTo.Street, city: shipTo.City, country: shipTo.Country },
    lines: lines.map((line) => ({
      lineNumber: Number(line['@number']),
      sku: line.Sku,
      quantity: Number(line.Quantity),
      unitPrice: Number((line.UnitPrice as Json)['#text']),
      status: XML_STATUS[(line['@status'] as string | undefined) ?? 'O'] ?? 'open',
    })),
    total:
      Math.round(
        lines.reduce(
          (sum, line) => sum + Number(line.Quantity) * Number((line.UnitPrice as Json)['#text']),
          0,
        ) * 100,
      ) / 100,
    note: order.Note,
  };
}

export const mappingBenchmark: Benchmark = {
  description: `import of a ${LINES}-line order (JSON and XML) through a mapping file, validated against the entity schema, vs a hand-written function`,
  run: async ({ quick }) => {
    const web = await loadMapping(example('mappings/web-order.mapping.yaml'));
    const supplier = await loadMapping(example('mappings/supplier-order.mapping.yaml'));
    const json = JSON.stringify(webOrder());
    const xml = supplierXml();
    const definition = supplier.message as MessageDefinition;
    const mapped = async (mapping: typeof web, text: string): Promise<unknown> => {
      const result = await mapping.import(text);
      if (!result.ok) throw result.error;
      return result.value;
    };
    // The baselines are only fair if they produce exactly what the mappings produce.
    deepStrictEqual(importWebOrderByHand(json), await mapped(web, json));
    deepStrictEqual(importSupplierXmlByHand(xml, definition), await mapped(supplier, xml));

    const durationMs = quick ? 150 : 1_000;
    const rounds = quick ? 1 : 5;
    const batch = 50;
    const jsonByHand = await opsPerSecond(() => importWebOrderByHand(json), { durationMs, rounds, batch });
    const jsonMapping = await opsPerSecond(() => mapped(web, json), { durationMs, rounds, batch });
    const xmlByHand = await opsPerSecond(() => importSupplierXmlByHand(xml, definition), {
      durationMs,
      rounds,
      batch,
    });
    const xmlMapping = await opsPerSecond(() => mapped(supplier, xml), { durationMs, rounds, batch });
    return {
      name: 'mapping',
      description: mappingBenchmark.description,
      figures: {
        jsonMappingPerSecond: Math.round(jsonMapping),
        jsonByHandPerSecond: Math.round(jsonByHand),
        xmlMappingPerSecond: Math.round(xmlMapping),
        xmlByHandPerSecond: Math.round(xmlByHand),
      },
      ratios: {
        jsonMappingVsHand: Number((jsonMapping / jsonByHand).toFixed(4)),
        xmlMappingVsHand: Number((xmlMapping / xmlByHand).toFixed(4)),
      },
      notes: [
        'messages per second on one thread; the mapping also validates every entity against its JSON Schema, the hand-written functions do not',
        'both XML paths parse with the same safe parser (no DTDs, size and depth limits)',
      ],
    };
  },
};
