import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import jsonata from 'jsonata';
import { LineCounter, type Node, parseDocument } from 'yaml';
import { jsonPath, MappingError, type Violation } from './errors.js';
import {
  compileSchema,
  type JsonSchema,
  resolveSchema,
  type SchemaValidator,
  schemaTypes,
} from './json-schema.js';
import { loadMessageDefinition } from './load-definition.js';
import type { MessageDefinition } from './message-definition.js';
import { type FileProblem, locate, problemLocation } from './source-location.js';
import { parseXml, type SerializeXmlOptions, serializeXml, type XmlLimits } from './xml.js';

/** What to do when a source value is missing or null. */
export type MissingRule = 'skip' | 'default' | 'error';

/** Conversions a field may ask for; without one, the target schema decides. */
export type ConversionType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'date-time';

/** What happens to a value a value map does not list. */
export type UnmappedRule = 'error' | 'keep' | 'default';

type Segment = string | number;
type Path = readonly Segment[];

/** Where a rule takes its value from. */
type Selector =
  | {
      readonly kind: 'path';
      readonly text: string;
      readonly fromRoot: boolean;
      readonly segments: readonly Segment[];
    }
  | { readonly kind: 'expression'; readonly text: string; readonly expression: jsonata.Expression }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'context' };

interface CompiledRule {
  readonly select: Selector;
  readonly each: Selector | undefined;
  /** Target field name and its rule, in the mapping's order. */
  readonly fields: readonly (readonly [string, CompiledRule])[] | undefined;
  readonly type: ConversionType | undefined;
  readonly values: ReadonlyMap<string, unknown> | undefined;
  readonly unmapped: UnmappedRule;
  readonly hasDefault: boolean;
  readonly default: unknown;
  readonly missing: MissingRule;
}

/** The outcome of running a mapping: the value, or every violation found. */
export type MappingResult<T = unknown> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly violations: readonly Violation[]; readonly error: MappingError };

/** The outcome of an export: the message value and its text (XML or JSON). */
export type ExportResult<T = unknown> =
  | { readonly ok: true; readonly value: T; readonly text: string }
  | { readonly ok: false; readonly violations: readonly Violation[]; readonly error: MappingError };

export interface RunOptions {
  /** Limits for XML input (import of XML text). */
  readonly xmlLimits?: XmlLimits;
}

/** A loaded mapping: import (message → entities) and export (entities → message). */
export interface Mapping {
  /** The `mapping:` name, or the file. */
  readonly name: string;
  /** The message side: an XSD, JSON Schema or sample definition. */
  readonly message: MessageDefinition | undefined;
  /** The application's entity definition. */
  readonly entity: MessageDefinition | undefined;
  /** Whether the file has an `import:` and an `export:` section. */
  readonly directions: { readonly import: boolean; readonly export: boolean };
  /**
   * Maps a message to entities and validates them against the entity schema. XML text is
   * parsed safely (see `parseXml`); JSON text is parsed; other values are taken as they are.
   */
  import<T = unknown>(input: unknown, options?: RunOptions): Promise<MappingResult<T>>;
  /**
   * Maps entities to a message, validates it against the message definition and writes it
   * as XML (XML definitions) or JSON.
   */
  export<T = unknown>(entities: unknown, options?: SerializeXmlOptions): Promise<ExportResult<T>>;
}

/** The value of a successful result, or its `MappingError` thrown. */
export function unwrap<T>(result: MappingResult<T> | ExportResult<T>): T {
  if (result.ok) return result.value;
  throw result.error;
}

export interface LoadMappingOptions {
  /** Use this message definition instead of the file's `message.definition`. */
  readonly message?: MessageDefinition;
  /** Use this entity definition (for example a TypeBox schema via `defineMessage`) instead of the file's. */
  readonly entity?: MessageDefinition;
  /** Limits for XML input, for every `import` of this mapping. */
  readonly xmlLimits?: XmlLimits;
}

export interface CompileMappingOptions extends LoadMappingOptions {
  /** The file the text came from: shown in errors, and the base of relative definition paths. */
  readonly file?: string;
}

/**
 * Loads a YAML mapping file, its message and entity definitions, and compiles it (JSONata
 * expressions included). A wrong file is rejected with every problem located as
 * `file:line:column` (a `MappingError` with reason `MAPPING_INVALID`).
 *
 * @example
 * const mapping = await loadMapping('mappings/order.yaml');
 * const result = await mapping.import(xmlText);
 * if (!result.ok) for (const violation of result.violations) console.log(violation.targetPath, violation.message);
 */
