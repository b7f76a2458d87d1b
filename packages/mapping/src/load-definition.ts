import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MappingError } from './errors.js';
import { inferSchema } from './infer-schema.js';
import type { JsonSchema } from './json-schema.js';
import type { MessageDefinition } from './message-definition.js';
import { xsdToDefinition } from './xsd.js';

export interface LoadDefinitionOptions {
  /**
   * How to read the file: `xsd`, `schema` (JSON Schema, JSON or YAML) or `sample` (a JSON or
   * YAML message whose schema is inferred). Default: `xsd` for `.xsd` files, otherwise
   * `schema` when the document looks like a JSON Schema (`$schema`, or `type` with
   * `properties`/`items`), else `sample`.
   */
  readonly kind?: 'xsd' | 'schema' | 'sample';
  /** For an XSD: the global element that is the message root (default the first). */
  readonly element?: string;
  /** Shown in messages instead of the file path. */
  readonly display?: string;
}

/**
 * Reads a message or entity definition from a JSON Schema, a JSON/YAML sample or an XSD
 * file into the one internal form. A sample whose top level is an array is one message
 * that is an array; pass several samples to `inferSchema` instead.
 *
 * @example
 * const invoice = await loadMessageDefinition('schemas/invoice.xsd', { element: 'Invoice' });
 */
export async function loadMessageDefinition(
  file: string,
  options: LoadDefinitionOptions = {},
): Promise<MessageDefinition> {
  const display = options.display ?? file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MappingError(
      'DEFINITION_INVALID',
      `${display}: cannot read the definition (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  const kind = options.kind ?? (extname(file).toLowerCase() === '.xsd' ? 'xsd' : undefined);
  if (kind === 'xsd') {
    return xsdToDefinition(text, {
      source: display,
      file,
      ...(options.element === undefined ? {} : { element: options.element }),
    });
  }
  let document: unknown;
  try {
    document = ['.yaml', '.yml'].includes(extname(file).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new MappingError(
      'DEFINITION_INVALID',
      `${display}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const asSchema = kind === 'schema' || (kind === undefined && looksLikeSchema(document));
  if (asSchema) {
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      throw new MappingError('DEFINITION_INVALID', `${display}: a JSON Schema must be an object`);
    }
    return { format: 'json', schema: document as JsonSchema, source: display };
  }
  return { format: 'json', schema: inferSchema([document]), source: display };
}

const SCHEMA_TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

function looksLikeSchema(document: unknown): boolean {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return false;
  const candidate = document as Record<string, unknown>;
  if (typeof candidate.$schema === 'string') return true;
  return (
    typeof candidate.type === 'string' &&
    SCHEMA_TYPES.has(candidate.type) &&
    (typeof candidate.properties === 'object' || typeof candidate.items === 'object')
  );
}
