import { defineModule, type AppContext } from '@shepherd/bootstrap';
import type { SigningKey } from '@shepherd/config-signing';
import { startConfigService } from './config-service.js';
import { resolveSigningKey } from './signing-key-source.js';

/**
 * The process's config-signing key (CONFIG_SIGNING_KEY_FILE, or the development
 * key under DATA_DIR), loaded once and shared by every module that needs it.
 */
export function sharedSigningKey(ctx: AppContext<never, 'CONFIG_SIGNING_KEY_FILE'>): Promise<SigningKey> {
  return ctx.shared('config-signing-key', () =>
    resolveSigningKey({ keyFile: ctx.config.configSigningKeyFile, mode: ctx.config.shepherdMode, dataDir: ctx.config.dataDir }),
  );
}

/**
 * The config service as an app module: consumes agent events and config changes, keeps the
 * inventory and offers RemoteConfig (CONFIG_RESEND_AFTER_MS, CONFIG_FANOUT_BATCH,
 * CONFIG_LAST_SEEN_INTERVAL_MS, CONFIG_HEAL_INTERVAL_MS, CONFIG_MAX_IN_FLIGHT). Any number of processes may host it (they share the durables).
 * Shutdown: in the drain phase it stops consuming, finishes the events in flight (their acks are
 * sent) and writes the batched liveness updates before the bus and store close.
 */
export const configServiceModule = defineModule({
  name: 'config-service',
  backends: ['store', 'bus', 'ownership'],
  env: ['CONFIG_RESEND_AFTER_MS', 'CONFIG_FANOUT_BATCH', 'CONFIG_LAST_SEEN_INTERVAL_MS', 'CONFIG_HEAL_INTERVAL_MS', 'CONFIG_MAX_IN_FLIGHT', 'CONFIG_SIGNING_KEY_FILE'],
  async start(ctx) {
    const { config, logger, shutdown, metrics, backends, topology } = ctx;
    const signingKey = await sharedSigningKey(ctx);
    logger.info({ keyId: signingKey.keyId }, 'offered configs are signed');
    const service = await startConfigService({
      signingKey,
      bus: backends.bus,
      store: backends.store,
      ownership: backends.ownership,
      topology,
      logger,
      metrics,
      resendAfterMs: config.configResendAfterMs,
      fanoutBatch: config.configFanoutBatch,
      lastSeenIntervalMs: config.configLastSeenIntervalMs,
      healIntervalMs: config.configHealIntervalMs,
      maxInFlight: config.configMaxInFlight,
    });
    shutdown.register('drain', 'config-service', () => service.stop());
  },
});
