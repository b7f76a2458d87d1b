// Prints the TypeScript the scaffolder generates the way Biome (and Prettier) would format it,
// so that a generated package passes `biome check` as it is. It implements the document
// algorithm of Prettier's printer (groups that break when they do not fit, conditional groups,
// break propagation) and its layout rules for the few constructs generated code uses: calls,
// object and array literals, string literals, object properties and `const` declarations.

export type Doc = string | readonly Doc[] | Group | Indent | Line | IfBreak | IndentIfBreak | BreakParent;

interface Group {
  readonly type: 'group';
  readonly contents: Doc;
  break: boolean;
  readonly id: symbol | undefined;
  readonly expandedStates: readonly Doc[] | undefined;
}
interface Indent {
  readonly type: 'indent';
  readonly contents: Doc;
}
interface Line {
  readonly type: 'line';
  readonly soft: boolean;
  readonly hard: boolean;
}
interface IfBreak {
  readonly type: 'if-break';
  readonly breakContents: Doc;
  readonly flatContents: Doc;
  readonly groupId: symbol | undefined;
}
interface IndentIfBreak {
  readonly type: 'indent-if-break';
  readonly contents: Doc;
  readonly groupId: symbol;
}
interface BreakParent {
  readonly type: 'break-parent';
}

export const line: Doc = { type: 'line', soft: false, hard: false };
export const softline: Doc = { type: 'line', soft: true, hard: false };
const breakParent: Doc = { type: 'break-parent' };
export const hardline: Doc = [{ type: 'line', soft: false, hard: true }, breakParent];

export function group(contents: Doc, options: { shouldBreak?: boolean; id?: symbol } = {}): Doc {
  return {
    type: 'group',
    contents,
    break: options.shouldBreak === true,
    id: options.id,
    expandedStates: undefined,
  };
}

function conditionalGroup(states: readonly Doc[]): Doc {
  return { type: 'group', contents: states[0] ?? '', break: false, id: undefined, expandedStates: states };
}

export function indent(contents: Doc): Doc {
  return { type: 'indent', contents };
}

function ifBreak(breakContents: Doc, flatContents: Doc = '', groupId?: symbol): Doc {
  return { type: 'if-break', breakContents, flatContents, groupId };
}

function indentIfBreak(contents: Doc, groupId: symbol): Doc {
  return { type: 'indent-if-break', contents, groupId };
}

export function join(separator: Doc, docs: readonly Doc[]): Doc[] {
  return docs.flatMap((doc, index) => (index === 0 ? [doc] : [separator, doc]));
}

function children(doc: Doc, withConditionalStates: boolean): readonly Doc[] {
  if (typeof doc === 'string') return [];
  if (isDocArray(doc)) return doc;
  switch (doc.type) {
    case 'group':
      return withConditionalStates && doc.expandedStates !== undefined ? doc.expandedStates : [doc.contents];
    case 'indent':
    case 'indent-if-break':
      return [doc.contents];
    case 'if-break':
      return [doc.breakContents, doc.flatContents];
    default:
      return [];
  }
}

function isDocArray(doc: Doc): doc is readonly Doc[] {
  return Array.isArray(doc);
}

/** True when the doc contains a forced break: a broken group, a hard line or a break-parent. */
export function willBreak(doc: Doc): boolean {
  if (typeof doc === 'string') return false;
  if (!isDocArray(doc)) {
    if (doc.type === 'group' && doc.break) return true;
    if (doc.type === 'line' && doc.hard) return true;
    if (doc.type === 'break-parent') return true;
  }
  return children(doc, false).some(willBreak);
}

/** Marks every group containing a forced break as broken; conditional groups stop it. */
function propagateBreaks(doc: Doc): void {
  const stack: Group[] = [];
  const visited = new Set<Group>();
  const breakParentGroup = (): void => {
    const parent = stack.at(-1);
    if (parent !== undefined && parent.expandedStates === undefined) parent.break = true;
  };
  const visit = (current: Doc): void => {
    if (typeof current === 'string') return;
    if (!isDocArray(current) && current.type === 'break-parent') {
      breakParentGroup();
      return;
    }
    if (!isDocArray(current) && current.type === 'group') {
      stack.push(current);
      if (!visited.has(current)) {
        visited.add(current);
        for (const child of children(current, true)) visit(child);
      }
      stack.pop();
      if (current.break) breakParentGroup();
      return;
    }
    for (const child of children(current, true)) visit(child);
  };
  visit(doc);
}

type Mode = 'break' | 'flat';
interface Command {
  readonly indentation: string;
  readonly mode: Mode;
  readonly doc: Doc;
}

