import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import {
  type Catalog,
  type ConnectorManifest,
  compileValidator,
  DEFAULT_RETRY,
  type InvokeOptions,
  type RetryPolicy,
  resolveRetry,
  schemaProblem,
} from '@connectorkit/core';
import { loadMapping, type Mapping } from '@connectorkit/mapping';
import { Cron } from 'croner';
import { LineCounter, type Node, parseDocument } from 'yaml';
import {
  BUILTIN_TRIGGERS,
  type FlowDefinition,
  type RetrySettings,
  STEP_KINDS,
  type StepKind,
} from './definition.js';
import { FlowLoadError, type FlowProblem } from './errors.js';
import {
  type CompiledValue,
  compileValue,
  stepReferences,
  type ValueCompileHooks,
  type ValuePath,
} from './expression.js';
import type { FlowLibrary } from './library.js';
import type { Flow, FlowPlan, StepPlan, SubFlowPlan, TriggerPlan } from './plan.js';
import { shallowFlowSchema, shallowStepSchemas, TriggerBindingSchema } from './schema.js';
import {
  codeLocator,
  jsonPathSegments,
  type LocateOptions,
  pathText,
  type SourceLocator,
  yamlLocator,
} from './source.js';
import { nestedStepLists } from './structure.js';
import { didYouMean } from './suggest.js';

export interface LoadFlowOptions {
  /**
   * The connectors, actions, triggers and connections to check the flow against — usually
   * `kit.catalog()`. Without it, action and trigger names and inputs are not checked.
   */
  readonly catalog?: Catalog;
  /** Resolves sub-flows named by name (`flow: orders-sync`). */
  readonly library?: FlowLibrary;
  /** Base of the file names shown in messages (default: the current folder). */
  readonly cwd?: string;
}

/** Names the flow scope reserves; a `forEach` `as` cannot take them. */
const SCOPE_NAMES = new Set(['input', 'vars', 'steps', 'event', 'item', 'index', 'error']);
const COMMON_KEYS = new Set(['id', 'retry', 'timeout', 'onError']);
const SECONDARY_KEYS = new Set([
  'with',
  'connection',
  'then',
  'else',
  'cases',
  'default',
  'as',
  'concurrency',
  'steps',
  'output',
  'catch',
  'finally',
  'input',
]);
const KIND_KEYS: ReadonlySet<string> = new Set(STEP_KINDS);
const FLOW_FILE = /\.(ya?ml|json)$/i;
const TRIGGER_NAME = /^[a-z][a-z0-9-]*\.[a-zA-Z][a-zA-Z0-9]*$/;

/**
 * Loads a flow file (YAML or JSON) and the sub-flows it uses. Throws `FlowLoadError` listing
 * every problem with file:line:column — nothing of a wrong flow runs.
 *
 * @example
 * const flow = loadFlow('flows/orders.yaml', { catalog: kit.catalog() });
 */
export function loadFlow(file: string, options: LoadFlowOptions = {}): Flow {
  const [flow] = loadFlows([file], options);
  return flow as Flow;
}

/** Loads several flow files in one go (they share sub-flows); problems of all are reported together. */
export function loadFlows(files: readonly string[], options: LoadFlowOptions = {}): Flow[] {
  const session = new LoadSession(options);
  const handles = files.map((file) =>
    session.loadFile(resolve(options.cwd ?? process.cwd(), file), undefined),
  );
  session.finish();
  return handles.map((handle) => handle.flow as Flow);
}

/** Parses flow text (YAML or JSON); `file` is used for messages and to resolve relative sub-flows. */
export function parseFlow(text: string, options: LoadFlowOptions & { readonly file?: string } = {}): Flow {
  const session = new LoadSession(options);
  const file = options.file === undefined ? undefined : resolve(options.cwd ?? process.cwd(), options.file);
  const handle = session.loadText(text, file);
  session.finish();
  return handle.flow as Flow;
}

/**
 * Compiles a flow built in code (`defineFlow`) with the same checks as a file. Problems name
 * the flow and the path of the wrong value.
 */
export function compileFlow(definition: FlowDefinition, options: LoadFlowOptions = {}): Flow {
  const session = new LoadSession(options);
  const handle = session.loadDefinition(definition);
  session.finish();
  return handle.flow as Flow;
}

