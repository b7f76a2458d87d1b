/**
 * The SOQL subset of the Salesforce emulator: a lexer (`soql-lexer.ts`), a parser to a small
 * syntax tree (`soql-parser.ts`) and an evaluator over plain records (`soql-evaluator.ts`).
 * Errors are `SoqlError`s that the REST layer answers as MALFORMED_QUERY (syntax) or
 * INVALID_FIELD / INVALID_TYPE (names), as Salesforce does.
 */
export {
  conditionFields,
  type FieldKind,
  type FieldReader,
  matches,
  sortRecords,
} from './soql-evaluator.js';
export { SoqlError } from './soql-lexer.js';
export {
  parseSoql,
  type SoqlCondition,
  type SoqlLiteral,
  type SoqlOperator,
  type SoqlOrder,
  type SoqlQuery,
  soqlString,
} from './soql-parser.js';
