import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { InvalidBusOptionError } from '../errors.js';
import { createTopology } from '../topology.js';
import { connectAdmin } from './admin-connection.js';

const DEFAULT_PREFIX = 'opamp';

/**
 * Deletes the JetStream streams (and with them their consumers) of `createTopology({ prefix })`:
 * what a test or benchmark that used its own subject prefix leaves on the server. A stream that
 * was never created is skipped.
 * @throws InvalidBusOptionError for the production default prefix `opamp`
 * @throws InvalidSubjectError for a prefix that is not a literal subject; InvalidBusUrlError for a bad URL
 * @throws BusUnavailableError when NATS cannot be reached
 */
export async function deleteTopologyStreams(natsUrl: string, prefix: string): Promise<void> {
  if (prefix === DEFAULT_PREFIX) throw new InvalidBusOptionError(`refusing to delete the streams of the default prefix ${DEFAULT_PREFIX}`);
  const streams = Object.values(createTopology({ prefix }).streams).map((stream) => stream.name);
  await withAdminConnection(natsUrl, async (nc) => {
    const jsm = await jetstreamManager(nc);
    for (const name of streams) {
      await jsm.streams.delete(name).catch((err: Error) => {
        if (!/not found/i.test(err.message)) throw err;
      });
    }
  });
}

/** The version the NATS server at `natsUrl` reports (`?` when it reports none), for benchmark reports. */
export async function natsServerVersion(natsUrl: string): Promise<string> {
  return withAdminConnection(natsUrl, async (nc) => nc.info?.version ?? '?');
}

async function withAdminConnection<T>(natsUrl: string, use: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connectAdmin(natsUrl);
  try {
    return await use(nc);
  } finally {
    await nc.close();
  }
}