interface FlowHandle {
  flow: Flow | undefined;
}

class LoadSession {
  readonly problems: FlowProblem[] = [];
  private readonly files = new Map<string, FlowHandle>();
  private readonly definitions = new Map<FlowDefinition, FlowHandle>();
  readonly cwd: string;

  constructor(readonly options: LoadFlowOptions) {
    this.cwd = options.cwd ?? process.cwd();
  }

  display(file: string): string {
    const shown = relative(this.cwd, file);
    return shown === '' || shown.startsWith('..') ? file : shown;
  }

  loadFile(file: string, from: { locator: SourceLocator; path: ValuePath } | undefined): FlowHandle {
    const known = this.files.get(file);
    if (known !== undefined) return known;
    const handle: FlowHandle = { flow: undefined };
    this.files.set(file, handle);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      if (from === undefined) {
        this.problems.push({
          file: this.display(file),
          line: 0,
          column: 0,
          message: `cannot read flow file: ${reason}`,
        });
      } else {
        this.report(from.locator, from.path, `cannot read sub-flow ${this.display(file)}: ${reason}`);
      }
      return handle;
    }
    this.compileText(text, file, handle);
    return handle;
  }

  loadText(text: string, file: string | undefined): FlowHandle {
    const handle: FlowHandle = { flow: undefined };
    if (file !== undefined) this.files.set(file, handle);
    this.compileText(text, file, handle);
    return handle;
  }

  loadDefinition(definition: FlowDefinition): FlowHandle {
    const known = this.definitions.get(definition);
    if (known !== undefined) return known;
    const handle: FlowHandle = { flow: undefined };
    this.definitions.set(definition, handle);
    const name = typeof definition?.name === 'string' ? definition.name : '(unnamed)';
    new FlowCompiler(this, codeLocator(`flow '${name}'`), definition, undefined, handle).compile();
    return handle;
  }

  private compileText(text: string, file: string | undefined, handle: FlowHandle): void {
    const display = file === undefined ? '(flow text)' : this.display(file);
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        this.problems.push({
          file: display,
          line,
          column: col,
          message: error.message.split('\n')[0] ?? 'invalid YAML',
        });
      }
      return;
    }
    const raw = document.toJS() as unknown;
    const locator = yamlLocator(display, text, document.contents as Node | null, lineCounter);
    new FlowCompiler(this, locator, raw, file, handle).compile();
  }

  report(locator: SourceLocator, path: ValuePath, message: string, options?: LocateOptions): void {
    const position = locator.position(path, options);
    if (position === undefined) {
      this.problems.push({
        file: locator.display,
        line: 0,
        column: 0,
        message: path.length === 0 ? message : `${pathText(path)}: ${message}`,
      });
    } else {
      this.problems.push({ file: locator.display, line: position.line, column: position.column, message });
    }
  }

  /** Resolves a sub-flow reference: a path relative to the referring file, or a flow name. */
  resolveFlow(
    reference: string,
    baseFile: string | undefined,
    locator: SourceLocator,
    path: ValuePath,
  ): FlowHandle | undefined {
    if (reference.includes('/') || reference.includes('\\') || FLOW_FILE.test(reference)) {
      const file = resolve(baseFile === undefined ? this.cwd : dirname(baseFile), reference);
      if (!existsSync(file)) {
        this.report(
          locator,
          path,
          `sub-flow file '${reference}' not found (looked for ${this.display(file)})`,
        );
        return undefined;
      }
      return this.loadFile(file, { locator, path });
    }
    const library = this.options.library;
    let found: ReturnType<FlowLibrary['resolve']>;
    try {
      found = library?.resolve(reference);
    } catch (error) {
      this.report(locator, path, (error as Error).message);
      return undefined;
    }
    if (found === undefined) {
      const loaded = [...this.files.values(), ...this.definitions.values()].find(
        (handle) => handle.flow?.name === reference,
      );
      if (loaded !== undefined) return loaded;
      const names = library?.names() ?? [];
      this.report(
        locator,
        path,
        `unknown flow '${reference}'${didYouMean(reference, names)} — ${names.length === 0 ? 'no flows are known by name; use a relative path such as ./other.flow.yaml' : `known flows: ${names.join(', ')}`}`,
      );
      return undefined;
    }
    if (typeof found === 'string') return this.loadFile(resolve(this.cwd, found), { locator, path });
    if ('plan' in found) return { flow: found };
    return this.loadDefinition(found);
  }

  finish(): void {
    if (this.problems.length > 0) throw new FlowLoadError(this.problems);
  }
}

