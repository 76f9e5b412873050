import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    // Each test starts real processes (tsx compiles the apps on start-up) on a small machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Process-heavy files would starve each other on 2 cores; one file at a time.
    fileParallelism: false,
  },
});
