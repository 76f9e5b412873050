/**
 * @shepherd/bootstrap: starts a Shepherd app the same way everywhere
 * (validated config, backends chosen by URL, admin endpoints, ordered
 * shutdown), so each app's main file only composes.
 */
export { runApp, type AppContext, type AppSpec } from './run-app.js';
export { openBackends, closeAll, type Backends, type BackendName, type BackendSettings } from './open-backends.js';
export { startupFailureLine } from './startup-failure.js';
