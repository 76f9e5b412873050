/**
 * @shepherd/store/testing: test support for code on the SQL port. Only tests and benchmarks
 * import it (it registers vitest hooks); the PGlite template global setup is the separate
 * entry `@shepherd/store/pglite-template`.
 */
export { ENGINES, useTestDatabase, type EngineName, type TestDatabase, type TestDatabaseOptions } from './test-database.js';
export { countingStore, type CountingStore, type StatementRecord } from './counting-store.js';
export { dropSchema, dropSchemaWith } from './drop-schema.js';
export { interceptingStore, type QueryInterceptor } from './intercepting-store.js';
