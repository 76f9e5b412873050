import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { AGENT_CONFIG_SCHEMA, type RawAgentConfig } from './agent-config-schema.js';
import { AgentConfigError, formatKeyPath, type AgentConfigProblem } from './agent-config-error.js';
import { expandEnvInTree, type EnvLookup } from './env-expansion.js';

/** How the agent talks to the server. */
export type OpampTransportKind = 'websocket' | 'http';

/** TLS settings of the OpAMP connection (file paths absolute). */
export interface AgentTlsConfig {
  /** Skip server certificate verification (development only). */
  readonly insecure: boolean;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly caFile?: string;
}

/**
 * The validated agent config: durations in ms, relative paths resolved
 * against the config file's directory, `${ENV}` expanded. Frozen.
 */
export interface AgentConfig {
  readonly server: {
    readonly endpoint: string;
    readonly transport: OpampTransportKind;
    readonly pollIntervalMs: number;
    readonly reconnect: { readonly initialMs: number; readonly maxMs: number };
    readonly tls?: AgentTlsConfig;
    readonly headers: Readonly<Record<string, string>>;
  };
  readonly agent: {
    /** `service.instance.id` of the description (default: the host name). */
    readonly instanceId: string;
    readonly serviceName: string;
    /** Sent as non-identifying attributes: what server-side label selectors match. */
    readonly labels: Readonly<Record<string, string>>;
  };
  /** What the agent may declare; the client declares only what it implements. */
  readonly capabilities: {
    readonly acceptsRemoteConfig: boolean;
    readonly reportsEffectiveConfig: boolean;
    readonly reportsHealth: boolean;
    readonly reportsRemoteConfigStatus: boolean;
    readonly acceptsRestartCommand: boolean;
  };
  readonly health: { readonly reportIntervalMs: number; readonly metrics: readonly string[] };
  readonly localConfigPath: string;
  /** Reserved for package management (not implemented yet). */
  readonly packagesDir?: string;
  readonly stateDir: string;
  readonly configSigning: { readonly publicKeyFiles: readonly string[]; readonly required: boolean };
  readonly collector: {
    readonly binary: string;
    readonly args: readonly string[];
    readonly env: Readonly<Record<string, string>>;
    readonly reload: 'sighup' | 'restart';
    readonly healthTimeoutMs: number;
    readonly healthEndpoint?: string;
    readonly metricsEndpoint?: string;
    /** Copied to `localConfigPath` when that does not exist yet. */
    readonly initialConfig?: string;
  };
  /** Things that are allowed but probably not what was meant (logged at start). */
  readonly warnings: readonly string[];
}

/** Options of {@link parseAgentConfig}. */
export interface ParseAgentConfigOptions {
  /** Named in errors, e.g. the file path. */
  readonly source: string;
  /** Relative paths in the file are resolved against this directory. */
  readonly baseDir: string;
  /** Variables for `${NAME}` expansion; default `process.env`. */
  readonly env?: EnvLookup;
  /** Default of `opamp.agent.instance_id`; default the host name. */
  readonly hostName?: string;
}

const SCHEMES: Readonly<Record<string, OpampTransportKind>> = { 'ws:': 'websocket', 'wss:': 'websocket', 'http:': 'http', 'https:': 'http' };
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Parses and validates an agent config (YAML text).
 * @throws {AgentConfigError} listing every problem, each with its key path.
 */
export function parseAgentConfig(yamlText: string, options: ParseAgentConfigOptions): AgentConfig {
  const doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new AgentConfigError(
      options.source,
      doc.errors.map((e) => ({ path: '', message: `not valid YAML: ${e.message.split('\n')[0]}` })),
    );
  }
  const expanded = expandEnvInTree(doc.toJS() ?? {}, options.env ?? process.env);
  if (expanded.problems.length > 0) {
    throw new AgentConfigError(options.source, expanded.problems.map((p) => ({ path: formatKeyPath(p.path), message: p.message })));
  }
  const parsed = AGENT_CONFIG_SCHEMA.safeParse(expanded.value);
  if (!parsed.success) throw new AgentConfigError(options.source, parsed.error.issues.flatMap(problemsOf));
  const problems: AgentConfigProblem[] = [];
  const warnings: string[] = [];
  const config = resolveConfig(parsed.data, options, problems, warnings);
  if (problems.length > 0) throw new AgentConfigError(options.source, problems);
  return deepFreeze(config);
}

