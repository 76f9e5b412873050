import type { ConfigIssue } from '../errors.js';
import { toCamelCase } from './camel-case.js';
import type { EnvVarName } from './env-catalogue.js';
import type { ConfigRule, LoadedConfig } from './load-config.js';

/**
 * A rule for `loadConfig` that, when `SHEPHERD_MODE=production`, reports each
 * of `names` left unset (their embedded fallbacks are for development). The
 * names must also be loaded; the types enforce it, since the rule only fits a
 * config that contains them.
 */
export function requireInProduction<const N extends EnvVarName>(...names: readonly N[]): ConfigRule<LoadedConfig<N>> {
  return (config) => {
    if (config.shepherdMode !== 'production') return [];
    const values = config as Readonly<Record<string, unknown>>;
    return names
      .filter((name) => values[toCamelCase(name)] === undefined)
      .map((name): ConfigIssue => ({ variable: name, problem: 'must be set when SHEPHERD_MODE=production' }));
  };
}
