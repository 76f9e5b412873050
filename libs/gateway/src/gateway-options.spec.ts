import { createInProcessBus, createTopology } from '@shepherd/bus';
import { createMemoryOwnership } from '@shepherd/ownership';
import { createLogger, createMetricsRegistry } from '@shepherd/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { testAuthenticator } from './gateway.test-helpers.js';
import { DEFAULT_HTTP_KEEP_ALIVE_MS, DEFAULT_MAX_MESSAGE_BYTES, resolveGatewayOptions, type GatewayOptions } from './gateway-options.js';
import { GatewayOptionError } from './errors.js';
import { startGateway } from './index.js';

const bus = createInProcessBus();
const ownership = createMemoryOwnership();
afterAll(async () => {
  await bus.close();
  await ownership.close();
});

const base: GatewayOptions = {
  host: '127.0.0.1',
  port: 0,
  path: '/v1/opamp',
  maxConnections: 10,
  retryAfterSeconds: 30,
  pingIntervalMs: 30_000,
  ownershipTtlMs: 30_000,
  gatewayId: 'gw-1',
  authenticator: testAuthenticator,
  bus,
  ownership,
  topology: createTopology(),
  logger: createLogger({ name: 't', level: 'silent' }),
  metrics: createMetricsRegistry(),
};

describe('gateway options', () => {
  it('defaults the message limit to 64 MiB and freezes the result', () => {
    // wire-facts §7.11
    const opts = resolveGatewayOptions(base);
    expect(opts.maxMessageBytes).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    expect(Object.isFrozen(opts)).toBe(true);
  });

  it('keeps idle HTTP connections longer than node default 5 s and a load balancer 60 s idle timeout', () => {
    expect(resolveGatewayOptions(base).httpKeepAliveMs).toBe(DEFAULT_HTTP_KEEP_ALIVE_MS);
    expect(DEFAULT_HTTP_KEEP_ALIVE_MS).toBeGreaterThan(60_000);
  });

  it.each([
    ['gatewayId', 'has.dot'],
    ['path', 'v1/opamp'],
    ['port', 70_000],
    ['maxConnections', 0],
    ['listenBacklog', 0],
    ['httpKeepAliveMs', 0],
    ['ownershipTtlMs', 1.5],
    ['authenticator', undefined],
  ])('refuses a bad %s', (name, value) => {
    expect(() => resolveGatewayOptions({ ...base, [name]: value } as GatewayOptions)).toThrow(GatewayOptionError);
    expect(() => resolveGatewayOptions({ ...base, [name]: value } as GatewayOptions)).toThrow(new RegExp(name));
  });

  it('reports a port that cannot be bound', async () => {
    const first = await startGateway(base);
    try {
      await expect(startGateway({ ...base, port: first.port, metrics: createMetricsRegistry() })).rejects.toMatchObject({ code: 'GATEWAY_LISTEN_FAILED' });
    } finally {
      await first.close();
    }
  });
});
