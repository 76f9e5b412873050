/**
 * The deployment modes. `development` allows conveniences (embedded engines,
 * local defaults); apps refuse dev-only settings in `production` through
 * config rules (see `requireInProduction`).
 */
export const SHEPHERD_MODES = ['development', 'production'] as const;

/** One of {@link SHEPHERD_MODES}; `loadConfig` always returns it as `shepherdMode`. */
export type ShepherdMode = (typeof SHEPHERD_MODES)[number];
