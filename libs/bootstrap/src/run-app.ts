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
import type { Topology } from '@shepherd/bus';
import { appTopology } from './app-topology.js';
import type { AppModule } from './app-module.js';
import { closeAll, openBackends, type BackendName, type Backends } from './open-backends.js';
import { startupExitCode, startupFailureLine } from './startup-failure.js';

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
  'DATABASE_POOL_SIZE',
  'BUS_AGENT_EVENTS_MAX_MSGS',
  'BUS_AGENT_EVENTS_MAX_MIB',
] as const satisfies readonly EnvVarName[];

type CommonEnv = (typeof COMMON_ENV)[number];

/** What a module's `start` receives: everything already validated and running. */
export interface AppContext<B extends BackendName, E extends EnvVarName> {
  readonly config: LoadedConfig<CommonEnv | E>;
  readonly logger: Logger;
  readonly shutdown: Shutdown;
  readonly readiness: Readiness;
  readonly metrics: Registry;
  readonly backends: Pick<Backends, B>;
  /** Bus subjects and streams of this deployment (prefix from BUS_SUBJECT_PREFIX). */
  readonly topology: Topology;
  /**
   * One instance per process of something several modules use (e.g. the
   * authenticator): the first caller's `create` runs, later callers get its result.
   */
  shared<T>(key: string, create: () => Promise<T>): Promise<T>;
}

/** How {@link runApp} starts one process. */
export interface AppSpec {
  /** Default SERVICE_NAME and the prefix of the start-up failure line. */
  readonly name: string;
  /** The services this process hosts, started in this order. */
  readonly modules: readonly AppModule[];
  /** Backends to open besides the ones the modules ask for. */
  readonly extraBackends?: readonly BackendName[];
  /** Process hooks, replaced in tests. */
  readonly exit?: (code: number) => never;
  /** Receives whole lines, newline included. */
  readonly writeStderr?: (text: string) => void;
}

/**
 * Starts a process the same way everywhere: validate the environment (one
 * line and exit 78 on a bad value), open and check the backends its modules
 * need (one line and exit 1 when one is unreachable), serve `/healthz`,
 * `/readyz` and `/metrics`, start each module, and install the ordered
 * shutdown on SIGTERM/SIGINT: not ready → stop accepting → drain → close
 * clients → exit. Logs `ready` with the admin URL once everything runs.
 */
export async function runApp(spec: AppSpec): Promise<void> {
  const exit = spec.exit ?? ((code: number): never => process.exit(code));
  const writeStderr = spec.writeStderr ?? ((text: string) => void process.stderr.write(text));
  const names = unique<EnvVarName>([...COMMON_ENV, ...spec.modules.flatMap((m) => m.env)]);
  const backendNames = unique<BackendName>([...(spec.extraBackends ?? []), ...spec.modules.flatMap((m) => m.backends)]);
  const config = loadConfigOrExit(names, process.env, {
    defaults: { SERVICE_NAME: spec.name },
    exit,
    writeStderr,
  }) as LoadedConfig<EnvVarName>;
  const logger = createLogger({ name: config.serviceName, level: config.logLevel });
  const shutdown = createShutdown({ logger, timeoutMs: config.shutdownTimeoutMs, exit });

  let opened: Awaited<ReturnType<typeof openBackends<BackendName>>>;
  let topology: Topology;
  try {
    topology = appTopology(config);
    opened = await openBackends(backendNames, { ...config, topology }, logger);
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
  const admin = await startAdminServer({ host: config.adminHost, port: config.adminPort, logger, registry: metrics, readiness });
  // The admin listener outlives the drain so orchestrators can watch /readyz go red.
  shutdown.register('close-clients', 'admin', () => admin.close());

  const sharedValues = new Map<string, Promise<unknown>>();
  const ctx: AppContext<BackendName, EnvVarName> = {
    config,
    logger,
    shutdown,
    readiness,
    metrics,
    backends: opened.backends as Backends,
    topology,
    shared<T>(key: string, create: () => Promise<T>): Promise<T> {
      if (!sharedValues.has(key)) sharedValues.set(key, create());
      return sharedValues.get(key) as Promise<T>;
    },
  };
  try {
    for (const module of spec.modules) {
      await module.start(ctx);
      logger.info({ module: module.name }, 'module started');
    }
  } catch (err) {
    logger.error({ err }, 'start-up failed');
    writeStderr(`${startupFailureLine(spec.name, err)}\n`);
    await shutdown.trigger('start-up failed', startupExitCode(err));
    return;
  }
  logger.info({ adminUrl: admin.url, mode: config.shepherdMode, modules: spec.modules.map((m) => m.name) }, 'ready');
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
