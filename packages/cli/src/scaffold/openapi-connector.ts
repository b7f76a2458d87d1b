import { compileValidator } from '@connectorkit/core';
import {
  compareNames,
  constStatement,
  type Doc,
  type Expression,
  group,
  hardline,
  importStatement,
  indent,
  js,
  line,
  type Property,
  printExpression,
  printModule,
  propertyKey,
  stringLiteral,
} from './code-printer.js';
import type { NameForms } from './names.js';
import {
  HTTP_METHODS,
  isNode,
  type OpenApiDocument,
  type OpenApiNode,
  stringOf,
} from './openapi-document.js';
import {
  FORM_DATA_MODULE,
  FORM_DATA_TEST_MODULE,
  OAUTH2_MODULE,
  OAUTH2_TEST_MODULE,
} from './openapi-runtime-modules.js';
import {
  identifierFrom,
  referencedComponents,
  SchemaConverter,
  sampleValue,
  type TypeNode,
  typeBoxCode,
} from './schema-model.js';

/** What `--from-openapi` produces besides the template's static files. */
export interface OpenApiGeneration {
  /** Generated files: path in the package → content. */
  readonly files: ReadonlyMap<string, string>;
  readonly title: string;
  readonly description: string;
  readonly actions: readonly GeneratedAction[];
  /** What was left out or chosen, for the user to read. */
  readonly notes: readonly string[];
}

export interface GeneratedAction {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly summary: string;
}

export interface OpenApiGenerationOptions {
  readonly forms: NameForms;
  readonly packageName: string;
  readonly version: string;
  /** Overrides the description taken from the document's info. */
  readonly description?: string | undefined;
}

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  /** The input property holding it (renamed when two parameters share a name). */
  readonly property: string;
  readonly node: TypeNode;
  readonly required: boolean;
}

type OutputPlan =
  | { readonly kind: 'json'; readonly node: TypeNode; readonly contentType: string }
  | { readonly kind: 'text' | 'bytes'; readonly contentType: string }
  | { readonly kind: 'none' };

interface Operation {
  readonly name: string;
  readonly file: string;
  readonly method: string;
  readonly path: string;
  readonly summary: string | undefined;
  readonly description: string;
  readonly parameters: readonly Parameter[];
  readonly body:
    | {
        readonly property: string;
        readonly node: TypeNode;
        readonly required: boolean;
        /** `multipart` and `form` send the input's fields as multipart/form-data or URL-encoded. */
        readonly kind: 'json' | 'text' | 'multipart' | 'form';
        /** The multipart fields holding files. */
        readonly files: readonly string[];
      }
    | undefined;
  readonly output: OutputPlan;
  readonly status: number;
  readonly authenticated: boolean;
  readonly input: TypeNode;
}

interface AuthField {
  readonly key: string;
  readonly code: Expression;
  /** The value the generated tests connect with. */
  readonly testValue: unknown;
  /** The environment variable the README reads a secret from. */
  readonly env?: string;
  /** Whether the README's connectorkit.yaml example shows the field. */
  readonly inReadme: boolean;
}

interface AuthPlan {
  /** Connection config fields (TypeBox code) and their test values. */
  readonly fields: readonly AuthField[];
  /** The `auth` option of createHttpClient, or undefined for none. */
  readonly code: Expression | undefined;
  /** Connects with a module of the package's own instead of createHttpClient. */
  readonly client?: {
    readonly function: string;
    /** The module's path in the package, its content and its test's. */
    readonly module: string;
    readonly content: string;
    readonly test: string;
  };
  readonly fixture: { readonly in: 'header' | 'query'; readonly name: string; readonly value: string } | null;
  readonly summary: string;
  /** The security scheme the connection implements. */
  readonly scheme?: string;
}

const TEST_TOKEN = 'test-token';

/** Generates a connector's sources, tests fixture and README from an OpenAPI 3 document. */
export function generateFromOpenApi(
  document: OpenApiDocument,
  options: OpenApiGenerationOptions,
): OpenApiGeneration {
  const { forms } = options;
  const root = document.root;
  const info = isNode(root.info) ? root.info : {};
  const title = stringOf(info.title) ?? forms.title;
  const description =
    options.description ??
    firstParagraph(stringOf(info.summary) ?? stringOf(info.description)) ??
    `${title}, generated from its OpenAPI document.`;
  const notes: string[] = [];
  const converter = new SchemaConverter(document);
  const auth = planAuth(document, forms, notes);
  const operations = planOperations(document, converter, auth.scheme, notes);
  if (operations.length === 0) {
    throw new Error(
      `${document.file}: none of its operations could be turned into an action (see the notes above)`,
    );
  }
  const connectionName = `${forms.camel}Connection`;
  const files = new Map<string, string>();
  for (const operation of operations) {
    files.set(`src/actions/${operation.file}.ts`, actionModule(operation, connectionName));
  }
  if (converter.components.length > 0) files.set('src/schemas.ts', schemasModule(converter));
  files.set('src/connection.ts', connectionModule(document, forms, auth, notes));
  if (auth.client !== undefined) {
    files.set(auth.client.module, auth.client.content);
    files.set(auth.client.module.replace(/\.ts$/, '.test.ts'), auth.client.test);
  }
  if (
    operations.some((operation) => operation.body?.kind === 'multipart' || operation.body?.kind === 'form')
  ) {
    files.set('src/form-data.ts', FORM_DATA_MODULE);
    files.set('src/form-data.test.ts', FORM_DATA_TEST_MODULE);
  }
  files.set('src/connector.ts', connectorModule(operations, forms, title, description, options.version));
  files.set('src/index.ts', indexModule(operations, converter, forms));
  files.set('src/test-fixtures/operations.gen.json', fixtureFile(operations, converter, auth, notes));
  files.set('README.md', readme(document, operations, auth, options, title, description, notes));
  return {
    files,
    title,
    description,
    actions: operations.map((operation) => ({
      name: operation.name,
      method: operation.method,
      path: operation.path,
      summary: operation.summary ?? operation.description,
    })),
    notes,
  };
}

