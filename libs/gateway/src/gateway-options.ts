import type { EventBus, Topology } from '@shepherd/bus';
import { GATEWAY_SERVER_CAPABILITIES } from '@shepherd/opamp-core';
import type { OwnershipStore } from '@shepherd/ownership';
import type { Logger, Registry } from '@shepherd/runtime';
import type { GatewayAuthenticator } from './authenticator.js';
import { GatewayOptionError } from './errors.js';

/** The OpAMP spec's recommended message size limit, both directions (wire-facts §7.11). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * Default listen backlog: the ceiling most Linux kernels allow (`net.core.somaxconn` is 4096
 * since 5.4). With node's own default, 511, the last agents of a killed gateway holding 19 500
 * came back only when their SYNs were retried 31 s after the kill (docs/benchmarks.md).
 */
export const DEFAULT_LISTEN_BACKLOG = 4096;

/**
 * Default idle time of a kept-alive HTTP connection: longer than the usual 30 s poll interval of
 * OpAMP HTTP clients, so an agent keeps one connection (one TLS handshake) instead of one per
 * poll, and longer than the 60 s idle timeout of common load balancers, so the balancer, not the
 * gateway, closes an idle connection (a gateway closing first races the balancer's next request
 * on it into a reset). node's own default is 5 s.
 */
export const DEFAULT_HTTP_KEEP_ALIVE_MS = 65_000;

/** Options of {@link startGateway}. Required ones first; the rest tune bounds and have defaults. */
export interface GatewayOptions {
  /** Listen address (OPAMP_HOST). */
  readonly host: string;
  /** Listen port (OPAMP_PORT, 4320 by default in the app); 0 picks a free port. */
  readonly port: number;
  /** OpAMP path (OPAMP_PATH, `/v1/opamp`). */
  readonly path: string;
  /** Largest AgentToServer accepted (after decompression) and ServerToAgent sent; default 64 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Most concurrent WebSocket connections; further upgrades get 503 + Retry-After. Above this
   * many open sockets (WebSocket and HTTP together) HTTP polls are answered with `Connection: close`.
   */
  readonly maxConnections: number;
  /**
   * Connections the kernel queues until the gateway accepts them (default
   * {@link DEFAULT_LISTEN_BACKLOG}; Linux caps it at `net.core.somaxconn`). When a gateway dies,
   * its agents reconnect to the others within a second or two; beyond the queue the kernel drops
   * their SYNs, and each dropped one is retried 1, 3, 7, 15 and 31 s later.
   */
  readonly listenBacklog?: number;
  /**
   * How long an idle plain-HTTP connection is kept open for the agent's next poll (default
   * {@link DEFAULT_HTTP_KEEP_ALIVE_MS}). While the gateway holds more than `maxConnections`
   * sockets (WebSocket and HTTP together), polls are answered with `Connection: close` instead.
   */
  readonly httpKeepAliveMs?: number;
  /** Base retry delay told to refused or drained agents; jittered up to twice this. */
  readonly retryAfterSeconds: number;
  /** WebSocket ping period; a connection that missed the previous pong is terminated. */
  readonly pingIntervalMs: number;
  /** Ownership claim TTL; all claims are refreshed every third of it. */
  readonly ownershipTtlMs: number;
  /** This replica's id: ownership records and delivery subject (1-128 of A-Z a-z 0-9 _ -). */
  readonly gatewayId: string;
  readonly authenticator: GatewayAuthenticator;
  readonly bus: EventBus;
  readonly ownership: OwnershipStore;
  readonly topology: Topology;
  readonly logger: Logger;
  /** Registry the gateway's metrics are registered on. */
  readonly metrics: Registry;
  /** Advertised ServerCapabilities (default GATEWAY_SERVER_CAPABILITIES). */
  readonly serverCapabilities?: bigint;
  /** Agents one WebSocket may carry (§7.45; default 1000). */
  readonly maxAgentsPerConnection?: number;
  /** HTTP agents remembered between polls (default 100 000); the least recently seen is evicted. */
  readonly maxHttpSessions?: number;
  /** An HTTP agent silent this long is considered gone (default 120 000 ms). */
  readonly httpIdleMs?: number;
  /** HTTP agents with deliveries waiting (default 100 000). */
  readonly mailboxMaxAgents?: number;
  /** Bytes of deliveries waiting for HTTP polls (default 256 MiB). */
  readonly mailboxMaxBytes?: number;
  /**
   * Bus publishes in flight (those waiting for their agent's ownership claim included); at the
   * bound a WebSocket connection stops being read until publishes drain, an HTTP poll is told to
   * retry later (default 2048). Sized to what the broker acknowledges well within the publish
   * timeout: at 8 192 a burst of 19 500 status reports on one gateway timed out thousands of
   * publishes on the 2-core benchmark machine. Kept below what the bus itself queues (256 in
   * flight + 10 000 waiting by default), so a publish the gateway accepted is never refused.
   */
  readonly maxInFlightPublishes?: number;
  /** Payload bytes of the publishes in flight; beyond it agents are told to retry later (default 64 MiB). */
  readonly maxInFlightPublishBytes?: number;
  /**
   * Plain heartbeats (nothing but liveness) are published as one AgentLivenessBatch per this
   * interval, the newest per agent, instead of one message each (default 5 000 ms). 0 publishes
   * each as its own AgentMessageEnvelope, except at the publish bound, where it is answered and
   * left unpublished. The config service writes `last_seen_at` at most every 30 s anyway.
   */
  readonly livenessIntervalMs?: number;
  /** Bytes queued on one WebSocket before further sends to it are dropped (default 16 MiB). */
  readonly maxBufferedBytes?: number;
  /** Connections told to go away per drain step (default 500). */
  readonly drainBatchSize?: number;
  /** Pause between drain steps (default 100 ms). */
  readonly drainBatchIntervalMs?: number;
  /** Time the whole agent drain may take before remaining sockets are cut (default 10 000 ms). */
  readonly drainTimeoutMs?: number;
}

