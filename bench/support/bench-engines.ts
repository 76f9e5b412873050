import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNatsBus, createInProcessBus, createTopology, type EventBus, type Topology } from '@shepherd/bus';
import { deleteTopologyStreams, natsServerVersion } from '@shepherd/bus/testing';
import { connectRedisOwnership, createMemoryOwnership, type OwnershipStore } from '@shepherd/ownership';
import { deleteKeysWithPrefix, redisServerVersion } from '@shepherd/ownership/testing';
import { connectPostgres, openPglite, type SqlStore } from '@shepherd/store';
import { dropSchemaWith } from '@shepherd/store/testing';
import { testEngines, uniqueName } from '@shepherd/testing';
import type { CleanupStack } from './cleanup-stack.js';
import { verifyRunRemoved } from './run-leftovers.js';

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
 * as soon as it exists: the schema is dropped, the streams and keys deleted, connections closed;
 * a last step verifies that none of them is left (see run-leftovers.ts).
 */
export async function openRealEngines(cleanup: CleanupStack): Promise<BenchEngines> {
  const name = uniqueName('bench');
  const topology = createTopology({ prefix: name });
  // Registered first, so it runs last: whatever an earlier step missed or left half-done is found here.
  cleanup.add(`verify that nothing of ${name} is left (streams, keys ${name}:*, schema)`, () => verifyRunRemoved({ name, keyPrefix: `${name}:` }), { timeoutMs: 120_000 });
  cleanup.add(`delete the NATS streams of ${name}`, () => deleteTopologyStreams(testEngines.natsUrl, name));
  cleanup.add(`delete the Redis keys ${name}:*`, () => deleteKeysWithPrefix(testEngines.redisUrl, `${name}:`));
  const store = await connectPostgres({ url: testEngines.databaseUrl, schema: name });
  cleanup.add('close the PostgreSQL store', () => store.close());
  cleanup.add(`drop schema ${name}`, () => dropSchemaWith(store, name));
  await store.migrate();
  const bus = await connectNatsBus({ servers: testEngines.natsUrl, name: `${name}-config-service` });
  cleanup.add('close the service bus', () => bus.close());
  const gatewayBus = await connectNatsBus({ servers: testEngines.natsUrl, name: `${name}-gateways` });
  cleanup.add('close the gateway bus', () => gatewayBus.close());
  const ownership = await connectRedisOwnership({ url: testEngines.redisUrl, keyPrefix: `${name}:` });
  cleanup.add('close the ownership store', () => ownership.close());
  const pg = await store.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const [natsVersion, redisVersion] = await Promise.all([natsServerVersion(testEngines.natsUrl), redisServerVersion(testEngines.redisUrl)]);
  const versions = `PostgreSQL ${pg.rows[0]?.v ?? '?'}, NATS ${natsVersion} (JetStream), Redis ${redisVersion}`;
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