// ------------------------------------------------------------------ planning

function planOperations(
  document: OpenApiDocument,
  converter: SchemaConverter,
  scheme: string | undefined,
  notes: string[],
): Operation[] {
  const operations: Operation[] = [];
  const names = new Set<string>();
  const paths = document.root.paths as OpenApiNode;
  const globalSecurity = document.root.security;
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = document.resolve(rawItem, `paths.${path}`);
    for (const method of HTTP_METHODS) {
      const rawOperation = item[method];
      if (!isNode(rawOperation)) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const baseName = identifierFrom(
        stringOf(rawOperation.operationId) ?? `${method} ${pathWords(path)}`,
        'camel',
      );
      let name = baseName;
      for (let suffix = 2; names.has(name); suffix++) name = `${baseName}${suffix}`;
      const planned = planOperation(
        document,
        converter,
        rawOperation,
        item,
        method,
        path,
        name,
        where,
        globalSecurity,
        scheme,
        notes,
      );
      if (typeof planned === 'string') {
        notes.push(`skipped ${where} (${name}): ${planned} — write this action by hand`);
        continue;
      }
      names.add(name);
      operations.push(planned);
    }
  }
  return operations;
}

function pathWords(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith('{') ? `by ${segment.slice(1, -1)}` : segment))
    .join(' ');
}

function planOperation(
  document: OpenApiDocument,
  converter: SchemaConverter,
  operation: OpenApiNode,
  item: OpenApiNode,
  method: string,
  path: string,
  name: string,
  where: string,
  globalSecurity: unknown,
  chosenScheme: string | undefined,
  notes: string[],
): Operation | string {
  // Operation parameters override path-level ones with the same name and location.
  const byKey = new Map<string, OpenApiNode>();
  for (const raw of [
    ...(Array.isArray(item.parameters) ? item.parameters : []),
    ...(Array.isArray(operation.parameters) ? operation.parameters : []),
  ]) {
    const parameter = document.resolve(raw, `${where} parameters`);
    if (typeof parameter.name === 'string' && typeof parameter.in === 'string') {
      byKey.set(`${parameter.in} ${parameter.name}`, parameter);
    }
  }
  const used = new Set<string>();
  const parameters: Parameter[] = [];
  for (const parameter of byKey.values()) {
    const location = parameter.in as string;
    const parameterName = parameter.name as string;
    if (location === 'cookie') return `cookie parameter '${parameterName}' is not supported`;
    if (location !== 'path' && location !== 'query' && location !== 'header') continue;
    // The client sets these from its own options, as OpenAPI says.
    if (location === 'header' && /^(accept|content-type|authorization)$/i.test(parameterName)) continue;
    let property = parameterName;
    if (used.has(property)) property = identifierFrom(`${location} ${parameterName}`, 'camel');
    used.add(property);
    const schema = isNode(parameter.schema) ? parameter.schema : {};
    let node = converter.convert(schema, `${where} parameter ${parameterName}`);
    if (!isSendable(node, converter, location !== 'path')) {
      node = {
        kind: 'string',
        options: { description: `${parameterDescription(parameter) ?? parameterName} (JSON)` },
      };
    } else {
      node = withDescription(node, parameterDescription(parameter));
    }
    parameters.push({
      name: parameterName,
      in: location,
      property,
      node,
      required: location === 'path' || parameter.required === true,
    });
  }
  let body: Operation['body'];
  if (operation.requestBody !== undefined) {
    const requestBody = document.resolve(operation.requestBody, `${where} requestBody`);
    const content = isNode(requestBody.content) ? requestBody.content : {};
    const jsonType = Object.keys(content).find(isJsonType);
    const formType = Object.keys(content).find((type) => FORM_TYPES.has(baseType(type)));
    const textType = Object.keys(content).find((type) => type.startsWith('text/'));
    const chosen = jsonType ?? formType ?? textType;
    if (chosen === undefined) {
      const types = Object.keys(content).join(', ') || 'none';
      return `request body of type ${types} is not supported (JSON, multipart/form-data, URL-encoded forms and text are)`;
    }
    const media = isNode(content[chosen]) ? (content[chosen] as OpenApiNode) : {};
    const property = used.has('body') ? 'requestBody' : 'body';
    const description = stringOf(requestBody.description);
    const required = requestBody.required === true;
    if (chosen === jsonType) {
      const node = withDescription(converter.convert(media.schema, `${where} requestBody`), description);
      body = { property, node, required, kind: 'json', files: [] };
    } else if (chosen === formType) {
      const multipart = baseType(chosen) === 'multipart/form-data';
      const form = planFormBody(document, converter, media.schema, `${where} requestBody`, multipart);
      if (typeof form === 'string') return form;
      body = {
        property,
        node: withDescription(form.node, description),
        required,
        kind: multipart ? 'multipart' : 'form',
        files: form.files,
      };
    } else {
      body = { property, node: { kind: 'string', options: {} }, required, kind: 'text', files: [] };
    }
  }
  const { output, status } = planOutput(document, converter, operation, where);
  const security = operation.security ?? globalSecurity;
  const authenticated = !(Array.isArray(security) && security.length === 0);
  const wanted = Array.isArray(operation.security)
    ? operation.security.filter(isNode).flatMap((requirement) => Object.keys(requirement))
    : [];
  if (wanted.length > 0 && chosenScheme !== undefined && !wanted.includes(chosenScheme)) {
    notes.push(
      `${name} asks for security scheme ${wanted.join(' or ')}; it is sent the credentials of '${chosenScheme}'`,
    );
  }
  const summary = stringOf(operation.summary);
  const text = firstParagraph(stringOf(operation.description)) ?? summary ?? `Calls ${where}.`;
  const inputProperties = [
    ...parameters.map((parameter) => ({
      name: parameter.property,
      node: parameter.node,
      optional: !parameter.required,
    })),
    ...(body === undefined ? [] : [{ name: body.property, node: body.node, optional: !body.required }]),
  ];
  return {
    name,
    file: kebab(name),
    method: method.toUpperCase(),
    path,
    summary,
    description: `${text.replace(/\.$/, '')} (${where}).`,
    parameters,
    body,
    output,
    status,
    authenticated,
    input: { kind: 'object', properties: inputProperties, additional: undefined, options: {} },
  };
}

