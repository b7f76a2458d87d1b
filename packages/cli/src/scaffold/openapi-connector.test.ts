import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type AnyConnectorDefinition, ConnectorError, createKit, type TSchema } from '@connectorkit/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
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
      'uploadPhoto POST /pets/{petId}/upload',
      'getInventory GET /store/inventory',
      'getHealth GET /health',
    ]);
    expect(generation.title).toBe('Swagger Petstore');
    expect(generation.description).toBe(
      'A sample pet store API: pets, their photos and the store inventory.',
    );
  });

  it('tests every operation, and says which credentials it chose', async () => {
    const { notes } = await generate();
    expect(notes.filter((note) => note.startsWith('no test for'))).toEqual([]);
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
    const upload = files.get('src/actions/upload-photo.ts') ?? '';
    expect(upload).toContain("import { toFormData } from '../form-data.js';");
    expect(upload).toContain("body: input.body === undefined ? undefined : toFormData(input.body, ['file'])");
    expect(upload).toMatch(
      /file: Type\.Optional\(\s*Type\.Object\(\s*\{\s*content: Type\.String\(\{\s*contentEncoding: 'base64'/,
    );
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
      operations: {
        action: string;
        input: unknown;
        request: { path: string; query: string[][]; body: unknown };
      }[];
      skipped: unknown[];
    };
    expect(fixture.auth).toEqual({ in: 'header', name: 'authorization', value: 'Bearer test-token' });
    expect(fixture.skipped).toEqual([]);
    expect(fixture.operations).toHaveLength(9);
    // A multipart body is expected as the entries the stub reads back; the file's base64 survives the trip.
    const upload = fixture.operations.find((operation) => operation.action === 'uploadPhoto');
    expect(upload?.input).toEqual({ petId: 1, body: { file: { content: 'c2FtcGxl' } } });
    expect(Buffer.from('c2FtcGxl', 'base64').toString()).toBe('sample');
    expect(upload?.request.body).toEqual([
      ['file', { filename: 'file', contentType: 'application/octet-stream', content: 'c2FtcGxl' }],
    ]);
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

// ------------------------------------------------------------------ generated code on the wire

/** A request as the local HTTP peer of the generated actions received it. */
interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: [string, string][];
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

const received: ReceivedRequest[] = [];
let issuedTokens = 0;
/** The API of the specs below and an OAuth 2 token endpoint, on 127.0.0.1. */
const peer = createServer(async (request, response) => {
  response.setHeader('connection', 'close');
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const url = new URL(request.url ?? '/', 'http://localhost');
  received.push({
    method: request.method ?? 'GET',
    path: url.pathname,
    query: [...url.searchParams.entries()],
    headers: request.headers,
    body: Buffer.concat(chunks),
  });
  response.writeHead(200, { 'content-type': 'application/json' });
  if (url.pathname === '/oauth/token') {
    issuedTokens += 1;
    response.end(
      JSON.stringify({ access_token: `issued-${issuedTokens}`, token_type: 'Bearer', expires_in: 600 }),
    );
  } else {
    response.end(JSON.stringify({ id: 'thing-1' }));
  }
});
peer.listen(0, '127.0.0.1');
await once(peer, 'listening');
const origin = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
afterAll(() => {
  peer.closeAllConnections();
  peer.close();
});
beforeEach(() => {
  received.length = 0;
});

const THING = { type: 'object', properties: { id: { type: 'string' } } };
const json = (schema: unknown) => ({ description: 'ok', content: { 'application/json': { schema } } });

/** A small API secured by `scheme`: one authenticated operation and one public one. */
function securedSpec(scheme: Record<string, unknown>, scopes: string[] = []): string {
  return JSON.stringify({
    openapi: '3.1.0',
    info: { title: 'Things', version: '1' },
    servers: [{ url: 'https://things.example.com/v1' }],
    security: [{ secured: scopes }],
    paths: {
      '/things/{id}': {
        get: {
          operationId: 'getThing',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'verbose', in: 'query', schema: { type: 'boolean' } },
          ],
          responses: { '200': json(THING) },
        },
      },
      '/status': { get: { operationId: 'getStatus', security: [], responses: { '200': json(THING) } } },
    },
    components: { securitySchemes: { secured: scheme } },
  });
}

/** Generates a connector from `spec`, writes it to a temporary folder and imports it. */
async function generatedConnector(spec: string): Promise<{
  connector: AnyConnectorDefinition;
  files: ReadonlyMap<string, string>;
}> {
  const document = await parseOpenApiDocument(spec, 'things.json');
  const { files } = generateFromOpenApi(document, {
    forms: nameForms('things'),
    packageName: '@connectorkit/connector-things',
    version: '0.1.0',
  });
  const folder = mkdtempSync(join(tmpdir(), 'ck-openapi-wire-'));
  folders.push(folder);
  for (const [path, content] of files) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
  mkdirSync(join(folder, 'node_modules', '@connectorkit'), { recursive: true });
  symlinkSync(join(MONOREPO, 'packages', 'core'), join(folder, 'node_modules', '@connectorkit', 'core'));
  const module = (await import(pathToFileURL(join(folder, 'src', 'index.ts')).href)) as {
    default: AnyConnectorDefinition;
  };
  return { connector: module.default, files };
}

/** Invokes `things.<action>` on a connection configured with `config` (and the peer's base URL). */
async function invoke(
  connector: AnyConnectorDefinition,
  config: Record<string, unknown>,
  action: string,
  input: unknown,
): Promise<unknown> {
  await using kit = createKit({
    connectors: [connector],
    connections: { things: { connector: 'things', baseUrl: `${origin}/v1`, ...config } },
    logger: { level: 'silent' },
  });
  return await kit.invokeDynamic(`things.${action}`, input, { retry: false });
}

/** The connection config's properties: which are secret, their defaults. */
function connectionFields(connector: AnyConnectorDefinition): Record<string, Record<string, unknown>> {
  const schema = connector.connection.config as TSchema & {
    properties: Record<string, Record<string, unknown>>;
  };
  return schema.properties;
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('--from-openapi security schemes: the connection fields, and the credentials on the wire', () => {
  it.each([
    {
      name: 'apiKey in a header',
      scheme: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      config: { apiKey: 'key-123' },
      secrets: ['apiKey'],
      sent: (request: ReceivedRequest) => {
        expect(request.headers['x-api-key']).toBe('key-123');
        expect(request.headers.authorization).toBeUndefined();
        expect(request.query).toEqual([['verbose', 'true']]);
      },
    },
    {
      name: 'apiKey in the query',
      scheme: { type: 'apiKey', in: 'query', name: 'api_key' },
      config: { apiKey: 'key-123' },
      secrets: ['apiKey'],
      sent: (request: ReceivedRequest) => {
        expect(request.query).toEqual([
          ['verbose', 'true'],
          ['api_key', 'key-123'],
        ]);
        expect(request.headers.authorization).toBeUndefined();
      },
    },
    {
      name: 'http basic',
      scheme: { type: 'http', scheme: 'basic' },
      config: { username: 'ada', password: 'pw-123' },
      secrets: ['password'],
      sent: (request: ReceivedRequest) => expect(request.headers.authorization).toBe(basic('ada', 'pw-123')),
    },
    {
      name: 'http bearer',
      scheme: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      config: { token: 'token-123' },
      secrets: ['token'],
      sent: (request: ReceivedRequest) => expect(request.headers.authorization).toBe('Bearer token-123'),
    },
  ])('$name', async ({ scheme, config, secrets, sent }) => {
    const { connector } = await generatedConnector(securedSpec(scheme));
    const fields = connectionFields(connector);
    for (const [key, field] of Object.entries(fields)) {
      expect(field['x-secret'] === true, `${key} is secret`).toBe(secrets.includes(key));
    }
    expect(Object.keys(fields)).toEqual(['baseUrl', ...Object.keys(config), 'timeoutMs']);

    expect(await invoke(connector, config, 'getThing', { id: 'a/1', verbose: true })).toEqual({
      id: 'thing-1',
    });
    expect(await invoke(connector, config, 'getStatus', {})).toEqual({ id: 'thing-1' });
    const [thing, status] = received;
    expect(thing?.path).toBe('/v1/things/a%2F1');
    sent(thing as ReceivedRequest);
    // The public operation carries no credentials at all.
    expect(status?.headers.authorization).toBeUndefined();
    expect(status?.headers['x-api-key']).toBeUndefined();
    expect(status?.query).toEqual([]);
  });

  it('oauth2 client credentials: a token from the token endpoint, reused, sent as Bearer', async () => {
    const scheme = {
      type: 'oauth2',
      flows: {
        // Relative to the server, as OpenAPI 3.1 allows.
        clientCredentials: {
          tokenUrl: '/oauth/token',
          scopes: { 'things:read': 'Read things', 'things:write': '' },
        },
      },
    };
    const { connector, files } = await generatedConnector(securedSpec(scheme, ['things:read']));
    const fields = connectionFields(connector);
    expect(Object.keys(fields)).toEqual([
      'baseUrl',
      'clientId',
      'clientSecret',
      'tokenUrl',
      'scopes',
      'accessToken',
      'timeoutMs',
    ]);
    expect(
      Object.entries(fields)
        .filter(([, field]) => field['x-secret'] === true)
        .map(([key]) => key),
    ).toEqual(['clientSecret', 'accessToken']);
    expect(fields.tokenUrl?.default).toBe('https://things.example.com/oauth/token');
    expect(fields.scopes?.default).toEqual(['things:read']);
    expect(files.get('README.md')).toContain(`    clientSecret: \${THINGS_CLIENT_SECRET}`);

    const config = { clientId: 'client-1', clientSecret: 'secret-1', tokenUrl: `${origin}/oauth/token` };
    await using kit = createKit({
      connectors: [connector],
      connections: { things: { connector: 'things', baseUrl: `${origin}/v1`, ...config } },
      logger: { level: 'silent' },
    });
    await kit.invokeDynamic('things.getThing', { id: '1' }, { retry: false });
    await kit.invokeDynamic('things.getThing', { id: '2' }, { retry: false });
    await kit.invokeDynamic('things.getStatus', {}, { retry: false });
    expect(received.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /oauth/token',
      'GET /v1/things/1',
      'GET /v1/things/2',
      'GET /v1/status',
    ]);
    const [token, first, second, status] = received;
    expect(token?.headers.authorization).toBe(basic('client-1', 'secret-1'));
    expect(token?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(token?.body.toString()))).toEqual({
      grant_type: 'client_credentials',
      scope: 'things:read',
    });
    expect(first?.headers.authorization).toBe(`Bearer issued-${issuedTokens}`);
    expect(second?.headers.authorization).toBe(first?.headers.authorization);
    expect(status?.headers.authorization).toBeUndefined();
  });

  it('oauth2 client credentials: an access token given instead is sent as it is', async () => {
    const scheme = {
      type: 'oauth2',
      flows: { clientCredentials: { tokenUrl: `${origin}/oauth/token`, scopes: {} } },
    };
    const { connector } = await generatedConnector(securedSpec(scheme));
    await invoke(connector, { accessToken: 'given-token' }, 'getThing', { id: '1' });
    expect(received.map((request) => [request.path, request.headers.authorization])).toEqual([
      ['/v1/things/1', 'Bearer given-token'],
    ]);
  });
});

describe('--from-openapi form bodies', () => {
  const formSpec = JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'Things', version: '1' },
    servers: [{ url: 'https://things.example.com/v1' }],
    paths: {
      '/things/{id}/photos': {
        post: {
          operationId: 'uploadPhotos',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['caption', 'photo'],
                  properties: {
                    caption: { type: 'string' },
                    rating: { type: 'integer' },
                    meta: { type: 'object', properties: { camera: { type: 'string' } } },
                    photo: { type: 'string', format: 'binary', description: 'The photo' },
                    thumbnails: { type: 'array', items: { type: 'string', format: 'binary' } },
                  },
                },
              },
            },
          },
          responses: { '200': json(THING) },
        },
      },
      '/search': {
        post: {
          operationId: 'search',
          requestBody: {
            content: {
              'application/x-www-form-urlencoded': {
                schema: {
                  type: 'object',
                  properties: { q: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
                },
              },
            },
          },
          responses: { '200': json(THING) },
        },
      },
    },
  });
  const base64 = (text: string) => Buffer.from(text).toString('base64');

  it('multipart/form-data: fields as text, objects as JSON, files with their name and media type', async () => {
    const { connector, files } = await generatedConnector(formSpec);
    expect(files.get('src/actions/upload-photos.ts')).toContain(
      "body: toFormData(input.body, ['photo', 'thumbnails'])",
    );
    expect(files.has('src/form-data.test.ts')).toBe(true);
    const input = {
      id: 'rex',
      body: {
        caption: 'Rex at the beach',
        rating: 5,
        meta: { camera: 'X100' },
        photo: { content: base64('PNG bytes'), filename: 'rex.png', contentType: 'image/png' },
        thumbnails: [{ content: base64('small') }, { content: base64('smaller'), filename: 'tiny.png' }],
      },
    };
    expect(await invoke(connector, {}, 'uploadPhotos', input)).toEqual({ id: 'thing-1' });
    const [request] = received;
    expect(request?.path).toBe('/v1/things/rex/photos');
    const contentType = String(request?.headers['content-type']);
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(request?.body, { headers: { 'content-type': contentType } }).formData();
    expect(form.get('caption')).toBe('Rex at the beach');
    expect(form.get('rating')).toBe('5');
    expect(form.get('meta')).toBe('{"camera":"X100"}');
    const photo = form.get('photo') as File;
    expect([photo.name, photo.type, await photo.text()]).toEqual(['rex.png', 'image/png', 'PNG bytes']);
    const thumbnails = form.getAll('thumbnails') as File[];
    expect(
      await Promise.all(thumbnails.map(async (file) => [file.name, file.type, await file.text()])),
    ).toEqual([
      ['thumbnails', 'application/octet-stream', 'small'],
      ['tiny.png', 'application/octet-stream', 'smaller'],
    ]);
  });

  it('multipart/form-data: the test fixture expects the entries the action sends', async () => {
    const { connector, files } = await generatedConnector(formSpec);
    const fixture = JSON.parse(files.get('src/test-fixtures/operations.gen.json') ?? '{}') as {
      operations: { action: string; input: unknown; request: { body: unknown } }[];
      skipped: unknown[];
    };
    expect(fixture.skipped).toEqual([]);
    const upload = fixture.operations.find((operation) => operation.action === 'uploadPhotos');
    // Every rule of toFormData shows: text, a number, an object as JSON, a file and a list of files by default name and type.
    const file = { filename: 'photo', contentType: 'application/octet-stream', content: 'c2FtcGxl' };
    expect(upload?.request.body).toEqual([
      ['caption', 'sample'],
      ['rating', '1'],
      ['meta', '{}'],
      ['photo', file],
      ['thumbnails', { ...file, filename: 'thumbnails' }],
    ]);
    await invoke(connector, {}, 'uploadPhotos', upload?.input);
    const [request] = received;
    const form = await new Response(request?.body, {
      headers: { 'content-type': String(request?.headers['content-type']) },
    }).formData();
    const entries = await Promise.all(
      [...form].map(async ([name, value]) =>
        typeof value === 'string'
          ? [name, value]
          : [
              name,
              {
                filename: value.name,
                contentType: value.type,
                content: Buffer.from(await value.arrayBuffer()).toString('base64'),
              },
            ],
      ),
    );
    expect(entries).toEqual(upload?.request.body);
  });

  it('multipart/form-data: a file must be given as base64 content', async () => {
    const { connector } = await generatedConnector(formSpec);
    const error = await invoke(connector, {}, 'uploadPhotos', {
      id: 'rex',
      body: { caption: 'Rex', photo: 'not a file part' },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect(received).toEqual([]);
  });

  it('application/x-www-form-urlencoded: arrays repeat their field; an optional body may be left out', async () => {
    const { connector, files } = await generatedConnector(formSpec);
    expect(files.get('src/actions/search.ts')).toContain(
      'body: input.body === undefined ? undefined : toSearchParams(input.body)',
    );
    await invoke(connector, {}, 'search', { body: { q: 'red & blue', tags: ['a', 'b'] } });
    await invoke(connector, {}, 'search', {});
    const [filled, empty] = received;
    expect(filled?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(filled?.body.toString()).toBe('q=red+%26+blue&tags=a&tags=b');
    expect(empty?.body.byteLength).toBe(0);
  });

  it('lists an operation without a valid sample input as untested, in the notes and the README', async () => {
    const spec = JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'Things', version: '1' },
      paths: {
        '/codes': {
          get: {
            operationId: 'findCode',
            parameters: [
              {
                name: 'code',
                in: 'query',
                required: true,
                schema: { type: 'string', pattern: '^[A-Z]{2}-\\d{4}$' },
              },
            ],
            responses: { '200': json(THING) },
          },
        },
      },
    });
    const generation = generateFromOpenApi(await parseOpenApiDocument(spec, 'things.json'), {
      forms: nameForms('things'),
      packageName: 'things',
      version: '0.1.0',
    });
    const note = String.raw`no test for findCode: no sample input could be made ($.code must match pattern "^[A-Z]{2}-\d{4}$", got "sample")`;
    expect(generation.notes).toContainEqual(note);
    expect(generation.files.get('README.md')).toContain(`- ${note}`);
    const fixture = JSON.parse(generation.files.get('src/test-fixtures/operations.gen.json') ?? '{}') as {
      operations: unknown[];
      skipped: { action: string }[];
    };
    expect(fixture.operations).toEqual([]);
    expect(fixture.skipped.map((entry) => entry.action)).toEqual(['findCode']);
  });

  it('says why it leaves out a form it cannot send', async () => {
    const spec = JSON.parse(formSpec) as {
      paths: Record<string, { post: { requestBody: { content: Record<string, { schema: unknown }> } } }>;
    };
    const search = spec.paths['/search']?.post.requestBody.content['application/x-www-form-urlencoded'];
    if (search === undefined) throw new Error('the spec above has a URL-encoded search');
    search.schema = { type: 'object', properties: { file: { type: 'string', format: 'binary' } } };
    const generation = generateFromOpenApi(await parseOpenApiDocument(JSON.stringify(spec), 'things.json'), {
      forms: nameForms('things'),
      packageName: 'things',
      version: '0.1.0',
    });
    expect(generation.notes).toContainEqual(
      "skipped POST /search (search): file field 'file' in a URL-encoded request body is not supported — write this action by hand",
    );
  });
});
