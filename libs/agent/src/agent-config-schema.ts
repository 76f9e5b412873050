/**
 * The agent config file as written: the seed's section 7.2 YAML (`opamp:`
 * with server, agent, capabilities, health, local_config_path,
 * packages_dir) plus what Shepherd needs, marked "Shepherd" below. Keys are
 * snake_case as in the seed; unknown keys are refused so a typo is never
 * silently ignored.
 */
import { z } from 'zod';
import { parseDuration } from './duration.js';

/** Most labels, headers, metrics, keys or collector args one config may list. */
export const MAX_LIST_ENTRIES = 64;

const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) }).min(1, `must be ${what}, not empty`);

const flag = z.boolean({ error: 'must be true or false' });

/** A YAML mapping with exactly these keys. */
const section = <T extends z.core.$ZodLooseShape>(shape: T) =>
  z.strictObject(shape, { error: (issue) => (issue.input === undefined ? 'is required' : 'must be a mapping of keys to values') });

/** A duration such as `30s`, `500ms` or `1m30s`, in ms, between `minMs` and `maxMs`. */
const duration = (minMs: number, maxMs: number) =>
  z.string({ error: 'must be a duration such as 30s or 500ms' }).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.issues.push({ code: 'custom', input: value, message: `must be a duration such as 30s or 500ms, got "${value}"` });
      return z.NEVER;
    }
    if (ms < minMs || ms > maxMs) {
      ctx.issues.push({ code: 'custom', input: value, message: `must be between ${minMs} ms and ${maxMs} ms, got ${ms} ms` });
      return z.NEVER;
    }
    return ms;
  });

/** RFC 9110 token characters: what an HTTP header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const headers = z
  .record(
    z.string().regex(HEADER_NAME, 'is not a valid HTTP header name'),
    z.string({ error: 'must be a string' }).refine((v) => !/[\r\n\0]/.test(v), 'must not contain CR, LF or NUL'),
  )
  .refine((h) => Object.keys(h).length <= MAX_LIST_ENTRIES, `must have at most ${MAX_LIST_ENTRIES} entries`)
  .default({});

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;

const labels = z
  .record(z.string().regex(LABEL_KEY, 'is not a valid label key (letters, digits, . _ / -; at most 128)'), z.string({ error: 'must be a string' }).max(256, 'must be at most 256 characters'))
  .refine((l) => Object.keys(l).length <= MAX_LIST_ENTRIES, `must have at most ${MAX_LIST_ENTRIES} entries`)
  .default({});

const tls = section({
  insecure: flag.default(false),
  cert_file: text('a file path').optional(),
  key_file: text('a file path').optional(),
  ca_file: text('a file path').optional(),
});

const server = section({
  endpoint: text('a ws://, wss://, http:// or https:// URL'),
  /** Shepherd: websocket (default for ws/wss) or http (default for http/https). */
  transport: z.enum(['websocket', 'http'], { error: 'must be websocket or http' }).optional(),
  /** Shepherd: how often a plain-HTTP agent polls when it has nothing to say. */
  poll_interval: duration(100, 3_600_000).default(30_000),
  /** Shepherd: reconnect backoff (full jitter between 0 and the growing ceiling). */
  reconnect: section({
    initial_interval: duration(10, 600_000).default(1_000),
    max_interval: duration(10, 3_600_000).default(60_000),
  }).prefault({}),
  tls: tls.optional(),
  headers,
});

const agent = section({
  instance_id: text('a string').optional(),
  /** Shepherd: `service.name` of the agent description. */
  service_name: text('a string').default('otelcol'),
  labels,
});

const capabilities = section({
  accepts_remote_config: flag.default(true),
  reports_effective_config: flag.default(true),
  reports_health: flag.default(true),
  reports_remote_config_status: flag.default(true),
  accepts_restart_command: flag.default(true),
  /** Not implemented yet: accepted so seed configs load, never declared (a warning says so). */
  accepts_packages: flag.default(false),
  reports_package_statuses: flag.default(false),
});

const health = section({
  report_interval: duration(1_000, 86_400_000).default(30_000),
  metrics: z
    .array(z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/, 'must be a metric name such as cpu_usage'))
    .max(MAX_LIST_ENTRIES, `must list at most ${MAX_LIST_ENTRIES} metrics`)
    .default(['cpu_usage', 'memory_usage']),
});

const configSigning = section({
  /** PEM files of the Ed25519 keys whose signatures are trusted (several during rotation). */
  public_key_files: z.array(text('a file path')).max(MAX_LIST_ENTRIES, `must list at most ${MAX_LIST_ENTRIES} files`).default([]),
  /** Refuse unsigned configs (default). Only turn off for a server that does not sign. */
  required: flag.default(true),
});

const opamp = section({
  server,
  agent: agent.prefault({}),
  capabilities: capabilities.prefault({}),
  health: health.prefault({}),
  local_config_path: text('a file path'),
  packages_dir: text('a directory path').optional(),
  /** Shepherd: where the instance uid and the last good config are kept. */
  state_dir: text('a directory path').optional(),
  /** Shepherd: signature verification of remote configs. */
  config_signing: configSigning.prefault({}),
});

const collector = section({
  /** The collector executable (a path, or a name looked up in PATH). */
  binary: text('a path or command name').default('otelcol-contrib'),
  /** Arguments before `--config <local_config_path>`, which the agent adds. */
  args: z.array(z.string({ error: 'must be a string' })).max(MAX_LIST_ENTRIES, `must list at most ${MAX_LIST_ENTRIES} arguments`).default([]),
  /** Extra environment variables for the collector. */
  env: z.record(z.string(), z.string({ error: 'must be a string' })).default({}),
  /** How a new config is taken in: SIGHUP (the collector reloads) or a restart. */
  reload: z.enum(['sighup', 'restart'], { error: 'must be sighup or restart' }).default('sighup'),
  /** How long a (re)loaded collector has to report healthy before the config is rolled back. */
  health_timeout: duration(100, 600_000).default(10_000),
  /** The collector's health endpoint; default from extensions.health_check in its config. */
  health_endpoint: text('an http:// URL').optional(),
  /** The collector's own metrics (Prometheus); default from service.telemetry.metrics in its config. */
  metrics_endpoint: text('an http:// URL').optional(),
  /** Copied to opamp.local_config_path on the first start, when that file does not exist yet. */
  initial_config: text('a file path').optional(),
});

/** The whole file. */
export const AGENT_CONFIG_SCHEMA = section({
  opamp,
  /** Shepherd: the collector the agent supervises. */
  collector: collector.prefault({}),
});

/** The file after validation and defaults, before paths are resolved. */
export type RawAgentConfig = z.output<typeof AGENT_CONFIG_SCHEMA>;