function planOutput(
  document: OpenApiDocument,
  converter: SchemaConverter,
  operation: OpenApiNode,
  where: string,
): { output: OutputPlan; status: number } {
  const responses = isNode(operation.responses) ? operation.responses : {};
  const codes = Object.keys(responses)
    .filter((code) => /^2(\d\d|XX)$/i.test(code))
    .sort();
  const code = codes[0];
  if (code === undefined)
    return { output: { kind: 'json', node: unknownNode(), contentType: 'application/json' }, status: 200 };
  const status = /^\d+$/.test(code) ? Number(code) : 200;
  const response = document.resolve(responses[code], `${where} response ${code}`);
  const content = isNode(response.content) ? response.content : {};
  const types = Object.keys(content);
  if (status === 204 || status === 205 || types.length === 0) return { output: { kind: 'none' }, status };
  const jsonType = types.find(isJsonType);
  if (jsonType !== undefined) {
    const media = isNode(content[jsonType]) ? (content[jsonType] as OpenApiNode) : {};
    const node =
      media.schema === undefined
        ? unknownNode()
        : converter.convert(media.schema, `${where} response ${code}`);
    return { output: { kind: 'json', node, contentType: jsonType }, status };
  }
  const textType = types.find((type) => type.startsWith('text/'));
  if (textType !== undefined) return { output: { kind: 'text', contentType: textType }, status };
  return { output: { kind: 'bytes', contentType: types[0] ?? 'application/octet-stream' }, status };
}

const FORM_TYPES = new Set(['multipart/form-data', 'application/x-www-form-urlencoded']);

/**
 * The fields of a form body: an object schema's properties, binary strings (and arrays of them)
 * becoming files given as base64 content with an optional name and media type.
 */
function planFormBody(
  document: OpenApiDocument,
  converter: SchemaConverter,
  rawSchema: unknown,
  where: string,
  multipart: boolean,
): { node: TypeNode; files: string[] } | string {
  const type = multipart ? 'multipart/form-data' : 'application/x-www-form-urlencoded';
  const schema = document.resolve(rawSchema, where);
  if (!isNode(schema.properties) || Object.keys(schema.properties).length === 0) {
    return `${type} request body without an object schema listing its fields is not supported`;
  }
  const required = Array.isArray(schema.required) ? schema.required : [];
  const files: string[] = [];
  const properties: { name: string; node: TypeNode; optional: boolean }[] = [];
  for (const [name, rawProperty] of Object.entries(schema.properties)) {
    const property = document.resolve(rawProperty, `${where} ${name}`);
    const items =
      property.type === 'array' ? document.resolve(property.items, `${where} ${name}`) : undefined;
    const isFile = isBinary(property) || (items !== undefined && isBinary(items));
    if (isFile && !multipart) return `file field '${name}' in a URL-encoded request body is not supported`;
    let node: TypeNode;
    if (isFile) {
      files.push(name);
      const file = fileNode(firstParagraph(stringOf(property.description)));
      node = items === undefined ? file : { kind: 'array', items: file, options: {} };
    } else {
      node = converter.convert(rawProperty, `${where} ${name}`);
    }
    properties.push({ name, node, optional: !required.includes(name) });
  }
  return { node: { kind: 'object', properties, additional: undefined, options: {} }, files };
}

/** A string holding raw bytes: `format: binary` (OpenAPI 3.0) or a media type without encoding (3.1). */
function isBinary(schema: OpenApiNode): boolean {
  if (schema.type !== undefined && schema.type !== 'string') return false;
  return (
    schema.format === 'binary' ||
    (typeof schema.contentMediaType === 'string' && schema.contentEncoding === undefined)
  );
}

/** A file of a multipart body in an action's input (src/form-data.ts sends it). */
function fileNode(description: string | undefined): TypeNode {
  const text = (value: string): TypeNode => ({ kind: 'string', options: { description: value } });
  return {
    kind: 'object',
    properties: [
      {
        name: 'content',
        node: {
          kind: 'string',
          options: { contentEncoding: 'base64', description: 'The file content, base64-encoded' },
        },
        optional: false,
      },
      { name: 'filename', node: text('The file name sent with it; default: the field name'), optional: true },
      {
        name: 'contentType',
        node: text('The media type sent with it; default application/octet-stream'),
        optional: true,
      },
    ],
    additional: false,
    options: description === undefined ? {} : { description },
  };
}