interface StepContext {
  /** Inside forEach or parallel, where `return` is not allowed. */
  readonly concurrent: boolean;
}

class FlowCompiler {
  private readonly ids = new Map<string, ValuePath>();
  private readonly numbers = new Map<object, number>();
  private stepCount = 0;
  private flowConnections: Readonly<Record<string, string>> = {};

  constructor(
    private readonly session: LoadSession,
    private readonly locator: SourceLocator,
    private readonly raw: unknown,
    private readonly file: string | undefined,
    private readonly handle: FlowHandle,
  ) {}

  private problem(path: ValuePath, message: string, options?: LocateOptions): void {
    this.session.report(this.locator, path, message, options);
  }

  compile(): void {
    const raw = this.raw;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.problem([], 'a flow must be a mapping with name and steps');
      return;
    }
    const definition = raw as FlowDefinition;
    const before = this.session.problems.length;
    this.checkSchema(shallowFlowSchema, definition, [], 'flow');
    const name =
      typeof definition.name === 'string'
        ? definition.name
        : this.file === undefined
          ? 'flow'
          : basename(this.file)
              .replace(FLOW_FILE, '')
              .replace(/\.flow$/, '');
    if (this.session.problems.length > before && !Array.isArray(definition.steps)) return;
    const steps = Array.isArray(definition.steps) ? definition.steps : [];
    this.collectIds(steps, ['steps']);
    let input: FlowPlan['input'];
    if (definition.input !== undefined && typeof definition.input === 'object' && definition.input !== null) {
      const problem = schemaProblem(definition.input);
      if (problem === undefined) input = compileValidator(definition.input);
      else this.problem(['input'], `the input schema is not a valid JSON Schema: ${problem}`);
    }
    if (definition.connections !== undefined && typeof definition.connections === 'object') {
      this.flowConnections = definition.connections;
      for (const [connector, connection] of Object.entries(definition.connections)) {
        if (typeof connection === 'string')
          this.checkConnection(connection, connector, ['connections', connector]);
      }
    }
    const plans = this.compileSteps(steps, ['steps'], { concurrent: false });
    const output = definition.output === undefined ? undefined : this.value(definition.output, ['output']);
    const triggers = this.compileTriggers(definition.on);
    const flow: Flow = {
      name,
      description: definition.description,
      file: this.file,
      definition,
      triggers,
      plan: {
        input,
        steps: plans,
        output,
        retry: this.retry(definition.retry, ['retry']),
        timeoutMs: definition.timeout,
        stepCount: this.stepCount,
      },
    };
    this.handle.flow = flow;
  }

  // ---------------------------------------------------------------- structure

  private checkSchema(schema: object, value: unknown, path: ValuePath, what: string): boolean {
    const validator = compileValidator(schema);
    if (validator.check(value)) return true;
    for (const issue of validator.issues(value)) {
      const segments = jsonPathSegments(issue.path);
      const key = issue.message === 'is not an allowed property';
      const field = segments.length === 0 ? what : `${what}: '${pathText(segments)}'`;
      const name = String(segments[segments.length - 1]);
      const message = key
        ? `${what}: unknown key '${name}'${didYouMean(name, knownKeys(schema, segments.slice(0, -1)))}`
        : `${field} ${issue.message}`;
      this.problem([...path, ...segments], message, { key: true });
    }
    return false;
  }

  /** First pass: numbers every step (for generated ids) and collects the written ids. */
  private collectIds(steps: readonly unknown[], path: ValuePath): void {
    for (const [index, step] of steps.entries()) {
      if (step === null || typeof step !== 'object' || Array.isArray(step)) continue;
      this.numbers.set(step, this.numbers.size + 1);
      const record = step as Record<string, unknown>;
      const stepPath = [...path, index];
      if (typeof record.id === 'string') {
        const first = this.ids.get(record.id);
        if (first === undefined) this.ids.set(record.id, [...stepPath, 'id']);
        else {
          const at = this.locator.position(first);
          this.problem(
            [...stepPath, 'id'],
            `duplicate step id '${record.id}' — already used ${at === undefined ? `at ${pathText(first)}` : `at line ${at.line}`}; step ids must be unique in a flow`,
          );
        }
      }
      for (const nested of nestedStepLists(record))
        this.collectIds(nested.steps, [...stepPath, ...nested.path]);
    }
  }

  private compileSteps(steps: unknown, path: ValuePath, context: StepContext): StepPlan[] {
    if (!Array.isArray(steps)) return [];
    const plans: StepPlan[] = [];
    for (const [index, step] of steps.entries()) {
      const plan = this.compileStep(step, [...path, index], context);
      if (plan !== undefined) plans.push(plan);
    }
    return plans;
  }

  private compileStep(raw: unknown, path: ValuePath, context: StepContext): StepPlan | undefined {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      this.problem(path, `a step must be a mapping with one of: ${STEP_KINDS.join(', ')}`);
      return undefined;
    }
    const step = raw as Record<string, unknown>;
    const kinds = Object.keys(step).filter((key) => KIND_KEYS.has(key)) as StepKind[];
    if (kinds.length === 0) {
      const unknown = Object.keys(step).find((key) => !COMMON_KEYS.has(key) && !SECONDARY_KEYS.has(key));
      if (unknown === undefined)
        this.problem(path, `the step has no kind — give it one of: ${STEP_KINDS.join(', ')}`);
      else {
        this.problem(
          [...path, unknown],
          `unknown step kind '${unknown}'${didYouMean(unknown, STEP_KINDS)} — expected one of: ${STEP_KINDS.join(', ')}`,
          {
            key: true,
          },
        );
      }
      return undefined;
    }
    if (kinds.length > 1) {
      this.problem(
        [...path, kinds[1] as string],
        `a step has one kind, this one has ${kinds.map((kind) => `'${kind}'`).join(' and ')} — split it into two steps`,
        { key: true },
      );
      return undefined;
    }
    const kind = kinds[0] as StepKind;
    this.stepCount++;
    if (!this.checkSchema(shallowStepSchemas[kind], step, path, `${kind} step`)) return undefined;
    const written = typeof step.id === 'string' ? step.id : undefined;
    const base = {
      id: written ?? `${kind}-${this.numbers.get(step) ?? this.stepCount}`,
      named: written !== undefined,
      location: this.locationText(path),
      retry: this.retry(step.retry as RetrySettings | undefined, [...path, 'retry']),
      timeoutMs: step.timeout as number | undefined,
      continueOnError: step.onError === 'continue',
    };
    switch (kind) {
      case 'call':
        return this.compileCall(step, path, base);
      case 'set':
        return {
          ...base,
          kind,
          assignments: Object.entries(step.set as Record<string, unknown>).map(
            ([name, value]) => [name, this.value(value, [...path, 'set', name])] as const,
          ),
        };
      case 'if':
        return {
          ...base,
          kind,
          condition: this.value(step.if, [...path, 'if']),
          whenTrue: this.compileSteps(step.then, [...path, 'then'], context),
          whenFalse: this.compileSteps(step.else, [...path, 'else'], context),
        };
      case 'switch':
        return {
          ...base,
          kind,
          value: this.value(step.switch, [...path, 'switch']),
          cases: (step.cases as { when: unknown; steps: unknown }[]).map((entry, index) => ({
            when: this.value(entry.when, [...path, 'cases', index, 'when']),
            steps: this.compileSteps(entry.steps, [...path, 'cases', index, 'steps'], context),
          })),
          default: this.compileSteps(step.default, [...path, 'default'], context),
        };
      case 'forEach': {
        const as = step.as as string | undefined;
        if (as !== undefined && SCOPE_NAMES.has(as)) {
          this.problem([...path, 'as'], `'as: ${as}' would hide '${as}' in scope — choose another name`);
        }
        return {
          ...base,
          kind,
          items: this.value(step.forEach, [...path, 'forEach']),
          as,
          concurrency: (step.concurrency as number | undefined) ?? 1,
          steps: this.compileSteps(step.steps, [...path, 'steps'], { concurrent: true }),
          output: step.output === undefined ? undefined : this.value(step.output, [...path, 'output']),
        };
      }
      case 'parallel':
        return {
          ...base,
          kind,
          branches: Object.entries(step.parallel as Record<string, unknown>).map(([name, steps]) => ({
            name,
            steps: this.compileSteps(steps, [...path, 'parallel', name], { concurrent: true }),
          })),
        };
      case 'try':
        return {
          ...base,
          kind,
          try: this.compileSteps(step.try, [...path, 'try'], context),
          catch:
            step.catch === undefined ? undefined : this.compileSteps(step.catch, [...path, 'catch'], context),
          finally:
            step.finally === undefined
              ? undefined
              : this.compileSteps(step.finally, [...path, 'finally'], context),
        };
      case 'flow': {
        const reference = step.flow as string;
        const target: SubFlowPlan['target'] = { flow: undefined };
        const handle = this.session.resolveFlow(reference, this.file, this.locator, [...path, 'flow']);
        if (handle !== undefined) {
          // A flow in a cycle is still being compiled: read the handle when the step runs.
          Object.defineProperty(target, 'flow', { get: () => handle.flow, enumerable: true });
        }
        return {
          ...base,
          kind,
          reference,
          input: step.input === undefined ? undefined : this.value(step.input, [...path, 'input']),
          target,
        };
      }
      case 'map': {
        const spec = step.map as { mapping: string; input: unknown; direction?: 'import' | 'export' };
        const file = resolve(this.file === undefined ? this.session.cwd : dirname(this.file), spec.mapping);
        if (!existsSync(file)) {
          this.problem([...path, 'map', 'mapping'], `no mapping file '${spec.mapping}' (looked for ${file})`);
        }
        let loading: Promise<Mapping> | undefined;
        return {
          ...base,
          kind,
          reference: spec.mapping,
          file,
          direction: spec.direction ?? 'import',
          input: this.value(spec.input, [...path, 'map', 'input']),
          mapping: () => {
            loading ??= loadMapping(file);
            return loading;
          },
        };
      }
      case 'return':
        if (context.concurrent) {
          this.problem(
            [...path, 'return'],
            'return cannot be used inside forEach or parallel (it would end the flow from one item or branch) — set a variable and return after the loop',
            { key: true },
          );
        }
        return { ...base, kind, value: this.value(step.return, [...path, 'return']) };
    }
  }

  private compileCall(
    step: Record<string, unknown>,
    path: ValuePath,
    base: Omit<StepPlan, 'kind'>,
  ): StepPlan {
    const action = step.call as string;
    const [connector = '', member = ''] = action.split('.');
    const manifest = this.connector(connector, action, [...path, 'call'], 'action');
    let schema: object | undefined;
    let idempotent: boolean | undefined;
    if (manifest !== undefined) {
      const definition = manifest.actions[member];
      if (definition === undefined) {
        const known = Object.keys(manifest.actions);
        this.problem(
          [...path, 'call'],
          `unknown action '${action}'${didYouMean(member, known, `${connector}.`)} — connector '${connector}' has: ${known.length === 0 ? 'no actions' : known.join(', ')}`,
        );
      } else {
        schema = definition.input;
        idempotent = definition.idempotent;
      }
    }
    const input = this.value(step.with ?? {}, [...path, 'with']);
    if (schema !== undefined) {
      this.checkLiteralInput(
        schema,
        step.with ?? {},
        input,
        step.with === undefined ? [...path, 'call'] : [...path, 'with'],
        action,
        step.with === undefined,
      );
    }
    const connection = (step.connection as string | undefined) ?? this.flowConnections[connector];
    if (step.connection !== undefined)
      this.checkConnection(step.connection as string, connector, [...path, 'connection']);
    const options: InvokeOptions = Object.freeze({
      retry: false as const,
      ...(connection === undefined ? {} : { connection }),
      ...(base.timeoutMs === undefined ? {} : { timeoutMs: base.timeoutMs }),
    });
    return { ...base, kind: 'call', action, connector, input, options, idempotent };
  }

  /** The manifest of a connector, or a problem naming the installed ones. */
  private connector(
    name: string,
    reference: string,
    path: ValuePath,
    what: 'action' | 'trigger',
  ): ConnectorManifest | undefined {
    const catalog = this.session.options.catalog;
    if (catalog === undefined) return undefined;
    const manifest = catalog.connectors.find((candidate) => candidate.name === name);
    if (manifest === undefined) {
      const installed = catalog.connectors.map((candidate) => candidate.name);
      this.problem(
        path,
        `unknown ${what} '${reference}': no connector '${name}' — ${installed.length === 0 ? 'no connectors are installed' : `installed: ${installed.join(', ')}`}`,
      );
    }
    return manifest;
  }

  private checkConnection(connection: string, connector: string, path: ValuePath): void {
    const catalog = this.session.options.catalog;
    if (catalog === undefined) return;
    const found = catalog.connections.find((candidate) => candidate.name === connection);
    if (found === undefined) {
      const configured = catalog.connections.map((candidate) => candidate.name);
      this.problem(
        path,
        `unknown connection '${connection}' — ${configured.length === 0 ? 'no connections are configured' : `configured: ${configured.join(', ')}`}`,
      );
    } else if (found.connector !== connector) {
      this.problem(
        path,
        `connection '${connection}' is for connector '${found.connector}', not '${connector}'`,
      );
    }
  }

  /**
   * Checks the literal parts of an input against the action's schema. Parts written as
   * expressions or templates are left out, and so is any complaint about them or about a
   * value that contains one (a union, say) — those are only known when the flow runs.
   */
  private checkLiteralInput(
    schema: object,
    raw: unknown,
    compiled: CompiledValue,
    path: ValuePath,
    action: string,
    implicit: boolean,
  ): void {
    const dynamic = compiled.dynamicPaths;
    if (dynamic.some((entry) => entry.length === 0)) return;
    const validator = compileValidator(schema);
    const prepared = validator.withDefaults(withoutPaths(raw, dynamic));
    if (validator.check(prepared)) return;
    for (const issue of validator.issues(prepared)) {
      const segments = jsonPathSegments(issue.path);
      if (dynamic.some((entry) => startsWith(segments, entry))) continue;
      if (dynamic.some((entry) => startsWith(entry, segments)) && !/^must be an? /.test(issue.message))
        continue;
      this.problem(
        implicit ? path : [...path, ...segments],
        `input of ${action} cannot match its schema: ${issue.path} ${issue.message}`,
      );
    }
  }

  private compileTriggers(on: FlowDefinition['on']): TriggerPlan[] {
    if (on === undefined) return [];
    const entries = Array.isArray(on)
      ? on.map((entry, index) => [entry, ['on', index]] as const)
      : [[on, ['on']] as const];
    const plans: TriggerPlan[] = [];
    for (const [entry, path] of entries) {
      if (typeof entry !== 'string' && !this.checkSchema(TriggerBindingSchema, entry, path, 'trigger'))
        continue;
      const binding =
        typeof entry === 'string' ? { trigger: entry } : (entry as Exclude<typeof entry, string>);
      const namePath = typeof entry === 'string' ? path : [...path, 'trigger'];
      const config = (binding.config ?? {}) as Record<string, unknown>;
      const name = binding.trigger;
      if (!(BUILTIN_TRIGGERS as readonly string[]).includes(name) && !TRIGGER_NAME.test(name)) {
        this.problem(
          namePath,
          `unknown trigger '${name}'${didYouMean(name, BUILTIN_TRIGGERS)} — write 'connector.trigger' (e.g. kafka.message), 'schedule' or 'manual'`,
        );
        continue;
      }
      if ((BUILTIN_TRIGGERS as readonly string[]).includes(name)) {
        if (name === 'schedule') this.checkSchedule(config, path);
        else if (Object.keys(config).length > 0)
          this.problem([...path, 'config'], "the 'manual' trigger takes no config");
      } else {
        const [connector = '', member = ''] = name.split('.');
        const manifest = this.connector(connector, name, namePath, 'trigger');
        if (manifest !== undefined) {
          const trigger = manifest.triggers[member];
          if (trigger === undefined) {
            const known = Object.keys(manifest.triggers);
            this.problem(
              namePath,
              `unknown trigger '${name}'${didYouMean(member, known, `${connector}.`)} — connector '${connector}' has ${known.length === 0 ? 'no triggers' : `triggers: ${known.join(', ')}`} (built-in: ${BUILTIN_TRIGGERS.join(', ')})`,
            );
          } else {
            const validator = compileValidator(trigger.config);
            const prepared = validator.withDefaults(config);
            if (!validator.check(prepared)) {
              for (const issue of validator.issues(prepared)) {
                this.problem(
                  [...path, 'config', ...jsonPathSegments(issue.path)],
                  `config of trigger ${name}: ${issue.path} ${issue.message}`,
                );
              }
            }
          }
        }
        if (binding.connection !== undefined)
          this.checkConnection(binding.connection, connector, [...path, 'connection']);
      }
      plans.push({
        trigger: name,
        config,
        connection: binding.connection,
        input:
          binding.input === undefined
            ? undefined
            : this.value(binding.input, [...path, 'input'], { triggerInput: true }),
      });
    }
    return plans;
  }

  private checkSchedule(config: Record<string, unknown>, path: ValuePath): void {
    const { cron, timezone, ...rest } = config;
    for (const key of Object.keys(rest)) {
      this.problem(
        [...path, 'config', key],
        `schedule: unknown config key '${key}' — expected cron and timezone`,
        {
          key: true,
        },
      );
    }
    if (typeof cron !== 'string') {
      this.problem(path, "the 'schedule' trigger needs config.cron, e.g. cron: '*/5 * * * *'");
      return;
    }
    if (timezone !== undefined && typeof timezone !== 'string') {
      this.problem(
        [...path, 'config', 'timezone'],
        'schedule: timezone must be a string such as Europe/Amsterdam',
      );
      return;
    }
    try {
      new Cron(cron, { paused: true, ...(timezone === undefined ? {} : { timezone }) }).stop();
    } catch (error) {
      this.problem(
        [...path, 'config', 'cron'],
        `schedule: invalid cron '${cron}': ${(error as Error).message}`,
      );
    }
  }

  // ---------------------------------------------------------------- values

  private value(raw: unknown, path: ValuePath, options: { triggerInput?: boolean } = {}): CompiledValue {
    const hooks: ValueCompileHooks = {
      syntaxError: (at, offset, message) => this.problem(at, message, { offset }),
      expression: (at, offset, expression) => {
        for (const reference of stepReferences(expression.ast, expression.source)) {
          if (options.triggerInput === true) {
            this.problem(at, `a trigger's input can only use 'event', not steps.${reference.id}`, {
              offset: offset + reference.offset,
            });
          } else if (!this.ids.has(reference.id)) {
            const known = [...this.ids.keys()];
            this.problem(
              at,
              `expression refers to steps.${reference.id}, but no step has id '${reference.id}'${didYouMean(reference.id, known)} — ${known.length === 0 ? 'no step has an id' : `step ids: ${known.join(', ')}`}`,
              { offset: offset + reference.offset },
            );
          }
        }
      },
    };
    return compileValue(raw, hooks, path);
  }

  private retry(settings: RetrySettings | undefined, path: ValuePath): RetryPolicy | undefined {
    if (settings === undefined || typeof settings !== 'object') return undefined;
    try {
      return resolveRetry({ attempts: settings.attempts, ...settings.backoff }, DEFAULT_RETRY);
    } catch (error) {
      this.problem(path, (error as Error).message);
      return undefined;
    }
  }

  private locationText(path: ValuePath): string {
    const position = this.locator.position(path);
    return position === undefined
      ? `${this.locator.display} ${pathText(path)}`
      : `${this.locator.display}:${position.line}:${position.column}`;
  }
}

/** The property names a schema allows at a path (for "did you mean"). */
function knownKeys(schema: object, path: ValuePath): string[] {
  let node: unknown = schema;
  for (const segment of path) {
    const properties = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
    node = properties?.[String(segment)];
  }
  const properties = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties === undefined ? [] : Object.keys(properties);
}

function startsWith(path: ValuePath, prefix: ValuePath): boolean {
  return (
    prefix.length <= path.length && prefix.every((segment, index) => String(path[index]) === String(segment))
  );
}

/** A copy of `value` without the parts at `paths` (expression parts, for literal checks). */
function withoutPaths(value: unknown, paths: readonly ValuePath[], at: ValuePath = []): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      paths.some((path) => path.length === at.length + 1 && startsWith(path, [...at, index]))
        ? null
        : withoutPaths(item, paths, [...at, index]),
    );
  }
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (paths.some((path) => path.length === at.length + 1 && startsWith(path, [...at, key]))) continue;
    copy[key] = withoutPaths(child, paths, [...at, key]);
  }
  return copy;
}
