import { afterAll } from 'vitest';
import { testEngines, uniqueName } from '@shepherd/testing';
import { describeEventBusContract } from '../bus.contract.js';
import { connectNatsBus } from './connect-nats-bus.js';
import { NatsTestAdmin } from './nats-test-admin.test-helpers.js';

const admin = new NatsTestAdmin();
afterAll(() => admin.close());

describeEventBusContract('nats', async (options = {}) => {
  const prefix = uniqueName('bus');
  const bus = await connectNatsBus({
    servers: testEngines.natsUrl,
    name: `bus-contract-${prefix}`,
    connectTimeoutMs: 2_000,
    maxPendingPublishes: options.maxPendingPublishes,
  });
  return {
    bus,
    prefix,
    cleanup: async () => {
      await bus.close();
      await admin.deleteStreams(prefix);
    },
  };
});
