import type { CleanupStack } from './cleanup-stack.js';
import { collectGarbage } from './gc-signal.js';
import { pidsByName, sampleProcesses, type GroupSample } from './proc-stats.js';
import { openScaleDeployment, type ScaleDeployment } from './scale-deployment.js';
import type { EngineSnapshot, NamedProcess, ScaleSystem, ScaleSystemOptions } from './scale-system.js';

/** The engine processes sampled for CPU and RSS, by the names figures use. */
const ENGINE_COMMANDS = [
  ['nats', ['nats-server']],
  ['redis', ['redis-server']],
  ['postgresql', ['postgres']],
] as const;

const APPLIED_IN_STORE = "SELECT count(*) AS n FROM agent_config_state WHERE reported_hash = $1 AND status = 'APPLIED'";

async function countRow(store: ScaleDeployment['store'], sql: string, params: unknown[] = []): Promise<number> {
  const result = await store.query<{ n: string }>(sql, params);
  return Number(result.rows[0]?.n ?? 0);
}

async function engineSnapshot(deployment: ScaleDeployment): Promise<EngineSnapshot> {
  const engines = new Map<string, GroupSample>();
  for (const [engine, comms] of ENGINE_COMMANDS) engines.set(engine, await sampleProcesses(await pidsByName(comms)));
  const info = await deployment.redis.info('stats');
  const redisOps = Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
  const pgXacts = await countRow(deployment.store, 'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()');
  // Rows written in the scenario's schema: what heartbeats must not cause.
  const pgRowWrites = await countRow(
    deployment.store,
    'SELECT COALESCE(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) AS n FROM pg_stat_user_tables WHERE schemaname = $1',
    [deployment.name],
  );
  return { engines, redisOps, pgXacts, pgRowWrites };
}

/**
 * Starts `options.gateways` gateway processes, one config-service and one admin-api process on
 * the real engines (see openScaleDeployment: a schema, subject prefix and key prefix of the
 * run's own, all removed and verified gone by `cleanup`). The store counts are SQL over the run's
 * schema.
 */
export async function startRealSystem(options: ScaleSystemOptions, cleanup: CleanupStack): Promise<ScaleSystem> {
  const deployment = await openScaleDeployment(cleanup, { cpuProfDir: options.cpuProfDir, env: options.env });
  // The consumer first, so the agents' first events find it.
  const configService = await deployment.startConfigService();
  const ids = Array.from({ length: options.gateways }, (_, i) => `${deployment.name.replace(/_/g, '-')}-gw${i}`);
  const [adminApi, ...apps] = await Promise.all([deployment.startAdminApi(), ...ids.map((id) => deployment.startGateway(id))]);
  const gateways: NamedProcess[] = apps.map((app, i) => ({ id: ids[i]!, app }));
  const { store } = deployment;
  return Object.freeze({
    engines: 'real',
    description: `config-service, admin-api and ${gateways.length} gateway process(es) on PostgreSQL, NATS JetStream and Redis (schema/prefix ${deployment.name})`,
    name: deployment.name,
    token: deployment.token,
    gateways,
    processes: [...gateways, { id: 'config-service', app: configService }, { id: 'admin-api', app: adminApi! }],
    apiUrl: adminApi!.url('api'),
    configService,
    storeOnline: () => countRow(store, 'SELECT count(*) AS n FROM agents WHERE connected'),
    storeApplied: (hash: string) => countRow(store, APPLIED_IN_STORE, [hash]),
    storeOnlineOn: (gatewayIds: readonly string[]) => countRow(store, 'SELECT count(*) AS n FROM agents WHERE connected AND gateway_id = ANY($1)', [gatewayIds]),
    configServiceBacklog: () => deployment.configServiceBacklog(),
    engineSnapshot: () => engineSnapshot(deployment),
    settleMemory: () => collectGarbage(apps),
    stopProfiled: () => deployment.stopProfiled(),
  } satisfies ScaleSystem);
}
