import { type TSchema, Type } from '@connectorkit/core';
import type { StepKind } from './definition.js';

/** Where the published schema lives (the `$id` of flow.schema.json). */
export const FLOW_SCHEMA_ID = 'https://connectorkit.dev/schemas/flow.schema.json';

export const STEP_ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
export const FLOW_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_.-]*$';
export const ACTION_NAME_PATTERN = '^[a-z][a-z0-9-]*\\.[a-zA-Z][a-zA-Z0-9]*$';
export const TRIGGER_NAME_PATTERN = '^(schedule|manual|[a-z][a-z0-9-]*\\.[a-zA-Z][a-zA-Z0-9]*)$';

const value = (description: string): TSchema =>
  Type.Unknown({
    description: `${description} JSON; a string starting with '=' is a JSONata expression, '{{ expr }}' inside a string is a template.`,
  });

const Retry = Type.Object(
  {
    attempts: Type.Integer({ minimum: 1, description: 'Total tries including the first.' }),
    backoff: Type.Optional(
      Type.Object(
        {
          initialDelayMs: Type.Optional(
            Type.Number({ minimum: 0, description: 'Delay before the first retry.' }),
          ),
          maxDelayMs: Type.Optional(Type.Number({ minimum: 0, description: 'Upper bound of the delay.' })),
          factor: Type.Optional(Type.Number({ minimum: 1, description: 'Growth factor between retries.' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Retry policy; only retryable errors are retried.' },
);

const common = {
  id: Type.Optional(
    Type.String({ pattern: STEP_ID_PATTERN, description: 'Step id: its output is steps.<id>.' }),
  ),
  retry: Type.Optional(Retry),
  timeout: Type.Optional(Type.Integer({ minimum: 1, description: 'Time limit of one attempt, in ms.' })),
  onError: Type.Optional(
    Type.Union([Type.Literal('continue'), Type.Literal('fail')], {
      description: "'fail' (default) propagates the error; 'continue' records it and goes on.",
    }),
  ),
};

/** The schemas of every step kind, with nested step lists described by `steps`. */
function stepSchemas(steps: TSchema): Record<StepKind, TSchema> {
  const object = (properties: Record<string, TSchema>, description: string): TSchema =>
    Type.Object({ ...properties, ...common }, { additionalProperties: false, description });
  return {
    call: object(
      {
        call: Type.String({
          pattern: ACTION_NAME_PATTERN,
          description: "The action, as 'connector.action'.",
        }),
        with: Type.Optional(value('The action input.')),
        connection: Type.Optional(Type.String({ minLength: 1, description: 'Named connection.' })),
      },
      'Runs a connector action.',
    ),
    set: object(
      {
        set: Type.Record(Type.String({ pattern: STEP_ID_PATTERN }), value('The value.'), {
          description: 'Variables to set (vars.<name>), in order.',
          additionalProperties: false,
        }),
      },
      'Sets flow variables.',
    ),
    map: object(
      {
        map: Type.Object(
          {
            mapping: Type.String({
              minLength: 1,
              description: 'A mapping file (@connectorkit/mapping), relative to this file.',
            }),
            input: value('The message (import) or the entities (export).'),
            direction: Type.Optional(
              Type.Union([Type.Literal('import'), Type.Literal('export')], {
                description: 'import (default): message → entities; export: entities → message.',
              }),
            ),
          },
          { additionalProperties: false },
        ),
      },
      'Maps a message to entities, or entities to a message.',
    ),
    if: object(
      // biome-ignore lint/suspicious/noThenProperty: `then` is the flow format's key; a schema is never awaited.
      { if: value('The condition.'), then: steps, else: Type.Optional(steps) },
      'Runs then or else.',
    ),
    switch: object(
      {
        switch: value('The value to match.'),
        cases: Type.Array(
          Type.Object(
            { when: value('Matches when equal to the switch value.'), steps },
            { additionalProperties: false },
          ),
        ),
        default: Type.Optional(steps),
      },
      'Runs the first matching case.',
    ),
    forEach: object(
      {
        forEach: value('The items (an array).'),
        as: Type.Optional(
          Type.String({ pattern: STEP_ID_PATTERN, description: 'Also names the item in scope.' }),
        ),
        concurrency: Type.Optional(
          Type.Integer({ minimum: 1, description: 'Items run at once (default 1).' }),
        ),
        steps,
        output: Type.Optional(value('The result of one item (default: its last step output).')),
      },
      'Runs steps once per item.',
    ),
    parallel: object(
      {
        parallel: Type.Record(Type.String({ pattern: STEP_ID_PATTERN }), steps, {
          description: 'Named branches, run at the same time.',
          minProperties: 1,
          additionalProperties: false,
        }),
      },
      'Runs branches at the same time.',
    ),
    try: object(
      { try: steps, catch: Type.Optional(steps), finally: Type.Optional(steps) },
      'Handles failures: catch has error in scope; finally always runs.',
    ),
    flow: object(
      {
        flow: Type.String({ minLength: 1, description: 'A flow name, or a path relative to this file.' }),
        input: Type.Optional(value('The sub-flow input.')),
      },
      'Runs another flow.',
    ),
    return: object({ return: value('The output of the flow.') }, 'Ends the flow with a value.'),
  };
}

export const TriggerBindingSchema = Type.Object(
  {
    trigger: Type.String({
      pattern: TRIGGER_NAME_PATTERN,
      description: "'connector.trigger', 'schedule' or 'manual'.",
    }),
    config: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Trigger configuration.' }),
    ),
    connection: Type.Optional(Type.String({ minLength: 1 })),
    input: Type.Optional(value('The flow input built from the event (default: the event).')),
  },
  { additionalProperties: false },
);

const TriggerReference = Type.Union([Type.String({ pattern: TRIGGER_NAME_PATTERN }), TriggerBindingSchema]);

function flowProperties(steps: TSchema, on: TSchema): Record<string, TSchema> {
  return {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ pattern: FLOW_NAME_PATTERN, description: 'Unique flow name.' }),
    description: Type.Optional(Type.String()),
    input: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema of the input.' }),
    ),
    steps,
    output: Type.Optional(value('The flow output.')),
    on: Type.Optional(on),
    connections: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'Connection per connector for this flow.' }),
    ),
    retry: Type.Optional(Retry),
    timeout: Type.Optional(Type.Integer({ minimum: 1, description: 'Time limit of a run, in ms.' })),
  };
}

