import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AUTH_ENV, defineModule, sharedAuthenticator } from '@shepherd/bootstrap';
import { connectionCapacity } from './connection-capacity.js';
import { startGateway } from './start-gateway.js';

/** The documented GATEWAY_ID default: host name plus a random suffix, within 1-128 of [A-Za-z0-9_-]. */
function defaultGatewayId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 100) || 'gateway';
  return `${host}-${randomBytes(4).toString('hex')}`;
}

/**
 * The OpAMP gateway as an app module: WebSocket and plain HTTP on OPAMP_PORT,
 * bearer auth, ownership, agent events on the bus. Never opens the store.
 * Shutdown: stop accepting → drain agents (most of the budget) and close,
 * before the backend clients close.
 */
export const gatewayModule = defineModule({
  name: 'gateway',
  backends: ['bus', 'ownership'],
  env: [
    'OPAMP_HOST',
    'OPAMP_PORT',
    'OPAMP_PATH',
    'OPAMP_MAX_MESSAGE_BYTES',
    'OPAMP_MAX_CONNECTIONS',
    'OPAMP_LISTEN_BACKLOG',
    'OPAMP_HTTP_KEEPALIVE_MS',
    'OPAMP_RETRY_AFTER_SECONDS',
    'OPAMP_PING_INTERVAL_MS',
    'OPAMP_LIVENESS_INTERVAL_MS',
    'GATEWAY_ID',
    'OWNERSHIP_TTL_MS',
    ...AUTH_ENV,
  ],
  async start(ctx) {
    const { config, logger, shutdown, metrics, backends, topology } = ctx;
    const capacity = connectionCapacity(config.opampMaxConnections);
    if (capacity.limitedByOpenFiles) {
      logger.warn(
        { configured: config.opampMaxConnections, openFileLimit: capacity.openFileLimit, maxConnections: capacity.maxConnections },
        'OPAMP_MAX_CONNECTIONS lowered to fit the open-file limit (raise `ulimit -n` to hold more)',
      );
    }
    const gateway = await startGateway({
      host: config.opampHost,
      port: config.opampPort,
      path: config.opampPath,
      maxMessageBytes: config.opampMaxMessageBytes,
      maxConnections: capacity.maxConnections,
      listenBacklog: config.opampListenBacklog,
      httpKeepAliveMs: config.opampHttpKeepaliveMs,
      retryAfterSeconds: config.opampRetryAfterSeconds,
      livenessIntervalMs: config.opampLivenessIntervalMs,
      pingIntervalMs: config.opampPingIntervalMs,
      ownershipTtlMs: config.ownershipTtlMs,
      gatewayId: config.gatewayId ?? defaultGatewayId(),
      // The agents' drain gets most of the shutdown budget; the rest is for closing clients.
      drainTimeoutMs: Math.max(10, Math.floor(config.shutdownTimeoutMs * 0.6)),
      authenticator: await sharedAuthenticator(ctx),
      bus: backends.bus,
      ownership: backends.ownership,
      topology,
      logger,
      metrics,
    });
    shutdown.register('stop-accepting', 'gateway', () => gateway.beginDrain());
    // Closed at the end of the drain so the bus and ownership clients, closed in
    // the next phase, outlive the gateway's last connection events and releases.
    shutdown.register('drain', 'gateway', async () => {
      await gateway.drainAgents();
      await gateway.close();
    });
  },
});
