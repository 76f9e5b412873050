import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    // Builds one migrated PGlite cluster per run; each test file opens a copy of it.
    globalSetup: ['@shepherd/store/pglite-template'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
