import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteTopologyStreams } from '@shepherd/bus/testing';
import { deleteKeysWithPrefix } from '@shepherd/ownership/testing';
import { connectPostgres, type SqlStore } from '@shepherd/store';
import { dropSchema } from '@shepherd/store/testing';
import { loopbackAppEnv, realEnginesEnv, testEngines, uniqueName } from '@shepherd/testing';

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

/** Embedded adapters (in-process bus, in-memory ownership, PGlite under a temp DATA_DIR). */
export async function embeddedDeployment(): Promise<Deployment> {
  const token = `e2e-${randomBytes(16).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'shepherd-e2e-'));
  return Object.freeze({
    kind: 'embedded' as const,
    token,
    env: Object.freeze(loopbackAppEnv({ token, dataDir })),
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
  const env = { ...loopbackAppEnv({ token, dataDir }), ...realEnginesEnv(name) };
  return Object.freeze({
    kind: 'real engines' as const,
    token,
    env: Object.freeze(env),
    databaseSchema: name,
    openStore: () => connectPostgres({ url: testEngines.databaseUrl, schema: name }),
    async cleanup() {
      const results = await Promise.allSettled([
        dropSchema(testEngines.databaseUrl, name),
        deleteTopologyStreams(testEngines.natsUrl, name),
        deleteKeysWithPrefix(testEngines.redisUrl, `${name}:`),
        rm(dataDir, { recursive: true, force: true }),
      ]);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length > 0) throw new AggregateError(failed.map((r) => r.reason), `cleanup of ${name} failed`);
    },
  });
}
