/**
 * The SOQL parser of the Salesforce emulator: turns the lexer's tokens into a small syntax tree
 * (fields, object, WHERE condition, ORDER BY, LIMIT, OFFSET); syntax errors are
 * MALFORMED_QUERY naming the token and its column.
 */
import { malformed, type SoqlError, type Token, type TokenKind, tokenize } from './soql-lexer.js';

/** A literal of a condition. */
export type SoqlLiteral =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'null' }
  | { readonly type: 'datetime'; readonly value: number; readonly text: string }
  | { readonly type: 'date'; readonly value: string }
  | { readonly type: 'dateRange'; readonly from: number; readonly to: number; readonly text: string };

export type SoqlOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'IN' | 'NOT IN';

export type SoqlCondition =
  | { readonly kind: 'and' | 'or'; readonly left: SoqlCondition; readonly right: SoqlCondition }
  | { readonly kind: 'not'; readonly operand: SoqlCondition }
  | {
      readonly kind: 'compare';
      readonly field: string;
      readonly operator: SoqlOperator;
      readonly value: SoqlLiteral | readonly SoqlLiteral[];
    };

export interface SoqlOrder {
  readonly field: string;
  readonly descending: boolean;
  readonly nullsLast: boolean;
}

/** A parsed SELECT. */
export interface SoqlQuery {
  readonly fields: readonly string[];
  /** `COUNT()` (the size only) or `COUNT(field)` (one aggregate row). */
  readonly count: { readonly field: string | undefined } | undefined;
  readonly object: string;
  readonly where: SoqlCondition | undefined;
  readonly orderBy: readonly SoqlOrder[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
}

const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'AND', 'OR', 'NOT']);

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): SoqlQuery {
    this.keyword('SELECT');
    const fields: string[] = [];
    let count: SoqlQuery['count'];
    do {
      const token = this.take('word', 'a field name');
      if (token.text.toUpperCase() === 'COUNT' && this.peekSymbol('(')) {
        this.position++;
        const field = this.peek().kind === 'word' ? this.take('word', 'a field').text : undefined;
        this.symbol(')');
        count = { field };
        continue;
      }
      if (KEYWORDS.has(token.text.toUpperCase())) throw this.unexpected(token, 'a field name');
      fields.push(token.text);
    } while (this.acceptSymbol(','));
    if (count !== undefined && fields.length > 0) {
      throw malformed('COUNT() cannot be combined with other fields without GROUP BY');
    }
    this.keyword('FROM');
    const object = this.take('word', 'an sObject name').text;
    let where: SoqlCondition | undefined;
    if (this.acceptKeyword('WHERE')) where = this.orCondition();
    const orderBy: SoqlOrder[] = [];
    if (this.acceptKeyword('ORDER')) {
      this.keyword('BY');
      do {
        const field = this.take('word', 'a field to order by').text;
        let descending = false;
        if (this.acceptKeyword('DESC')) descending = true;
        else this.acceptKeyword('ASC');
        // Salesforce sorts nulls first unless told otherwise, whatever the direction.
        let nullsLast = false;
        if (this.acceptKeyword('NULLS')) {
          if (this.acceptKeyword('LAST')) nullsLast = true;
          else {
            this.keyword('FIRST');
            nullsLast = false;
          }
        }
        orderBy.push({ field, descending, nullsLast });
      } while (this.acceptSymbol(','));
    }
    let limit: number | undefined;
    let offset: number | undefined;
    if (this.acceptKeyword('LIMIT')) limit = this.integer('LIMIT');
    if (this.acceptKeyword('OFFSET')) offset = this.integer('OFFSET');
    const end = this.peek();
    if (end.kind !== 'end') throw this.unexpected(end, 'the end of the query');
    return { fields, count, object, where, orderBy, limit, offset };
  }

  private orCondition(): SoqlCondition {
    let left = this.andCondition();
    while (this.acceptKeyword('OR')) left = { kind: 'or', left, right: this.andCondition() };
    return left;
  }

  private andCondition(): SoqlCondition {
    let left = this.unaryCondition();
    while (this.acceptKeyword('AND')) left = { kind: 'and', left, right: this.unaryCondition() };
    return left;
  }

  private unaryCondition(): SoqlCondition {
    if (this.acceptKeyword('NOT')) return { kind: 'not', operand: this.unaryCondition() };
    if (this.acceptSymbol('(')) {
      const inner = this.orCondition();
      this.symbol(')');
      return inner;
    }
    const field = this.take('word', 'a field name').text;
    const token = this.peek();
    let operator: SoqlOperator;
    if (token.kind === 'symbol' && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(token.text)) {
      this.position++;
      operator = token.text === '<>' ? '!=' : (token.text as SoqlOperator);
    } else if (this.acceptKeyword('LIKE')) operator = 'LIKE';
    else if (this.acceptKeyword('IN')) operator = 'IN';
    else if (this.acceptKeyword('NOT')) {
      this.keyword('IN');
      operator = 'NOT IN';
    } else throw this.unexpected(token, 'an operator (=, !=, <, <=, >, >=, LIKE, IN, NOT IN)');
    if (operator === 'IN' || operator === 'NOT IN') {
      this.symbol('(');
      const values: SoqlLiteral[] = [];
      do values.push(this.literal());
      while (this.acceptSymbol(','));
      this.symbol(')');
      return { kind: 'compare', field, operator, value: values };
    }
    const value = this.literal();
    if (operator === 'LIKE' && value.type !== 'string') {
      throw malformed(`LIKE needs a string literal (column ${token.column})`);
    }
    return { kind: 'compare', field, operator, value };
  }

  private literal(): SoqlLiteral {
    const token = this.peek();
    this.position++;
    switch (token.kind) {
      case 'string':
        return { type: 'string', value: token.value ?? '' };
      case 'number':
        return { type: 'number', value: Number(token.text) };
      case 'datetime': {
        // `+0100` offsets are valid SOQL; Date.parse wants `+01:00`.
        const value = Date.parse(token.text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
        if (Number.isNaN(value)) throw malformed(`invalid datetime literal ${token.text}`);
        return { type: 'datetime', value, text: token.text };
      }
      case 'date':
        return { type: 'date', value: token.text };
      case 'word': {
        const upper = token.text.toUpperCase();
        if (upper === 'TRUE' || upper === 'FALSE') return { type: 'boolean', value: upper === 'TRUE' };
        if (upper === 'NULL') return { type: 'null' };
        const range = dateRange(upper);
        if (range !== undefined) return { ...range, type: 'dateRange', text: token.text };
        break;
      }
    }
    throw this.unexpected(token, 'a literal value');
  }

  private integer(clause: string): number {
    const token = this.take('number', `a number after ${clause}`);
    const value = Number(token.text);
    if (!Number.isInteger(value) || value < 0) {
      throw malformed(`${clause} needs a non-negative integer, not ${token.text}`);
    }
    return value;
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }

  private peekSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  private take(kind: TokenKind, expected: string): Token {
    const token = this.peek();
    if (token.kind !== kind) throw this.unexpected(token, expected);
    this.position++;
    return token;
  }

  private keyword(word: string): void {
    if (!this.acceptKeyword(word)) throw this.unexpected(this.peek(), word);
  }

  private acceptKeyword(word: string): boolean {
    const token = this.peek();
    if (token.kind === 'word' && token.text.toUpperCase() === word) {
      this.position++;
      return true;
    }
    return false;
  }

  private symbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.unexpected(this.peek(), `'${symbol}'`);
  }

  private acceptSymbol(symbol: string): boolean {
    if (this.peekSymbol(symbol)) {
      this.position++;
      return true;
    }
    return false;
  }

  private unexpected(token: Token, expected: string): SoqlError {
    const found = token.kind === 'end' ? 'the end of the query' : `'${token.text}'`;
    return malformed(`unexpected token: ${found} at column ${token.column}, expected ${expected}`);
  }
}

const DAY = 86_400_000;

function startOfDay(time: number): number {
  return time - (time % DAY);
}

/** The UTC range of a date literal such as TODAY or LAST_N_DAYS:7. */
function dateRange(word: string): { from: number; to: number } | undefined {
  const today = startOfDay(Date.now());
  const [name, amount] = word.split(':');
  const n = amount === undefined ? undefined : Number(amount);
  switch (name) {
    case 'TODAY':
      return { from: today, to: today + DAY };
    case 'YESTERDAY':
      return { from: today - DAY, to: today };
    case 'TOMORROW':
      return { from: today + DAY, to: today + 2 * DAY };
    case 'LAST_N_DAYS':
      return n === undefined ? undefined : { from: today - n * DAY, to: today + DAY };
    case 'NEXT_N_DAYS':
      return n === undefined ? undefined : { from: today, to: today + (n + 1) * DAY };
    default:
      return undefined;
  }
}

/** Parses one SOQL query of the emulator's subset. */
export function parseSoql(query: string): SoqlQuery {
  return new Parser(tokenize(query)).parse();
}

/** Quotes a value as a SOQL string literal (for the emulator's own tests and messages). */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\']/g, (char) => `\\${char}`).replace(/\n/g, '\\n')}'`;
}
