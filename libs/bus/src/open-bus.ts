import type { EventBus } from './event-bus.js';
import type { BusLogger } from './bus-logger.js';
import { createInProcessBus } from './memory/in-process-event-bus.js';
import { connectNatsBus } from './nats/connect-nats-bus.js';

/** Options of {@link openBus}. */
export interface OpenBusOptions {
  /** NATS URL(s) (e.g. `NATS_URL`); absent or empty selects the in-process bus. */
  readonly url?: string;
  /** Connection name (shown in NATS monitoring and logs). */
  readonly name: string;
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly maxPendingPublishes?: number;
  readonly maxQueuedPublishes?: number;
  readonly logger?: BusLogger;
}

/**
 * The composition roots' single entry: a NATS JetStream bus when `url` is
 * set, otherwise an in-process bus with the same semantics (embedded mode).
 * @throws InvalidBusUrlError | InvalidBusOptionError | BusUnavailableError (see connectNatsBus)
 */
export async function openBus(options: OpenBusOptions): Promise<EventBus> {
  const { url, name, logger, maxPendingPublishes, maxQueuedPublishes } = options;
  if (url === undefined || url.trim() === '') {
    return createInProcessBus({ name, logger, maxPendingPublishes, maxQueuedPublishes });
  }
  return connectNatsBus({
    servers: url,
    name,
    logger,
    maxPendingPublishes,
    maxQueuedPublishes,
    connectTimeoutMs: options.connectTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
  });
}