function fits(
  next: Command,
  rest: readonly Command[],
  width: number,
  groupModes: Map<symbol, Mode>,
): boolean {
  let remaining = width;
  let restIndex = rest.length;
  const commands: { mode: Mode; doc: Doc }[] = [next];
  while (remaining >= 0) {
    const command = commands.pop();
    if (command === undefined) {
      if (restIndex === 0) return true;
      const restCommand = rest[--restIndex];
      if (restCommand !== undefined) commands.push(restCommand);
      continue;
    }
    const { mode, doc } = command;
    if (typeof doc === 'string') {
      remaining -= doc.length;
      continue;
    }
    if (isDocArray(doc)) {
      for (let index = doc.length - 1; index >= 0; index--) commands.push({ mode, doc: doc[index] as Doc });
      continue;
    }
    switch (doc.type) {
      case 'indent':
      case 'indent-if-break':
        commands.push({ mode, doc: doc.contents });
        break;
      case 'group': {
        const groupMode: Mode = doc.break ? 'break' : mode;
        const contents =
          doc.expandedStates !== undefined && groupMode === 'break'
            ? (doc.expandedStates.at(-1) ?? doc.contents)
            : doc.contents;
        commands.push({ mode: groupMode, doc: contents });
        break;
      }
      case 'if-break': {
        const groupMode = doc.groupId === undefined ? mode : (groupModes.get(doc.groupId) ?? 'flat');
        commands.push({ mode, doc: groupMode === 'break' ? doc.breakContents : doc.flatContents });
        break;
      }
      case 'line':
        if (mode === 'break' || doc.hard) return true;
        if (!doc.soft) remaining -= 1;
        break;
      case 'break-parent':
        break;
    }
  }
  return false;
}

/** Lays a doc out in `width` columns, indenting by two spaces. */
export function printDoc(doc: Doc, width = 110): string {
  propagateBreaks(doc);
  const groupModes = new Map<symbol, Mode>();
  const commands: Command[] = [{ indentation: '', mode: 'break', doc }];
  let out = '';
  let position = 0;
  let shouldRemeasure = false;
  while (commands.length > 0) {
    const { indentation, mode, doc: current } = commands.pop() as Command;
    if (typeof current === 'string') {
      out += current;
      position += current.length;
      continue;
    }
    if (isDocArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        commands.push({ indentation, mode, doc: current[index] as Doc });
      }
      continue;
    }
    switch (current.type) {
      case 'indent':
        commands.push({ indentation: `${indentation}  `, mode, doc: current.contents });
        break;
      case 'group': {
        if (mode === 'flat' && !shouldRemeasure) {
          commands.push({ indentation, mode: current.break ? 'break' : 'flat', doc: current.contents });
        } else {
          shouldRemeasure = false;
          const next: Command = { indentation, mode: 'flat', doc: current.contents };
          const remaining = width - position;
          if (!current.break && fits(next, commands, remaining, groupModes)) {
            commands.push(next);
          } else if (current.expandedStates !== undefined) {
            const mostExpanded = current.expandedStates.at(-1) ?? current.contents;
            if (current.break) {
              commands.push({ indentation, mode: 'break', doc: mostExpanded });
            } else {
              let chosen: Command | undefined;
              for (const state of current.expandedStates.slice(1, -1)) {
                const candidate: Command = { indentation, mode: 'flat', doc: state };
                if (fits(candidate, commands, remaining, groupModes)) {
                  chosen = candidate;
                  break;
                }
              }
              commands.push(chosen ?? { indentation, mode: 'break', doc: mostExpanded });
            }
          } else {
            commands.push({ indentation, mode: 'break', doc: current.contents });
          }
        }
        if (current.id !== undefined) groupModes.set(current.id, (commands.at(-1) as Command).mode);
        break;
      }
      case 'if-break':
      case 'indent-if-break': {
        const groupMode = current.groupId === undefined ? mode : groupModes.get(current.groupId);
        if (current.type === 'if-break') {
          const contents = groupMode === 'break' ? current.breakContents : current.flatContents;
          commands.push({ indentation, mode, doc: contents });
        } else {
          commands.push({
            indentation: groupMode === 'break' ? `${indentation}  ` : indentation,
            mode,
            doc: current.contents,
          });
        }
        break;
      }
      case 'line':
        if (mode === 'flat' && !current.hard) {
          if (!current.soft) {
            out += ' ';
            position += 1;
          }
          break;
        }
        if (mode === 'flat') shouldRemeasure = true;
        out = out.replace(/[\t ]+$/, '');
        out += `\n${indentation}`;
        position = indentation.length;
        break;
      case 'break-parent':
        break;
    }
  }
  return out;
}

// ------------------------------------------------------------------ JavaScript expressions

