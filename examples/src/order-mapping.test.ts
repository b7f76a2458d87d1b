import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleFolder, runCk } from './run-ck.js';

// The example as its README runs it, from its folder: a flow with two map steps, and ck map.
const folder = exampleFolder('order-mapping');
const webOrder = JSON.parse(readFileSync(join(folder, 'samples', 'web-order.json'), 'utf8')) as Record<
  string,
  unknown
>;

describe('example order-mapping', () => {
  it('forwards a web shop order as the supplier XML purchase order', async () => {
    const result = await runCk(['run', 'forward-order', '--input', '@samples/web-order.json'], folder);
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as {
      order: string;
      customer: string;
      lines: number;
      xml: string;
    };
    expect(output).toMatchObject({ order: 'PO-30007', customer: 'Grace Hopper', lines: 2 });
    expect(output.xml).toContain('<Order xmlns="urn:example:orders:1" id="PO-30007" currency="USD">');
    // The XSD's element order: date, customer, the address branch of the choice, then the lines.
    const order = [
      '<OrderDate>',
      '<Customer>',
      '<ShipTo>',
      '<Line number="1" status="O">',
      '<Line number="2" status="S">',
    ];
    const positions = order.map((tag) => output.xml.indexOf(tag));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  }, 180_000);

  it('round-trips the supplier XML through the SalesOrder entity with ck map', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ck-order-mapping-'));
    try {
      const imported = await runCk(
        ['map', 'mappings/supplier-order.mapping.yaml', 'samples/supplier-order.xml'],
        folder,
      );
      expect(imported.code, imported.stderr).toBe(0);
      const entity = JSON.parse(imported.stdout) as {
        id: string;
        lines: { quantity: number; status: string }[];
        total: number;
      };
      expect(entity).toMatchObject({
        id: 'PO-10042',
        currency: 'EUR',
        customer: { name: 'Hoekstra & Zonen B.V.' },
      });
      expect(entity.lines.map((line) => [line.quantity, line.status])).toEqual([
        [12, 'open'],
        [3, 'shipped'],
        [250, 'open'],
      ]);
      writeFileSync(join(scratch, 'order.json'), imported.stdout);
      const exported = await runCk(
        [
          'map',
          'mappings/supplier-order.mapping.yaml',
          join(scratch, 'order.json'),
          '--export',
          '--out',
          join(scratch, 'order.xml'),
        ],
        folder,
      );
      expect(exported.code, exported.stderr).toBe(0);
      const again = await runCk(
        ['map', 'mappings/supplier-order.mapping.yaml', join(scratch, 'order.xml')],
        folder,
      );
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual(entity);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 180_000);

  it('names every violation of a web order that does not map, by source and target path', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ck-order-mapping-'));
    try {
      const items = webOrder.items as Record<string, unknown>[];
      const bad = { ...webOrder, items: [items[0], { ...items[1], qty: 'many', state: 'LOST' }] };
      writeFileSync(join(scratch, 'bad.json'), JSON.stringify(bad));
      const result = await runCk(
        ['map', 'mappings/web-order.mapping.yaml', join(scratch, 'bad.json')],
        folder,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/\$\.lines\[1\]\.quantity ← \$\.items\[1\]\.qty/);
      expect(result.stderr).toMatch(/\$\.lines\[1\]\.status ← \$\.items\[1\]\.state/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 180_000);
});