export async function loadMapping(file: string, options: LoadMappingOptions = {}): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MappingError(
      'MAPPING_INVALID',
      `${file}: cannot read the mapping (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  return compileMapping(text, { ...options, file });
}

/** Compiles mapping YAML text; relative definition paths resolve against `options.file`'s folder (or the working folder). */
export async function compileMapping(text: string, options: CompileMappingOptions = {}): Promise<Mapping> {
  return new MappingCompiler(text, options).compile();
}

const TOP_LEVEL_KEYS = new Set([
  'mapping',
  'description',
  'message',
  'entity',
  'missing',
  'import',
  'export',
]);
const SIDE_KEYS = new Set(['definition', 'kind', 'element', 'format']);
const RULE_KEYS = new Set([
  'from',
  'expr',
  'value',
  'fields',
  'each',
  'type',
  'values',
  'unmapped',
  'default',
  'missing',
]);
const CONVERSION_TYPES = new Set<string>(['string', 'number', 'integer', 'boolean', 'date', 'date-time']);
const MISSING_RULES = new Set<string>(['skip', 'default', 'error']);
const UNMAPPED_RULES = new Set<string>(['error', 'keep', 'default']);
const PATH_SEGMENT = /^([^.[\]\s]+)((?:\[\d+\])*)$/;

class MappingCompiler {
  private readonly problems: FileProblem[] = [];
  private readonly display: string;
  private readonly lineCounter = new LineCounter();
  private contents: Node | null = null;

  constructor(
    private readonly text: string,
    private readonly options: CompileMappingOptions,
  ) {
    this.display = options.file ?? '(mapping text)';
  }

  async compile(): Promise<Mapping> {
    const document = parseDocument(this.text, {
      lineCounter: this.lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
    });
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const { line, col } = this.lineCounter.linePos(error.pos[0]);
        this.problems.push({
          file: this.display,
          line,
          column: col,
          message: error.message.split('\n')[0] ?? 'invalid YAML',
        });
      }
      this.fail();
    }
    this.contents = document.contents as Node | null;
    const raw = document.toJS() as unknown;
    if (!isRecord(raw)) {
      this.report([], 'a mapping file is a YAML mapping with `import:` and/or `export:`');
      this.fail();
    }
    for (const key of Object.keys(raw)) {
      if (!TOP_LEVEL_KEYS.has(key))
        this.report([key], `unknown key '${key}' (expected one of ${[...TOP_LEVEL_KEYS].join(', ')})`, true);
    }
    if (raw.mapping !== undefined && typeof raw.mapping !== 'string')
      this.report(['mapping'], '`mapping` (the name) must be a string');
    const missing = this.missingRule(raw.missing, ['missing']) ?? 'skip';
    if (raw.import === undefined && raw.export === undefined)
      this.report([], 'the mapping has neither `import:` nor `export:`');
    const message = this.options.message ?? (await this.side(raw.message, 'message'));
    const entity = this.options.entity ?? (await this.side(raw.entity, 'entity'));
    const messageFormat = this.format(raw.message, message);
    const importRule =
      raw.import === undefined ? undefined : this.rule(raw.import, ['import'], missing, true);
    const exportRule =
      raw.export === undefined ? undefined : this.rule(raw.export, ['export'], missing, true);
    if (messageFormat === 'xml' && exportRule !== undefined && message?.root === undefined) {
      this.report(
        ['message'],
        'exporting XML needs an XSD message definition (`message.definition: <file>.xsd`)',
      );
    }
    const messageValidator = this.validator(message, 'message');
    const entityValidator = this.validator(entity, 'entity');
    if (this.problems.length > 0) this.fail();
    return new CompiledMapping({
      name: typeof raw.mapping === 'string' ? raw.mapping : this.display,
      message,
      entity,
      messageFormat,
      importRule,
      exportRule,
      messageValidator,
      entityValidator,
      xmlLimits: this.options.xmlLimits,
    });
  }

  private fail(): never {
    const first = this.problems[0];
    const more =
      this.problems.length > 1
        ? ` (and ${this.problems.length - 1} more problem${this.problems.length > 2 ? 's' : ''})`
        : '';
    throw new MappingError(
      'MAPPING_INVALID',
      first === undefined
        ? `${this.display}: the mapping is not valid`
        : `${problemLocation(first)}: ${first.message}${more}`,
      {
        path: first === undefined ? this.display : problemLocation(first),
        issues: this.problems.map((problem) => ({
          path: problemLocation(problem),
          message: problem.message,
        })),
      },
    );
  }

  private report(path: Path, message: string, key = false): void {
    const position = locate(this.contents, this.lineCounter, path, key);
    this.problems.push({
      file: this.display,
      line: position?.line ?? 0,
      column: position?.column ?? 0,
      message: position === undefined && path.length > 0 ? `${path.join('.')}: ${message}` : message,
    });
  }

  private async side(value: unknown, name: 'message' | 'entity'): Promise<MessageDefinition | undefined> {
    if (value === undefined) return undefined;
    if (!isRecord(value)) {
      this.report([name], `\`${name}\` must be a mapping with \`definition: <file>\``);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!SIDE_KEYS.has(key))
        this.report([name, key], `unknown key '${key}' (expected one of ${[...SIDE_KEYS].join(', ')})`, true);
    }
    const { definition, kind, element } = value;
    if (kind !== undefined && kind !== 'xsd' && kind !== 'schema' && kind !== 'sample') {
      this.report([name, 'kind'], '`kind` must be xsd, schema or sample');
      return undefined;
    }
    if (element !== undefined && typeof element !== 'string')
      this.report([name, 'element'], '`element` must be a string');
    if (definition === undefined) return undefined;
    if (typeof definition !== 'string') {
      this.report([name, 'definition'], '`definition` must be a file path');
      return undefined;
    }
    const base = this.options.file === undefined ? process.cwd() : dirname(resolve(this.options.file));
    try {
      return await loadMessageDefinition(resolve(base, definition), {
        display: definition,
        ...(kind === undefined ? {} : { kind }),
        ...(typeof element === 'string' ? { element } : {}),
      });
    } catch (error) {
      this.report([name, 'definition'], (error as Error).message);
      return undefined;
    }
  }

  private format(side: unknown, definition: MessageDefinition | undefined): 'json' | 'xml' {
    const format = isRecord(side) ? side.format : undefined;
    if (format === undefined) return definition?.format ?? 'json';
    if (format !== 'json' && format !== 'xml') {
      this.report(['message', 'format'], '`format` must be json or xml');
      return 'json';
    }
    if (definition !== undefined && definition.format !== format) {
      this.report(
        ['message', 'format'],
        `the definition ${definition.source} describes ${definition.format}, not ${format}`,
      );
    }
    return format;
  }

  private validator(definition: MessageDefinition | undefined, name: string): SchemaValidator | undefined {
    if (definition === undefined) return undefined;
    try {
      return compileSchema(definition.schema);
    } catch (error) {
      this.report(
        [name, 'definition'],
        `the schema of ${definition.source} cannot be compiled: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  private missingRule(value: unknown, path: Path): MissingRule | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !MISSING_RULES.has(value)) {
      this.report(path, '`missing` must be skip, default or error');
      return undefined;
    }
    return value as MissingRule;
  }

  private selector(value: unknown, path: Path, kind: 'from' | 'expr'): Selector | undefined {
    if (typeof value !== 'string' || value.trim() === '') {
      this.report(
        path,
        kind === 'from'
          ? '`from` must be a source path such as `customer.name` or `@id`'
          : '`expr` must be a JSONata expression',
      );
      return undefined;
    }
    if (kind === 'expr') {
      try {
        return { kind: 'expression', text: value, expression: jsonata(value) };
      } catch (error) {
        const jsonataError = error as { message: string; position?: number };
        this.report(
          path,
          `JSONata: ${jsonataError.message}${jsonataError.position === undefined ? '' : ` (at character ${jsonataError.position})`}`,
        );
        return undefined;
      }
    }
    return this.path(value, path);
  }

  private path(text: string, location: Path): Selector | undefined {
    if (text === '$') return { kind: 'context' };
    const fromRoot = text.startsWith('$root.') || text === '$root';
    const body = fromRoot ? text.slice(6) : text;
    const segments: Segment[] = [];
    if (body !== '') {
      for (const part of body.split('.')) {
        const match = PATH_SEGMENT.exec(part);
        if (match === null) {
          this.report(
            location,
            `'${text}' is not a source path (segments like \`name\`, \`@id\`, \`lines[0]\`, joined by dots; use \`expr:\` for anything else)`,
          );
          return undefined;
        }
        segments.push(match[1] ?? '');
        for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
      }
    }
    return { kind: 'path', text, fromRoot, segments };
  }

  private rule(
    raw: unknown,
    path: Path,
    inheritedMissing: MissingRule,
    top = false,
  ): CompiledRule | undefined {
    if (typeof raw === 'string') {
      const select = this.selector(raw, path, 'from');
      return select === undefined ? undefined : simpleRule(select, inheritedMissing);
    }
    if (!isRecord(raw)) {
      this.report(path, 'a field is a source path, or a mapping with from, expr, value, fields or each');
      return undefined;
    }
    for (const key of Object.keys(raw)) {
      if (!RULE_KEYS.has(key))
        this.report(
          [...path, key],
          `unknown key '${key}' (expected one of ${[...RULE_KEYS].join(', ')})`,
          true,
        );
    }
    const sources = ['from', 'expr', 'value'].filter((key) => raw[key] !== undefined);
    if (sources.length > 1) this.report(path, `use one of ${sources.join(', ')}, not several`);
    if (top && raw.fields === undefined && raw.each === undefined)
      this.report(path, 'needs `fields:` (or `each:` with `fields:`)');
    let select: Selector | undefined = { kind: 'context' };
    if (raw.from !== undefined) select = this.selector(raw.from, [...path, 'from'], 'from');
    else if (raw.expr !== undefined) select = this.selector(raw.expr, [...path, 'expr'], 'expr');
    else if ('value' in raw) select = { kind: 'value', value: raw.value };
    else if (raw.fields === undefined && raw.each === undefined) {
      // A field with only a default always takes the default.
      if ('default' in raw) select = { kind: 'value', value: undefined };
      else this.report(path, 'a field needs `from`, `expr`, `value`, `fields` or `each`');
    }
    let each: Selector | undefined;
    if (raw.each !== undefined) {
      if (typeof raw.each === 'string') each = this.selector(raw.each, [...path, 'each'], 'from');
      else if (isRecord(raw.each) && typeof raw.each.expr === 'string')
        each = this.selector(raw.each.expr, [...path, 'each', 'expr'], 'expr');
      else this.report([...path, 'each'], '`each` is a source path to an array, or `{ expr: <JSONata> }`');
    }
    let fields: [string, CompiledRule][] | undefined;
    if (raw.fields !== undefined) {
      if (!isRecord(raw.fields))
        this.report([...path, 'fields'], '`fields` maps target field names to rules');
      else {
        fields = [];
        // A section's `missing` is the default of its fields; a field's own rule is for itself.
        const missingHere = top
          ? (this.missingRule(raw.missing, [...path, 'missing']) ?? inheritedMissing)
          : inheritedMissing;
        for (const [name, fieldRaw] of Object.entries(raw.fields)) {
          const compiled = this.rule(fieldRaw, [...path, 'fields', name], missingHere);
          if (compiled !== undefined) fields.push([name, compiled]);
        }
      }
    }
    let type: ConversionType | undefined;
    if (raw.type !== undefined) {
      if (typeof raw.type === 'string' && CONVERSION_TYPES.has(raw.type)) type = raw.type as ConversionType;
      else this.report([...path, 'type'], `\`type\` must be one of ${[...CONVERSION_TYPES].join(', ')}`);
    }
    let values: Map<string, unknown> | undefined;
    if (raw.values !== undefined) {
      if (!isRecord(raw.values))
        this.report([...path, 'values'], '`values` is a code table: source value → target value');
      else values = new Map(Object.entries(raw.values));
    }
    let unmapped: UnmappedRule = 'error';
    if (raw.unmapped !== undefined) {
      if (typeof raw.unmapped === 'string' && UNMAPPED_RULES.has(raw.unmapped))
        unmapped = raw.unmapped as UnmappedRule;
      else this.report([...path, 'unmapped'], '`unmapped` must be error, keep or default');
      if (values === undefined) this.report([...path, 'unmapped'], '`unmapped` needs `values`');
    }
    const hasDefault = 'default' in raw;
    const ownMissing = this.missingRule(raw.missing, [...path, 'missing']);
    const missing = ownMissing ?? (hasDefault ? 'default' : inheritedMissing);
    if ((missing === 'default' && ownMissing !== undefined) || unmapped === 'default') {
      if (!hasDefault) this.report(path, 'needs `default:` (its `missing` or `unmapped` rule says default)');
    }
    if (select === undefined) return undefined;
    return { select, each, fields, type, values, unmapped, hasDefault, default: raw.default, missing };
  }
}