/**
 * Reads and validates the agent config file at `file`.
 * @throws {AgentConfigError} when it cannot be read or is invalid.
 */
export async function loadAgentConfig(file: string, options: Omit<ParseAgentConfigOptions, 'source' | 'baseDir'> = {}): Promise<AgentConfig> {
  const path = resolve(file);
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (cause) {
    throw new AgentConfigError(path, [{ path: '', message: `cannot read the file: ${(cause as Error).message}` }], { cause });
  }
  return parseAgentConfig(text, { ...options, source: path, baseDir: dirname(path) });
}

function problemsOf(issue: z.core.$ZodIssue): AgentConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatKeyPath([...issue.path, key]), message: 'unknown key' }));
  }
  if (issue.code === 'invalid_key') {
    return [{ path: formatKeyPath(issue.path), message: `key ${issue.issues.map((i) => i.message).join('; ')}` }];
  }
  return [{ path: formatKeyPath(issue.path), message: issue.message }];
}

function resolveConfig(raw: RawAgentConfig, options: ParseAgentConfigOptions, problems: AgentConfigProblem[], warnings: string[]): AgentConfig {
  const path = (p: string): string => resolve(options.baseDir, p);
  const { opamp, collector } = raw;
  const localConfigPath = path(opamp.local_config_path);
  checkCapabilities(raw, warnings);
  if (opamp.config_signing.required && opamp.config_signing.public_key_files.length === 0) {
    problems.push({
      path: 'opamp.config_signing.public_key_files',
      message: 'must list at least one public key file while config_signing.required is true (the default); see docs/config-signing.md',
    });
  }
  if (!opamp.config_signing.required) warnings.push('opamp.config_signing.required is false: unsigned remote configs are applied');
  return {
    server: resolveServer(raw, path, problems, warnings),
    agent: {
      instanceId: opamp.agent.instance_id ?? options.hostName ?? hostname(),
      serviceName: opamp.agent.service_name,
      labels: opamp.agent.labels,
    },
    capabilities: {
      acceptsRemoteConfig: opamp.capabilities.accepts_remote_config,
      reportsEffectiveConfig: opamp.capabilities.reports_effective_config,
      reportsHealth: opamp.capabilities.reports_health,
      reportsRemoteConfigStatus: opamp.capabilities.reports_remote_config_status,
      acceptsRestartCommand: opamp.capabilities.accepts_restart_command,
    },
    health: { reportIntervalMs: opamp.health.report_interval, metrics: opamp.health.metrics },
    localConfigPath,
    ...(opamp.packages_dir === undefined ? {} : { packagesDir: path(opamp.packages_dir) }),
    stateDir: opamp.state_dir === undefined ? resolve(dirname(localConfigPath), '.shepherd-agent') : path(opamp.state_dir),
    configSigning: { publicKeyFiles: opamp.config_signing.public_key_files.map(path), required: opamp.config_signing.required },
    collector: {
      // A bare command name is looked up in PATH; anything with a slash is a path.
      binary: collector.binary.includes('/') ? path(collector.binary) : collector.binary,
      args: collector.args,
      env: collector.env,
      reload: collector.reload,
      healthTimeoutMs: collector.health_timeout,
      ...(collector.health_endpoint === undefined ? {} : { healthEndpoint: checkHttpUrl('collector.health_endpoint', collector.health_endpoint, problems) }),
      ...(collector.metrics_endpoint === undefined ? {} : { metricsEndpoint: checkHttpUrl('collector.metrics_endpoint', collector.metrics_endpoint, problems) }),
      ...(collector.initial_config === undefined ? {} : { initialConfig: path(collector.initial_config) }),
    },
    warnings,
  };
}

