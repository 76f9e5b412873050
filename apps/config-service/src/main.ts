/**
 * The config service process: agent inventory, config assignment by label selector and
 * RemoteConfig offers, consuming agent events and config changes from the bus. This file only
 * composes; logic lives in @shepherd/config-service.
 */
import { runApp } from '@shepherd/bootstrap';
import { configServiceModule } from '@shepherd/config-service';

await runApp({ name: 'config-service', modules: [configServiceModule] });
