/**
 * The admin API process: the REST API (`/api/v1/...`, bearer auth) over the
 * config-service admin port. This file only composes; logic lives in libs.
 */
import { runApp } from '@shepherd/bootstrap';
import { restApiModule } from '@shepherd/rest-api';

await runApp({ name: 'admin-api', modules: [restApiModule] });