function resolveServer(raw: RawAgentConfig, path: (p: string) => string, problems: AgentConfigProblem[], warnings: string[]): AgentConfig['server'] {
  const { server } = raw.opamp;
  const schemeTransport = endpointTransport(server.endpoint, problems);
  const transport = server.transport ?? schemeTransport ?? 'websocket';
  if (server.transport !== undefined && schemeTransport !== undefined && server.transport !== schemeTransport) {
    problems.push({
      path: 'opamp.server.transport',
      message: `is ${server.transport} but opamp.server.endpoint is a ${schemeTransport === 'http' ? 'http(s)' : 'ws(s)'} URL`,
    });
  }
  if (server.reconnect.max_interval < server.reconnect.initial_interval) {
    problems.push({ path: 'opamp.server.reconnect.max_interval', message: 'must not be shorter than initial_interval' });
  }
  const tls = server.tls;
  if (tls !== undefined && (tls.cert_file === undefined) !== (tls.key_file === undefined)) {
    problems.push({ path: `opamp.server.tls.${tls.cert_file === undefined ? 'cert_file' : 'key_file'}`, message: 'cert_file and key_file go together' });
  }
  const secure = /^(wss|https):/i.test(server.endpoint);
  if (tls !== undefined && !secure) warnings.push('opamp.server.tls is set but the endpoint is not wss:// or https://: TLS settings are not used');
  if (tls?.insecure === true && secure) warnings.push('opamp.server.tls.insecure is true: the server certificate is not verified');
  return {
    endpoint: server.endpoint,
    transport,
    pollIntervalMs: server.poll_interval,
    reconnect: { initialMs: server.reconnect.initial_interval, maxMs: server.reconnect.max_interval },
    ...(tls === undefined
      ? {}
      : {
          tls: {
            insecure: tls.insecure,
            ...(tls.cert_file === undefined ? {} : { certFile: path(tls.cert_file) }),
            ...(tls.key_file === undefined ? {} : { keyFile: path(tls.key_file) }),
            ...(tls.ca_file === undefined ? {} : { caFile: path(tls.ca_file) }),
          },
        }),
    headers: server.headers,
  };
}

function endpointTransport(endpoint: string, problems: AgentConfigProblem[]): OpampTransportKind | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    problems.push({ path: 'opamp.server.endpoint', message: `must be a ws://, wss://, http:// or https:// URL, got "${endpoint}"` });
    return undefined;
  }
  const transport = SCHEMES[url.protocol];
  if (transport === undefined) {
    problems.push({ path: 'opamp.server.endpoint', message: `must use ws, wss, http or https, got "${url.protocol.slice(0, -1)}"` });
  }
  if (url.username !== '' || url.password !== '') {
    problems.push({ path: 'opamp.server.endpoint', message: 'must not carry credentials; use opamp.server.headers' });
  }
  return transport;
}

function checkHttpUrl(key: string, value: string, problems: AgentConfigProblem[]): string {
  if (!/^https?:\/\/[^/]/i.test(value) || !URL.canParse(value)) {
    problems.push({ path: key, message: `must be an http:// or https:// URL, got "${value}"` });
  }
  return value;
}

function checkCapabilities(raw: RawAgentConfig, warnings: string[]): void {
  const caps = raw.opamp.capabilities;
  for (const key of ['accepts_packages', 'reports_package_statuses'] as const) {
    if (caps[key]) warnings.push(`opamp.capabilities.${key}: packages are not supported by this agent yet; the capability is not declared`);
  }
  if (!caps.accepts_remote_config && caps.reports_remote_config_status) {
    warnings.push('opamp.capabilities.reports_remote_config_status without accepts_remote_config: there is nothing to report');
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