/** The expressions generated code is made of. */
export type Expression =
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'call'; readonly callee: string; readonly args: readonly Expression[] }
  | { readonly kind: 'object'; readonly properties: readonly Property[]; readonly expanded: boolean }
  | { readonly kind: 'array'; readonly items: readonly Expression[] }
  | { readonly kind: 'doc'; readonly doc: Doc };

export interface Property {
  readonly key: string;
  readonly value: Expression;
}

export const js = {
  /** Identifiers, numbers, booleans, `null`, member access: printed as they are. */
  raw: (text: string): Expression => ({ kind: 'raw', text }),
  string: (value: string): Expression => ({ kind: 'string', value }),
  call: (callee: string, ...args: Expression[]): Expression => ({ kind: 'call', callee, args }),
  /** `expanded` keeps the object on several lines whatever its width, as Biome keeps an object written so. */
  object: (properties: readonly Property[], expanded = false): Expression => ({
    kind: 'object',
    properties,
    expanded,
  }),
  array: (items: readonly Expression[]): Expression => ({ kind: 'array', items }),
  /** A hand-built doc, e.g. an arrow function with a block body. */
  doc: (doc: Doc): Expression => ({ kind: 'doc', doc }),
  value: (value: unknown): Expression => literal(value),
};

/** A JSON value as a literal; objects are printed collapsed when they fit. */
function literal(value: unknown): Expression {
  if (typeof value === 'string') return js.string(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return js.raw(String(value));
  if (Array.isArray(value)) return js.array(value.map(literal));
  if (typeof value === 'object') {
    return js.object(Object.entries(value).map(([key, item]) => ({ key, value: literal(item) })));
  }
  return js.raw('undefined');
}

/** A string literal with the quotes Biome picks: single, unless the text holds more single than double quotes. */
export function stringLiteral(value: string): string {
  const singles = (value.match(/'/g) ?? []).length;
  const doubles = (value.match(/"/g) ?? []).length;
  const quote = singles > doubles ? '"' : "'";
  let escaped = '';
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    if (character === '\\') escaped += '\\\\';
    else if (character === quote) escaped += `\\${quote}`;
    else if (character === '\n') escaped += '\\n';
    else if (character === '\r') escaped += '\\r';
    else if (character === '\t') escaped += '\\t';
    else if (code < 0x20 || code === 0x2028 || code === 0x2029 || code === 0x7f) {
      escaped += `\\u${code.toString(16).padStart(4, '0')}`;
    } else escaped += character;
  }
  return `${quote}${escaped}${quote}`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : stringLiteral(key);
}

export function printExpression(expression: Expression): Doc {
  switch (expression.kind) {
    case 'raw':
      return expression.text;
    case 'string':
      return stringLiteral(expression.value);
    case 'doc':
      return expression.doc;
    case 'call':
      return [expression.callee, printArguments(expression.args)];
    case 'object':
      if (expression.properties.length === 0) return '{}';
      return group(
        [
          '{',
          indent([line, join([',', line], expression.properties.map(printProperty))]),
          ifBreak(','),
          line,
          '}',
        ],
        { shouldBreak: expression.expanded },
      );
    case 'array': {
      if (expression.items.length === 0) return '[]';
      const shouldBreak =
        expression.items.length > 1 &&
        expression.items.every(
          (item, index, items) =>
            ((item.kind === 'object' && item.properties.length > 1) ||
              (item.kind === 'array' && item.items.length > 1)) &&
            (items[index + 1] === undefined || items[index + 1]?.kind === item.kind),
        );
      return group(
        [
          '[',
          indent([softline, join([',', line], expression.items.map(printExpression))]),
          ifBreak(','),
          softline,
          ']',
        ],
        { shouldBreak },
      );
    }
  }
}

function printArguments(args: readonly Expression[]): Doc {
  if (args.length === 0) return '()';
  const printed = args.map((arg, index) =>
    index === args.length - 1 ? printExpression(arg) : [printExpression(arg), ',', line],
  );
  const allBrokenOut = (): Doc =>
    group(['(', indent([line, ...printed]), ',', line, ')'], { shouldBreak: true });
  const last = args.at(-1) as Expression;
  const penultimate = args.at(-2);
  const expandLast =
    ((last.kind === 'object' && last.properties.length > 0) ||
      (last.kind === 'array' && last.items.length > 0)) &&
    (penultimate === undefined || penultimate.kind !== last.kind);
  if (expandLast) {
    const head = printed.slice(0, -1);
    if (head.some(willBreak)) return allBrokenOut();
    const lastDoc = printed.at(-1) as Doc;
    if (willBreak(lastDoc)) {
      return [
        breakParent,
        conditionalGroup([['(', ...head, group(lastDoc, { shouldBreak: true }), ')'], allBrokenOut()]),
      ];
    }
    return conditionalGroup([
      ['(', ...head, lastDoc, ')'],
      ['(', ...head, group(lastDoc, { shouldBreak: true }), ')'],
      allBrokenOut(),
    ]);
  }
  return group(['(', indent([softline, ...printed]), ifBreak(','), softline, ')'], {
    shouldBreak: printed.some(willBreak),
  });
}

/** `key: value`, laid out as Biome lays out assignments (break after the colon only where it helps). */
function printProperty(property: Property): Doc {
  if (property.value.kind === 'raw' && property.value.text === property.key) return property.key;
  const key = propertyKey(property.key);
  return printAssignment(key, ':', property.value, key.length < 5);
}

function printAssignment(left: string, operator: string, value: Expression, hasShortKey: boolean): Doc {
  const right = printExpression(value);
  const breaksAfterOperator = !hasShortKey && (value.kind === 'string' || isPoorlyBreakableCall(value));
  if (breaksAfterOperator) return group([left, operator, group(indent([line, right]))]);
  if (hasShortKey) return group([left, operator, ' ', right]);
  const id = Symbol('assignment');
  return group([left, operator, group(indent(line), { id }), indentIfBreak(right, id)]);
}

/** A call chain without arguments or with one short one (`Type.String()`, `Type.Literal('a')`). */
function isPoorlyBreakableCall(expression: Expression): boolean {
  if (expression.kind !== 'call' || !/^[\w$]+(\.[\w$]+)+$|^[\w$]+$/.test(expression.callee)) return false;
  if (expression.args.length === 0) return true;
  if (expression.args.length > 1) return false;
  const [arg] = expression.args;
  if (arg === undefined) return true;
  if (arg.kind === 'string') return stringLiteral(arg.value).length <= 110 * 0.25;
  if (arg.kind === 'raw') {
    return (
      /^-?\d/.test(arg.text) || ['true', 'false', 'null'].includes(arg.text) || arg.text.length <= 110 * 0.25
    );
  }
  return false;
}

// ------------------------------------------------------------------ statements

/** `export const name = value;` */
export function constStatement(name: string, value: Expression, exported = true): Doc {
  return [exported ? 'export ' : '', 'const ', printAssignment(name, ' =', value, false), ';'];
}

/** `import { a, type B } from 'source';` (or `export { … } from`), names sorted as Biome sorts them. */
export function importStatement(
  specifiers: readonly string[],
  source: string,
  keyword: 'import' | 'export' = 'import',
): Doc {
  const sorted = [...new Set(specifiers)].sort((a, b) =>
    compareNames(a.replace(/^type /, ''), b.replace(/^type /, '')),
  );
  return group([
    `${keyword} {`,
    indent([line, join([',', line], sorted)]),
    ifBreak(','),
    line,
    '} from ',
    stringLiteral(source),
    ';',
  ]);
}

/**
 * Biome's order of import names: letters compare without case, and the first letter that
 * differs only in case puts the uppercase one first (`ERROR_CODES`, `ErrorCode`, `errorCodes`).
 */
export function compareNames(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a[index] as string;
    const right = b[index] as string;
    if (left === right) continue;
    if (left.toLowerCase() === right.toLowerCase()) return left < right ? -1 : 1;
    return left.toLowerCase() < right.toLowerCase() ? -1 : 1;
  }
  return a.length - b.length;
}

/** Prints statements (docs), separated by a blank line where `blankLineBefore` says so. */
export function printModule(
  statements: readonly { readonly doc: Doc; readonly blankLineBefore?: boolean }[],
): string {
  const parts: Doc[] = [];
  statements.forEach((statement, index) => {
    if (index > 0) parts.push(statement.blankLineBefore === true ? [hardline, hardline] : hardline);
    parts.push(statement.doc);
  });
  // A blank line is two newlines; the indentation printed after the first one is trimmed.
  return `${printDoc(parts).replace(/[\t ]+\n/g, '\n')}\n`;
}

/**
 * JSON as Biome formats a JSON file written with every object on several lines: objects stay
 * expanded, arrays are put on one line when they fit.
 */
export function printJson(value: unknown): string {
  const build = (current: unknown): Doc => {
    if (Array.isArray(current)) {
      if (current.length === 0) return '[]';
      return group(['[', indent([softline, join([',', line], current.map(build))]), softline, ']']);
    }
    if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      if (entries.length === 0) return '{}';
      const properties = entries.map(([key, item]) => [JSON.stringify(key), ': ', build(item)]);
      return group(['{', indent([line, join([',', line], properties)]), line, '}'], { shouldBreak: true });
    }
    return JSON.stringify(current) ?? 'null';
  };
  return `${printDoc(build(value))}\n`;
}
