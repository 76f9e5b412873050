import { resolve } from 'node:path';
import type { z } from 'zod';
import { LOG_LEVELS } from '../log-levels.js';
import { blobUrlProblem } from './blob-url.js';
import { checked, integer, oneOf } from './env-schemas.js';
import { SHEPHERD_MODES } from './mode.js';
import { natsUrlsProblem, postgresUrlProblem, redisUrlProblem, splitList } from './url-rules.js';
import { directoryProblem, hostProblem, serviceNameProblem } from './value-rules.js';

/**
 * The sections of the configuration reference, in the order they are
 * documented. A group without variables is left out of the document.
 */
export const ENV_GROUPS = {
  common: { title: 'Common (every app)' },
  engines: {
    title: 'Engines',
    intro:
      'Each engine is optional: leave its variable unset and the app uses an embedded ' +
      'equivalent, which suits development and single-process deployments. Set them all ' +
      'to run several replicas of each app.',
  },
  gateway: { title: 'Gateway' },
} as const satisfies Record<string, { readonly title: string; readonly intro?: string }>;

/** The name of one of {@link ENV_GROUPS}. */
export type EnvGroup = keyof typeof ENV_GROUPS;

/** One environment variable Shepherd reads. */
export interface EnvVarSpec<S extends z.ZodType = z.ZodType> {
  /** The variable name, UPPER_SNAKE_CASE; its config key is the camelCase form. */
  readonly name: string;
  /** Validates the (trimmed, non-empty) string value and coerces it to its typed form. */
  readonly schema: S;
  /** One or two sentences for the configuration reference. */
  readonly description: string;
  /** Raw default used when the variable is unset; validated like a real value. */
  readonly default?: string;
  /** Shown in the reference instead of `default` when the app decides the default. */
  readonly defaultDoc?: string;
  /** True when the value may hold a credential: never echoed in errors, redacted in logs. */
  readonly secret: boolean;
  /** The reference section the variable is listed in. */
  readonly group: EnvGroup;
}

type EnvVarInput = Omit<EnvVarSpec, 'name'>;

/** Adds each key as the entry's `name` and freezes the result, keeping literal types for inference. */
function defineCatalogue<const T extends Record<string, EnvVarInput>>(
  entries: T,
): { readonly [K in keyof T & string]: T[K] & { readonly name: K } } {
  const named = Object.entries(entries).map(([name, spec]) => [name, Object.freeze({ ...spec, name })]);
  return Object.freeze(Object.fromEntries(named)) as { readonly [K in keyof T & string]: T[K] & { readonly name: K } };
}

/**
 * Every environment variable Shepherd reads. Adding a variable is a change
 * here only: `loadConfig` types it, the logger redacts it when secret, and the
 * configuration reference (docs/configuration.md, checked by a test) lists it.
 */
export const ENV_CATALOGUE = defineCatalogue({
  SHEPHERD_MODE: {
    schema: oneOf(SHEPHERD_MODES),
    default: 'development',
    description:
      '`development` or `production`. In production, apps refuse development-only settings, such as an engine left on its embedded fallback where the app needs the real one.',
    secret: false,
    group: 'common',
  },
  LOG_LEVEL: {
    schema: oneOf(LOG_LEVELS),
    default: 'info',
    description: `Minimum level of the JSON logs written to stdout: ${LOG_LEVELS.join(', ')}.`,
    secret: false,
    group: 'common',
  },
  SERVICE_NAME: {
    schema: checked(serviceNameProblem),
    defaultDoc: "the app's name",
    description: 'Name reported in logs and metrics; set it to tell replicas or deployments apart.',
    secret: false,
    group: 'common',
  },
  ADMIN_HOST: {
    schema: checked(hostProblem),
    default: '0.0.0.0',
    description: 'Address of the admin HTTP listener that serves `/healthz`, `/readyz` and `/metrics`.',
    secret: false,
    group: 'common',
  },
  ADMIN_PORT: {
    schema: integer(0, 65535),
    default: '9464',
    description: 'Port of the admin HTTP listener (0 to 65535); 0 picks a free port.',
    secret: false,
    group: 'common',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: integer(1, 3_600_000),
    default: '25000',
    description: 'How long a graceful shutdown may take before the process exits with code 1; keep it below the orchestrator grace period.',
    secret: false,
    group: 'common',
  },
  DATA_DIR: {
    schema: checked(directoryProblem, (dir) => resolve(dir)),
    default: './data',
    description: 'Directory for embedded state (PGlite database, filesystem blobs); relative paths are resolved against the working directory.',
    secret: false,
    group: 'common',
  },
  NATS_URL: {
    schema: checked(natsUrlsProblem, (list) => splitList(list).join(',')).optional(),
    description: 'NATS server with JetStream: one `nats://` or `tls://` URL, or a comma-separated list. Unset: an embedded in-process bus (single process only).',
    secret: false,
    group: 'engines',
  },
  REDIS_URL: {
    schema: checked(redisUrlProblem).optional(),
    description: 'Redis for agent connection ownership: a `redis://` or `rediss://` URL. Unset: in-memory ownership (single process only).',
    secret: true,
    group: 'engines',
  },
  DATABASE_URL: {
    schema: checked(postgresUrlProblem).optional(),
    description: 'PostgreSQL: a `postgres://` or `postgresql://` URL. Unset: PGlite stored under `DATA_DIR`.',
    secret: true,
    group: 'engines',
  },
  BLOB_URL: {
    schema: checked(blobUrlProblem).optional(),
    description:
      'Package blob store: `file:///absolute/dir` or `s3://bucket[/prefix]?endpoint=https://host&region=us-east-1&forcePathStyle=true` ' +
      '(parameters optional; credentials come from the usual AWS variables). Unset: files under `DATA_DIR/blobs`.',
    secret: false,
    group: 'engines',
  },
});

/** The catalogue's type. */
export type EnvCatalogue = typeof ENV_CATALOGUE;

/** The name of a variable in {@link ENV_CATALOGUE}. */
export type EnvVarName = keyof EnvCatalogue;

/** Every variable name, in catalogue order. */
export const ENV_VAR_NAMES: readonly EnvVarName[] = Object.freeze(Object.keys(ENV_CATALOGUE) as EnvVarName[]);
