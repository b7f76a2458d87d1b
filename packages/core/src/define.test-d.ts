import { Type } from '@sinclair/typebox';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ActionInput,
  type ActionOutput,
  actionsOn,
  defineAction,
  defineConnection,
  defineConnector,
  defineTrigger,
} from './define.js';
import { createKit, type Kit } from './kit.js';
import { type Redacted, Secret } from './redaction.js';
import { type SampleClient, sampleConnector } from './testing/index.js';

interface Store {
  readonly url: string;
  read(key: string): Promise<string | null>;
}

const storeConnection = defineConnection({
  config: Type.Object({ url: Type.String(), token: Secret(), retries: Type.Optional(Type.Integer()) }),
  connect: (config): Store => {
    expectTypeOf(config).toEqualTypeOf<{ url: string; token: Redacted; retries?: number }>();
    return { url: config.url, read: async () => null };
  },
  check: (client) => {
    expectTypeOf(client).toEqualTypeOf<Store>();
  },
});

const read = defineAction({
  connection: storeConnection,
  description: 'Reads a value.',
  input: Type.Object({ key: Type.String(), limit: Type.Optional(Type.Integer()) }),
  output: Type.Object({ value: Type.Union([Type.String(), Type.Null()]) }),
  run: async (input, context) => {
    expectTypeOf(input).toEqualTypeOf<{ key: string; limit?: number }>();
    expectTypeOf(context.client).toEqualTypeOf<Store>();
    expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
    expectTypeOf(context.attempt).toEqualTypeOf<number>();
    return { value: await context.client.read(input.key) };
  },
});

const changes = defineTrigger({
  connection: storeConnection,
  description: 'Each changed key.',
  config: Type.Object({ prefix: Type.String() }),
  event: Type.Object({ key: Type.String() }),
  delivery: 'at-least-once',
  start: (config, context) => {
    expectTypeOf(config).toEqualTypeOf<{ prefix: string }>();
    expectTypeOf(context.client).toEqualTypeOf<Store>();
    expectTypeOf(context.emit).parameter(0).toEqualTypeOf<{ key: string }>();
    return () => undefined;
  },
});

const store = defineConnector({
  contract: 1,
  name: 'store',
  title: 'Store',
  description: 'A key-value store.',
  version: '1.0.0',
  connection: storeConnection,
  actions: { read },
  triggers: { changes },
});

describe('defineAction', () => {
  it('infers input and output from the TypeBox schemas', () => {
    expectTypeOf(read.run).parameter(0).toEqualTypeOf<{ key: string; limit?: number }>();
    expectTypeOf(read.run).returns.resolves.toEqualTypeOf<{ value: string | null }>();
  });

  it('refuses a run that returns the wrong output type', () => {
    defineAction({
      connection: storeConnection,
      description: 'Returns a number where a string is expected.',
      input: Type.Object({}),
      output: Type.Object({ value: Type.String() }),
      // @ts-expect-error value must be a string
      run: async () => ({ value: 1 }),
    });
    defineAction({
      connection: storeConnection,
      description: 'Forgets a required output field.',
      input: Type.Object({}),
      output: Type.Object({ value: Type.String(), count: Type.Integer() }),
      // @ts-expect-error count is missing
      run: () => ({ value: 'a' }),
    });
  });

  it('refuses a run that reads an input field the schema does not have', () => {
    defineAction({
      connection: storeConnection,
      description: 'Reads a field that does not exist.',
      input: Type.Object({ key: Type.String() }),
      output: Type.Object({}),
      run: (input) => {
        // @ts-expect-error there is no `name` in the input
        void input.name;
        return {};
      },
    });
  });

  it('requires a description', () => {
    // @ts-expect-error description is missing
    defineAction({
      connection: storeConnection,
      input: Type.Object({}),
      output: Type.Object({}),
      run: () => ({}),
    });
  });
});

