import { AUTH_ENV, defineModule, sharedAuthenticator } from '@shepherd/bootstrap';
import { publicKeyInfo } from '@shepherd/config-signing';
import { createAgentCommands, createConfigAdmin, createConfigQueries, sharedSigningKey } from '@shepherd/config-service';
import { createRestApi } from './create-rest-api.js';

/**
 * The REST admin API as an app module (`/api/v1/...` on API_PORT, bearer
 * auth) over the config-service admin port. Stateless: any number of
 * replicas. Shutdown: stops accepting, lets requests in flight finish.
 */
export const restApiModule = defineModule({
  name: 'rest-api',
  backends: ['store', 'bus', 'ownership'],
  env: ['API_HOST', 'API_PORT', 'CONFIG_SIGNING_KEY_FILE', ...AUTH_ENV],
  async start(ctx) {
    const { config, logger, shutdown, backends, topology } = ctx;
    const configAdmin = createConfigAdmin({ store: backends.store, bus: backends.bus, topology, logger });
    const restApi = createRestApi({
      configAdmin,
      configQueries: createConfigQueries({ store: backends.store }),
      authenticator: await sharedAuthenticator(ctx),
      logger,
      configSigningKey: publicKeyInfo(await sharedSigningKey(ctx)),
      agentCommands: createAgentCommands({ store: backends.store, bus: backends.bus, ownership: backends.ownership, topology }),
    });
    const running = await restApi.listen({ host: config.apiHost, port: config.apiPort });
    shutdown.register('stop-accepting', 'rest-api', () => running.close());
  },
});
