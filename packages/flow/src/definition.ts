/**
 * The flow format as TypeScript types: what a YAML/JSON flow file holds once parsed, and what
 * `defineFlow` produces. The JSON Schema of the same structure is in `schema.ts`.
 */

/** A JSON value. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/**
 * A JSONata expression: a string that starts with `=`, e.g. `"= input.amount * 2"`.
 * (Write `==` to start a literal string with `=`.)
 */
export type Expression = `=${string}`;

/**
 * A value of a step: any JSON, where a string starting with `=` is a JSONata expression and
 * `{{ expression }}` inside any other string is a template.
 */
export type FlowValue = JsonValue;

/** A JSON Schema as plain data (the input schema of a flow). */
export type JsonSchemaObject = { readonly [key: string]: unknown };

/** How a failing step (or a trigger run of a flow) is tried again. Only retryable errors are retried. */
export interface RetrySettings {
  /** Total tries including the first; 1 means no retry. */
  readonly attempts: number;
  readonly backoff?: {
    /** Delay before the first retry (default 100 ms). */
    readonly initialDelayMs?: number;
    /** Upper bound of the delay (default 5 000 ms). */
    readonly maxDelayMs?: number;
    /** Growth factor between retries (default 2). */
    readonly factor?: number;
  };
}

/** What a failed step does to the flow: `fail` (default) propagates the error, `continue` records it and goes on. */
export type OnError = 'continue' | 'fail';

/** Settings every step accepts. */
export interface StepSettings {
  /**
   * Names the step: its output is `steps.<id>` in later expressions, and run records and
   * errors use it. Letters, digits and `_`, starting with a letter or `_`; unique in the flow.
   */
  readonly id?: string;
  /** Retry policy for retryable failures of this step. */
  readonly retry?: RetrySettings;
  /** Time limit of one attempt of the step, in milliseconds. */
  readonly timeout?: number;
  /** `continue`: a failure is recorded, `steps.<id>` becomes `{ error }` and the flow goes on. */
  readonly onError?: OnError;
}

/** Runs a connector action. */
export interface CallStep extends StepSettings {
  /** The action, as `connector.action`. */
  readonly call: string;
  /** The action's input. */
  readonly with?: FlowValue;
  /** The named connection (default: the flow's `connections` entry for the connector, then the kit's default). */
  readonly connection?: string;
}

/** Sets flow variables (`vars.<name>`), in order: later values see earlier ones. */
export interface SetStep extends StepSettings {
  readonly set: { readonly [name: string]: FlowValue };
}

/** Runs `then` when the condition is true, `else` otherwise. */
export interface IfStep extends StepSettings {
  readonly if: FlowValue;
  readonly then: readonly Step[];
  readonly else?: readonly Step[];
}

/** One branch of a `switch`. */
export interface SwitchCase {
  /** Runs `steps` when it equals the switch value (deep equality). */
  readonly when: FlowValue;
  readonly steps: readonly Step[];
}

/** Runs the first case whose `when` equals the value, or `default`. */
export interface SwitchStep extends StepSettings {
  readonly switch: FlowValue;
  readonly cases: readonly SwitchCase[];
  readonly default?: readonly Step[];
}

/** Runs `steps` once per item; its output is the list of per-item results. */
export interface ForEachStep extends StepSettings {
  /** The items: an expression yielding an array (a single value counts as one item, nothing as none). */
  readonly forEach: FlowValue;
  /** Also names the current item in scope (besides `item`). */
  readonly as?: string;
  /** How many items run at once (default 1: one after the other). */
  readonly concurrency?: number;
  readonly steps: readonly Step[];
  /** The result of one item, evaluated after its steps (default: the output of its last step). */
  readonly output?: FlowValue;
}

/** Runs named branches at the same time; its output maps each branch to its last step's output. */
export interface ParallelStep extends StepSettings {
  readonly parallel: { readonly [branch: string]: readonly Step[] };
}

/** Runs `try`; on failure runs `catch` with `error` in scope; always runs `finally`. */
export interface TryStep extends StepSettings {
  readonly try: readonly Step[];
  readonly catch?: readonly Step[];
  readonly finally?: readonly Step[];
}

/** Runs another flow, by name or by path relative to this file. */
export interface SubFlowStep extends StepSettings {
  readonly flow: string;
  readonly input?: FlowValue;
}

/**
 * Runs a mapping file of @connectorkit/mapping: `import` (the default) turns a message — XML or
 * JSON text, or a value — into the application's entities, validated against the entity
 * definition; `export` turns entities into a message, valid for the message definition. Its
 * output is the entities (import) or `{ value, text }` (export: the message and its XML/JSON text).
 */
export interface MapStep extends StepSettings {
  readonly map: {
    /** The mapping file, relative to this flow file. */
    readonly mapping: string;
    /** What to map: the message (import) or the entities (export). */
    readonly input: FlowValue;
    /** `import` (default): message → entities; `export`: entities → message. */
    readonly direction?: 'import' | 'export';
  };
}

/** Ends the flow with a value as its output. */
export interface ReturnStep extends StepSettings {
  readonly return: FlowValue;
}

export type Step =
  | CallStep
  | SetStep
  | MapStep
  | IfStep
  | SwitchStep
  | ForEachStep
  | ParallelStep
  | TryStep
  | SubFlowStep
  | ReturnStep;

/** The keys that name a step's kind, in the order they are looked for. */
export const STEP_KINDS = [
  'call',
  'set',
  'map',
  'if',
  'switch',
  'forEach',
  'parallel',
  'try',
  'flow',
  'return',
] as const;

export type StepKind = (typeof STEP_KINDS)[number];

/** Starts a flow on events: `<connector>.<trigger>`, `schedule` or `manual`. */
export interface TriggerBinding {
  /** `connector.trigger` (e.g. `kafka.message`), or the built-in `schedule` or `manual`. */
  readonly trigger: string;
  /** The trigger's configuration (for `schedule`: `{ cron, timezone? }`). */
  readonly config?: { readonly [key: string]: JsonValue };
  /** The named connection of the connector trigger. */
  readonly connection?: string;
  /** The flow input built from the event (`event` in scope); default: the event itself. */
  readonly input?: FlowValue;
}

/** A flow: input schema, steps, output and the triggers that start it. */
export interface FlowDefinition {
  /** Editors' schema link; ignored. */
  readonly $schema?: string;
  /** Unique name; sub-flows and `ck run` refer to it. Letters, digits, `.`, `_` and `-`. */
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the flow input; validated (defaults applied) before the first step. */
  readonly input?: JsonSchemaObject;
  readonly steps: readonly Step[];
  /** The flow's output (default: the value of `return`, else the last top-level step's output). */
  readonly output?: FlowValue;
  /** Triggers that start the flow. */
  readonly on?: string | TriggerBinding | readonly (string | TriggerBinding)[];
  /** Connection per connector for this flow's `call` steps: `{ redis: cache }`. */
  readonly connections?: { readonly [connector: string]: string };
  /** Retry policy of a whole run started by a trigger. */
  readonly retry?: RetrySettings;
  /** Time limit of a whole run, in milliseconds. */
  readonly timeout?: number;
}

/** Names a trigger that needs no connector. */
export const BUILTIN_TRIGGERS = ['schedule', 'manual'] as const;
