import { useTestDatabase as useStoreTestDatabase, type EngineName, type TestDatabase } from '@shepherd/store/testing';

export { ENGINES, countingStore, type CountingStore, type EngineName, type TestDatabase } from '@shepherd/store/testing';

const TABLES = ['agent_config_status', 'agent_config_state', 'config_assignments', 'config_versions', 'agents'];

/** The config service's tables on `engine`, in a database of the describe block's own (see `@shepherd/store/testing`). */
export function useTestDatabase(engine: EngineName): TestDatabase {
  return useStoreTestDatabase(engine, { tables: TABLES, schemaPrefix: 'cfgsvc' });
}
