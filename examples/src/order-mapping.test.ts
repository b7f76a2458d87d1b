import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleFolder, type ReadmeCommand, readmeCommands, runCk, runReadmeCommand } from './run-ck.js';

// The example as its README runs it: every `npx ck` line of the README, read from the README
// itself and run in a copy of the example's folder (so that `> order.json` lands there).
const folder = exampleFolder('order-mapping');
const readme = readFileSync(join(folder, 'README.md'), 'utf8');
const commands = readmeCommands(join(folder, 'README.md'));
const ran = new Set<string>();
let scratch: string;

/** The README's command that starts with `start`, marked as run by this suite. */
function readmeCommand(start: string): ReadmeCommand {
  const command = commands.find((candidate) => candidate.line.startsWith(`npx ck ${start}`));
  if (command === undefined) throw new Error(`README.md shows no command starting 'npx ck ${start}'`);
  ran.add(command.line);
  return command;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ck-order-mapping-'));
  cpSync(folder, scratch, { recursive: true });
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('example order-mapping', () => {
  it('forwards a web shop order as the supplier XML purchase order', async () => {
    const result = await runReadmeCommand(readmeCommand('run forward-order'), scratch);
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
    const imported = await runReadmeCommand(
      readmeCommand('map mappings/supplier-order.mapping.yaml samples/supplier-order.xml'),
      scratch,
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
    // The README's next line exports the order.json the previous one wrote.
    const exported = await runReadmeCommand(
      readmeCommand('map mappings/supplier-order.mapping.yaml order.json --export'),
      scratch,
    );
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('id="PO-10042"');
    writeFileSync(join(scratch, 'order.xml'), exported.stdout);
    const again = await runCk(['map', 'mappings/supplier-order.mapping.yaml', 'order.xml'], scratch);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(entity);
  }, 180_000);

  it('infers the JSON Schema of the sample web order', async () => {
    const result = await runReadmeCommand(readmeCommand('schema infer samples/web-order.json'), scratch);
    expect(result.code, result.stderr).toBe(0);
    const schema = JSON.parse(result.stdout) as {
      type: string;
      properties: Record<string, { type: string; format?: string; items?: { properties: object } }>;
    };
    expect(schema.type).toBe('object');
    expect(schema.properties.orderId).toEqual({ type: 'string' });
    expect(schema.properties.created).toEqual({ type: 'string', format: 'date-time' });
    expect(schema.properties.items?.type).toBe('array');
    expect(Object.keys(schema.properties.items?.items?.properties ?? {})).toEqual([
      'pos',
      'sku',
      'qty',
      'price',
      'state',
    ]);
  }, 180_000);

  it('names every violation of a web order that does not map, as the README shows it', async () => {
    const result = await runReadmeCommand(
      readmeCommand('map mappings/web-order.mapping.yaml samples/unmappable-web-order.json'),
      scratch,
    );
    expect(result.code).toBe(1);
    // The line the README quotes is the line ck prints.
    const shown = /e\.g\.\s+`([^`]+)`/.exec(readme)?.[1];
    expect(shown, 'README.md quotes a violation after "e.g."').toBeDefined();
    expect(result.stderr.split('\n')).toContain(shown);
    expect(result.stderr).toMatch(/\$\.lines\[1\]\.status ← \$\.items\[1\]\.state/);
  }, 180_000);

  it('runs every command the README shows', () => {
    expect(commands.length).toBeGreaterThan(0);
    expect([...ran].sort()).toEqual(commands.map((command) => command.line).sort());
  });
});
