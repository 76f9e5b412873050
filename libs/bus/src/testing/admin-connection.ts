import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { BusUnavailableError } from '../errors.js';
import { parseServers } from '../nats/server-urls.js';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A NATS connection for test and benchmark housekeeping (named `shepherd-test-admin`).
 * @throws InvalidBusUrlError for a bad URL; BusUnavailableError when NATS cannot be reached
 */
export async function connectAdmin(natsUrl: string): Promise<NatsConnection> {
  const parsed = parseServers(natsUrl);
  return connect({
    servers: [...parsed.servers],
    name: 'shepherd-test-admin',
    timeout: CONNECT_TIMEOUT_MS,
    ...(parsed.user === undefined ? {} : { user: parsed.user, pass: parsed.pass }),
    ...(parsed.token === undefined ? {} : { token: parsed.token }),
  }).catch((err: unknown) => {
    throw new BusUnavailableError(`cannot connect to NATS at ${parsed.display}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
}
