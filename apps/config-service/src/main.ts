/**
 * The config service process: agent inventory, config assignment by label selector and
 * RemoteConfig offers, consuming agent events and config changes from the bus, and configs
 * synced from a git repository when GitOps is configured. This file only composes; logic lives
 * in @shepherd/config-service and @shepherd/config-gitops.
 */
import { runApp } from '@shepherd/bootstrap';
import { gitopsModule } from '@shepherd/config-gitops';
import { configServiceModule } from '@shepherd/config-service';

// gitopsModule idles unless GITOPS_REPOSITORY or GITOPS_CONFIG_FILE is set.
await runApp({ name: 'config-service', modules: [configServiceModule, gitopsModule] });
