import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createTopology } from '@shepherd/bus';
import { connectPostgres, type SqlStore } from '@shepherd/store';
import { startAppProcess, stopAllAppProcesses, testEngines, uniqueName, type AppProcess } from '@shepherd/testing';
import { Redis } from 'ioredis';
import type { CleanupStack } from './cleanup-stack.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** Entry points run as processes with `node --import tsx`. */
export const MAINS = Object.freeze({
  gateway: resolve(REPO_ROOT, 'apps/gateway/src/main.ts'),
  configService: resolve(REPO_ROOT, 'apps/config-service/src/main.ts'),
  adminApi: resolve(REPO_ROOT, 'apps/admin-api/src/main.ts'),
  loadgen: resolve(REPO_ROOT, 'apps/loadgen/src/main.ts'),
});
/** From spawn to the `ready` line (tsx compiles the app first; the machine may be busy). */
const READY_TIMEOUT_MS = 90_000;

/**
 * Shepherd as separate processes on the real engines (PostgreSQL, NATS
 * JetStream, Redis from `testEngines`), isolated by one unique name used as
 * schema, bus subject prefix and Redis key prefix. Everything is registered
 * on the cleanup stack as soon as it exists: processes killed, schema
 * dropped, streams and keys deleted, data dir removed.
 */
export interface ScaleDeployment {
  readonly name: string;
  readonly token: string;
  /** The scenario's schema, for read-only checks. */
  readonly store: SqlStore;
  /** A Redis client for INFO (load figures). */
  readonly redis: Redis;
  /** The streams' names (for message counts). */
  readonly streams: readonly string[];
  startConfigService(): Promise<AppProcess>;
  startAdminApi(): Promise<AppProcess>;
  startGateway(id: string): Promise<AppProcess>;
}

/** Opens the deployment; call `cleanup.run()` in every exit path. */
export async function openScaleDeployment(cleanup: CleanupStack): Promise<ScaleDeployment> {
  const name = uniqueName('scale');
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'shepherd-scale-'));
  cleanup.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  const topology = createTopology({ prefix: name });
  const streams = Object.values(topology.streams).map((s) => s.name);
  const nc = await connect({ servers: testEngines.natsUrl, name: `${name}-admin`, timeout: 5_000 });
  cleanup.add('close the NATS admin connection', () => nc.close());
  cleanup.add('delete the NATS streams', async () => {
    const jsm = await jetstreamManager(nc);
    for (const stream of streams) await jsm.streams.delete(stream).catch((err: Error) => (/not found/i.test(err.message) ? false : Promise.reject(err)));
  });
  const redis = new Redis(testEngines.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  cleanup.add('close the Redis admin connection', () => redis.quit());
  cleanup.add('delete the Redis keys', () => deleteKeys(redis, `${name}:`));
  const store = await connectPostgres({ url: testEngines.databaseUrl, schema: name });
  cleanup.add('close the PostgreSQL store', () => store.close());
  // uniqueName gives a plain lower-case identifier, safe to quote.
  cleanup.add(`drop schema ${name}`, () => store.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`));
  // Registered last, so it runs first: no process may still write while the rest is removed.
  cleanup.add('stop every process', () => stopAllAppProcesses());
  const env = {
    AUTH_DEV_TOKEN: token,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    OPAMP_HOST: '127.0.0.1',
    API_HOST: '127.0.0.1',
    ADMIN_HOST: '127.0.0.1',
    OPAMP_PORT: '0',
    API_PORT: '0',
    ADMIN_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '10000',
    NATS_URL: testEngines.natsUrl,
    REDIS_URL: testEngines.redisUrl,
    DATABASE_URL: testEngines.databaseUrl,
    BUS_SUBJECT_PREFIX: name,
    REDIS_KEY_PREFIX: `${name}:`,
    DATABASE_SCHEMA: name,
  };
  const start = async (main: string, label: string, extra: Record<string, string> = {}): Promise<AppProcess> => {
    const app = startAppProcess({ main, name: label, env: { ...env, ...extra }, logLimit: 2_000 });
    await app.waitForLog('ready', READY_TIMEOUT_MS);
    return app;
  };
  return Object.freeze({
    name,
    token,
    store,
    redis,
    streams,
    startConfigService: () => start(MAINS.configService, 'config-service'),
    startAdminApi: () => start(MAINS.adminApi, 'admin-api'),
    startGateway: (id: string) => start(MAINS.gateway, id, { GATEWAY_ID: id }),
  });
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
