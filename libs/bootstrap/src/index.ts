/**
 * @shepherd/bootstrap: starts a Shepherd process the same way everywhere
 * (validated config, backends chosen by URL, admin endpoints, ordered
 * shutdown) and hosts service modules, so each app's main file only composes.
 */
export { runApp, type AppContext, type AppSpec } from './run-app.js';
export { defineModule, type AppModule } from './app-module.js';
export { sharedAuthenticator, AUTH_ENV } from './shared-authenticator.js';
export { openBackends, closeAll, type Backends, type BackendName, type BackendSettings } from './open-backends.js';
export { startupFailureLine } from './startup-failure.js';
