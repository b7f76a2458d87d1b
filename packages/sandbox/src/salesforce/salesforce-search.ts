import type { SalesforceObject } from './salesforce-objects.js';
import { evaluate } from './salesforce-query.js';
import type { SalesforceRecord, SalesforceState } from './salesforce-state.js';
import { parseSoql, SoqlError } from './soql.js';

const SCOPES: Readonly<Record<string, (type: string, name: string) => boolean>> = {
  ALL: (type) => ['string', 'email', 'phone', 'url', 'textarea', 'picklist'].includes(type),
  NAME: (_type, name) => name === 'Name' || name === 'FirstName' || name === 'LastName' || name === 'Company',
  EMAIL: (type) => type === 'email',
  PHONE: (type) => type === 'phone',
};

/**
 * Runs a SOSL search of the emulator's subset:
 * `FIND {term} [IN ALL|NAME|EMAIL|PHONE FIELDS] RETURNING Object[(fields [WHERE …] [ORDER BY …] [LIMIT n])], … [LIMIT n]`.
 * The term matches text fields case-insensitively, as whole words or with `*` (any
 * characters) and `?` (one character) wildcards; quoted phrases match as a phrase.
 */
export function runSearch(state: SalesforceState, sosl: string, version: string): Record<string, unknown>[] {
  const find =
    /^\s*FIND\s+\{((?:\\.|[^}\\])*)\}\s*(?:IN\s+(ALL|NAME|EMAIL|PHONE)\s+FIELDS\s*)?RETURNING\s+(.+?)\s*(?:LIMIT\s+(\d+))?\s*$/is.exec(
      sosl,
    );
  if (find === null) {
    throw new SoqlError(
      'MALFORMED_SEARCH',
      'expected FIND {term} [IN … FIELDS] RETURNING Object(fields), … [LIMIT n]',
    );
  }
  const term = (find[1] as string).replace(/\\(.)/g, '$1').trim();
  if (term.replace(/[*?"]/g, '').length < 2) {
    throw new SoqlError('MALFORMED_SEARCH', 'search term must be longer than one character');
  }
  const scope = SCOPES[(find[2] ?? 'ALL').toUpperCase()] as (type: string, name: string) => boolean;
  const pattern = termPattern(term);
  const limit = find[4] === undefined ? 2000 : Number(find[4]);
  const results: Record<string, unknown>[] = [];
  for (const target of splitReturning(find[3] as string)) {
    const spec = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?$/s.exec(target.trim());
    if (spec === null) throw new SoqlError('MALFORMED_SEARCH', `cannot read RETURNING '${target.trim()}'`);
    const inner = spec[2]?.trim() ?? 'Id';
    const clause = /^(.*?)(\s+(?:WHERE|ORDER\s+BY|LIMIT|OFFSET)\b.*)?$/is.exec(inner) as RegExpExecArray;
    const query = parseSoql(`SELECT ${clause[1]} FROM ${spec[1]}${clause[2] ?? ''}`);
    const matchesTerm = (record: SalesforceRecord, object: SalesforceObject): boolean =>
      [...object.fields.values()].some(
        (field) =>
          scope(field.type, field.name) &&
          typeof record[field.name] === 'string' &&
          pattern.test(record[field.name] as string),
      );
    const { records } = evaluate(state, query, {
      includeDeleted: false,
      batchSize: limit,
      version,
      where: matchesTerm,
    });
    results.push(...records);
    if (results.length >= limit) break;
  }
  return results.slice(0, limit);
}

function termPattern(term: string): RegExp {
  const phrase = term.startsWith('"') && term.endsWith('"') ? term.slice(1, -1) : term;
  const words = phrase
    .split(/\s+/)
    .filter((word) => word !== '')
    .map((word) =>
      word
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '\\S*')
        .replace(/\?/g, '\\S'),
    );
  return new RegExp(`(^|[^\\p{L}\\p{N}])${words.join('\\s+')}($|[^\\p{L}\\p{N}])`, 'iu');
}

function splitReturning(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}
