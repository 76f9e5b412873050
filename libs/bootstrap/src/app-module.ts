import type { EnvVarName } from '@shepherd/runtime';
import type { BackendName } from './open-backends.js';
import type { AppContext } from './run-app.js';

/**
 * One service as a unit an app can host: the backends and variables it needs
 * and how it starts. A process runs one module (a scaled-out deployment) or
 * several (all-in-one); the module's code is the same either way.
 */
export interface AppModule<B extends BackendName = BackendName, E extends EnvVarName = EnvVarName> {
  /** Used in logs and as the key of its shutdown hooks. */
  readonly name: string;
  readonly backends: readonly B[];
  readonly env: readonly E[];
  /** Starts listeners and consumers and registers their shutdown hooks on `ctx.shutdown`. */
  start(ctx: AppContext<B, E>): Promise<void>;
}

/** Identity function that keeps the literal backend and variable names of a module for typing. */
export function defineModule<B extends BackendName, E extends EnvVarName>(module: AppModule<B, E>): AppModule<B, E> {
  return Object.freeze(module);
}