/** {@link GatewayOptions} validated, with defaults, frozen. */
export type ResolvedGatewayOptions = Readonly<Required<GatewayOptions>>;

const GATEWAY_ID = /^[A-Za-z0-9_-]{1,128}$/;

function int(name: string, value: number | undefined, fallback: number | undefined, min: number, max: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new GatewayOptionError(`gateway option ${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return v;
}

function required<T>(name: string, value: T | undefined | null): T {
  if (value === undefined || value === null) throw new GatewayOptionError(`gateway option ${name} is required`);
  return value;
}

/**
 * Validates every option once and freezes the result.
 * @throws {GatewayOptionError} naming the first bad option.
 */
export function resolveGatewayOptions(o: GatewayOptions): ResolvedGatewayOptions {
  if (typeof o.path !== 'string' || !o.path.startsWith('/')) throw new GatewayOptionError(`gateway option path must start with "/", got ${String(o.path)}`);
  if (typeof o.gatewayId !== 'string' || !GATEWAY_ID.test(o.gatewayId)) {
    throw new GatewayOptionError(`gateway option gatewayId must be 1-128 characters of A-Z a-z 0-9 _ -, got ${JSON.stringify(o.gatewayId)}`);
  }
  if (typeof o.host !== 'string' || o.host === '') throw new GatewayOptionError('gateway option host is required');
  return Object.freeze({
    host: o.host,
    port: int('port', o.port, undefined, 0, 65_535),
    path: o.path,
    maxMessageBytes: int('maxMessageBytes', o.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, 64, 1024 * 1024 * 1024),
    maxConnections: int('maxConnections', o.maxConnections, undefined, 1, 10_000_000),
    listenBacklog: int('listenBacklog', o.listenBacklog, DEFAULT_LISTEN_BACKLOG, 1, 65_535),
    httpKeepAliveMs: int('httpKeepAliveMs', o.httpKeepAliveMs, DEFAULT_HTTP_KEEP_ALIVE_MS, 100, 3_600_000),
    retryAfterSeconds: int('retryAfterSeconds', o.retryAfterSeconds, undefined, 1, 86_400),
    pingIntervalMs: int('pingIntervalMs', o.pingIntervalMs, undefined, 10, 3_600_000),
    ownershipTtlMs: int('ownershipTtlMs', o.ownershipTtlMs, undefined, 30, 3_600_000),
    gatewayId: o.gatewayId,
    authenticator: required('authenticator', o.authenticator),
    bus: required('bus', o.bus),
    ownership: required('ownership', o.ownership),
    topology: required('topology', o.topology),
    logger: required('logger', o.logger),
    metrics: required('metrics', o.metrics),
    serverCapabilities: o.serverCapabilities ?? GATEWAY_SERVER_CAPABILITIES,
    maxAgentsPerConnection: int('maxAgentsPerConnection', o.maxAgentsPerConnection, 1000, 1, 1_000_000),
    maxHttpSessions: int('maxHttpSessions', o.maxHttpSessions, 100_000, 1, 10_000_000),
    httpIdleMs: int('httpIdleMs', o.httpIdleMs, 120_000, 10, 86_400_000),
    mailboxMaxAgents: int('mailboxMaxAgents', o.mailboxMaxAgents, 100_000, 1, 10_000_000),
    mailboxMaxBytes: int('mailboxMaxBytes', o.mailboxMaxBytes, 256 * 1024 * 1024, 1, 16 * 1024 * 1024 * 1024),
    maxInFlightPublishes: int('maxInFlightPublishes', o.maxInFlightPublishes, 2048, 1, 1_000_000),
    maxInFlightPublishBytes: int('maxInFlightPublishBytes', o.maxInFlightPublishBytes, 64 * 1024 * 1024, 1, 16 * 1024 * 1024 * 1024),
    livenessIntervalMs: int('livenessIntervalMs', o.livenessIntervalMs, 5_000, 0, 3_600_000),
    maxBufferedBytes: int('maxBufferedBytes', o.maxBufferedBytes, 16 * 1024 * 1024, 1, 1024 * 1024 * 1024),
    drainBatchSize: int('drainBatchSize', o.drainBatchSize, 500, 1, 1_000_000),
    drainBatchIntervalMs: int('drainBatchIntervalMs', o.drainBatchIntervalMs, 100, 1, 60_000),
    drainTimeoutMs: int('drainTimeoutMs', o.drainTimeoutMs, 10_000, 10, 3_600_000),
  });
}
