/**
 * Addresses of the real engines that integration tests use. The defaults are
 * the services this project's CI starts on loopback; override with
 * TEST_DATABASE_URL, TEST_REDIS_URL and TEST_NATS_URL.
 */
export const testEngines = Object.freeze({
  databaseUrl: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  natsUrl: process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222',
});
