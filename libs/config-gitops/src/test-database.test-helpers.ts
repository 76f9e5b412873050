import { useTestDatabase as useStoreTestDatabase, type EngineName, type TestDatabase } from '@shepherd/store/testing';

export { ENGINES, type EngineName, type TestDatabase } from '@shepherd/store/testing';

const TABLES = ['gitops_directories', 'gitops_sync_leases', 'agent_config_status', 'agent_config_state', 'config_assignments', 'config_versions', 'agents'];

/** The GitOps and config service tables on `engine`, in a database of the describe block's own (see `@shepherd/store/testing`). */
export function useTestDatabase(engine: EngineName): TestDatabase {
  return useStoreTestDatabase(engine, { tables: TABLES, schemaPrefix: 'gitops' });
}
