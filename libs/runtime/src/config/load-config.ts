import type { z } from 'zod';
import { deepFreeze, type DeepReadonly } from '../deep-freeze.js';
import { ConfigError, UnknownEnvVarError, type ConfigIssue } from '../errors.js';
import { redactUrl } from '../redact-url.js';
import { toCamelCase, type CamelCase } from './camel-case.js';
import { ENV_CATALOGUE, ENV_VAR_NAMES, type EnvCatalogue, type EnvVarName, type EnvVarSpec } from './env-catalogue.js';

/** The typed, read-only configuration for the variables `N`, keyed by camelCase name. */
export type EnvConfig<N extends EnvVarName> = {
  readonly [K in N as CamelCase<K>]: DeepReadonly<z.output<EnvCatalogue[K]['schema']>>;
};

/** What `loadConfig` returns: the requested variables plus `shepherdMode`, which is always parsed. */
export type LoadedConfig<N extends EnvVarName> = EnvConfig<N | 'SHEPHERD_MODE'>;

/**
 * A cross-variable check run after every variable parsed, e.g. refusing a
 * development-only setting in production. Returns the issues it finds (empty
 * when the configuration is acceptable).
 */
export type ConfigRule<C> = (config: C) => readonly ConfigIssue[];

/** The environment to read: `process.env` or any map of names to string values. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions<C> {
  /** Defaults chosen by the app (e.g. `SERVICE_NAME`); they win over catalogue defaults. */
  readonly defaults?: Readonly<Partial<Record<EnvVarName, string>>>;
  /** Cross-variable rules; see {@link ConfigRule} and `requireInProduction`. */
  readonly rules?: readonly ConfigRule<C>[];
}

const MAX_SHOWN_VALUE = 120;

/** How a bad value is quoted in a problem: never for secrets, URL passwords hidden, length capped. */
function describeValue(spec: EnvVarSpec, value: string): string {
  if (spec.secret) return '(value not shown: secret)';
  const redacted = redactUrl(value);
  const shown = redacted.length > MAX_SHOWN_VALUE ? `${redacted.slice(0, MAX_SHOWN_VALUE)}…` : redacted;
  return `(got ${JSON.stringify(shown)})`;
}

/** Empty or blank values count as unset, so `NATS_URL=` in a compose file means "embedded". */
function rawValue(env: EnvSource, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === '' ? undefined : raw;
}

type ParseOutcome = { ok: true; value: unknown } | { ok: false; issue: ConfigIssue };

function parseOne(spec: EnvVarSpec, value: string | undefined): ParseOutcome {
  const result = spec.schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  if (value === undefined) return { ok: false, issue: { variable: spec.name, problem: 'must be set' } };
  const message = result.error.issues[0]?.message ?? 'is invalid';
  return { ok: false, issue: { variable: spec.name, problem: `${message} ${describeValue(spec, value)}` } };
}

function requestedSpecs(names: readonly string[]): EnvVarSpec[] {
  const wanted = new Set<string>(names);
  for (const name of wanted) {
    if (!Object.hasOwn(ENV_CATALOGUE, name)) {
      throw new UnknownEnvVarError(`${name} is not in the environment catalogue (libs/runtime/src/config/env-catalogue.ts)`);
    }
  }
  wanted.add('SHEPHERD_MODE');
  return ENV_VAR_NAMES.filter((name) => wanted.has(name)).map((name) => ENV_CATALOGUE[name]);
}

/**
 * Reads, validates and coerces the environment variables `names` (plus
 * `SHEPHERD_MODE`, always) from `env`, using the catalogue's schemas and
 * defaults (app `defaults` first). Blank values count as unset.
 *
 * Returns a deeply frozen object keyed by camelCase name (`ADMIN_PORT` →
 * `adminPort: number`); optional variables that are unset are present with the
 * value `undefined`. Then runs `rules` on that object.
 *
 * @throws {ConfigError} listing every invalid variable (catalogue order), or,
 *   when all parse, every issue the rules raise. Secret values never appear.
 * @throws {UnknownEnvVarError} when a name is not in the catalogue.
 */
export function loadConfig<const N extends EnvVarName>(
  names: readonly N[],
  env: EnvSource = process.env,
  options: LoadConfigOptions<NoInfer<LoadedConfig<N>>> = {},
): LoadedConfig<N> {
  const values: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const spec of requestedSpecs(names)) {
    const name = spec.name as EnvVarName;
    const outcome = parseOne(spec, rawValue(env, name) ?? options.defaults?.[name] ?? spec.default);
    if (outcome.ok) values[toCamelCase(name)] = outcome.value;
    else issues.push(outcome.issue);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const config = deepFreeze(values) as LoadedConfig<N>;
  const ruleIssues = (options.rules ?? []).flatMap((rule) => rule(config));
  if (ruleIssues.length > 0) throw new ConfigError(ruleIssues);
  return config;
}