function planAuth(document: OpenApiDocument, forms: NameForms, notes: string[]): AuthPlan {
  const components = isNode(document.root.components) ? document.root.components : {};
  const schemes = isNode(components.securitySchemes) ? components.securitySchemes : {};
  const requirement = Array.isArray(document.root.security) ? document.root.security.find(isNode) : undefined;
  const firstOperationRequirement = Object.values(document.root.paths as OpenApiNode)
    .flatMap((item) => (isNode(item) ? HTTP_METHODS.map((method) => item[method]) : []))
    .flatMap((operation) =>
      isNode(operation) && Array.isArray(operation.security) ? operation.security : [],
    )
    .find((candidate) => isNode(candidate) && Object.keys(candidate).length > 0);
  const schemeName =
    Object.keys(requirement ?? {})[0] ??
    Object.keys(isNode(firstOperationRequirement) ? firstOperationRequirement : {})[0] ??
    Object.keys(schemes)[0];
  const none: AuthPlan = { fields: [], code: undefined, fixture: null, summary: 'none' };
  if (schemeName === undefined) return none;
  const scheme = document.resolve(schemes[schemeName], `securitySchemes.${schemeName}`);
  const others = Object.keys(schemes).filter((other) => other !== schemeName);
  if (others.length > 0) {
    notes.push(
      `auth: the connection uses security scheme '${schemeName}'; the document also has ${others.join(', ')}`,
    );
  }
  const env = (suffix: string) => `${forms.constant}_${suffix}`;
  const secret = (text: string) =>
    js.call('Secret', js.object([{ key: 'description', value: js.string(text) }]));
  const type = typeof scheme.type === 'string' ? scheme.type : '';
  const httpScheme = typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : '';
  const flows = isNode(scheme.flows) ? scheme.flows : {};
  if (type === 'oauth2' && isNode(flows.clientCredentials)) {
    const requested = [requirement, firstOperationRequirement]
      .map((candidate) => (isNode(candidate) ? candidate[schemeName] : undefined))
      .find(Array.isArray);
    return clientCredentialsPlan(document, schemeName, flows.clientCredentials, requested, env, notes);
  }
  if ((type === 'http' && httpScheme === 'bearer') || type === 'oauth2' || type === 'openIdConnect') {
    const what = type === 'http' ? 'Bearer token' : 'OAuth 2 access token';
    return {
      fields: [
        {
          key: 'token',
          code: secret(`${what} (${schemeName}), read from an environment variable`),
          testValue: TEST_TOKEN,
          env: env('TOKEN'),
          inReadme: true,
        },
      ],
      code: js.object([
        { key: 'type', value: js.string('bearer') },
        { key: 'token', value: js.raw('config.token') },
      ]),
      fixture: { in: 'header', name: 'authorization', value: `Bearer ${TEST_TOKEN}` },
      summary: `${what}, sent as \`Authorization: Bearer …\` (security scheme \`${schemeName}\`)`,
      scheme: schemeName,
    };
  }
  if (type === 'http' && httpScheme === 'basic') {
    return {
      fields: [
        {
          key: 'username',
          code: js.call('Type.String', js.object([{ key: 'description', value: js.string('User name') }])),
          testValue: 'test-user',
          inReadme: true,
        },
        {
          key: 'password',
          code: secret(`Password (${schemeName}), read from an environment variable`),
          testValue: 'test-password',
          env: env('PASSWORD'),
          inReadme: true,
        },
      ],
      code: js.object([
        { key: 'type', value: js.string('basic') },
        { key: 'username', value: js.raw('config.username') },
        { key: 'password', value: js.raw('config.password') },
      ]),
      fixture: {
        in: 'header',
        name: 'authorization',
        value: `Basic ${Buffer.from('test-user:test-password').toString('base64')}`,
      },
      summary: `HTTP basic authentication (security scheme \`${schemeName}\`)`,
      scheme: schemeName,
    };
  }
  if (type === 'apiKey' && typeof scheme.name === 'string') {
    const location = scheme.in === 'query' ? 'query' : scheme.in === 'cookie' ? 'cookie' : 'header';
    const keyName = scheme.name;
    const code = js.object([
      { key: 'type', value: js.string(location === 'query' ? 'query' : 'header') },
      { key: 'name', value: js.string(location === 'cookie' ? 'cookie' : keyName) },
      { key: 'value', value: js.raw('config.apiKey') },
      ...(location === 'cookie' ? [{ key: 'prefix', value: js.string(`${keyName}=`) }] : []),
    ]);
    return {
      fields: [
        {
          key: 'apiKey',
          code: secret(`API key (${schemeName}), read from an environment variable`),
          testValue: 'test-key',
          env: env('API_KEY'),
          inReadme: true,
        },
      ],
      code,
      fixture:
        location === 'query'
          ? { in: 'query', name: keyName, value: 'test-key' }
          : location === 'cookie'
            ? { in: 'header', name: 'cookie', value: `${keyName}=test-key` }
            : { in: 'header', name: keyName.toLowerCase(), value: 'test-key' },
      summary: `API key in the ${location} \`${keyName}\` (security scheme \`${schemeName}\`)`,
      scheme: schemeName,
    };
  }
  notes.push(
    `auth: security scheme '${schemeName}' (${type} ${httpScheme}) is not supported; the connection sends no credentials`,
  );
  return none;
}

/**
 * OAuth 2 client credentials: the connection asks the token endpoint for an access token with
 * its client id and secret (src/oauth2.ts), or takes a token obtained elsewhere — which is what
 * the generated tests do, as their stub of the API has no token endpoint.
 */
