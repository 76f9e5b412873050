import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTopology } from '@shepherd/bus';
import { deleteTopologyStreams, openBacklogProbe } from '@shepherd/bus/testing';
import { deleteKeysWithPrefix } from '@shepherd/ownership/testing';
import { connectPostgres, type SqlStore } from '@shepherd/store';
import { loopbackAppEnv, realEnginesEnv, startAppProcess, stopAllAppProcesses, testEngines, uniqueName, type AppProcess } from '@shepherd/testing';
import { Redis } from 'ioredis';
import { buildAppBundles, MAINS } from './app-bundles.js';
import type { CleanupStack } from './cleanup-stack.js';
import { GC_ON_SIGUSR2 } from './gc-signal.js';
import { verifyRunRemoved } from './run-leftovers.js';

/** From spawn to the `ready` line (the machine may be busy). */
export const READY_TIMEOUT_MS = 90_000;
/** Time for the leftover check: it scans every key of the run's prefix and may delete again. */
const VERIFY_TIMEOUT_MS = 120_000;

/**
 * Shepherd as separate processes on the real engines (PostgreSQL, NATS
 * JetStream, Redis from `testEngines`), isolated by one unique name used as
 * schema, bus subject prefix and Redis key prefix. Everything is registered
 * on the cleanup stack as soon as it exists: processes killed, schema
 * dropped, streams and keys deleted, data dir removed; then a last step
 * verifies that nothing of the run is left (and deletes once more what is).
 */
export interface ScaleDeployment {
  readonly name: string;
  readonly token: string;
  /** The scenario's schema, for read-only checks. */
  readonly store: SqlStore;
  /** A Redis client for INFO (load figures). */
  readonly redis: Redis;
  /** Agent events the config service has not acknowledged yet (stored, or delivered and in flight). */
  configServiceBacklog(): Promise<number>;
  startConfigService(): Promise<AppProcess>;
  startAdminApi(): Promise<AppProcess>;
  startGateway(id: string): Promise<AppProcess>;
  /**
   * With `cpuProfDir`: SIGTERMs every profiled process still running (gateways, config
   * service), waits until each ended (SIGKILL after `graceMs`) so node writes its profile,
   * and resolves with the `.cpuprofile` files under `cpuProfDir`. Stop the load generators
   * first: a gateway drains its agents before it exits. Without `cpuProfDir`: resolves with [].
   */
  stopProfiled(graceMs?: number): Promise<string[]>;
}

/** Options of {@link openScaleDeployment}. */
export interface ScaleDeploymentOptions {
  /** Run the gateways and the config service with `--cpu-prof`, each into `<dir>/<name>/`. */
  readonly cpuProfDir?: string | undefined;
  /** Extra environment of every process, over the deployment's own. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Opens the deployment; call `cleanup.run()` in every exit path. */
export async function openScaleDeployment(cleanup: CleanupStack, options: ScaleDeploymentOptions = {}): Promise<ScaleDeployment> {
  const { cpuProfDir } = options;
  await buildAppBundles();
  const name = uniqueName('scale');
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'shepherd-scale-'));
  const keyPrefix = `${name}:`;
  const streams = Object.values(createTopology({ prefix: name }).streams).map((s) => s.name);
  // Registered first, so it runs last: whatever an earlier step missed or left half-done is found here.
  cleanup.add(`verify that nothing of ${name} is left (streams ${streams.join(', ')}, keys ${keyPrefix}*, schema ${name}, ${dataDir})`, () => verifyRunRemoved({ name, keyPrefix, dataDir }), {
    timeoutMs: VERIFY_TIMEOUT_MS,
  });
  cleanup.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  cleanup.add(`delete the NATS streams ${streams.join(', ')}`, () => deleteTopologyStreams(testEngines.natsUrl, name));
  const backlogProbe = await openBacklogProbe(testEngines.natsUrl, name);
  cleanup.add('close the NATS backlog probe', () => backlogProbe.close());
  const durable = createTopology({ prefix: name }).consumers['config-service'];
  const redis = new Redis(testEngines.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  cleanup.add('close the Redis admin connection', () => redis.quit());
  cleanup.add(`delete the Redis keys ${keyPrefix}*`, () => deleteKeysWithPrefix(testEngines.redisUrl, keyPrefix));
  const store = await connectPostgres({ url: testEngines.databaseUrl, schema: name });
  cleanup.add('close the PostgreSQL store', () => store.close());
  // uniqueName gives a plain lower-case identifier, safe to quote.
  cleanup.add(`drop schema ${name}`, () => store.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`));
  // Registered last, so it runs first: no process may still write while the rest is removed.
  cleanup.add('stop every Shepherd process', () => stopAllAppProcesses());
  const env = { ...loopbackAppEnv({ token, dataDir }), ...realEnginesEnv(name), ...options.env };
  const profiled: AppProcess[] = [];
  const start = async (main: string, label: string, extra: Record<string, string> = {}, profile = false): Promise<AppProcess> => {
    // A directory per process: node names profiles by pid and thread, and tsx's loader thread writes one too.
    const profDir = profile && cpuProfDir !== undefined ? join(cpuProfDir, label) : undefined;
    if (profDir !== undefined) await mkdir(profDir, { recursive: true });
    // Gateways collect on SIGUSR2, so their memory per agent can be read without uncollected garbage.
    const nodeArgs = [...(main === MAINS.gateway ? GC_ON_SIGUSR2 : []), ...(profDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir])];
    const app = startAppProcess({ main, name: label, env: { ...env, ...extra }, logLimit: 2_000, nodeArgs });
    if (profDir !== undefined) profiled.push(app);
    await app.waitForLog('ready', READY_TIMEOUT_MS);
    return app;
  };
  return Object.freeze({
    name,
    token,
    store,
    redis,
    async configServiceBacklog() {
      const backlog = (await backlogProbe.read())[`${durable.stream}/${durable.durable}`];
      return backlog === undefined ? 0 : backlog.pending + backlog.unacked;
    },
    startConfigService: () => start(MAINS.configService, 'config-service', {}, true),
    startAdminApi: () => start(MAINS.adminApi, 'admin-api'),
    startGateway: (id: string) => start(MAINS.gateway, id, { GATEWAY_ID: id }, true),
    async stopProfiled(graceMs = 30_000) {
      if (cpuProfDir === undefined) return [];
      await Promise.all(profiled.map((app) => app.stop(graceMs)));
      const files = await readdir(cpuProfDir, { recursive: true });
      return files.filter((f) => f.endsWith('.cpuprofile')).map((f) => join(cpuProfDir, f)).sort();
    },
  });
}
