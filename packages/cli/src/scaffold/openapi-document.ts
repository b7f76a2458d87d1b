import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ConnectorError } from '@connectorkit/core';

/** A JSON object of the document, read loosely: OpenAPI documents in the wild vary. */
export type OpenApiNode = Readonly<Record<string, unknown>>;

/** An OpenAPI 3.0 or 3.1 document, with a resolver for its internal `$ref`s. */
export interface OpenApiDocument {
  /** The file it was read from, for messages. */
  readonly file: string;
  readonly version: '3.0' | '3.1';
  readonly root: OpenApiNode;
  /** Follows `$ref` (chains included) within the document; returns other nodes as they are. */
  resolve(node: unknown, where: string): OpenApiNode;
  /** The node at a JSON pointer (`#/components/schemas/Pet`). */
  pointer(ref: string, where: string): unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** Reads an OpenAPI 3 document from a YAML or JSON file. */
export async function loadOpenApiDocument(file: string): Promise<OpenApiDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `cannot read the OpenAPI document ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
  return parseOpenApiDocument(text, basename(file));
}

export async function parseOpenApiDocument(text: string, file: string): Promise<OpenApiDocument> {
  let parsed: unknown;
  try {
    if (/^\s*[{[]/.test(text)) {
      parsed = JSON.parse(text);
    } else {
      const { parse } = await import('yaml');
      parsed = parse(text, { maxAliasCount: 1_000 });
    }
  } catch (error) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `${file} is neither valid YAML nor JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (!isNode(parsed)) throw new ConnectorError('INVALID_INPUT', `${file} does not hold an OpenAPI document`);
  const declared = parsed.openapi;
  if (typeof parsed.swagger === 'string') {
    throw new ConnectorError(
      'INVALID_INPUT',
      `${file} is a Swagger ${parsed.swagger} document; only OpenAPI 3 is supported — convert it first (e.g. npx swagger2openapi ${file})`,
    );
  }
  if (typeof declared !== 'string' || !/^3\.[01]\./.test(`${declared}.`)) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `${file}: 'openapi' must be a 3.0.x or 3.1.x version, got ${JSON.stringify(declared ?? null)}`,
    );
  }
  if (!isNode(parsed.paths) || Object.keys(parsed.paths).length === 0) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `${file} has no paths: there is no operation to make an action of`,
    );
  }
  const root = parsed;
  const pointer = (ref: string, where: string): unknown => {
    if (!ref.startsWith('#')) {
      throw new ConnectorError(
        'INVALID_INPUT',
        `${file}: ${where} refers to '${ref}' in another document; only references within the document are supported — bundle the spec into one file first (e.g. npx @redocly/cli bundle)`,
      );
    }
    let node: unknown = root;
    const segments = ref.slice(1).split('/').slice(1);
    for (const segment of segments) {
      const key = decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~');
      if (Array.isArray(node)) node = node[Number(key)];
      else if (isNode(node)) node = node[key];
      else node = undefined;
      if (node === undefined) {
        throw new ConnectorError(
          'INVALID_INPUT',
          `${file}: ${where} refers to '${ref}', which does not exist`,
        );
      }
    }
    return node;
  };
  return {
    file,
    version: declared.startsWith('3.1') ? '3.1' : '3.0',
    root,
    pointer,
    resolve: (node, where) => {
      let current = node;
      const seen = new Set<string>();
      while (isNode(current) && typeof current.$ref === 'string') {
        const ref = current.$ref;
        if (seen.has(ref)) {
          throw new ConnectorError('INVALID_INPUT', `${file}: ${where}: '${ref}' refers to itself`);
        }
        seen.add(ref);
        current = pointer(ref, where);
      }
      return isNode(current) ? current : {};
    },
  };
}

export function isNode(value: unknown): value is OpenApiNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
