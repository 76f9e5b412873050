import {
  createLogger,
  createMetricsRegistry,
  createShutdown,
  loadConfigOrExit,
  Readiness,
  startAdminServer,
  type EnvVarName,
  type LoadedConfig,
  type Logger,
  type Registry,
  type Shutdown,
} from '@shepherd/runtime';
import { createTopology, type Topology } from '@shepherd/bus';
import { closeAll, openBackends, type BackendName, type Backends } from './open-backends.js';
import { startupFailureLine } from './startup-failure.js';

/** Variables every app reads, whatever it does. */
const COMMON_ENV = [
  'SHEPHERD_MODE',
  'LOG_LEVEL',
  'SERVICE_NAME',
  'ADMIN_HOST',
  'ADMIN_PORT',
  'SHUTDOWN_TIMEOUT_MS',
  'DATA_DIR',
  'NATS_URL',
  'REDIS_URL',
  'DATABASE_URL',
  'BLOB_URL',
  'BUS_SUBJECT_PREFIX',
  'REDIS_KEY_PREFIX',
  'DATABASE_SCHEMA',
] as const satisfies readonly EnvVarName[];

type CommonEnv = (typeof COMMON_ENV)[number];

/** What an app's `start` receives: everything already validated and running. */
export interface AppContext<B extends BackendName, E extends EnvVarName> {
  readonly config: LoadedConfig<CommonEnv | E>;
  readonly logger: Logger;
  readonly shutdown: Shutdown;
  readonly readiness: Readiness;
  readonly metrics: Registry;
  readonly backends: Pick<Backends, B>;
  /** Bus subjects and streams of this deployment (prefix from BUS_SUBJECT_PREFIX). */
  readonly topology: Topology;
}

/** How {@link runApp} starts one app. */
export interface AppSpec<B extends BackendName, E extends EnvVarName> {
  /** Default SERVICE_NAME and the prefix of the start-up failure line. */
  readonly name: string;
  /** Backend ports the app needs; the others are never opened. */
  readonly backends: readonly B[];
  /** App-specific variables, on top of the common ones. */
  readonly env?: readonly E[];
  /** Starts the app's own listeners and consumers; register their shutdown hooks on `ctx.shutdown`. */
  start(ctx: AppContext<B, E>): Promise<void>;
  /** Process hooks, replaced in tests. */
  readonly exit?: (code: number) => never;
  /** Receives whole lines, newline included. */
  readonly writeStderr?: (text: string) => void;
}

/**
 * Starts an app the same way everywhere: validate the environment (one line
 * and exit 78 on a bad value), open and check the backends (one line and exit
 * 1 when one is unreachable), serve `/healthz`, `/readyz` and `/metrics`, run
 * `spec.start`, and install the ordered shutdown on SIGTERM/SIGINT: not ready
 * → stop accepting → drain → close clients → exit. Logs `ready` with the admin
 * URL once everything runs.
 */
export async function runApp<B extends BackendName, E extends EnvVarName = never>(
  spec: AppSpec<B, E>,
): Promise<void> {
  const exit = spec.exit ?? ((code: number): never => process.exit(code));
  const writeStderr = spec.writeStderr ?? ((text: string) => void process.stderr.write(text));
  const names: EnvVarName[] = [...COMMON_ENV, ...(spec.env ?? [])];
  const config = loadConfigOrExit(names, process.env, {
    defaults: { SERVICE_NAME: spec.name },
    exit,
    writeStderr,
  }) as LoadedConfig<CommonEnv | E>;
  const logger = createLogger({ name: config.serviceName, level: config.logLevel });
  const shutdown = createShutdown({ logger, timeoutMs: config.shutdownTimeoutMs, exit });

  let opened: Awaited<ReturnType<typeof openBackends<B>>>;
  let topology: Topology;
  try {
    topology = createTopology({ prefix: config.busSubjectPrefix });
    opened = await openBackends(spec.backends, { ...config, topology }, logger);
  } catch (err) {
    logger.error({ err }, 'start-up failed');
    writeStderr(`${startupFailureLine(spec.name, err)}\n`);
    exit(1);
    return;
  }
  shutdown.register('close-clients', 'backends', () => closeAll(opened.closers, logger));
  shutdown.installSignalHandlers();

  const readiness = new Readiness();
  shutdown.register('not-ready', 'readiness', () => readiness.setNotReady('shutting down'));
  const metrics = createMetricsRegistry({ defaultLabels: { service: config.serviceName } });
  const admin = await startAdminServer({
    host: config.adminHost,
    port: config.adminPort,
    logger,
    registry: metrics,
    readiness,
  });
  // The admin listener outlives the drain so orchestrators can watch /readyz go red.
  shutdown.register('close-clients', 'admin', () => admin.close());

  try {
    await spec.start({ config, logger, shutdown, readiness, metrics, backends: opened.backends, topology });
  } catch (err) {
    logger.error({ err }, 'start-up failed');
    writeStderr(`${startupFailureLine(spec.name, err)}\n`);
    await shutdown.trigger('start-up failed', 1);
    return;
  }
  logger.info({ adminUrl: admin.url, mode: config.shepherdMode }, 'ready');
}
