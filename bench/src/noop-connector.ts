import { defineAction, defineConnection, defineConnector, Type } from '@connectorkit/core';

const connection = defineConnection({ config: Type.Object({}), connect: () => ({ calls: 0 }) });

/** A no-op action with a small validated input (one default) and output; does no I/O. */
export const noop = defineAction({
  connection,
  description: 'Returns a field of its input; does no I/O.',
  input: Type.Object({
    id: Type.String({ minLength: 1 }),
    count: Type.Integer({ minimum: 0 }),
    tags: Type.Array(Type.String(), { maxItems: 8 }),
    priority: Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('high')], { default: 'low' })),
  }),
  output: Type.Object({ id: Type.String(), ok: Type.Boolean() }),
  idempotent: true,
  run: async (input, { client }) => {
    client.calls++;
    return { id: input.id, ok: true };
  },
});

/** The connector of the `invoke` and `flow` benchmarks: `bench.noop`. */
export const benchConnector = defineConnector({
  contract: 1,
  name: 'bench',
  title: 'Bench',
  description: 'The no-op connector of the benchmarks.',
  version: '0.0.0',
  connection,
  actions: { noop },
});
