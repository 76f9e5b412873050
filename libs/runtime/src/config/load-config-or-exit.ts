import { ConfigError } from '../errors.js';
import type { EnvVarName } from './env-catalogue.js';
import { loadConfig, type EnvSource, type LoadConfigOptions, type LoadedConfig } from './load-config.js';

/** EX_CONFIG from sysexits(3): "something was found in an unconfigured or misconfigured state". */
export const EXIT_CONFIG = 78;

/** Options of {@link loadConfigOrExit}; the process hooks exist for tests. */
export interface LoadConfigOrExitOptions<C> extends LoadConfigOptions<C> {
  /** Ends the process; default `process.exit`. */
  readonly exit?: (code: number) => never;
  /** Writes the error line; default writes to `process.stderr`. */
  readonly writeStderr?: (text: string) => void;
}

/**
 * {@link loadConfig} for an app's start-up: on a {@link ConfigError} it writes
 * exactly one line to stderr, `shepherd: invalid configuration: <issues>`,
 * and exits with code 78 (EX_CONFIG). Other errors (programming errors such as
 * an unknown variable name) are rethrown.
 */
export function loadConfigOrExit<const N extends EnvVarName>(
  names: readonly N[],
  env: EnvSource = process.env,
  options: LoadConfigOrExitOptions<NoInfer<LoadedConfig<N>>> = {},
): LoadedConfig<N> {
  try {
    return loadConfig(names, env, options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const write = options.writeStderr ?? ((text: string) => process.stderr.write(text));
    // App rules may put line breaks in a problem; the contract is one line.
    write(`shepherd: ${err.message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
    return (options.exit ?? process.exit)(EXIT_CONFIG);
  }
}
