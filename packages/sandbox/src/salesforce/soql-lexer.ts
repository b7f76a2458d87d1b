/**
 * The SOQL lexer of the Salesforce emulator: splits a query into words, string literals
 * (unescaped as Salesforce defines the escapes), numbers, date and datetime literals and
 * symbols, each with its column for error messages.
 */

/** A SOQL problem, with the errorCode Salesforce answers it with. */
export class SoqlError extends Error {
  override readonly name = 'SoqlError';
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'MALFORMED_SEARCH' | 'INVALID_FIELD' | 'INVALID_TYPE',
    message: string,
  ) {
    super(message);
  }
}

export type TokenKind = 'word' | 'string' | 'number' | 'datetime' | 'date' | 'symbol' | 'end';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** For strings: the unescaped value. */
  readonly value?: string;
  /** 1-based column in the query. */
  readonly column: number;
}

/** SOQL's escape sequences in string literals (either case for the letters); `\_` and `\%` stay escaped for LIKE. */
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  N: '\n',
  r: '\r',
  R: '\r',
  t: '\t',
  T: '\t',
  b: '\b',
  B: '\b',
  f: '\f',
  F: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
  _: '\\_',
  '%': '\\%',
};

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index] as string;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const column = index + 1;
    if (char === "'") {
      let value = '';
      let end = index + 1;
      for (;;) {
        if (end >= query.length) throw malformed(`unterminated string literal at column ${column}`);
        const next = query[end] as string;
        if (next === '\\') {
          const escaped = query[end + 1];
          const replacement = escaped === undefined ? undefined : ESCAPES[escaped];
          if (replacement === undefined) {
            throw malformed(`invalid escape sequence '\\${escaped ?? ''}' at column ${end + 1}`);
          }
          value += replacement;
          end += 2;
          continue;
        }
        if (next === "'") break;
        value += next;
        end++;
      }
      tokens.push({ kind: 'string', text: query.slice(index, end + 1), value, column });
      index = end + 1;
      continue;
    }
    const rest = query.slice(index);
    const datetime = DATETIME.exec(rest);
    if (datetime !== null) {
      tokens.push({ kind: 'datetime', text: datetime[0], column });
      index += datetime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date !== null) {
      tokens.push({ kind: 'date', text: date[0], column });
      index += date[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number !== null) {
      tokens.push({ kind: 'number', text: number[0], column });
      index += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(:\d+)?/.exec(rest);
    if (word !== null) {
      tokens.push({ kind: 'word', text: word[0], column });
      index += word[0].length;
      continue;
    }
    const symbol = /^(!=|<>|<=|>=|[=<>(),])/.exec(rest);
    if (symbol !== null) {
      tokens.push({ kind: 'symbol', text: symbol[0], column });
      index += symbol[0].length;
      continue;
    }
    throw malformed(`unexpected character '${char}' at column ${column}`);
  }
  tokens.push({ kind: 'end', text: '', column: query.length + 1 });
  return tokens;
}

export function malformed(message: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', message);
}