describe('actionsOn', () => {
  it('types ctx.client from the bound connection and checks input and output like defineAction', () => {
    const defineStoreAction = actionsOn(storeConnection);
    const count = defineStoreAction({
      description: 'Counts.',
      input: Type.Object({ key: Type.String() }),
      output: Type.Object({ count: Type.Integer() }),
      run: async ({ key }, { client }) => {
        expectTypeOf(client).toEqualTypeOf<Store>();
        return { count: key.length };
      },
    });
    expectTypeOf(count.run).parameter(0).toEqualTypeOf<{ key: string }>();
    defineStoreAction({
      description: 'Returns the wrong output.',
      input: Type.Object({}),
      output: Type.Object({ count: Type.Integer() }),
      // @ts-expect-error count must be a number
      run: async () => ({ count: 'many' }),
    });
  });
});

describe('ActionInput and ActionOutput', () => {
  it('give the static types of an action', () => {
    expectTypeOf<ActionInput<typeof read>>().toEqualTypeOf<{ key: string; limit?: number }>();
    expectTypeOf<ActionOutput<typeof read>>().toEqualTypeOf<{ value: string | null }>();
  });

  it('work on the actions of a connector', () => {
    expectTypeOf<ActionInput<typeof sampleConnector.actions.put>>().toEqualTypeOf<{
      key: string;
      text: string;
    }>();
    expectTypeOf<ActionOutput<typeof sampleConnector.actions.put>>().toEqualTypeOf<{
      key: string;
      created: boolean;
    }>();
    expectTypeOf<ActionOutput<typeof store.actions.read>>().toEqualTypeOf<{ value: string | null }>();
  });

  it('give never for what is not an action', () => {
    expectTypeOf<ActionInput<string>>().toBeNever();
    expectTypeOf<ActionOutput<{ output: number }>>().toBeNever();
  });
});

describe('defineConnector', () => {
  it('keeps the name as a literal', () => {
    expectTypeOf(store.name).toEqualTypeOf<'store'>();
    expectTypeOf(sampleConnector.name).toEqualTypeOf<'sample'>();
  });

  it('refuses a contract version other than the one of this core', () => {
    defineConnector({
      // @ts-expect-error contract 2 does not exist
      contract: 2,
      name: 'future',
      title: 'Future',
      description: 'From the future.',
      version: '1.0.0',
      connection: storeConnection,
      actions: {},
    });
  });
});

describe('kit.invoke', () => {
  const kit = createKit({ connectors: [sampleConnector, store] });

  it('infers the output type from the action name', () => {
    expectTypeOf(kit.invoke('sample.get', { key: 'a' })).resolves.toEqualTypeOf<{
      key: string;
      text: string;
    }>();
    expectTypeOf(kit.invoke('store.read', { key: 'a' })).resolves.toEqualTypeOf<{ value: string | null }>();
    expectTypeOf(kit.invoke('sample.echo', { text: 'a', times: 2 })).resolves.toEqualTypeOf<{
      text: string;
    }>();
  });

  it('refuses input of the wrong type', () => {
    // @ts-expect-error text must be a string
    void kit.invoke('sample.echo', { text: 1 });
    // @ts-expect-error text must be a string
    void kit.invoke('sample.echo', { text: 1, times: 1 });
    // @ts-expect-error key is required
    void kit.invoke('sample.get', {});
  });

  it('refuses an unknown action or connector name', () => {
    // @ts-expect-error sample has no action `delete`
    void kit.invoke('sample.delete', { key: 'a' });
    // @ts-expect-error no connector is named `nope`
    void kit.invoke('nope.get', { key: 'a' });
  });

  it('leaves invokeDynamic untyped', () => {
    expectTypeOf(kit.invokeDynamic('anything.at-all', 42)).resolves.toBeUnknown();
  });

  it('types the events a trigger handler receives', () => {
    void kit.startTrigger(
      'sample.ticks',
      { count: 1 },
      {
        handler: async (event) => {
          expectTypeOf(event).toEqualTypeOf<{ tick: number }>();
        },
      },
    );
    // @ts-expect-error sample has no trigger `tocks`
    void kit.startTrigger('sample.tocks', {}, { handler: async () => undefined });
  });

  it('lets a kit without connectors in its type invoke any name', () => {
    const untyped: Kit = createKit();
    expectTypeOf(untyped.invoke('sample.echo', { text: 'a' })).resolves.toBeUnknown();
  });

  it('gives actions the client of their connection', () => {
    expectTypeOf(sampleConnector.actions.get.run)
      .parameter(1)
      .toHaveProperty('client')
      .toEqualTypeOf<SampleClient>();
  });
});
