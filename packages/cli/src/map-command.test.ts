import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestProject, runCli, type TestProject } from './test-support/project.js';

// A CRM contact (JSON, defined by a sample) to and from the application's Contact entity.
const MAPPING = `mapping: contact
message:
  definition: contact.sample.json
  kind: sample
entity:
  definition: contact.entity.schema.json
import:
  fields:
    name: { expr: "first_name & ' ' & last_name" }
    age: age
    country: { from: country, values: { GB: United Kingdom, NL: Netherlands } }
export:
  fields:
    first_name: { expr: "$substringBefore(name, ' ')" }
    last_name: { expr: "$substringAfter(name, ' ')" }
    age: { from: age, type: string }
    country: { from: country, values: { United Kingdom: GB, Netherlands: NL } }
`;
const ENTITY = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    age: { type: 'integer', minimum: 0 },
    country: { type: 'string', enum: ['United Kingdom', 'Netherlands'] },
  },
  required: ['name', 'age'],
  additionalProperties: false,
};
const ADA = { first_name: 'Ada', last_name: 'Lovelace', age: '36', country: 'GB' };

let project: TestProject;

beforeEach(() => {
  project = createTestProject('connections: {}\n');
  writeFileSync(join(project.root, 'contact.mapping.yaml'), MAPPING);
  writeFileSync(join(project.root, 'contact.sample.json'), JSON.stringify(ADA));
  writeFileSync(join(project.root, 'contact.entity.schema.json'), JSON.stringify(ENTITY));
  writeFileSync(join(project.root, 'ada.json'), JSON.stringify(ADA));
});
afterEach(() => project.cleanup());

const ck = (argv: string[]) => runCli(argv, { cwd: project.root, env: {} });

describe('ck map', () => {
  it('imports a message into entities and prints them as JSON', async () => {
    const result = await ck(['map', 'contact.mapping.yaml', 'ada.json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ name: 'Ada Lovelace', age: 36, country: 'United Kingdom' });
  });

  it('exports entities as the message, to a file', async () => {
    writeFileSync(
      join(project.root, 'entity.json'),
      JSON.stringify({ name: 'Grace Hopper', age: 85, country: 'Netherlands' }),
    );
    const result = await ck([
      'map',
      'contact.mapping.yaml',
      'entity.json',
      '--export',
      '--out',
      'grace.json',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, direction: 'export', out: 'grace.json' });
    expect(JSON.parse(readFileSync(join(project.root, 'grace.json'), 'utf8'))).toEqual({
      first_name: 'Grace',
      last_name: 'Hopper',
      age: '85',
      country: 'NL',
    });
  });

  it('lists every violation with its target and source path, exit code 1', async () => {
    writeFileSync(join(project.root, 'bad.json'), JSON.stringify({ ...ADA, age: 'old', country: 'FR' }));
    const text = await ck(['map', 'contact.mapping.yaml', 'bad.json']);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('bad.json does not map with contact.mapping.yaml');
    expect(text.stderr).toMatch(/\$\.age ← \$\.age: /);
    expect(text.stderr).toMatch(/\$\.country ← \$\.country: /);
    const json = await ck(['map', 'contact.mapping.yaml', 'bad.json', '--json']);
    expect(json.code).toBe(1);
    const answer = JSON.parse(json.stdout) as {
      ok: boolean;
      code: string;
      violations: { targetPath: string }[];
    };
    expect(answer).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(answer.violations.map((violation) => violation.targetPath).sort()).toEqual(['$.age', '$.country']);
  });

  it('names a wrong mapping file by line and column, and a missing input file', async () => {
    writeFileSync(
      join(project.root, 'broken.mapping.yaml'),
      MAPPING.replace("first_name & ' ' & last_name", 'first_name & ('),
    );
    const broken = await ck(['map', 'broken.mapping.yaml', 'ada.json']);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/broken\.mapping\.yaml:\d+:\d+/);
    const missing = await ck(['map', 'contact.mapping.yaml', 'nowhere.json']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('nowhere.json');
  });
});

describe('ck schema infer', () => {
  it('infers types, optional fields across samples and formats', async () => {
    writeFileSync(
      join(project.root, 'o1.json'),
      JSON.stringify({ id: 1, at: '2026-05-01T10:00:00Z', lines: [{ sku: 'A', qty: 2 }] }),
    );
    writeFileSync(
      join(project.root, 'o2.json'),
      JSON.stringify({ id: 2, lines: [{ sku: 'B', qty: 1, note: 'gift' }] }),
    );
    const result = await ck(['schema', 'infer', 'o1.json', 'o2.json', '--out', 'order.schema.json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('wrote order.schema.json (from 2 samples)');
    const schema = JSON.parse(readFileSync(join(project.root, 'order.schema.json'), 'utf8')) as {
      properties: Record<string, { type?: unknown; format?: string; items?: { required?: string[] } }>;
      required: string[];
    };
    expect(schema.required.sort()).toEqual(['id', 'lines']);
    expect(schema.properties.id?.type).toBe('integer');
    expect(schema.properties.at?.format).toBe('date-time');
    expect(schema.properties.lines?.items?.required?.sort()).toEqual(['qty', 'sku']);
  });

  it('refuses an unknown subcommand and a sample that is not JSON', async () => {
    expect((await ck(['schema', 'guess', 'o1.json'])).stderr).toContain("use 'ck schema infer");
    writeFileSync(join(project.root, 'bad.json'), '{nope');
    const bad = await ck(['schema', 'infer', 'bad.json']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('bad.json: not a JSON sample');
  });
});
