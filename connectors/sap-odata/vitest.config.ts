import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Type-level tests (*.test-d.ts) are checked by tsc in the typecheck task (`pnpm test` runs it),
  // not here: one compiler pass per package, and no shared incremental build file between packages.
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
