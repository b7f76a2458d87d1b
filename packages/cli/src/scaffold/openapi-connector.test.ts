import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectorError } from '@connectorkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { nameForms } from './names.js';
import { generateFromOpenApi } from './openapi-connector.js';
import { loadOpenApiDocument, parseOpenApiDocument } from './openapi-document.js';

const MONOREPO = fileURLToPath(new URL('../../../../', import.meta.url));
const PETSTORE = fileURLToPath(new URL('./test-fixtures/petstore.yaml', import.meta.url));

const generate = async (spec = PETSTORE) =>
  generateFromOpenApi(await loadOpenApiDocument(spec), {
    forms: nameForms('petstore'),
    packageName: '@connectorkit/connector-petstore',
    version: '0.1.0',
  });

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('generateFromOpenApi (petstore.yaml)', () => {
  it('makes one action per operation, named by operationId or method and path', async () => {
    const generation = await generate();
    expect(generation.actions.map((action) => `${action.name} ${action.method} ${action.path}`)).toEqual([
      'listPets GET /pets',
      'createPet POST /pets',
      'showPetById GET /pets/{petId}',
      'updatePet PUT /pets/{petId}',
      'deletePet DELETE /pets/{petId}',
      'downloadPhoto GET /pets/{petId}/photo',
      'getInventory GET /store/inventory',
      'getHealth GET /health',
    ]);
    expect(generation.title).toBe('Swagger Petstore');
    expect(generation.description).toBe(
      'A sample pet store API: pets, their photos and the store inventory.',
    );
  });

  it('says what it left out and which credentials it chose', async () => {
    const { notes } = await generate();
    expect(notes).toContainEqual(
      expect.stringMatching(
        /^skipped POST \/pets\/\{petId\}\/upload \(uploadPhoto\): request body of type multipart\/form-data/,
      ),
    );
    expect(notes).toContainEqual(
      expect.stringContaining("security scheme 'bearerAuth'; the document also has api_key"),
    );
  });

  it('types inputs from parameters and bodies, outputs from the success response, $refs as shared schemas', async () => {
    const { files } = await generate();
    const show = files.get('src/actions/show-pet-by-id.ts') ?? '';
    expect(show).toContain("import { Pet } from '../schemas.js';");
    expect(show).toMatch(
      /petId: Type\.Integer\(\{ format: 'int64', minimum: 1, description: 'Id of the pet' \}\)/,
    );
    expect(show).toContain('const Output = Pet;');
    expect(show).toContain('idempotent: true');
    const list = files.get('src/actions/list-pets.ts') ?? '';
    expect(list).toContain("'X-Request-Id': input['X-Request-Id']");
    expect(list).toContain('tags: Type.Optional(Type.Array(Type.String()');
    expect(list).toMatch(/limit: Type\.Optional\(\s*Type\.Integer\(\{ minimum: 1, maximum: 100, default: 20/);
    const create = files.get('src/actions/create-pet.ts') ?? '';
    expect(create).toContain('body: NewPet');
    expect(create).not.toContain('idempotent');
    const schemas = files.get('src/schemas.ts') ?? '';
    // A recursive reference cannot be named while it is being defined: it is left unchecked.
    expect(schemas).toMatch(
      /parent: Type\.Optional\(Type\.Unknown\(\{ description: 'Category \(recursive, not checked\)' \}\)\)/,
    );
    expect(schemas).toMatch(
      /tag: Type\.Optional\(\s*Type\.Union\(\[Type\.String\(\{ description: 'A free-form label, or null' \}\), Type\.Null\(\)\]\)/,
    );
    expect(schemas).toMatch(/export const Pet = Type.Intersect\(\[\s*NewPet,\s*Type.Object\(/);
    const health = files.get('src/actions/get-health.ts') ?? '';
    expect(health).toContain("auth: { type: 'none' }");
    expect(health).toContain("responseType: 'text'");
    expect(files.get('src/actions/delete-pet.ts')).toContain('return null;');
    expect(files.get('src/actions/download-photo.ts')).toContain(
      "Buffer.from(response.body).toString('base64')",
    );
  });

  it('takes the connection from the servers and security schemes', async () => {
    const { files } = await generate();
    const connection = files.get('src/connection.ts') ?? '';
    expect(connection).toContain("default: 'https://petstore.example.com/v1'");
    expect(connection).toContain(
      "token: Secret({ description: 'Bearer token (bearerAuth), read from an environment variable' })",
    );
    expect(connection).toContain("auth: { type: 'bearer', token: config.token }");
    expect(files.get('README.md')).toContain(`    token: \${PETSTORE_TOKEN}`);
  });

  it('writes a test fixture whose sample calls satisfy the schemas', async () => {
    const { files } = await generate();
    const fixture = JSON.parse(files.get('src/test-fixtures/operations.gen.json') ?? '{}') as {
      auth: unknown;
      operations: { action: string; request: { path: string; query: string[][] } }[];
      skipped: unknown[];
    };
    expect(fixture.auth).toEqual({ in: 'header', name: 'authorization', value: 'Bearer test-token' });
    expect(fixture.skipped).toEqual([]);
    expect(fixture.operations).toHaveLength(8);
    const list = fixture.operations.find((operation) => operation.action === 'listPets');
    expect(list?.request.query).toEqual([
      ['limit', '20'],
      ['tags', 'sample'],
    ]);
    expect(fixture.operations.find((operation) => operation.action === 'showPetById')?.request.path).toBe(
      '/pets/1',
    );
  });

  it('prints code Biome leaves as it is (formatting, import order, lint)', async () => {
    const { files } = await generate();
    const folder = mkdtempSync(join(tmpdir(), 'ck-openapi-format-'));
    folders.push(folder);
    copyFileSync(join(MONOREPO, 'biome.json'), join(folder, 'biome.json'));
    for (const [path, content] of files) {
      if (!path.endsWith('.ts')) continue;
      mkdirSync(dirname(join(folder, path)), { recursive: true });
      writeFileSync(join(folder, path), content);
    }
    const result = spawnSync(
      process.execPath,
      [
        join(MONOREPO, 'node_modules', '@biomejs', 'biome', 'bin', 'biome'),
        'check',
        '--vcs-enabled=false',
        '.',
      ],
      { cwd: folder, encoding: 'utf8' },
    );
    expect(result.stdout + result.stderr).toContain('No fixes applied');
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});

describe('parseOpenApiDocument', () => {
  const failure = async (text: string) => {
    const error = await parseOpenApiDocument(text, 'spec.yaml').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorError);
    return (error as ConnectorError).message;
  };

  it('rejects what it cannot turn into actions, saying why', async () => {
    expect(await failure('swagger: "2.0"\npaths: {}\n')).toContain(
      'Swagger 2.0 document; only OpenAPI 3 is supported',
    );
    expect(await failure('openapi: 2.5.0\npaths: {}\n')).toContain(
      "'openapi' must be a 3.0.x or 3.1.x version",
    );
    expect(await failure('openapi: 3.0.0\npaths: {}\n')).toContain('has no paths');
    expect(await failure('{ not json')).toContain('neither valid YAML nor JSON');
  });

  it('reads JSON as well as YAML and names a reference to another file', async () => {
    const document = await parseOpenApiDocument(
      JSON.stringify({
        openapi: '3.1.0',
        info: { title: 'T', version: '1' },
        paths: { '/a': { get: { responses: { '200': { $ref: 'other.yaml#/components/responses/A' } } } } },
      }),
      'spec.json',
    );
    expect(document.version).toBe('3.1');
    const error = (() => {
      try {
        generateFromOpenApi(document, { forms: nameForms('t'), packageName: 't', version: '0.1.0' });
        return undefined;
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toContain("refers to 'other.yaml#/components/responses/A' in another document");
  });

  it('turns OpenAPI 3.1 type lists and consts into unions and literals', async () => {
    const document = await parseOpenApiDocument(
      JSON.stringify({
        openapi: '3.1.0',
        info: { title: 'T', version: '1' },
        paths: {
          '/things': {
            post: {
              operationId: 'addThing',
              requestBody: {
                required: true,
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      required: ['kind'],
                      properties: {
                        kind: { const: 'thing' },
                        size: { type: ['integer', 'null'], exclusiveMinimum: 0 },
                      },
                    },
                  },
                },
              },
              responses: {
                '200': { description: 'ok', content: { 'application/json': { schema: { type: 'string' } } } },
              },
            },
          },
        },
      }),
      'spec.json',
    );
    const { files } = generateFromOpenApi(document, {
      forms: nameForms('t'),
      packageName: 't',
      version: '0.1.0',
    });
    const action = files.get('src/actions/add-thing.ts') ?? '';
    expect(action).toContain("kind: Type.Literal('thing')");
    expect(action).toContain(
      'size: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { exclusiveMinimum: 0 }))',
    );
  });
});
