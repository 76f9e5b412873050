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
  gateway: { title: 'Gateway (OpAMP endpoint)' },
  auth: {
    title: 'Authentication',
    intro:
      'Agents and operators present a bearer token. Production needs `AUTH_JWT_KEY_FILE` or `AUTH_JWKS_URL`; ' +
      'the static development token is refused in production mode.',
  },
  config: { title: 'Config service' },
  gitops: {
    title: 'GitOps config source',
    intro:
      'The config service syncs configs from a git repository when `GITOPS_REPOSITORY` or `GITOPS_CONFIG_FILE` is set ' +
      '(layout and behaviour: docs/gitops.md). Variables override the values of the `GITOPS_CONFIG_FILE` YAML; ' +
      'they are validated together when the service starts.',
  },
  api: { title: 'Admin API (REST)' },
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
  BUS_SUBJECT_PREFIX: {
    schema: checked((v) => (/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(v) ? undefined : 'must be dot-separated tokens of A-Z a-z 0-9 _ -')),
    default: 'opamp',
    description: 'First token(s) of every bus subject; stream names get it as a suffix when it is not `opamp`. Lets several deployments share one NATS account.',
    secret: false,
    group: 'engines',
  },
  BUS_AGENT_EVENTS_MAX_MSGS: {
    schema: integer(1000, 1_000_000_000),
    default: '100000',
    description:
      'Most messages the agent-events stream keeps (the oldest go first, acknowledged or not). It bounds how far the config service may fall behind: at N agents sending a heartbeat every H seconds, about this many × H / N seconds. Raise it for large fleets, the same on every process (each one applies it at start-up). The embedded bus keeps them in memory.',
    secret: false,
    group: 'engines',
  },
  BUS_AGENT_EVENTS_MAX_MIB: {
    schema: integer(1, 1_048_576),
    default: '256',
    description: 'Most MiB the agent-events stream keeps, besides `BUS_AGENT_EVENTS_MAX_MSGS` (whichever is reached first drops the oldest).',
    secret: false,
    group: 'engines',
  },
  REDIS_KEY_PREFIX: {
    schema: checked((v) => (v.length <= 64 && !/\s/.test(v) ? undefined : 'must be at most 64 characters without spaces')),
    default: 'shepherd:ownership:',
    description: 'Prefix of every Redis key Shepherd writes.',
    secret: false,
    group: 'engines',
  },
  DATABASE_SCHEMA: {
    schema: checked((v) => (/^[a-z_][a-z0-9_]{0,62}$/.test(v) ? undefined : 'must be a lower-case SQL identifier')).optional(),
    description: 'PostgreSQL schema that holds Shepherd\'s tables (created when missing). Unset: the connection\'s default search path.',
    secret: false,
    group: 'engines',
  },
  DATABASE_POOL_SIZE: {
    schema: integer(1, 1000),
    default: '10',
    description: 'Most PostgreSQL connections a process opens (statements beyond it wait for one). Ignored by PGlite.',
    secret: false,
    group: 'engines',
  },
  OPAMP_HOST: {
    schema: checked(hostProblem),
    default: '0.0.0.0',
    description: 'Address the OpAMP endpoint listens on (WebSocket and plain HTTP share one port).',
    secret: false,
    group: 'gateway',
  },
  OPAMP_PORT: {
    schema: integer(0, 65535),
    default: '4320',
    description: 'Port of the OpAMP endpoint; 4320 is the OpAMP default. 0 picks a free port.',
    secret: false,
    group: 'gateway',
  },
  OPAMP_PATH: {
    schema: checked((v) => (v.startsWith('/') ? undefined : 'must start with "/"')),
    default: '/v1/opamp',
    description: 'URL path of the OpAMP endpoint.',
    secret: false,
    group: 'gateway',
  },
  OPAMP_MAX_MESSAGE_BYTES: {
    schema: integer(1024, 1024 * 1024 * 1024),
    default: String(64 * 1024 * 1024),
    description: 'Largest AgentToServer accepted, after decompression, and largest ServerToAgent sent (64 MiB default, per the OpAMP spec). Larger requests get HTTP 413 or WebSocket close 1009.',
    secret: false,
    group: 'gateway',
  },
  OPAMP_MAX_CONNECTIONS: {
    schema: integer(1, 10_000_000),
    default: '100000',
    description:
      'Most concurrent WebSocket agents one gateway holds; beyond it new agents get HTTP 503 with Retry-After. Above this many open sockets (WebSocket and kept-alive HTTP together) HTTP polls are answered with Connection: close. Lowered at start-up to the open-file limit (`ulimit -n`) minus 256.',
    secret: false,
    group: 'gateway',
  },
  OPAMP_LISTEN_BACKLOG: {
    schema: integer(1, 65_535),
    default: '4096',
    description:
      'Connections the kernel queues until the gateway accepts them (Linux caps it at net.core.somaxconn). A dead gateway\'s agents all reconnect within seconds; beyond the queue their SYNs are dropped and retried 1-31 s later.',
    secret: false,
    group: 'gateway',
  },
  OPAMP_HTTP_KEEPALIVE_MS: {
    schema: integer(100, 3_600_000),
    default: '65000',
    description:
      'How long an idle plain-HTTP agent connection stays open for the next poll. Above the usual 30 s poll interval (one connection and TLS handshake per agent, not per poll) and above the 60 s idle timeout of common load balancers (so the balancer closes first and never races the gateway). While the gateway holds more than OPAMP_MAX_CONNECTIONS sockets, polls are answered with Connection: close.',
    secret: false,
    group: 'gateway',
  },
  OPAMP_RETRY_AFTER_SECONDS: {
    schema: integer(1, 3600),
    default: '30',
    description: 'Base retry delay told to agents when the gateway is overloaded or draining (jittered up to twice this).',
    secret: false,
    group: 'gateway',
  },
  OPAMP_LIVENESS_INTERVAL_MS: {
    schema: integer(0, 3_600_000),
    default: '5000',
    description:
      'Heartbeats that carry nothing but liveness are published as one batch per gateway per interval (the newest per agent, at most 4 096 agents a message) instead of one bus message each; everything else an agent sends is published at once. 0 publishes every message on its own.',
    secret: false,
    group: 'gateway',
  },
  OPAMP_PING_INTERVAL_MS: {
    schema: integer(1000, 3_600_000),
    default: '30000',
    description:
      'WebSocket liveness period: a connection that sent nothing for a whole period is pinged, and one that then misses the pong for another period is disconnected (so a dead peer goes within three periods).',
    secret: false,
    group: 'gateway',
  },
  GATEWAY_ID: {
    schema: checked((v) => (/^[A-Za-z0-9_-]{1,128}$/.test(v) ? undefined : 'must be 1-128 characters of A-Z a-z 0-9 _ -')).optional(),
    defaultDoc: 'host name plus a random suffix',
    description: 'Identity of this gateway in the ownership store and its delivery subject; unique per replica.',
    secret: false,
    group: 'gateway',
  },
  OWNERSHIP_TTL_MS: {
    schema: integer(1000, 3_600_000),
    default: '30000',
    description: 'How long an agent stays owned by a gateway without a refresh; the gateway refreshes every third of it.',
    secret: false,
    group: 'gateway',
  },
  AUTH_JWT_KEY_FILE: {
    schema: checked(directoryProblem).optional(),
    description: 'PEM public key (SPKI) or X.509 certificate that verifies bearer JWTs.',
    secret: false,
    group: 'auth',
  },
  AUTH_JWKS_URL: {
    schema: checked((v) => (/^https?:\/\/[^\s/]+/.test(v) ? undefined : 'must be an http:// or https:// URL')).optional(),
    description: 'JWKS endpoint whose keys verify bearer JWTs (fetched and cached).',
    secret: false,
    group: 'auth',
  },
  AUTH_JWT_ISSUER: {
    schema: checked(() => undefined).optional(),
    description: 'Required `iss` claim of bearer JWTs, when set.',
    secret: false,
    group: 'auth',
  },
  AUTH_JWT_AUDIENCE: {
    schema: checked(() => undefined).optional(),
    description: 'Required `aud` claim of bearer JWTs, when set.',
    secret: false,
    group: 'auth',
  },
  AUTH_TENANT_CLAIM: {
    schema: checked((v) => (/^[A-Za-z0-9_.:-]{1,64}$/.test(v) ? undefined : 'must be a claim name')),
    default: 'tenant',
    description: 'JWT claim that names the tenant of the caller; tokens without it belong to tenant `default`.',
    secret: false,
    group: 'auth',
  },
  AUTH_DEV_TOKEN: {
    schema: checked((v) => (v.length >= 16 ? undefined : 'must be at least 16 characters')).optional(),
    defaultDoc: 'random, printed at start-up (development mode without a JWT key only)',
    description: 'Static bearer token accepted in development mode. Refused in production mode.',
    secret: true,
    group: 'auth',
  },
  AUTH_TOKEN_CACHE_MAX: {
    schema: integer(0, 1_000_000),
    default: '10000',
    description:
      'Most bearer tokens a process remembers as verified, so that an agent polling with the same token is not verified again on every request (least recently used first out). Only tokens that passed are kept; 0 verifies every request.',
    secret: false,
    group: 'auth',
  },
  AUTH_TOKEN_CACHE_TTL_MS: {
    schema: integer(0, 3_600_000),
    default: '60000',
    description:
      'Longest a verified token is remembered, never past its `exp` (plus the 30 s clock tolerance). A key removed from the JWKS reaches tokens already seen within this time; 0 verifies every request.',
    secret: false,
    group: 'auth',
  },
  CONFIG_RESEND_AFTER_MS: {
    schema: integer(1000, 86_400_000),
    default: '60000',
    description: 'How long the config service waits for an agent to confirm an offered config before offering it again.',
    secret: false,
    group: 'config',
  },
  CONFIG_FANOUT_BATCH: {
    schema: integer(1, 100_000),
    default: '2000',
    description:
      'Agents reconciled per batch when an assignment changes: one store read, one owner lookup, one multicast per owning gateway (answered once the gateway pushed it) and one offer write per batch, eight batches at once.',
    secret: false,
    group: 'config',
  },
  CONFIG_LAST_SEEN_INTERVAL_MS: {
    schema: integer(1000, 3_600_000),
    default: '30000',
    description: "How often at most the config service writes an agent's `last_seen_at` and `sequence_num` when nothing else changed; such writes are batched (one statement per 5 000 agents every 5 s).",
    secret: false,
    group: 'config',
  },
  CONFIG_HEAL_INTERVAL_MS: {
    schema: integer(0, 86_400_000),
    default: '300000',
    description:
      "How long the config service may decide an agent's plain heartbeats from memory instead of reading its target from the store (a config change handled by the process ends it at once). Bounds how long a change the process did not see, e.g. another replica's, goes unnoticed by a quiet agent; 0 reads on every report.",
    secret: false,
    group: 'config',
  },
  CONFIG_MAX_IN_FLIGHT: {
    schema: integer(1, 1024),
    default: '64',
    description:
      "Agent events the config service handles at once per process (one agent's events stay in order). Their reads and writes are batched, one statement per kind for the events in flight, so more in flight means fewer, larger statements: it is what lets the store keep up with a reconnect storm or a ramp.",
    secret: false,
    group: 'config',
  },
  CONFIG_SIGNING_KEY_FILE: {
    schema: checked(directoryProblem).optional(),
    defaultDoc: 'development: a key generated once as `DATA_DIR/config-signing-key.pem`',
    description: 'PKCS#8 PEM Ed25519 private key that signs every offered config (docs/config-signing.md). Required in production mode; every process of a deployment that offers configs or serves the public key reads the same file.',
    secret: false,
    group: 'config',
  },
  GITOPS_REPOSITORY: {
    schema: checked(() => undefined).optional(),
    description: 'Repository to sync configs from: `https://` (isomorphic-git) or `ssh://` / `user@host:path` (the `git` binary with `GITOPS_SSH_KEY_FILE`). No password in the URL. Unset (and no `GITOPS_CONFIG_FILE`): no GitOps sync.',
    secret: false,
    group: 'gitops',
  },
  GITOPS_BRANCH: {
    schema: checked(() => undefined).optional(),
    defaultDoc: '`main`',
    description: 'Branch of the repository to sync configs from.',
    secret: false,
    group: 'gitops',
  },
  GITOPS_PATH: {
    schema: checked(() => undefined).optional(),
    defaultDoc: '`configs`',
    description: 'Directory of the repository whose subdirectories are configs (`.` for the root).',
    secret: false,
    group: 'gitops',
  },
  GITOPS_SYNC_INTERVAL: {
    schema: checked(() => undefined).optional(),
    defaultDoc: '`1m`',
    description: 'Pause between syncs, as a duration such as `30s`, `1m` or `1m30s` (100ms to 24h).',
    secret: false,
    group: 'gitops',
  },
  GITOPS_AUTH: {
    schema: oneOf(['none', 'https_token', 'ssh_key']).optional(),
    defaultDoc: '`none`',
    description: '`none`, `https_token` (token read from `GITOPS_TOKEN_FILE` at every fetch) or `ssh_key` (key in `GITOPS_SSH_KEY_FILE`).',
    secret: false,
    group: 'gitops',
  },
  GITOPS_TOKEN_FILE: {
    schema: checked(directoryProblem).optional(),
    description: 'File holding the access token for `https_token` auth (sent as the password of HTTP Basic auth, user `x-access-token`).',
    secret: false,
    group: 'gitops',
  },
  GITOPS_SSH_KEY_FILE: {
    schema: checked(directoryProblem).optional(),
    description: 'Private key file for `ssh_key` auth; needs the `git` and `ssh` programs on the PATH.',
    secret: false,
    group: 'gitops',
  },
  GITOPS_SSH_KNOWN_HOSTS_FILE: {
    schema: checked(directoryProblem).optional(),
    defaultDoc: "ssh's defaults (`~/.ssh/known_hosts`, `/etc/ssh/ssh_known_hosts`)",
    description: 'Known-hosts file the ssh host key is checked against (strictly: an unknown host is refused).',
    secret: false,
    group: 'gitops',
  },
  GITOPS_TENANT: {
    schema: checked(() => undefined).optional(),
    defaultDoc: '`default`',
    description: 'Tenant the synced configs belong to.',
    secret: false,
    group: 'gitops',
  },
  GITOPS_CONFIG_FILE: {
    schema: checked(directoryProblem).optional(),
    description: 'Server YAML file in the shape of the seed document (`server.config_store: {type: git, git: {repository, branch, sync_interval, path, auth: {type, ssh_key_file | token_file}}}`); other sections are ignored.',
    secret: false,
    group: 'gitops',
  },
  API_HOST: {
    schema: checked(hostProblem),
    default: '0.0.0.0',
    description: 'Address of the REST admin API.',
    secret: false,
    group: 'api',
  },
  API_PORT: {
    schema: integer(0, 65535),
    default: '8080',
    description: 'Port of the REST admin API (`/api/v1/...`); 0 picks a free port.',
    secret: false,
    group: 'api',
  },
});

/** The catalogue's type. */
export type EnvCatalogue = typeof ENV_CATALOGUE;

/** The name of a variable in {@link ENV_CATALOGUE}. */
export type EnvVarName = keyof EnvCatalogue;

/** Every variable name, in catalogue order. */
export const ENV_VAR_NAMES: readonly EnvVarName[] = Object.freeze(Object.keys(ENV_CATALOGUE) as EnvVarName[]);
