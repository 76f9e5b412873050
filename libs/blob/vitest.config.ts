import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // s3rver (the S3 test double) encrypts ListObjectsV2 continuation tokens with DES,
    // which OpenSSL 3 only offers through its legacy provider; without it every
    // truncated listing fails with a 500. Test-only: production code never needs it.
    execArgv: ['--openssl-legacy-provider'],
  },
});
