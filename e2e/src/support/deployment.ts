import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createTopology } from '@shepherd/bus';
import { connectPostgres, type SqlStore } from '@shepherd/store';
import { testEngines, uniqueName } from '@shepherd/testing';
import { Redis } from 'ioredis';

/** Which engines the processes of a scenario use. */
export type DeploymentKind = 'embedded' | 'real engines';

/**
 * The environment shared by every process of one scenario (auth, listeners,
 * engines and their per-test prefixes), and how to remove what it left behind.
 */
export interface Deployment {
  readonly kind: DeploymentKind;
  /** Bearer token for agents and REST calls (AUTH_DEV_TOKEN of every process). */
  readonly token: string;
  readonly env: Readonly<Record<string, string>>;
  /** Real engines only: the schema the processes migrate (for read-only checks). */
  readonly databaseSchema?: string;
  /** Opens the scenario's database (real engines only); the caller closes it. */
  openStore(): Promise<SqlStore>;
  /** Removes the data dir and, on real engines, the schema, the NATS streams and the Redis keys. */
  cleanup(): Promise<void>;
}

function baseEnv(token: string, dataDir: string): Record<string, string> {
  return {
    AUTH_DEV_TOKEN: token,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    // Loopback only, and port 0 everywhere: parallel runs never collide.
    OPAMP_HOST: '127.0.0.1',
    API_HOST: '127.0.0.1',
    ADMIN_HOST: '127.0.0.1',
    OPAMP_PORT: '0',
    API_PORT: '0',
    ADMIN_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '10000',
  };
}

/** Embedded adapters (in-process bus, in-memory ownership, PGlite under a temp DATA_DIR). */
export async function embeddedDeployment(): Promise<Deployment> {
  const token = `e2e-${randomBytes(16).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'shepherd-e2e-'));
  return Object.freeze({
    kind: 'embedded' as const,
    token,
    env: Object.freeze(baseEnv(token, dataDir)),
    openStore: () => Promise.reject(new Error('an embedded deployment keeps its database inside the process')),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  });
}

/**
 * NATS JetStream, Redis and PostgreSQL from `testEngines`, isolated by one
 * unique name used as bus subject prefix, Redis key prefix and schema.
 */
export async function realEngineDeployment(): Promise<Deployment> {
  const token = `e2e-${randomBytes(16).toString('hex')}`;
  const name = uniqueName('e2e');
  const dataDir = await mkdtemp(join(tmpdir(), 'shepherd-e2e-'));
  const env = {
    ...baseEnv(token, dataDir),
    NATS_URL: testEngines.natsUrl,
    REDIS_URL: testEngines.redisUrl,
    DATABASE_URL: testEngines.databaseUrl,
    BUS_SUBJECT_PREFIX: name,
    REDIS_KEY_PREFIX: `${name}:`,
    DATABASE_SCHEMA: name,
  };
  return Object.freeze({
    kind: 'real engines' as const,
    token,
    env: Object.freeze(env),
    databaseSchema: name,
    openStore: () => connectPostgres({ url: testEngines.databaseUrl, schema: name }),
    async cleanup() {
      const results = await Promise.allSettled([
        dropSchema(name),
        deleteStreams(name),
        deleteRedisKeys(`${name}:`),
        rm(dataDir, { recursive: true, force: true }),
      ]);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length > 0) throw new AggregateError(failed.map((r) => r.reason), `cleanup of ${name} failed`);
    },
  });
}

async function dropSchema(schema: string): Promise<void> {
  const store = await connectPostgres({ url: testEngines.databaseUrl });
  try {
    // The name comes from uniqueName: a plain lower-case identifier, safe to quote.
    await store.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await store.close();
  }
}

async function deleteStreams(prefix: string): Promise<void> {
  const { streams } = createTopology({ prefix });
  const nc = await connect({ servers: testEngines.natsUrl, name: `e2e-cleanup-${prefix}`, timeout: 2_000 });
  try {
    const jsm = await jetstreamManager(nc);
    for (const stream of [streams.agentEvents.name, streams.configEvents.name]) {
      await jsm.streams.delete(stream).catch((err: Error) => {
        // A scenario that failed before the first process started never created the stream.
        if (!/not found/i.test(err.message)) throw err;
      });
    }
  } finally {
    await nc.close();
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(testEngines.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