function simpleRule(select: Selector, missing: MissingRule): CompiledRule {
  return {
    select,
    each: undefined,
    fields: undefined,
    type: undefined,
    values: undefined,
    unmapped: 'error',
    hasDefault: false,
    default: undefined,
    missing,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

interface CompiledMappingParts {
  readonly name: string;
  readonly message: MessageDefinition | undefined;
  readonly entity: MessageDefinition | undefined;
  readonly messageFormat: 'json' | 'xml';
  readonly importRule: CompiledRule | undefined;
  readonly exportRule: CompiledRule | undefined;
  readonly messageValidator: SchemaValidator | undefined;
  readonly entityValidator: SchemaValidator | undefined;
  readonly xmlLimits: XmlLimits | undefined;
}

/** A value found in the source, with where it was. */
interface Located {
  readonly value: unknown;
  readonly path: Path;
}

class CompiledMapping implements Mapping {
  readonly name: string;
  readonly message: MessageDefinition | undefined;
  readonly entity: MessageDefinition | undefined;
  readonly directions: { readonly import: boolean; readonly export: boolean };

  constructor(private readonly parts: CompiledMappingParts) {
    this.name = parts.name;
    this.message = parts.message;
    this.entity = parts.entity;
    this.directions = { import: parts.importRule !== undefined, export: parts.exportRule !== undefined };
  }

  async import<T>(input: unknown, options: RunOptions = {}): Promise<MappingResult<T>> {
    const rule = this.parts.importRule;
    if (rule === undefined)
      return failure(new MappingError('MAPPING_INVALID', `${this.name} has no \`import:\` section`));
    let message: unknown = input;
    if (typeof input === 'string' || Buffer.isBuffer(input)) {
      const text = input.toString();
      try {
        message =
          this.parts.messageFormat === 'xml'
            ? parseXml(text, {
                ...(this.parts.message === undefined ? {} : { definition: this.parts.message }),
                limits: { ...this.parts.xmlLimits, ...options.xmlLimits },
              }).value
            : JSON.parse(text);
      } catch (error) {
        if (error instanceof MappingError) return failure(error);
        const problem = (error as Error).message.slice(0, 200);
        return failure(
          this.parts.messageFormat === 'xml'
            ? new MappingError('XML_MALFORMED', `the XML message cannot be parsed: ${problem}`, {
                cause: error,
              })
            : new MappingError('MAPPING_FAILED', `the JSON message is not valid JSON: ${problem}`, {
                cause: error,
              }),
        );
      }
    }
    return new MappingRun(this.name, 'import', message).run<T>(
      rule,
      this.parts.entity?.schema,
      this.parts.entityValidator,
    );
  }

  async export<T>(entities: unknown, options: SerializeXmlOptions = {}): Promise<ExportResult<T>> {
    const rule = this.parts.exportRule;
    if (rule === undefined)
      return failure(new MappingError('MAPPING_INVALID', `${this.name} has no \`export:\` section`));
    const result = await new MappingRun(this.name, 'export', entities).run<T>(
      rule,
      this.parts.message?.schema,
      this.parts.messageValidator,
    );
    if (!result.ok) return result;
    try {
      const message = this.parts.message;
      const text =
        this.parts.messageFormat === 'xml' && message !== undefined
          ? serializeXml(result.value, message, options)
          : JSON.stringify(result.value, null, options.indent ?? 2);
      return { ok: true, value: result.value, text };
    } catch (error) {
      if (error instanceof MappingError) return failure(error);
      throw error;
    }
  }
}

function failure(error: MappingError): { ok: false; violations: readonly Violation[]; error: MappingError } {
  return { ok: false, violations: error.violations, error };
}

type Applied = { present: boolean; value: unknown };

const ABSENT: Applied = Object.freeze({ present: false, value: undefined });

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return value instanceof Promise;
}

/**
 * One run of a mapping over one input. Rules run synchronously; only a JSONata expression
 * (which evaluates asynchronously) makes the rest of its object or array continue as a promise,
 * so that a mapping of plain paths pays no promise per field.
 */
class MappingRun {
  private readonly violations: Violation[] = [];
  /**
   * What produced each target value: target path, selector, source path. Turned into JSONPath
   * text only when a schema violation needs its source (most runs never do).
   */
  private readonly origins: [Path, Selector, Path][] = [];
  private provenance: Map<string, string> | undefined;

  constructor(
    private readonly name: string,
    private readonly direction: 'import' | 'export',
    private readonly input: unknown,
  ) {}

  async run<T>(
    rule: CompiledRule,
    schema: JsonSchema | undefined,
    validator: SchemaValidator | undefined,
  ): Promise<MappingResult<T>> {
    const applied = this.apply(rule, { value: this.input, path: [] }, [], schema, schema);
    const result = isPromise(applied) ? await applied : applied;
    const value = result.present ? result.value : undefined;
    if (validator !== undefined) {
      // A field that already broke a mapping rule is not reported again by the schema.
      const broken = this.violations.map((violation) => violation.targetPath);
      const alreadyReported = (path: string) =>
        broken.some(
          (target) => path === target || path.startsWith(`${target}.`) || path.startsWith(`${target}[`),
        );
      for (const problem of validator(value)) {
        if (alreadyReported(problem.path)) continue;
        this.violations.push({
          kind: 'schema',
          sourcePath: this.sourceFor(problem.path),
          targetPath: problem.path,
          message: problem.message,
        });
      }
    }
    if (this.violations.length > 0) {
      const first = this.violations[0] as Violation;
      const more =
        this.violations.length > 1
          ? ` (and ${this.violations.length - 1} more violation${this.violations.length > 2 ? 's' : ''})`
          : '';
      const from = first.sourcePath === undefined ? '' : ` (from ${first.sourcePath})`;
      return failure(
        new MappingError(
          'MAPPING_FAILED',
          `${this.name} (${this.direction}): ${first.targetPath} ${first.message}${from}${more}`,
          {
            violations: this.violations,
          },
        ),
      );
    }
    return { ok: true, value: value as T };
  }

  /** The source of a target path, or of its nearest mapped ancestor. */
  private sourceFor(targetPath: string): string | undefined {
    if (this.provenance === undefined) {
      this.provenance = new Map();
      for (const [target, selector, source] of this.origins) {
        this.provenance.set(jsonPath(target), describeSource(selector, source));
      }
    }
    let path = targetPath;
    for (;;) {
      const source = this.provenance.get(path);
      if (source !== undefined) return source;
      const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      if (cut <= 0) return undefined;
      path = path.slice(0, cut);
    }
  }

  private violation(
    kind: Violation['kind'],
    sourcePath: string | undefined,
    target: Path,
    message: string,
  ): void {
    this.violations.push({ kind, sourcePath, targetPath: jsonPath(target), message });
  }

  private apply(
    rule: CompiledRule,
    context: Located,
    target: Path,
    targetSchema: JsonSchema | undefined,
    rootSchema: JsonSchema | undefined,
  ): Applied | Promise<Applied> {
    const schema = rootSchema === undefined ? undefined : resolveSchema(targetSchema, rootSchema);
    if (rule.each === undefined) return this.applyOne(rule, context, target, schema, rootSchema);
    const each = rule.each;
    const selected = this.select(each, context, target);
    const withCollection = (collection: Located | undefined): Applied | Promise<Applied> => {
      if (collection === undefined) return ABSENT;
      this.origins.push([target, each, collection.path]);
      if (collection.value === undefined || collection.value === null)
        return this.missing(rule, collection, target, schema);
      const items = Array.isArray(collection.value) ? collection.value : [collection.value];
      const itemSchema = rootSchema === undefined ? undefined : resolveSchema(schema?.items, rootSchema);
      const mapped: unknown[] = [];
      const item = (index: number): Applied | Promise<Applied> =>
        this.applyOne(
          rule,
          { value: items[index], path: [...collection.path, index] },
          [...target, mapped.length],
          itemSchema,
          rootSchema,
        );
      const keep = (result: Applied): void => {
        if (result.present) mapped.push(result.value);
      };
      for (let index = 0; index < items.length; index++) {
        const result = item(index);
        if (isPromise(result)) {
          return (async () => {
            keep(await result);
            for (let next = index + 1; next < items.length; next++) {
              const later = item(next);
              keep(isPromise(later) ? await later : later);
            }
            return { present: true, value: mapped };
          })();
        }
        keep(result);
      }
      return { present: true, value: mapped };
    };
    return isPromise(selected) ? selected.then(withCollection) : withCollection(selected);
  }

  private applyOne(
    rule: CompiledRule,
    context: Located,
    target: Path,
    schema: JsonSchema | undefined,
    rootSchema: JsonSchema | undefined,
  ): Applied | Promise<Applied> {
    const selected = this.select(rule.select, context, target);
    if (isPromise(selected))
      return selected.then((source) => this.fromSource(rule, source, target, schema, rootSchema));
    return this.fromSource(rule, selected, target, schema, rootSchema);
  }

  private fromSource(
    rule: CompiledRule,
    source: Located | undefined,
    target: Path,
    schema: JsonSchema | undefined,
    rootSchema: JsonSchema | undefined,
  ): Applied | Promise<Applied> {
    if (source === undefined) return ABSENT;
    if (rule.select.kind !== 'context' || rule.each !== undefined || target.length === 0) {
      this.origins.push([target, rule.select, source.path]);
    }
    if (source.value === undefined || source.value === null)
      return this.missing(rule, source, target, schema);
    if (rule.fields === undefined) return this.convertValue(rule, source, target, schema);
    const fields = rule.fields;
    const object: Record<string, unknown> = {};
    const field = (index: number): Applied | Promise<Applied> => {
      const [name, fieldRule] = fields[index] as [string, CompiledRule];
      return this.apply(fieldRule, source, [...target, name], schema?.properties?.[name], rootSchema);
    };
    const keep = (index: number, result: Applied): void => {
      if (result.present) object[(fields[index] as [string, CompiledRule])[0]] = result.value;
    };
    for (let index = 0; index < fields.length; index++) {
      const result = field(index);
      if (isPromise(result)) {
        return (async () => {
          keep(index, await result);
          for (let next = index + 1; next < fields.length; next++) {
            const later = field(next);
            keep(next, isPromise(later) ? await later : later);
          }
          return { present: true, value: object };
        })();
      }
      keep(index, result);
    }
    return { present: true, value: object };
  }

  private missing(
    rule: CompiledRule,
    source: Located,
    target: Path,
    schema: JsonSchema | undefined,
  ): Applied {
    switch (rule.missing) {
      case 'default':
        return this.convertValue(
          { ...rule, values: undefined },
          { value: rule.default, path: source.path },
          target,
          schema,
        );
      case 'error':
        this.violation(
          'missing',
          describeSource(rule.select, source.path),
          target,
          `is required by the mapping but the source ${source.value === null ? 'is null' : 'is missing'}`,
        );
        return ABSENT;
      default:
        return ABSENT;
    }
  }

  private convertValue(
    rule: CompiledRule,
    source: Located,
    target: Path,
    schema: JsonSchema | undefined,
  ): Applied {
    let value = source.value;
    if (rule.values !== undefined) {
      const key =
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : undefined;
      if (key !== undefined && rule.values.has(key)) value = rule.values.get(key);
      else if (rule.unmapped === 'default') value = rule.default;
      else if (rule.unmapped === 'error') {
        this.violation(
          'value-map',
          describeSource(rule.select, source.path),
          target,
          `${JSON.stringify(value)} is not in the value map (known: ${[...rule.values.keys()].join(', ')})`,
        );
        return ABSENT;
      }
    }
    if (value === undefined || value === null) return { present: value === null, value };
    const converted = convert(value, rule.type, schema);
    if (!converted.ok) {
      this.violation('conversion', describeSource(rule.select, source.path), target, converted.message);
      return ABSENT;
    }
    return { present: true, value: converted.value };
  }

  /**
   * The selected value and its source path; `undefined` when an expression failed (already
   * reported). Only an expression answers with a promise.
   */
  private select(
    selector: Selector,
    context: Located,
    target: Path,
  ): Located | undefined | Promise<Located | undefined> {
    switch (selector.kind) {
      case 'context':
        return context;
      case 'value':
        return { value: selector.value, path: context.path };
      case 'path': {
        const start: Located = selector.fromRoot ? { value: this.input, path: [] } : context;
        return followPath(start, selector.segments);
      }
      case 'expression':
        return this.evaluate(selector, context, target);
    }
  }

  private async evaluate(
    selector: Extract<Selector, { kind: 'expression' }>,
    context: Located,
    target: Path,
  ): Promise<Located | undefined> {
    try {
      const value = (await selector.expression.evaluate(context.value, { root: this.input })) as unknown;
      return { value: normaliseJsonata(value), path: context.path };
    } catch (error) {
      this.violation(
        'expression',
        describeSource(selector, context.path),
        target,
        `the expression failed: ${(error as Error).message}`,
      );
      return undefined;
    }
  }
}

function describeSource(selector: Selector, path: Path): string {
  if (selector.kind === 'expression') return `${jsonPath(path)} ⟶ ${selector.text.replace(/\s+/g, ' ')}`;
  if (selector.kind === 'value') return '(constant)';
  return jsonPath(path);
}

/** Follows a source path; an array met without an index is flattened (as JSONata does). */
function followPath(start: Located, segments: readonly Segment[]): Located {
  let current: unknown = start.value;
  const path: Segment[] = [...start.path];
  for (const [position, segment] of segments.entries()) {
    if (current === undefined || current === null)
      return { value: undefined, path: [...path, ...segments.slice(position)] };
    if (typeof segment === 'number') {
      current = Array.isArray(current) ? current[segment] : segment === 0 ? current : undefined;
    } else if (Array.isArray(current)) {
      const values = current
        .map((item: unknown) => (isRecord(item) ? item[segment] : undefined))
        .flatMap((item: unknown) => (item === undefined ? [] : Array.isArray(item) ? item : [item]));
      current = values.length === 0 ? undefined : values;
    } else current = isRecord(current) ? current[segment] : undefined;
    path.push(segment);
  }
  return { value: current, path };
}

/** JSONata marks sequences with extra properties; plain arrays and objects go on. */
function normaliseJsonata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseJsonata);
  if (typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normaliseJsonata(inner)]));
}

