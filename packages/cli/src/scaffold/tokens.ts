import { stringLiteral } from './code-printer.js';
import type { NameForms } from './names.js';

/** The connector name the template is written for; each of its spellings is a token. */
export const TEMPLATE_NAME = 'example';
/** The template's package name, replaced as a whole (a project may choose another scope). */
export const TEMPLATE_PACKAGE = '@connectorkit/connector-example';
/** The template's description, replaced wherever it appears (package.json, connector.ts, README). */
export const TEMPLATE_DESCRIPTION =
  'A connector made from the Connector Kit template: one action and one trigger over a stand-in client.';

/**
 * The token spellings, matched in one pass so that a replacement is never replaced again:
 * - `EXAMPLE` as a word or before `_` → `MY_CRM` (constants, environment variables)
 * - `Example` before a capital → `MyCrm` (types: `ExampleClient`); as a word → `My Crm` (titles)
 * - `example` before a capital → `myCrm` (identifiers: `exampleConnection`); as a word → `my-crm`
 * Other words merely starting with the letters (`examples`) are left alone.
 */
const TOKENS =
  /(?<![A-Za-z0-9])EXAMPLE(?![A-Za-z0-9])|Example(?=[A-Z])|Example(?![A-Za-z0-9_])|(?<![A-Za-z0-9])example(?=[A-Z])|(?<![A-Za-z0-9])example(?![A-Za-z0-9_])/g;

export function replaceTokens(text: string, forms: NameForms): string {
  return text.replace(TOKENS, (token, offset: number) => {
    const next = text[offset + token.length] ?? '';
    const beforeCapital = /[A-Z]/.test(next);
    if (token === 'EXAMPLE') return forms.constant;
    if (token === 'Example') return beforeCapital ? forms.pascal : forms.title;
    return beforeCapital ? forms.camel : forms.kebab;
  });
}

/** Every spot of `text` where a spelling of the template name is found that is not a token. */
export function ambiguousMentions(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/[A-Za-z0-9_]*example[A-Za-z0-9_]*/gi)) {
    const word = match[0];
    const offset = match.index;
    const tokens = [...word.matchAll(TOKENS)];
    const replaced = text.slice(offset, offset + word.length).replace(TOKENS, '');
    if (tokens.length === 0 || /example/i.test(replaced)) found.push(word);
  }
  return found;
}

/**
 * Puts `description` where the template's description is, written as each file type needs:
 * a JSON string, a TypeScript string property laid out as Biome lays it out, or plain text.
 */
export function replaceDescription(path: string, text: string, description: string): string {
  if (path.endsWith('.json')) {
    return text.replaceAll(JSON.stringify(TEMPLATE_DESCRIPTION), JSON.stringify(description));
  }
  if (path.endsWith('.ts')) {
    const property = new RegExp(
      `^( *)description:\\s*${escapeRegExp(stringLiteral(TEMPLATE_DESCRIPTION))},$`,
      'gm',
    );
    return text.replace(property, (_line, indentation: string) => {
      const literal = stringLiteral(description);
      const single = `${indentation}description: ${literal},`;
      return single.length <= 110 ? single : `${indentation}description:\n${indentation}  ${literal},`;
    });
  }
  return text.replaceAll(TEMPLATE_DESCRIPTION, description);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
