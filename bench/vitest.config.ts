import { defineConfig } from 'vitest/config';

// Unit tests of the benchmarks' pure helpers only; the benchmarks themselves are run by hand.
export default defineConfig({
  test: {
    include: ['*.spec.ts', 'support/**/*.spec.ts'],
  },
});
