import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { connectNatsBus, createInProcessBus, createTopology, type EventBus, type Topology } from '@shepherd/bus';
import { connectRedisOwnership, createMemoryOwnership, type OwnershipStore } from '@shepherd/ownership';
import { connectPostgres, openPglite, type SqlStore } from '@shepherd/store';
import { testEngines, uniqueName } from '@shepherd/testing';
import { Redis } from 'ioredis';
import type { CleanupStack } from './cleanup-stack.js';

/** The engines one benchmark runs on, isolated from everything else on them. */
export interface BenchEngines {
  /** Engine names and versions, for the report. */
  readonly versions: string;
  /** Migrated, empty database. */
  readonly store: SqlStore;
  /** The bus the config service and the admin API use. */
  readonly bus: EventBus;
  /** The bus the gateways receive deliveries on (its own connection on NATS, as a gateway process has). */
  readonly gatewayBus: EventBus;
  readonly ownership: OwnershipStore;
  readonly topology: Topology;
}

/**
 * PostgreSQL (a fresh schema), NATS JetStream (a unique subject prefix, hence its own streams)
 * and Redis (a unique key prefix) from `testEngines`. Every resource is registered on `cleanup`
 * as soon as it exists: the schema is dropped, the streams and keys deleted, connections closed.
 */
export async function openRealEngines(cleanup: CleanupStack): Promise<BenchEngines> {
  const name = uniqueName('bench');
  const topology = createTopology({ prefix: name });
  const nc = await connect({ servers: testEngines.natsUrl, name: `${name}-admin`, timeout: 5_000 });
  cleanup.add('close the NATS admin connection', () => nc.close());
  cleanup.add('delete the NATS streams', async () => {
    const jsm = await jetstreamManager(nc);
    for (const stream of Object.values(topology.streams)) {
      await jsm.streams.delete(stream.name).catch((err: Error) => {
        if (!/not found/i.test(err.message)) throw err;
      });
    }
  });
  const redis = new Redis(testEngines.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  cleanup.add('close the Redis admin connection', () => redis.quit());
  cleanup.add('delete the Redis keys', () => deleteRedisKeys(redis, `${name}:`));
  const store = await connectPostgres({ url: testEngines.databaseUrl, schema: name });
  cleanup.add('close the PostgreSQL store', () => store.close());
  // The name comes from uniqueName: a plain lower-case identifier, safe to quote.
  cleanup.add(`drop schema ${name}`, () => store.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`));
  await store.migrate();
  const bus = await connectNatsBus({ servers: testEngines.natsUrl, name: `${name}-config-service` });
  cleanup.add('close the service bus', () => bus.close());
  const gatewayBus = await connectNatsBus({ servers: testEngines.natsUrl, name: `${name}-gateways` });
  cleanup.add('close the gateway bus', () => gatewayBus.close());
  const ownership = await connectRedisOwnership({ url: testEngines.redisUrl, keyPrefix: `${name}:` });
  cleanup.add('close the ownership store', () => ownership.close());
  const pg = await store.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const redisInfo = await redis.info('server');
  const redisVersion = /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? '?';
  const versions = `PostgreSQL ${pg.rows[0]?.v ?? '?'}, NATS ${nc.info?.version ?? '?'} (JetStream), Redis ${redisVersion}`;
  return Object.freeze({ versions, store, bus, gatewayBus, ownership, topology });
}

/** PGlite in a temporary directory, the in-process bus and in-memory ownership (embedded mode). */
export async function openEmbeddedEngines(cleanup: CleanupStack): Promise<BenchEngines> {
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-bench-'));
  cleanup.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  const store = await openPglite({ dataDir: join(dir, 'pglite') });
  cleanup.add('close PGlite', () => store.close());
  await store.migrate();
  const bus = createInProcessBus({ name: 'bench' });
  cleanup.add('close the in-process bus', () => bus.close());
  const ownership = createMemoryOwnership();
  cleanup.add('close the ownership store', () => ownership.close());
  const pg = await store.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const versions = `PGlite (PostgreSQL ${pg.rows[0]?.v ?? '?'}), in-process bus, in-memory ownership`;
  return Object.freeze({ versions, store, bus, gatewayBus: bus, ownership, topology: createTopology({ prefix: uniqueName('bench') }) });
}

async function deleteRedisKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
