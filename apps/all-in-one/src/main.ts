/**
 * The all-in-one Shepherd process: config service, OpAMP gateway and REST API
 * in one process, on embedded adapters unless engine URLs are set. This file
 * only composes; logic lives in libs.
 */
import { runApp } from '@shepherd/bootstrap';
import { gitopsModule } from '@shepherd/config-gitops';
import { configServiceModule } from '@shepherd/config-service';
import { gatewayModule } from '@shepherd/gateway';
import { restApiModule } from '@shepherd/rest-api';

await runApp({
  name: 'all-in-one',
  // The consumer starts first so the first agent message finds it running.
  // gitopsModule idles unless GITOPS_REPOSITORY or GITOPS_CONFIG_FILE is set.
  modules: [configServiceModule, gatewayModule, restApiModule, gitopsModule],
  extraBackends: ['blobs'],
});
