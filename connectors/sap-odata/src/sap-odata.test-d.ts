import { type ActionInput, type ActionOutput, createKit } from '@connectorkit/core';
import { describe, expectTypeOf, it } from 'vitest';
import sapOData, { type batch, type callFunction, type get, type ODataFilter, type query } from './index.js';

describe('sap-odata types', () => {
  it('types action inputs from their schemas', () => {
    expectTypeOf<ActionInput<typeof query>['entitySet']>().toEqualTypeOf<string>();
    expectTypeOf<ActionInput<typeof query>['filter']>().toEqualTypeOf<ODataFilter | string | undefined>();
    expectTypeOf<ActionInput<typeof get>['key']>().toEqualTypeOf<
      string | number | { [x: string]: unknown }
    >();
    expectTypeOf<ActionInput<typeof callFunction>['parameters']>().toEqualTypeOf<
      { [x: string]: unknown } | undefined
    >();
  });

  it('types action outputs', () => {
    expectTypeOf<ActionOutput<typeof query>['value']>().toEqualTypeOf<{ [x: string]: unknown }[]>();
    expectTypeOf<ActionOutput<typeof query>['nextLink']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ActionOutput<typeof get>['etag']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ActionOutput<typeof batch>['results'][number]['status']>().toEqualTypeOf<number>();
  });

  it('checks calls through the kit', () => {
    const kit = createKit({ connectors: [sapOData] });
    expectTypeOf(kit.invoke('sap-odata.get', { entitySet: 'Orders', key: 1 })).resolves.toHaveProperty(
      'entity',
    );
    expectTypeOf(
      kit.invoke('sap-odata.query', {
        entitySet: 'Orders',
        filter: {
          and: [
            { property: 'status', value: 'open' },
            { not: { property: 'total', operator: 'gt', value: 1 } },
          ],
        },
      }),
    ).resolves.toHaveProperty('value');
    // @ts-expect-error — the entity set is required
    void kit.invoke('sap-odata.get', { key: 1 });
    // @ts-expect-error — a key is a value or an object, not a list
    void kit.invoke('sap-odata.get', { entitySet: 'Orders', key: [1] });
    const like = { property: 'a', operator: 'like', value: 1 } as const;
    // @ts-expect-error — not an operator
    void kit.invoke('sap-odata.query', { entitySet: 'Orders', filter: like });
    // @ts-expect-error — no such action
    void kit.invoke('sap-odata.select', {});
  });
});
