import type { AnyConnectorDefinition, ConnectorDefinition, Static, TSchema } from '@connectorkit/core';
import type {
  CallStep,
  Expression,
  FlowDefinition,
  FlowValue,
  ForEachStep,
  IfStep,
  MapStep,
  ParallelStep,
  ReturnStep,
  SetStep,
  Step,
  StepSettings,
  SubFlowStep,
  SwitchCase,
  SwitchStep,
  TryStep,
} from './definition.js';

/**
 * Declares a flow in TypeScript. The result is the same structure a YAML flow file holds,
 * so `compileFlow(definition, { catalog })` checks and compiles it like a file.
 *
 * @example
 * const greet = defineFlow({
 *   name: 'greet',
 *   input: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
 *   steps: [step.call('sample.echo', { text: 'Hello {{ input.name }}', times: 1 }, { id: 'hello' })],
 *   output: expr('steps.hello.text'),
 * });
 */
export function defineFlow<const TFlow extends FlowDefinition>(definition: TFlow): TFlow {
  return definition;
}

/** Marks a JSONata expression: `expr('input.amount * 2')` is `'= input.amount * 2'`. */
export function expr<const TSource extends string>(source: TSource): `= ${TSource}` {
  return `= ${source}`;
}

/** A value in a step: the literal type, an expression, or (for strings) a template. */
export type Expressible<T> =
  | Expression
  | (T extends undefined
      ? undefined
      : T extends string
        ? string
        : T extends number | boolean | null
          ? T
          : T extends readonly (infer Item)[]
            ? readonly Expressible<Item>[]
            : T extends object
              ? { readonly [K in keyof T]: Expressible<T[K]> }
              : FlowValue);

type CallSettings = StepSettings & { readonly connection?: string };
type ForEachSettings = StepSettings & Pick<ForEachStep, 'as' | 'concurrency' | 'output'>;

/** The step helpers; `call` checks action names and inputs against `TActions`. */
export interface StepBuilders<TActions> {
  /** Runs a connector action. */
  call<const TName extends keyof TActions & string>(
    action: TName,
    input: Expressible<TActions[TName]>,
    settings?: CallSettings,
  ): CallStep;
  /** Sets variables (`vars.<name>`), in order. */
  set(values: { readonly [name: string]: FlowValue }, settings?: StepSettings): SetStep;
  /** Runs a mapping file: imports a message into entities (default) or exports entities as a message. */
  map(
    mapping: string,
    input: FlowValue,
    settings?: StepSettings & { readonly direction?: 'import' | 'export' },
  ): MapStep;
  /** Runs `then` when the condition holds, else `otherwise`. */
  if(
    condition: FlowValue,
    then: readonly Step[],
    otherwise?: readonly Step[],
    settings?: StepSettings,
  ): IfStep;
  /** Runs the first case whose `when` equals the value, else `otherwise`. */
  switch(
    value: FlowValue,
    cases: readonly SwitchCase[],
    otherwise?: readonly Step[],
    settings?: StepSettings,
  ): SwitchStep;
  /** Runs `steps` once per item. */
  forEach(items: FlowValue, steps: readonly Step[], settings?: ForEachSettings): ForEachStep;
  /** Runs named branches at the same time. */
  parallel(branches: { readonly [branch: string]: readonly Step[] }, settings?: StepSettings): ParallelStep;
  /** Runs steps, handling failures with `catch` (`error` in scope) and cleaning up with `finally`. */
  try(
    steps: readonly Step[],
    handlers: { readonly catch?: readonly Step[]; readonly finally?: readonly Step[] },
    settings?: StepSettings,
  ): TryStep;
  /** Runs another flow by name or relative path. */
  flow(flow: string, input?: FlowValue, settings?: StepSettings): SubFlowStep;
  /** Ends the flow with a value. */
  return(value: FlowValue, settings?: StepSettings): ReturnStep;
}

/** `connector.action` → the action's input type, for a list of connector definitions. */
export type ActionInputs<TConnectors extends readonly AnyConnectorDefinition[]> = UnionToIntersection<
  ActionEntries<TConnectors[number]>
>;

type UnionToIntersection<U> = (U extends unknown ? (value: U) => void : never) extends (
  value: infer I,
) => void
  ? I
  : never;
type ActionEntries<C> =
  C extends ConnectorDefinition<infer Name, infer Actions, infer _Triggers>
    ? {
        [K in keyof Actions & string as `${Name}.${K}`]: Actions[K] extends { readonly input: infer S }
          ? S extends TSchema
            ? Static<S>
            : unknown
          : unknown;
      }
    : never;

const builders: StepBuilders<Record<string, FlowValue>> = {
  call: (action, input, settings) => ({ call: action, with: input as FlowValue, ...settings }),
  set: (values, settings) => ({ set: values, ...settings }),
  map: (mapping, input, { direction, ...settings } = {}) => ({
    map: { mapping, input, ...(direction === undefined ? {} : { direction }) },
    ...settings,
  }),
  if: (condition, then, otherwise, settings) => ({
    if: condition,
    then,
    ...(otherwise === undefined ? {} : { else: otherwise }),
    ...settings,
  }),
  switch: (value, cases, otherwise, settings) => ({
    switch: value,
    cases,
    ...(otherwise === undefined ? {} : { default: otherwise }),
    ...settings,
  }),
  forEach: (items, steps, settings) => ({ forEach: items, steps, ...settings }),
  parallel: (branches, settings) => ({ parallel: branches, ...settings }),
  try: (steps, handlers, settings) => ({
    try: steps,
    ...(handlers.catch === undefined ? {} : { catch: handlers.catch }),
    ...(handlers.finally === undefined ? {} : { finally: handlers.finally }),
    ...settings,
  }),
  flow: (flow, input, settings) => ({ flow, ...(input === undefined ? {} : { input }), ...settings }),
  return: (value, settings) => ({ return: value, ...settings }),
};

/** Step helpers for any action (inputs are not type-checked; the loader checks them against the catalog). */
export const step: StepBuilders<Record<string, FlowValue>> = builders;

/**
 * Step helpers typed by connector definitions: `call` accepts only their actions and checks
 * the input's literal parts against each action's input type.
 *
 * @example
 * const s = stepsFor<[typeof redis]>();
 * s.call('redis.set', { key: expr('input.id'), value: 'seen' }); // 'redis.sett' or { key: 1 } do not compile
 */
export function stepsFor<const TConnectors extends readonly AnyConnectorDefinition[]>(): StepBuilders<
  ActionInputs<TConnectors>
> {
  return builders as unknown as StepBuilders<ActionInputs<TConnectors>>;
}
