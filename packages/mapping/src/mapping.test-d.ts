import { describe, expectTypeOf, it } from 'vitest';
import type { MappingError, MappingErrorReason, Violation } from './errors.js';
import { type ExportResult, type Mapping, type MappingResult, unwrap } from './mapping.js';

interface SalesOrder {
  id: string;
  lines: { sku: string; quantity: number }[];
}

describe('mapping types', () => {
  it('narrows results on ok', () => {
    const result = {} as MappingResult<SalesOrder>;
    if (result.ok) {
      expectTypeOf(result.value).toEqualTypeOf<SalesOrder>();
      // @ts-expect-error a successful result has no violations
      void result.violations;
    } else {
      expectTypeOf(result.violations).toEqualTypeOf<readonly Violation[]>();
      expectTypeOf(result.error).toEqualTypeOf<MappingError>();
    }
    const exported = {} as ExportResult<SalesOrder>;
    if (exported.ok) expectTypeOf(exported.text).toEqualTypeOf<string>();
  });

  it('types import, export and unwrap by the caller', () => {
    const mapping = {} as Mapping;
    expectTypeOf(mapping.import<SalesOrder>).returns.toEqualTypeOf<Promise<MappingResult<SalesOrder>>>();
    expectTypeOf(unwrap({} as MappingResult<SalesOrder>)).toEqualTypeOf<SalesOrder>();
    expectTypeOf<MappingErrorReason>().toExtend<string>();
    // @ts-expect-error not a reason
    const reason: MappingErrorReason = 'XML_BAD';
    void reason;
  });
});