function clientCredentialsPlan(
  document: OpenApiDocument,
  schemeName: string,
  flow: OpenApiNode,
  requestedScopes: readonly unknown[] | undefined,
  env: (suffix: string) => string,
  notes: string[],
): AuthPlan {
  const secret = (text: string) =>
    js.call('Secret', js.object([{ key: 'description', value: js.string(text) }]));
  const optional = (code: Expression) => js.call('Type.Optional', code);
  const declared = stringOf(flow.tokenUrl);
  let tokenUrl: string | undefined;
  if (declared !== undefined) {
    // OpenAPI 3.1 allows a token URL relative to the server.
    const base = serverUrl(document, []);
    try {
      tokenUrl = new URL(declared, base).href;
    } catch {
      tokenUrl = undefined;
    }
  }
  if (tokenUrl === undefined) {
    notes.push(
      `auth: security scheme '${schemeName}' names no absolute token URL: set tokenUrl in connectorkit.yaml`,
    );
  }
  const known = isNode(flow.scopes) ? Object.keys(flow.scopes) : [];
  const scopes = (requestedScopes ?? []).filter((scope): scope is string => typeof scope === 'string');
  const description = (text: string) => js.object([{ key: 'description', value: js.string(text) }]);
  return {
    fields: [
      {
        key: 'clientId',
        code: optional(js.call('Type.String', description(`OAuth 2 client id (${schemeName})`))),
        testValue: 'test-client',
        env: env('CLIENT_ID'),
        inReadme: true,
      },
      {
        key: 'clientSecret',
        code: optional(secret(`OAuth 2 client secret (${schemeName}), read from an environment variable`)),
        testValue: 'test-client-secret',
        env: env('CLIENT_SECRET'),
        inReadme: true,
      },
      {
        key: 'tokenUrl',
        code: js.call(
          'Type.String',
          js.object([
            { key: 'format', value: js.string('uri') },
            ...(tokenUrl === undefined ? [] : [{ key: 'default', value: js.string(tokenUrl) }]),
            { key: 'description', value: js.string('Token endpoint of the client credentials grant') },
          ]),
        ),
        testValue: tokenUrl ?? 'https://auth.example.com/oauth/token',
        inReadme: tokenUrl === undefined,
      },
      {
        key: 'scopes',
        code: js.call(
          'Type.Array',
          js.call('Type.String'),
          js.object([
            { key: 'default', value: js.value(scopes) },
            {
              key: 'description',
              value: js.string(
                known.length === 0
                  ? 'Scopes to ask for'
                  : `Scopes to ask for, of: ${known.join(', ')}`.slice(0, 300),
              ),
            },
          ]),
        ),
        testValue: scopes,
        inReadme: false,
      },
      {
        key: 'accessToken',
        code: optional(
          secret('An access token obtained elsewhere: sent instead of asking the token endpoint for one'),
        ),
        testValue: TEST_TOKEN,
        inReadme: false,
      },
    ],
    code: undefined,
    client: {
      function: 'createOAuth2Client',
      module: 'src/oauth2.ts',
      content: OAUTH2_MODULE,
      test: OAUTH2_TEST_MODULE,
    },
    fixture: { in: 'header', name: 'authorization', value: `Bearer ${TEST_TOKEN}` },
    summary: `OAuth 2 client credentials (security scheme \`${schemeName}\`): the connection asks \`tokenUrl\` for an access token with \`clientId\` and \`clientSecret\` (HTTP basic), reuses it until shortly before it expires and sends it as \`Authorization: Bearer …\`; \`accessToken\` instead skips the token endpoint`,
    scheme: schemeName,
  };
}

// ------------------------------------------------------------------ modules

function actionModule(operation: Operation, connectionName: string): string {
  const usesInput = operation.parameters.length > 0 || operation.body !== undefined;
  const output = operation.output;
  const outputNode: TypeNode =
    output.kind === 'json'
      ? output.node
      : output.kind === 'none'
        ? { kind: 'null', options: {} }
        : output.kind === 'text'
          ? { kind: 'string', options: {} }
          : {
              kind: 'string',
              options: {
                contentEncoding: 'base64',
                description: `The ${output.contentType} body, base64-encoded`,
              },
            };
  const components = [...referencedComponents(operation.input), ...referencedComponents(outputNode)];
  const typed = output.kind === 'json';
  const statements: { doc: Doc; blankLineBefore?: boolean }[] = [
    {
      doc: importStatement(['defineAction', ...(typed ? ['type Static'] : []), 'Type'], '@connectorkit/core'),
    },
    { doc: importStatement([connectionName], '../connection.js') },
  ];
  if (operation.body?.kind === 'multipart' || operation.body?.kind === 'form') {
    const encoder = operation.body.kind === 'multipart' ? 'toFormData' : 'toSearchParams';
    statements.push({ doc: importStatement([encoder], '../form-data.js') });
  }
  if (components.length > 0) statements.push({ doc: importStatement(components, '../schemas.js') });
  statements.push({
    doc: constStatement('Input', typeBoxCode(operation.input), false),
    blankLineBefore: true,
  });
  statements.push({ doc: constStatement('Output', typeBoxCode(outputNode), false), blankLineBefore: true });
  if (typed) statements.push({ doc: 'type Output = Static<typeof Output>;' });

  const inputName = usesInput ? 'input' : '_input';
  const access = (property: string) =>
    /^[A-Za-z_$][\w$]*$/.test(property) ? `input.${property}` : `input[${propertyKey(property)}]`;
  const byLocation = (location: Parameter['in']) =>
    operation.parameters
      .filter((parameter) => parameter.in === location)
      .map((parameter): Property => ({ key: parameter.name, value: js.raw(access(parameter.property)) }));
  const request: Property[] = [
    { key: 'method', value: js.string(operation.method) },
    { key: 'path', value: js.string(operation.path) },
  ];
  for (const [key, location] of [
    ['params', 'path'],
    ['query', 'query'],
    ['headers', 'header'],
  ] as const) {
    const properties = byLocation(location);
    if (properties.length > 0) request.push({ key, value: js.object(properties, true) });
  }
  if (operation.body !== undefined) {
    const value = access(operation.body.property);
    const encoded =
      operation.body.kind === 'multipart'
        ? `toFormData(${value}, [${operation.body.files.map(stringLiteral).join(', ')}])`
        : operation.body.kind === 'form'
          ? `toSearchParams(${value})`
          : undefined;
    const body =
      encoded === undefined || operation.body.required
        ? (encoded ?? value)
        : `${value} === undefined ? undefined : ${encoded}`;
    request.push({ key: 'body', value: js.raw(body) });
  }
  if (output.kind === 'text' || output.kind === 'bytes')
    request.push({ key: 'responseType', value: js.string(output.kind) });
  if (!operation.authenticated) {
    request.push({ key: 'auth', value: js.object([{ key: 'type', value: js.string('none') }]) });
  }
  request.push({ key: 'signal', value: js.raw('signal') });
  const requestObject = js.object(request, true);
  const resultType =
    output.kind === 'json'
      ? '<Output>'
      : output.kind === 'text'
        ? '<string>'
        : output.kind === 'bytes'
          ? '<Uint8Array>'
          : '';
  const body: Doc[] =
    output.kind === 'none'
      ? [[printExpression(js.call('await client.request', requestObject)), ';'], 'return null;']
      : [
          constStatement('response', js.call(`await client.request${resultType}`, requestObject), false),
          output.kind === 'bytes'
            ? "return Buffer.from(response.body).toString('base64');"
            : 'return response.body;',
        ];
  const run: Doc = [
    `async (${inputName}, { client, signal }) => {`,
    indent([
      hardline,
      ...body.flatMap((statement, index) => (index === 0 ? [statement] : [hardline, statement])),
    ]),
    hardline,
    '}',
  ];
  const definition: Property[] = [
    { key: 'connection', value: js.raw(connectionName) },
    ...(operation.summary === undefined ? [] : [{ key: 'title', value: js.string(operation.summary) }]),
    { key: 'description', value: js.string(operation.description) },
    { key: 'input', value: js.raw('Input') },
    { key: 'output', value: js.raw('Output') },
    ...(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(operation.method)
      ? [{ key: 'idempotent', value: js.raw('true') }]
      : []),
    { key: 'run', value: js.doc(run) },
  ];
  statements.push({
    doc: constStatement(operation.name, js.call('defineAction', js.object(definition, true))),
    blankLineBefore: true,
  });
  return printModule(statements);
}

