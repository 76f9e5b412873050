import { defineModule } from '@shepherd/bootstrap';
import { startConfigService } from './config-service.js';

/**
 * The config service as an app module: consumes agent events and config changes, keeps the
 * inventory and offers RemoteConfig (CONFIG_RESEND_AFTER_MS, CONFIG_FANOUT_BATCH). Any number of
 * processes may host it (they share the durables). Shutdown: in the drain phase it stops
 * consuming and finishes the events in flight (their acks are sent) before the bus and store close.
 */
export const configServiceModule = defineModule({
  name: 'config-service',
  backends: ['store', 'bus', 'ownership'],
  env: ['CONFIG_RESEND_AFTER_MS', 'CONFIG_FANOUT_BATCH'],
  async start({ config, logger, shutdown, metrics, backends, topology }) {
    const service = await startConfigService({
      bus: backends.bus,
      store: backends.store,
      ownership: backends.ownership,
      topology,
      logger,
      metrics,
      resendAfterMs: config.configResendAfterMs,
      fanoutBatch: config.configFanoutBatch,
    });
    shutdown.register('drain', 'config-service', () => service.stop());
  },
});
