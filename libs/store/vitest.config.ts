import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    // The PGlite template cluster that useTestDatabase (src/testing) copies per describe block.
    globalSetup: ['src/testing/pglite-template.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