function schemasModule(converter: SchemaConverter): string {
  const statements: { doc: Doc; blankLineBefore?: boolean }[] = [
    { doc: importStatement(['type Static', 'Type'], '@connectorkit/core') },
  ];
  for (const component of converter.components) {
    statements.push({
      doc: constStatement(component.identifier, typeBoxCode(component.node)),
      blankLineBefore: true,
    });
    statements.push({ doc: `export type ${component.identifier} = Static<typeof ${component.identifier}>;` });
  }
  return printModule(statements);
}

function connectionModule(
  document: OpenApiDocument,
  forms: NameForms,
  auth: AuthPlan,
  notes: string[],
): string {
  const configName = `${forms.pascal}ConnectionConfig`;
  const baseUrl = serverUrl(document, notes);
  const baseUrlOptions: Property[] = [
    { key: 'format', value: js.string('uri') },
    ...(baseUrl === undefined ? [] : [{ key: 'default', value: js.string(baseUrl) }]),
    { key: 'description', value: js.string('Base URL of the API') },
  ];
  const fields: Property[] = [
    { key: 'baseUrl', value: js.call('Type.String', js.object(baseUrlOptions)) },
    ...auth.fields.map((field) => ({ key: field.key, value: field.code })),
    {
      key: 'timeoutMs',
      value: js.call(
        'Type.Integer',
        js.object([
          { key: 'minimum', value: js.raw('1') },
          { key: 'default', value: js.raw('30_000') },
          { key: 'description', value: js.string('Time limit of one request, in milliseconds') },
        ]),
      ),
    },
  ];
  const clientOptions: Property[] = [
    { key: 'baseUrl', value: js.raw('config.baseUrl') },
    ...(auth.code === undefined ? [] : [{ key: 'auth', value: auth.code }]),
    { key: 'timeoutMs', value: js.raw('config.timeoutMs') },
  ];
  const client =
    auth.client === undefined
      ? js.call('createHttpClient', js.object(clientOptions, true))
      : js.call(auth.client.function, js.raw('config'));
  const connect: Doc = ['(config) =>', group(indent([line, printExpression(client)]))];
  const core = [
    ...(auth.client === undefined ? ['createHttpClient'] : []),
    'defineConnection',
    ...(auth.fields.some((field) => field.env !== undefined) ? ['Secret'] : []),
    'type Static',
    'Type',
  ];
  const ownModule =
    auth.client === undefined
      ? []
      : [
          {
            doc: importStatement(
              [auth.client.function],
              `./${auth.client.module.replace(/^src\//, '').replace(/\.ts$/, '.js')}`,
            ),
          },
        ];
  return printModule([
    { doc: importStatement(core, '@connectorkit/core') },
    ...ownModule,
    { doc: '/** Configuration of a connection, as written in connectorkit.yaml. */', blankLineBefore: true },
    {
      doc: constStatement(
        configName,
        js.call(
          'Type.Object',
          js.object(fields, true),
          js.object([{ key: 'additionalProperties', value: js.raw('false') }]),
        ),
      ),
    },
    { doc: `export type ${configName} = Static<typeof ${configName}>;` },
    {
      doc: '/** One HTTP client per named connection, pooled by the kit; it maps failures onto ConnectorError codes. */',
      blankLineBefore: true,
    },
    {
      doc: constStatement(
        `${forms.camel}Connection`,
        js.call(
          'defineConnection',
          js.object(
            [
              { key: 'config', value: js.raw(configName) },
              { key: 'connect', value: js.doc(connect) },
            ],
            true,
          ),
        ),
      ),
    },
  ]);
}

function serverUrl(document: OpenApiDocument, notes: string[]): string | undefined {
  const servers = Array.isArray(document.root.servers) ? document.root.servers.filter(isNode) : [];
  const server = servers[0];
  if (server === undefined || typeof server.url !== 'string') {
    notes.push('the document names no server: set baseUrl in connectorkit.yaml');
    return undefined;
  }
  const variables = isNode(server.variables) ? server.variables : {};
  const url = server.url.replace(/\{([^}]+)\}/g, (placeholder, name: string) => {
    const variable = variables[name];
    return isNode(variable) && typeof variable.default === 'string' ? variable.default : placeholder;
  });
  if (!/^https?:\/\//.test(url)) {
    notes.push(
      `the document's server '${server.url}' is not an absolute URL: set baseUrl in connectorkit.yaml`,
    );
    return undefined;
  }
  return url;
}

