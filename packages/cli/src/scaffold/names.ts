import { builtinModules } from 'node:module';
import { ConnectorError } from '@connectorkit/core';

/**
 * A connector name: lowercase words of letters and digits joined by dashes, each word starting
 * with a letter (`redis`, `sap-odata`, `web3`). It is the namespace of the actions
 * (`sap-odata.query`), and every other spelling of the name derives from it.
 */
export const CONNECTOR_NAME = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/;

const MAX_NAME_LENGTH = 50;

/** The spellings of a connector name that the template's tokens are replaced with. */
export interface NameForms {
  /** `my-crm` — the connector name, package names, file names, URLs. Replaces `example`. */
  readonly kebab: string;
  /** `myCrm` — the start of identifiers (`myCrmConnection`). Replaces `example` before a capital. */
  readonly camel: string;
  /** `MyCrm` — types and classes (`MyCrmClient`). Replaces `Example` before a capital. */
  readonly pascal: string;
  /** `MY_CRM` — constants and environment variables (`MY_CRM_TOKEN`). Replaces `EXAMPLE`. */
  readonly constant: string;
  /** `My Crm` — the title shown to people. Replaces `Example` as a word of its own. */
  readonly title: string;
}

/** Throws `INVALID_INPUT` explaining what a valid connector name looks like. */
export function assertConnectorName(name: string): void {
  if (name.length > MAX_NAME_LENGTH) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `connector name '${name}' is too long (${name.length} characters) — keep it under ${MAX_NAME_LENGTH + 1}`,
    );
  }
  if (!CONNECTOR_NAME.test(name)) {
    const hint = name.toLowerCase() !== name ? ` — try '${suggestName(name)}'` : '';
    throw new ConnectorError(
      'INVALID_INPUT',
      `'${name}' is not a valid connector name: use lowercase letters, digits and dashes, each word starting with a letter (e.g. 'acme', 'acme-crm', 'web3')${hint}`,
    );
  }
}

function suggestName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function nameForms(name: string): NameForms {
  assertConnectorName(name);
  const words = name.split('-');
  const capitalized = words.map((word) => `${word[0]?.toUpperCase() ?? ''}${word.slice(1)}`);
  return {
    kebab: name,
    camel: `${words[0] ?? ''}${capitalized.slice(1).join('')}`,
    pascal: capitalized.join(''),
    constant: words.join('_').toUpperCase(),
    title: capitalized.join(' '),
  };
}

/**
 * Checks a package name the way the npm registry does (validate-npm-package-name's rules for
 * new packages) and returns the problems, empty when it is valid.
 */
export function packageNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) return ['it is empty'];
  if (name.length > 214) problems.push('it is longer than 214 characters');
  if (name !== name.toLowerCase()) problems.push('it has capital letters');
  if (name.trim() !== name) problems.push('it has leading or trailing spaces');
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  const bare = scoped === null ? name : (scoped[2] ?? '');
  if (name.startsWith('@') && scoped === null) problems.push("a scoped name must look like '@scope/name'");
  for (const part of scoped === null ? [bare] : [scoped[1] ?? '', bare]) {
    if (part.startsWith('.') || part.startsWith('_')) problems.push(`'${part}' starts with '.' or '_'`);
    if (encodeURIComponent(part) !== part || /[~'!()*]/.test(part)) {
      problems.push(`'${part}' has characters that are not URL-safe`);
    }
  }
  if (scoped === null && (builtinModules.includes(name) || ['node_modules', 'favicon.ico'].includes(name))) {
    problems.push('it is a reserved name');
  }
  return problems;
}

export function assertPackageName(name: string): void {
  const problems = packageNameProblems(name);
  if (problems.length > 0) {
    throw new ConnectorError(
      'INVALID_INPUT',
      `'${name}' is not a valid npm package name: ${problems.join('; ')}`,
    );
  }
}

/** A project (folder) name turned into a package name: `My Flows` → `my-flows`. */
export function packageNameFromFolder(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '');
  return name === '' ? 'connectorkit-project' : name;
}