type Converted = { ok: true; value: unknown } | { ok: false; message: string };

/** Converts a value to the explicit type, or else to what the target schema says. */
export function convert(
  value: unknown,
  type: ConversionType | undefined,
  schema: JsonSchema | undefined,
): Converted {
  if (type !== undefined) return convertTo(value, type);
  const types = schemaTypes(schema).filter((candidate) => candidate !== 'null');
  if (types.length === 0) return { ok: true, value };
  if (types.some((candidate) => matchesType(value, candidate, schema))) return { ok: true, value };
  let last: Converted = { ok: false, message: `cannot be converted to ${types.join(' or ')}` };
  for (const candidate of types) {
    const wanted: ConversionType | undefined =
      candidate === 'string'
        ? schema?.format === 'date-time'
          ? 'date-time'
          : schema?.format === 'date'
            ? 'date'
            : 'string'
        : candidate === 'number' || candidate === 'integer' || candidate === 'boolean'
          ? candidate
          : undefined;
    if (wanted === undefined) continue;
    last = convertTo(value, wanted);
    if (last.ok) return last;
  }
  return last;
}

function matchesType(value: unknown, type: string, schema: JsonSchema | undefined): boolean {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return false;
      if (schema?.format === 'date-time') return DATE_TIME.test(value);
      if (schema?.format === 'date') return DATE.test(value);
      return true;
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    default:
      return false;
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'off']);