function connectorModule(
  operations: readonly Operation[],
  forms: NameForms,
  title: string,
  description: string,
  version: string,
): string {
  const imports = [...operations]
    .sort(byActionSource)
    .map((operation) => ({ doc: importStatement([operation.name], `./actions/${operation.file}.js`) }));
  const actions = [...operations]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((operation) => ({ key: operation.name, value: js.raw(operation.name) }));
  return printModule([
    { doc: importStatement(['defineConnector'], '@connectorkit/core') },
    ...imports,
    { doc: importStatement([`${forms.camel}Connection`], './connection.js') },
    {
      doc: '/** The package version, checked against package.json when the manifest is built. */',
      blankLineBefore: true,
    },
    { doc: constStatement('VERSION', js.string(version)) },
    {
      doc: constStatement(
        `${forms.camel}Connector`,
        js.call(
          'defineConnector',
          js.object(
            [
              { key: 'contract', value: js.raw('1') },
              { key: 'name', value: js.string(forms.kebab) },
              { key: 'title', value: js.string(title) },
              { key: 'description', value: js.string(description) },
              { key: 'version', value: js.raw('VERSION') },
              { key: 'connection', value: js.raw(`${forms.camel}Connection`) },
              { key: 'actions', value: js.object(actions) },
            ],
            true,
          ),
        ),
      ),
      blankLineBefore: true,
    },
  ]);
}

function indexModule(operations: readonly Operation[], converter: SchemaConverter, forms: NameForms): string {
  const exports = (names: readonly string[], source: string): Doc => importStatement(names, source, 'export');
  const statements: { doc: Doc }[] = [...operations]
    .sort(byActionSource)
    .map((operation) => ({ doc: exports([operation.name], `./actions/${operation.file}.js`) }));
  statements.push({
    doc: exports([`${forms.pascal}ConnectionConfig`, `${forms.camel}Connection`], './connection.js'),
  });
  statements.push({ doc: exports([`${forms.camel}Connector as default`], './connector.js') });
  if (converter.components.length > 0) {
    statements.push({
      doc: exports(
        converter.components.map((component) => component.identifier),
        './schemas.js',
      ),
    });
  }
  return printModule(statements);
}

// ------------------------------------------------------------------ test fixture and README

function fixtureFile(
  operations: readonly Operation[],
  converter: SchemaConverter,
  auth: AuthPlan,
  notes: string[],
): string {
  const tested: unknown[] = [];
  const skipped: { action: string; reason: string }[] = [];
  for (const operation of operations) {
    const inputValidator = compileValidator(converter.build(operation.input));
    const input = sampleValue(converter, operation.input) as Record<string, unknown>;
    // The kit fills in defaults before the action runs: the request carries them.
    const prepared = inputValidator.withDefaults(input) as Record<string, unknown>;
    const inputProblems = inputValidator.issues(prepared);
    if (inputProblems.length > 0) {
      skipped.push({
        action: operation.name,
        reason: `no sample input could be made (${inputProblems[0]?.path} ${inputProblems[0]?.message})`,
      });
      continue;
    }
    const output = operation.output;
    let responseBody: unknown = null;
    let expected: unknown = null;
    if (output.kind === 'json') {
      responseBody = sampleValue(converter, output.node);
      const problems = compileValidator(converter.build(output.node)).issues(responseBody);
      if (problems.length > 0) {
        skipped.push({
          action: operation.name,
          reason: `no sample response could be made (${problems[0]?.path} ${problems[0]?.message})`,
        });
        continue;
      }
      expected = responseBody;
    } else if (output.kind === 'text') {
      responseBody = 'sample text';
      expected = responseBody;
    } else if (output.kind === 'bytes') {
      responseBody = Buffer.from('sample bytes').toString('base64');
      expected = responseBody;
    }
    const path = operation.path.replace(/\{([^}]+)\}/g, (placeholder, name: string) => {
      const parameter = operation.parameters.find(
        (candidate) => candidate.in === 'path' && candidate.name === name,
      );
      return parameter === undefined ? placeholder : encodeURIComponent(String(prepared[parameter.property]));
    });
    const query: [string, string][] = [];
    const headers: Record<string, string> = {};
    for (const parameter of operation.parameters) {
      const value = prepared[parameter.property];
      if (value === undefined || value === null) continue;
      if (parameter.in === 'query') {
        for (const item of Array.isArray(value) ? value : [value]) query.push([parameter.name, String(item)]);
      } else if (parameter.in === 'header') {
        headers[parameter.name.toLowerCase()] = String(value);
      }
    }
    tested.push({
      action: operation.name,
      input,
      authenticated: operation.authenticated,
      request: {
        method: operation.method,
        path,
        query,
        headers,
        body: requestBody(operation, prepared),
      },
      response: {
        status: operation.status,
        contentType: output.kind === 'none' ? null : output.contentType,
        body: responseBody,
      },
      output: expected,
    });
  }
  for (const entry of skipped) notes.push(`no test for ${entry.action}: ${entry.reason}`);
  const connection = Object.fromEntries(auth.fields.map((field) => [field.key, field.testValue]));
  const fixture = { connection, auth: auth.fixture, operations: tested, skipped };
  return `${JSON.stringify(fixture, null, 2)}\n`;
}

/**
 * The body the stub receives: JSON as a value, a URL-encoded form as its text, a multipart form as
 * its entries (src/test-fixtures/stub-server.ts reads them).
 */
function requestBody(operation: Operation, input: Record<string, unknown>): unknown {
  if (operation.body === undefined) return null;
  const value = input[operation.body.property];
  if (value === undefined || value === null) return null;
  if (operation.body.kind === 'multipart') {
    return formEntries(value as Record<string, unknown>, operation.body.files);
  }
  if (operation.body.kind !== 'form') return value;
  const form = new URLSearchParams();
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    for (const item of Array.isArray(field) ? field : [field]) {
      if (item === undefined || item === null) continue;
      form.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
  const text = form.toString();
  return text === '' ? null : text;
}

/** A file of a multipart body as the stub reads it back. */
interface ReceivedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly content: string;
}

