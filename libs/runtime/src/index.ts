/**
 * @shepherd/runtime: what every Shepherd app needs to run as a well-behaved
 * process: validated environment configuration, JSON logging with redaction,
 * the admin listener (/healthz, /readyz, /metrics), readiness, metrics and
 * graceful shutdown.
 */
export {
  ENV_CATALOGUE,
  ENV_GROUPS,
  ENV_VAR_NAMES,
  type EnvCatalogue,
  type EnvGroup,
  type EnvVarName,
  type EnvVarSpec,
} from './config/env-catalogue.js';
export {
  loadConfig,
  type ConfigRule,
  type EnvConfig,
  type EnvSource,
  type LoadConfigOptions,
  type LoadedConfig,
} from './config/load-config.js';
export { loadConfigOrExit, EXIT_CONFIG, type LoadConfigOrExitOptions } from './config/load-config-or-exit.js';
export { requireInProduction } from './config/config-rules.js';
export { SHEPHERD_MODES, type ShepherdMode } from './config/mode.js';
export { renderConfigurationDoc } from './config/render-doc.js';
export { LOG_LEVELS, type LogLevel } from './log-levels.js';
export { createLogger, redactionPaths, REDACTED, type CreateLoggerOptions, type Logger } from './logger.js';
export { redactUrl } from './redact-url.js';
export {
  Readiness,
  NOT_READY_CHECK,
  type ReadinessCheck,
  type ReadinessFailure,
  type ReadinessOptions,
  type ReadinessProbe,
  type ReadinessResult,
} from './readiness.js';
export { startAdminServer, type AdminServer, type AdminServerOptions } from './admin-server.js';
export {
  createShutdown,
  SHUTDOWN_PHASES,
  SIGNAL_EXIT_CODES,
  type Shutdown,
  type ShutdownHook,
  type ShutdownOptions,
  type ShutdownPhase,
  type ShutdownState,
} from './shutdown.js';
export {
  createMetricsRegistry,
  Counter,
  Gauge,
  Histogram,
  Summary,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type SummaryConfiguration,
  type LabelValues,
  type MetricsRegistryOptions,
} from './metrics.js';
export { counterTally, type CounterTally } from './counter-tally.js';
export {
  ConfigError,
  UnknownEnvVarError,
  RuntimeOptionsError,
  DuplicateRegistrationError,
  RegistrationLimitError,
  ShutdownInProgressError,
  AdminListenError,
  type ConfigIssue,
} from './errors.js';
