/**
 * @shepherd/ownership/testing: clean-up for tests and benchmarks that use Redis under a key
 * prefix of their own. Never imported by production code.
 */
export { deleteKeysWithPrefix, redisServerVersion } from './redis-cleanup.js';
