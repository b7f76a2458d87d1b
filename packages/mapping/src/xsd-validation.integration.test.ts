import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMapping } from './mapping.js';
import { fixturePath, readFixture } from './test-support.js';

const run = promisify(execFile);

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mapping-xsd-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Validates files against an XSD with the JDK's schema validator (a real XSD implementation). */
async function validateWithJdk(schema: string, files: string[]): Promise<string[]> {
  const { stdout } = await run('java', [fixturePath('ValidateXsd.java'), fixturePath(schema), ...files], {
    timeout: 120_000,
  });
  return stdout.trim().split('\n');
}

describe('exported XML against the XSD (JDK validator)', () => {
  it('XML → entity → XML validates against order.xsd, and a broken message does not', {
    timeout: 180_000,
  }, async () => {
    const mapping = await loadMapping(fixturePath('order.mapping.yaml'));
    const files: string[] = [];
    for (const name of ['order.xml', 'order-pickup.xml']) {
      const result = await mapping.import(await readFixture(name));
      if (!result.ok) throw result.error;
      const exported = await mapping.export(result.value);
      if (!exported.ok) throw exported.error;
      const file = join(folder, `exported-${name}`);
      await writeFile(file, exported.text);
      files.push(file);
    }
    const broken = join(folder, 'broken.xml');
    // Elements out of the sequence order: the XSD validator must refuse it.
    await writeFile(
      broken,
      (await readFixture('order-pickup.xml'))
        .replace('<PickupPoint>AMS-04</PickupPoint>', '')
        .replace('</Order>', '<PickupPoint>AMS-04</PickupPoint></Order>'),
    );
    const lines = await validateWithJdk('order.xsd', [...files, broken]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`VALID ${files[0]}`);
    expect(lines[1]).toBe(`VALID ${files[1]}`);
    expect(lines[2]).toMatch(/^INVALID /);
  });

  it('XML → entity → XML validates against invoice.xsd and the schema it imports; wrong namespaces do not', {
    timeout: 180_000,
  }, async () => {
    const mapping = await loadMapping(fixturePath('invoice.mapping.yaml'));
    const result = await mapping.import(await readFixture('invoice.xml'));
    if (!result.ok) throw result.error;
    const exported = await mapping.export(result.value);
    if (!exported.ok) throw exported.error;
    const file = join(folder, 'exported-invoice.xml');
    await writeFile(file, exported.text);
    // The common components written in the invoice's own namespace: the XSD validator must refuse it.
    const wrongNamespace = join(folder, 'wrong-namespace-invoice.xml');
    await writeFile(
      wrongNamespace,
      exported.text.replaceAll('<cac:Name>', '<Name>').replaceAll('</cac:Name>', '</Name>'),
    );
    // The global attribute written unqualified: refused too.
    const unqualified = join(folder, 'unqualified-attribute-invoice.xml');
    await writeFile(unqualified, exported.text.replace('cac:schemeID=', 'schemeID='));
    const lines = await validateWithJdk('invoice.xsd', [file, wrongNamespace, unqualified]);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`VALID ${file}`);
    expect(lines[1]).toMatch(/^INVALID .*"urn:example:invoice:2":Name/);
    expect(lines[2]).toMatch(/^INVALID .*schemeID/);
  });
});