/**
 * The entries of the multipart body `toFormData` (src/form-data.ts) makes of `fields`, by its
 * rules: files named after their field and typed application/octet-stream unless given, arrays
 * repeating their field, objects as JSON text, null and undefined left out.
 */
function formEntries(
  fields: Readonly<Record<string, unknown>>,
  files: readonly string[],
): [string, string | ReceivedFile][] {
  const entries: [string, string | ReceivedFile][] = [];
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      if (files.includes(name)) {
        const file = item as { content: string; filename?: string; contentType?: string };
        entries.push([
          name,
          {
            filename: file.filename ?? name,
            // A Blob's type is lower case.
            contentType: (file.contentType ?? 'application/octet-stream').toLowerCase(),
            content: file.content,
          },
        ]);
      } else {
        entries.push([name, typeof item === 'object' ? JSON.stringify(item) : String(item)]);
      }
    }
  }
  return entries;
}

function readme(
  document: OpenApiDocument,
  operations: readonly Operation[],
  auth: AuthPlan,
  options: OpenApiGenerationOptions,
  title: string,
  description: string,
  notes: readonly string[],
): string {
  const { forms } = options;
  const info = isNode(document.root.info) ? document.root.info : {};
  const yamlFields = auth.fields
    .filter((field) => field.inReadme)
    .map((field) =>
      field.env === undefined
        ? `    ${field.key}: ${String(field.testValue)}`
        : `    ${field.key}: \${${field.env}}`,
    );
  const rows = [...operations]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map(
      (operation) =>
        `| \`${forms.kebab}.${operation.name}\` | \`${operation.method} ${operation.path}\` | ${escapeCell(operation.summary ?? operation.description)} |`,
    );
  const lines = [
    `# ${options.packageName}`,
    '',
    description,
    '',
    `Generated from \`${document.file}\` (${title}${typeof info.version === 'string' ? ` ${info.version}` : ''}, OpenAPI ${document.version}) by \`ck create connector ${forms.kebab} --from-openapi\`: one action per operation.`,
    '',
    '```sh',
    `npm install @connectorkit/cli ${options.packageName}`,
    `npx ck describe ${forms.kebab}`,
    '```',
    '',
    '## Connection',
    '',
    '```yaml',
    '# connectorkit.yaml',
    'connections:',
    `  ${forms.kebab}:`,
    `    connector: ${forms.kebab}`,
    ...yamlFields,
    '```',
    '',
    `Credentials: ${auth.summary}. \`baseUrl\` overrides the server of the document, \`timeoutMs\` limits each request.`,
    '',
    '## Actions',
    '',
    '| action | operation | what it does |',
    '| --- | --- | --- |',
    ...rows,
    '',
    'Actions for GET, HEAD, OPTIONS, PUT and DELETE are idempotent: the kit retries them on `RATE_LIMITED`, `TIMEOUT` and `UNAVAILABLE`, waiting as long as `Retry-After` asks.',
    ...(operations.some((operation) => operation.body?.kind === 'multipart')
      ? [
          '',
          'A file field of a multipart/form-data body takes `{ content, filename?, contentType? }`, `content` being the file base64-encoded; `src/form-data.ts` sends the body as `FormData`.',
        ]
      : []),
    ...(notes.length === 0 ? [] : ['', '## Notes', '', ...notes.map((note) => `- ${note}`)]),
    '',
    '## Develop',
    '',
    '```sh',
    'pnpm build       # compiles to dist/ and writes dist/connectorkit.manifest.json',
    'pnpm typecheck',
    'pnpm test        # the conformance suite, and each operation against a local stub of the API',
    '```',
    '',
    'The sources are ordinary code: edit them as the connector grows. `src/test-fixtures/operations.gen.json` holds the sample call of each operation the tests make (an action added by hand needs one too); replace its values with recorded responses of the real API.',
    '',
  ];
  return lines.join('\n');
}

// ------------------------------------------------------------------ helpers

/** The order Biome gives the import statements of the action modules. */
function byActionSource(a: Operation, b: Operation): number {
  return compareNames(`./actions/${a.file}.js`, `./actions/${b.file}.js`);
}

function isJsonType(type: string): boolean {
  const base = baseType(type);
  return base === 'application/json' || base.endsWith('+json') || base === '*/*';
}

/** A media type without its parameters, lower case: `multipart/form-data; boundary=x` → `multipart/form-data`. */
function baseType(type: string): string {
  return type.split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Whether a parameter's value can go into a URL or header as it is. */
function isSendable(node: TypeNode, converter: SchemaConverter, arraysAllowed: boolean): boolean {
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
    case 'literal':
      return true;
    case 'union':
      return node.members.every((member) => member.kind !== 'null' && isSendable(member, converter, false));
    case 'ref':
      return isSendable(converter.target(node.identifier), converter, arraysAllowed);
    case 'array':
      return arraysAllowed && isSendable(node.items, converter, false);
    default:
      return false;
  }
}

function withDescription(node: TypeNode, description: string | undefined): TypeNode {
  if (description === undefined || node.kind === 'ref' || node.options.description !== undefined) return node;
  return { ...node, options: { ...node.options, description } } as TypeNode;
}

function parameterDescription(parameter: OpenApiNode): string | undefined {
  return firstParagraph(stringOf(parameter.description));
}

function firstParagraph(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const paragraph =
    text
      .split(/\n\s*\n/)[0]
      ?.replace(/\s+/g, ' ')
      .trim() ?? '';
  if (paragraph === '') return undefined;
  return paragraph.length <= 300 ? paragraph : `${paragraph.slice(0, 299)}…`;
}

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function unknownNode(): TypeNode {
  return { kind: 'unknown', options: {} };
}
