import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { EventBus } from '../event-bus.js';
import { silentLogger, type BusLogger } from '../bus-logger.js';
import { BusUnavailableError, InvalidBusOptionError } from '../errors.js';
import { intOption } from '../option-checks.js';
import { NatsEventBus, type NatsBusSettings } from './nats-event-bus.js';
import { parseServers, type ParsedServers } from './server-urls.js';

/** Options of {@link connectNatsBus}. */
export interface NatsBusOptions {
  /** `nats://host:port` URL(s), comma-separated or as an array; `tls://` for TLS; `user:pass@` or `token@` for credentials. */
  readonly servers: string | readonly string[];
  /** Connection name shown in the server's monitoring. */
  readonly name: string;
  /** Give up connecting after this long (default 5000). */
  readonly connectTimeoutMs?: number;
  /** Wait this long for a publish acknowledgement or a JetStream API answer (default 5000). */
  readonly requestTimeoutMs?: number;
  /** Durable publishes in flight at once (default 256). */
  readonly maxPendingPublishes?: number;
  /** Publishes allowed to wait for a slot before PublishQueueFullError (default 10 000). */
  readonly maxQueuedPublishes?: number;
  readonly logger?: BusLogger;
}

/**
 * Connects to NATS with JetStream and returns the bus. Fails fast: one
 * connection attempt per server, bounded by `connectTimeoutMs`, no retry
 * loop at start-up. Once connected, the client reconnects on its own after
 * later breaks (publishes fail with BusUnavailableError meanwhile).
 * @throws InvalidBusUrlError a URL is malformed or uses another scheme
 * @throws InvalidBusOptionError an option is out of range
 * @throws BusUnavailableError no server answered in time, or JetStream is not enabled; the message names the address
 */
export async function connectNatsBus(options: NatsBusOptions): Promise<EventBus> {
  const parsed = parseServers(options.servers);
  if (typeof options.name !== 'string' || options.name.length === 0) {
    throw new InvalidBusOptionError('option name must be a non-empty string');
  }
  const connectTimeoutMs = intOption('connectTimeoutMs', options.connectTimeoutMs, 5_000, 100, 600_000);
  const settings: NatsBusSettings = Object.freeze({
    display: parsed.display,
    requestTimeoutMs: intOption('requestTimeoutMs', options.requestTimeoutMs, 5_000, 100, 600_000),
    maxPendingPublishes: intOption('maxPendingPublishes', options.maxPendingPublishes, 256, 1, 100_000),
    maxQueuedPublishes: intOption('maxQueuedPublishes', options.maxQueuedPublishes, 10_000, 0, 10_000_000),
    logger: options.logger ?? silentLogger,
  });
  const nc = await openConnection(parsed, options.name, connectTimeoutMs);
  try {
    const jsm = await jetstreamManager(nc, { timeout: settings.requestTimeoutMs });
    const js = jetstream(nc, { timeout: settings.requestTimeoutMs });
    settings.logger.info({ servers: parsed.display, server: nc.getServer(), name: options.name }, 'connected to NATS');
    return new NatsEventBus(nc, js, jsm, settings);
  } catch (err) {
    await nc.close().catch(() => undefined);
    const why = err instanceof Error ? err.message : String(err);
    throw new BusUnavailableError(`NATS at ${parsed.display} has no usable JetStream: ${why}`, { cause: err });
  }
}

async function openConnection(parsed: ParsedServers, name: string, timeoutMs: number): Promise<NatsConnection> {
  const attempt = connect({
    servers: [...parsed.servers],
    name,
    timeout: timeoutMs,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    waitOnFirstConnect: false,
    // Otherwise every request (each JetStream publish) builds a RequestError and a TimeoutError
    // with stack traces up front, in case it fails: with the RequestError the client still builds
    // when it settles a request, 10 % of a gateway's CPU at 20 000 agents (docs/benchmarks.md).
    noAsyncTraces: true,
    ...(parsed.user === undefined ? {} : { user: parsed.user, pass: parsed.pass }),
    ...(parsed.token === undefined ? {} : { token: parsed.token }),
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    // the client's own timeout covers the handshake; this one also covers DNS and several servers
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs + 250);
  });
  try {
    return await Promise.race([attempt, deadline]);
  } catch (err) {
    attempt.then((late) => late.close()).catch(() => undefined);
    const why = err instanceof Error ? err.message : String(err);
    throw new BusUnavailableError(`cannot connect to NATS at ${parsed.display}: ${why}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