function convertTo(value: unknown, type: ConversionType): Converted {
  // Only a failure shows the value: no JSON text for every conversion that works.
  const shown = (): string => JSON.stringify(value);
  switch (type) {
    case 'string':
      if (typeof value === 'string') return { ok: true, value };
      if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
      if (value instanceof Date) return { ok: true, value: value.toISOString() };
      return { ok: false, message: `${shown()} cannot be converted to a string` };
    case 'number':
    case 'integer': {
      const number =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value.trim())
            : Number.NaN;
      if (!Number.isFinite(number))
        return { ok: false, message: `${shown()} is not ${type === 'integer' ? 'an integer' : 'a number'}` };
      if (type === 'integer' && !Number.isInteger(number))
        return { ok: false, message: `${shown()} is not an integer` };
      return { ok: true, value: number };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      const word = String(value).trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return { ok: false, message: `${shown()} is not a boolean (true/false, 1/0, yes/no)` };
    }
    case 'date':
    case 'date-time': {
      if (typeof value === 'string' && (type === 'date' ? DATE.test(value) : DATE_TIME.test(value)))
        return { ok: true, value };
      if (type === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value))
        return { ok: true, value: value.slice(0, 10) };
      const date =
        value instanceof Date
          ? value
          : typeof value === 'string' || typeof value === 'number'
            ? new Date(value)
            : undefined;
      if (date === undefined || Number.isNaN(date.getTime()))
        return { ok: false, message: `${shown()} is not a ${type === 'date' ? 'date' : 'date and time'}` };
      const iso = date.toISOString();
      return { ok: true, value: type === 'date' ? iso.slice(0, 10) : iso };
    }
  }
}
