import { jetstreamManager } from '@nats-io/jetstream';
import { createTopology } from '../topology.js';
import { connectAdmin } from './admin-connection.js';

/** What a durable consumer has not acknowledged yet. */
export interface ConsumerBacklog {
  /** Stored messages not delivered to the consumer yet. */
  readonly pending: number;
  /** Delivered, not acknowledged yet. */
  readonly unacked: number;
}

/** Reads the consumers' backlogs of one topology over one admin connection; `close` when done. */
export interface BacklogProbe {
  /** Every existing durable of the topology's streams, keyed `stream/durable`; missing streams are skipped. */
  read(): Promise<Record<string, ConsumerBacklog>>;
  close(): Promise<void>;
}

/**
 * Opens a {@link BacklogProbe} for the streams of `createTopology({ prefix })`: how far each
 * consumer (config service, gateways' durables) is behind, for benchmarks.
 * @throws InvalidBusUrlError for a bad URL; BusUnavailableError when NATS cannot be reached
 */
export async function openBacklogProbe(natsUrl: string, prefix: string): Promise<BacklogProbe> {
  const streams = Object.values(createTopology({ prefix }).streams).map((stream) => stream.name);
  const nc = await connectAdmin(natsUrl);
  const jsm = await jetstreamManager(nc);
  return Object.freeze({
    async read(): Promise<Record<string, ConsumerBacklog>> {
      const backlog: Record<string, ConsumerBacklog> = {};
      for (const stream of streams) {
        try {
          for await (const info of jsm.consumers.list(stream)) {
            backlog[`${stream}/${info.name}`] = { pending: info.num_pending, unacked: info.num_ack_pending };
          }
        } catch (err) {
          if (!/not found/i.test((err as Error).message)) throw err;
        }
      }
      return backlog;
    },
    close: () => nc.close(),
  });
}
