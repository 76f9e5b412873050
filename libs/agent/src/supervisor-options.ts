import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { silentLogger, type AgentLogger } from './agent-logger.js';
import { CollectorSupervisorOptionsError } from './supervisor-errors.js';

/** Most arguments, environment variables or public keys accepted. */
const MAX_LIST = 64;

/** Options of `createCollectorSupervisor`. Durations are milliseconds. */
export interface CollectorSupervisorOptions {
  /** The collector executable: a path, or a command name looked up in PATH. */
  readonly binary: string;
  /** Arguments placed before `--config <configPath>`, which the supervisor always adds. */
  readonly args?: readonly string[];
  /** Extra environment variables for the collector (over the agent's own environment). */
  readonly env?: Readonly<Record<string, string>>;
  /** The collector's config file (seed `local_config_path`); remote configs are written here. */
  readonly configPath: string;
  /** Directory for the last good config and the backup; created when missing. */
  readonly stateDir: string;
  /** PEM Ed25519 public keys whose config signatures are trusted (pinned; several during rotation). */
  readonly publicKeys?: readonly string[];
  /** Refuse unsigned remote configs (default true; then `publicKeys` must not be empty). */
  readonly requireSignature?: boolean;
  /** How a new config is taken in: SIGHUP (default) or a process restart. */
  readonly reload?: 'sighup' | 'restart';
  /** The collector's health URL; default derived from `extensions.health_check` of the running config. */
  readonly healthUrl?: string;
  /** The collector's own Prometheus metrics URL; default derived from `service.telemetry.metrics`. */
  readonly metricsUrl?: string;
  /** How long a (re)loaded collector has to be healthy on the new config before rollback (default 10 s). */
  readonly healthTimeoutMs?: number;
  /** Period of health probes and metric samples while running (default 10 s). */
  readonly healthIntervalMs?: number;
  /** Timeout of one health or metrics request (default 2 s). */
  readonly probeTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL when stopping the collector (default 5 s). */
  readonly stopTimeoutMs?: number;
  /** Restart delays after a crash: equal-jitter exponential backoff between these bounds. */
  readonly restartBackoff?: { readonly initialMs: number; readonly maxMs: number };
  /** A run shorter than this counts as a crash in a loop; a longer one resets the backoff (default 10 s). */
  readonly stableAfterMs?: number;
  /** After this many crashes in a row (each sooner than `stableAfterMs`) the supervisor gives up (default 10). */
  readonly maxCrashRestarts?: number;
  /** Largest accepted remote config file body (default 4 MiB). */
  readonly maxConfigBytes?: number;
  readonly logger?: AgentLogger;
  /** Uniform in [0, 1); injectable so tests can pin the jitter. */
  readonly random?: () => number;
}

const ms = (min: number, max: number) =>
  z.number({ error: 'must be a number of milliseconds' }).int('must be a whole number of milliseconds').min(min, `must be at least ${min} ms`).max(max, `must be at most ${max} ms`);
const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, `must be ${what}, not empty`);
const httpUrl = text('an http(s) URL').refine((v) => /^https?:\/\/[^/\s]+/.test(v), 'must be an http:// or https:// URL');

const SCHEMA = z
  .strictObject({
    binary: text('a path or command name'),
    args: z.array(z.string({ error: 'must be a string' })).max(MAX_LIST, `must list at most ${MAX_LIST} arguments`).default([]),
    env: z.record(z.string(), z.string({ error: 'must be a string' })).default({}),
    configPath: text('a file path'),
    stateDir: text('a directory path'),
    publicKeys: z
      .array(
        z.string({ error: 'must be a PEM string' }).superRefine((pem, ctx) => {
          const problem = ed25519Problem(pem);
          if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
        }),
      )
      .max(MAX_LIST, `must list at most ${MAX_LIST} keys`).default([]),
    requireSignature: z.boolean({ error: 'must be true or false' }).default(true),
    reload: z.enum(['sighup', 'restart'], { error: 'must be sighup or restart' }).default('sighup'),
    healthUrl: httpUrl.optional(),
    metricsUrl: httpUrl.optional(),
    healthTimeoutMs: ms(100, 600_000).default(10_000),
    healthIntervalMs: ms(100, 3_600_000).default(10_000),
    probeTimeoutMs: ms(10, 60_000).default(2_000),
    stopTimeoutMs: ms(10, 600_000).default(5_000),
    restartBackoff: z
      .strictObject({ initialMs: ms(1, 600_000), maxMs: ms(1, 3_600_000) })
      .refine((b) => b.initialMs <= b.maxMs, { message: 'initialMs must not exceed maxMs', path: ['maxMs'] })
      .default({ initialMs: 500, maxMs: 30_000 }),
    stableAfterMs: ms(0, 3_600_000).default(10_000),
    maxCrashRestarts: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1_000, 'must be at most 1000').default(10),
    maxConfigBytes: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(64 * 1024 * 1024, 'must be at most 64 MiB').default(4 * 1024 * 1024),
    logger: z.custom<AgentLogger>((v) => typeof v === 'object' && v !== null, 'must be a logger').default(silentLogger),
    random: z.custom<() => number>((v) => typeof v === 'function', 'must be a function').default(() => Math.random),
  })
  .superRefine((o, ctx) => {
    if (o.requireSignature && o.publicKeys.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['publicKeys'], message: 'must list at least one pinned public key when requireSignature is true' });
    }
  });

/** The options after validation, with every default filled in; frozen. */
export type ResolvedSupervisorOptions = Readonly<
  Omit<z.output<typeof SCHEMA>, 'args' | 'env' | 'publicKeys' | 'restartBackoff'> & {
    readonly args: readonly string[];
    readonly env: Readonly<Record<string, string>>;
    readonly publicKeys: readonly string[];
    readonly restartBackoff: Readonly<{ initialMs: number; maxMs: number }>;
  }
>;

/**
 * Validates the options and fills in the defaults.
 * @throws CollectorSupervisorOptionsError naming every invalid option (`restartBackoff.maxMs: ...`)
 */
export function resolveSupervisorOptions(options: CollectorSupervisorOptions): ResolvedSupervisorOptions {
  const parsed = SCHEMA.safeParse(options);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(options)'}: ${i.message}`);
    throw new CollectorSupervisorOptionsError(`invalid collector supervisor options: ${lines.join('; ')}`);
  }
  const o = parsed.data;
  return Object.freeze({
    ...o,
    args: Object.freeze([...o.args]),
    env: Object.freeze({ ...o.env }),
    publicKeys: Object.freeze([...o.publicKeys]),
    restartBackoff: Object.freeze({ ...o.restartBackoff }),
  });
}

function ed25519Problem(pem: string): string | undefined {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? undefined : `must be an Ed25519 public key, got ${key.asymmetricKeyType ?? 'unknown'}`;
  } catch {
    return 'must be a PEM public key';
  }
}
