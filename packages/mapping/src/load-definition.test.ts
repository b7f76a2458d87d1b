import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMessageDefinition } from './load-definition.js';
import { caught, fixturePath } from './test-support.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mapping-definitions-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('loadMessageDefinition', () => {
  it('reads a JSON Schema file as it is', async () => {
    const definition = await loadMessageDefinition(fixturePath('order.entity.schema.json'));
    expect(definition.format).toBe('json');
    expect(definition.schema.title).toBe('SalesOrder');
    expect(definition.source).toBe(fixturePath('order.entity.schema.json'));
  });

  it('infers the schema of a sample', async () => {
    const definition = await loadMessageDefinition(fixturePath('shop-order.sample.json'), {
      display: 'shop.json',
    });
    expect(definition).toMatchObject({ format: 'json', source: 'shop.json' });
    expect(definition.schema.properties?.created).toEqual({ type: 'string', format: 'date-time' });
    expect(definition.schema.required).toContain('orderId');
  });

  it('reads YAML schemas and samples, and honours an explicit kind', async () => {
    const schemaFile = join(folder, 'customer.yaml');
    await writeFile(schemaFile, 'type: object\nproperties:\n  name: { type: string }\n');
    expect((await loadMessageDefinition(schemaFile)).schema).toEqual({
      type: 'object',
      properties: { name: { type: 'string' } },
    });
    const asSample = await loadMessageDefinition(schemaFile, { kind: 'sample' });
    expect(asSample.schema.properties?.properties?.type).toBe('object');
  });

  it('reads an XSD with a chosen root element', async () => {
    const file = join(folder, 'two.xsd');
    await writeFile(
      file,
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="A" type="xs:string"/><xs:element name="B" type="xs:int"/></xs:schema>',
    );
    expect((await loadMessageDefinition(file)).root?.name).toBe('A');
    const b = await loadMessageDefinition(file, { element: 'B' });
    expect(b.root?.name).toBe('B');
    expect(b.schema).toMatchObject({ type: 'integer' });
  });

  it('names the file in every failure', async () => {
    const missing = await caught(() =>
      loadMessageDefinition(join(folder, 'absent.json'), { display: 'absent.json' }),
    );
    expect(missing).toMatchObject({
      reason: 'DEFINITION_INVALID',
      message: 'absent.json: cannot read the definition (ENOENT)',
    });
    const broken = join(folder, 'broken.json');
    await writeFile(broken, '{ "type": ');
    const invalid = await caught(() => loadMessageDefinition(broken, { display: 'broken.json' }));
    expect(invalid).toMatchObject({ reason: 'DEFINITION_INVALID' });
    expect((invalid as Error).message).toMatch(/^broken\.json: not valid JSON: /);
    const list = join(folder, 'list.json');
    await writeFile(list, '[1, 2]');
    const notObject = await caught(() => loadMessageDefinition(list, { kind: 'schema' }));
    expect((notObject as Error).message).toContain('a JSON Schema must be an object');
  });
});
