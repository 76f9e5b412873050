import { testEngines } from '../engines.js';

/** Options of {@link loopbackAppEnv}. */
export interface LoopbackAppEnvOptions {
  /** AUTH_DEV_TOKEN: the bearer token agents and REST calls use. */
  readonly token: string;
  /** DATA_DIR of the process. */
  readonly dataDir: string;
  /** OPAMP_PORT (default 0: any free port). */
  readonly opampPort?: number;
  /** SHUTDOWN_TIMEOUT_MS (default 10 000). */
  readonly shutdownTimeoutMs?: number;
}

/**
 * The environment of a Shepherd app process under test: dev-token auth, its own data dir,
 * info logs, and every listener on loopback at port 0 (OpAMP at `opampPort` when given), so
 * parallel runs never collide. Spread it into the `env` of `startAppProcess` and add the rest.
 */
export function loopbackAppEnv(options: LoopbackAppEnvOptions): Record<string, string> {
  return {
    AUTH_DEV_TOKEN: options.token,
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'info',
    OPAMP_HOST: '127.0.0.1',
    API_HOST: '127.0.0.1',
    ADMIN_HOST: '127.0.0.1',
    OPAMP_PORT: String(options.opampPort ?? 0),
    API_PORT: '0',
    ADMIN_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: String(options.shutdownTimeoutMs ?? 10_000),
  };
}

/**
 * The environment that points a Shepherd process at the real engines of {@link testEngines},
 * isolated by `name` (a `uniqueName`): bus subject prefix, Redis key prefix `<name>:` and
 * PostgreSQL schema. Clean up with `deleteTopologyStreams` (`@shepherd/bus/testing`),
 * `deleteKeysWithPrefix` (`@shepherd/ownership/testing`) and `dropSchema` (`@shepherd/store/testing`).
 */
export function realEnginesEnv(name: string): Record<string, string> {
  return {
    NATS_URL: testEngines.natsUrl,
    REDIS_URL: testEngines.redisUrl,
    DATABASE_URL: testEngines.databaseUrl,
    BUS_SUBJECT_PREFIX: name,
    REDIS_KEY_PREFIX: `${name}:`,
    DATABASE_SCHEMA: name,
  };
}