/**
 * Schemas the loader checks one level at a time: nested step lists are only "lists of
 * objects" here, each nested step is then checked against the schema of its own kind — so
 * that a mistake is reported against one step kind, not as a failed union of all of them.
 */
const shallowSteps = Type.Array(Type.Object({}, { additionalProperties: true }));
export const shallowStepSchemas: Readonly<Record<StepKind, TSchema>> = stepSchemas(shallowSteps);
export const shallowFlowSchema: TSchema = Type.Object(flowProperties(shallowSteps, Type.Unknown()), {
  additionalProperties: false,
});

/** The published JSON Schema of flow files (draft-07, for editors and validators). */
export function flowJsonSchema(): Record<string, unknown> {
  const reference = (name: string) => Type.Unsafe({ $ref: `#/definitions/${name}` });
  const steps = Type.Array(reference('step'));
  const kinds = stepSchemas(steps);
  const definitions: Record<string, unknown> = {
    step: { anyOf: Object.keys(kinds).map((kind) => ({ $ref: `#/definitions/${kind}Step` })) },
  };
  for (const [kind, schema] of Object.entries(kinds)) {
    definitions[`${kind}Step`] = plain(schema);
  }
  const on = Type.Union([TriggerReference, Type.Array(TriggerReference)], {
    description: "Triggers that start the flow: 'connector.trigger', 'schedule' (config.cron) or 'manual'.",
  });
  const flow = Type.Object(flowProperties(steps, on), { additionalProperties: false });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: FLOW_SCHEMA_ID,
    title: 'Connector Kit flow',
    description:
      'A flow of @connectorkit/flow: input schema, steps (call, set, map, if, switch, forEach, parallel, try, flow, return), output and triggers.',
    ...plain(flow),
    definitions,
  };
}

/** A plain JSON copy (TypeBox's symbol keys dropped). */
function plain(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}
