import { silentLogger, type BusLogger } from '../bus-logger.js';
import { intOption } from '../option-checks.js';

/** Options of {@link createInProcessBus}. */
export interface InProcessBusOptions {
  /** Shown in logs. */
  readonly name?: string;
  /** Durable publishes running at once (default 256). */
  readonly maxPendingPublishes?: number;
  /** Publishes allowed to wait for a slot before PublishQueueFullError (default 10 000). */
  readonly maxQueuedPublishes?: number;
  /** Largest message (payload plus encoded headers), as a NATS server's max_payload (default 1 MiB). */
  readonly maxPayloadBytes?: number;
  readonly logger?: BusLogger;
  /**
   * Test hook: awaited inside every durable publish's in-flight slot, before
   * the message is stored. Lets tests observe and hold in-flight publishes.
   */
  readonly beforeStore?: (subject: string) => Promise<void>;
}

/** {@link InProcessBusOptions} validated, with defaults. */
export interface ResolvedInProcessBusOptions {
  readonly name: string;
  readonly maxPendingPublishes: number;
  readonly maxQueuedPublishes: number;
  readonly maxPayloadBytes: number;
  readonly logger: BusLogger;
  readonly beforeStore: ((subject: string) => Promise<void>) | undefined;
}

/** Validates once and freezes. @throws InvalidBusOptionError */
export function resolveInProcessOptions(opts: InProcessBusOptions): ResolvedInProcessBusOptions {
  return Object.freeze({
    name: opts.name ?? 'in-process',
    maxPendingPublishes: intOption('maxPendingPublishes', opts.maxPendingPublishes, 256, 1, 100_000),
    maxQueuedPublishes: intOption('maxQueuedPublishes', opts.maxQueuedPublishes, 10_000, 0, 10_000_000),
    maxPayloadBytes: intOption('maxPayloadBytes', opts.maxPayloadBytes, 1_048_576, 1, 64 * 1_048_576),
    logger: opts.logger ?? silentLogger,
    beforeStore: opts.beforeStore,
  });
}
