import {
  ConnectionEventKind,
  type AgentConnectionEvent,
  type AgentMessageEnvelope,
  type AgentToServer,
  toBigInt,
  uidToString,
} from '@shepherd/proto';
import type { SqlExecutor } from '@shepherd/store';
import {
  type AgentChanges,
  type AgentRecord,
  type AgentSnapshot,
  emptyAgentRecord,
  type AgentWrite,
  healthDigests,
  loadAgentRecords,
  transportName,
  upsertAgents,
} from './agent-record.js';
import { attributesToLabels } from './agent-attributes.js';
import { effectiveConfigRecord, remoteConfigStatusRecord, summarizeHealth } from './agent-reports.js';
import { ConfigServiceOptionsError } from './errors.js';
import type { LivenessSeen } from './liveness-batch.js';
import type { LivenessWriter } from './liveness-writer.js';
import { LRUCache } from 'lru-cache';
import { stableDigest } from './stable-digest.js';
import { StatementBatch } from './statement-batch.js';

/** Tenant of agents whose gateway named none (the `agents.tenant_id` column default). */
const DEFAULT_TENANT = 'default';

/** Options of {@link createInventoryRepository}. */
export interface InventoryRepositoryOptions {
  readonly store: SqlExecutor;
  /** Agents whose last written state is remembered (default 200 000). */
  readonly cacheSize?: number;
  /** `last_seen_at` is written at most this often per agent when nothing else changed (default 30 000 ms). */
  readonly lastSeenIntervalMs?: number;
  /**
   * Batches the writes of messages that change nothing but liveness (`last_seen_at`,
   * `sequence_num`, health metrics); without it they are written at once.
   */
  readonly liveness?: LivenessWriter;
  /** Wall clock in ms, used when an event carries no time (default `Date.now`). */
  readonly now?: () => number;
}

/** Keeps the `agents` table in step with what agents report, writing only what changed. */
export interface InventoryRepository {
  /**
   * Records one AgentToServer: tenant, capabilities, description (as string maps), health summary,
   * effective config, remote config status (absent sub-messages mean unchanged), connection
   * (gateway, transport; `agent_disconnect` marks the agent offline) and `last_seen_at` at most
   * once per interval. Issues no write when nothing changed; when only liveness is due, queues it
   * on the liveness writer (if any) instead. Store errors propagate.
   */
  recordMessage(envelope: AgentMessageEnvelope, message: AgentToServer): Promise<AgentSnapshot>;
  /**
   * Records a connection event. CONNECTED sets connected, gateway and transport (creating the row
   * if needed); DISCONNECTED marks the agent offline unless another gateway owns it by now, and
   * is ignored for an unknown agent. Returns the agent's state, `undefined` when it has no row.
   */
  recordConnection(event: AgentConnectionEvent): Promise<AgentSnapshot | undefined>;
  /**
   * Records a plain heartbeat from a gateway's liveness batch: `last_seen_at` and `sequence_num`
   * at most once per interval (queued on the liveness writer, if any; `last_seen_at` never moves
   * back there). Never changes the connection state: the batch may be handled before or after
   * the agent's connection events. Returns the agent's state, `undefined` for an unknown agent
   * (its first message, published on its own, creates it).
   */
  recordLiveness(seen: LivenessSeen): Promise<AgentSnapshot | undefined>;
}

/**
 * Creates the inventory repository. The cache of last written states is bounded (LRU) and lives
 * in this process: with several config-service replicas, a replica's cache can miss a change
 * written by another one until the agent changes that part again.
 * @throws ConfigServiceOptionsError for a bad cache size or interval
 */
export function createInventoryRepository(options: InventoryRepositoryOptions): InventoryRepository {
  const lastSeenIntervalMs = options.lastSeenIntervalMs ?? 30_000;
  if (!Number.isSafeInteger(lastSeenIntervalMs) || lastSeenIntervalMs < 0) {
    throw new ConfigServiceOptionsError(`lastSeenIntervalMs must be a non-negative integer, got ${String(lastSeenIntervalMs)}`);
  }
  const cacheSize = options.cacheSize ?? 200_000;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 1) {
    throw new ConfigServiceOptionsError(`cacheSize must be a positive integer, got ${String(cacheSize)}`);
  }
  const cache = new LRUCache<string, AgentRecord>({ max: cacheSize });
  const now = options.now ?? Date.now;
  const db = options.store;
  // Events of many agents handled at once share their reads and writes (one statement per kind).
  const reads = new StatementBatch<string, AgentRecord | undefined>(async (uids) => {
    const found = await loadAgentRecords(db, uids);
    return uids.map((uid) => found.get(uid));
  }, (uid) => uid);
  const writes = new StatementBatch<AgentWrite, void>(async (batch) => {
    await upsertAgents(db, batch);
    return batch.map(() => undefined);
  }, (w) => w.instanceUid);

  async function current(uid: string, tenantId: string): Promise<{ record: AgentRecord; exists: boolean }> {
    let cached = cache.get(uid);
    if (cached === undefined) {
      cached = await reads.run(uid);
      if (cached !== undefined) cache.set(uid, cached);
    }
    return cached === undefined
      ? { record: emptyAgentRecord(uid, tenantId === '' ? DEFAULT_TENANT : tenantId), exists: false }
      : { record: cached, exists: true };
  }

  async function write(record: AgentRecord, next: AgentRecord, changes: AgentChanges, exists: boolean, at: Date): Promise<AgentRecord> {
    if (Object.keys(changes).length === 0 && exists) return record;
    await writes.run({ instanceUid: record.instanceUid, tenantId: next.tenantId, changes, at });
    cache.set(record.instanceUid, next);
    return next;
  }

  return Object.freeze({
    async recordMessage(envelope: AgentMessageEnvelope, message: AgentToServer): Promise<AgentSnapshot> {
      const uid = uidToString(envelope.instanceUid);
      const at = eventTime(envelope.receivedAtUnixNano, now);
      const { record, exists } = await current(uid, envelope.tenantId);
      const { next, changes, deferred } = messageChanges(record, envelope, message);
      const changed = Object.keys(changes).length > 0 || !exists;
      if (!changed && at.getTime() - record.lastSeenWrittenAt < lastSeenIntervalMs) return snapshotOf(record);
      const sequenceNum = int8OrNull(toBigInt(message.sequenceNum ?? 0));
      const written: AgentRecord = { ...next, lastSeenWrittenAt: at.getTime(), metricsDigest: deferred.health?.metricsDigest ?? next.metricsDigest };
      if (!changed && options.liveness !== undefined) {
        // Queued as if written, so the interval throttles the queue per agent as it did the writes.
        options.liveness.enqueue({ instanceUid: uid, at, sequenceNum, health: deferred.health?.value });
        cache.set(uid, written);
        return snapshotOf(written);
      }
      changes.last_seen_at = at;
      changes.sequence_num = sequenceNum;
      // This write supersedes a queued update; a health state change carries the newest metrics already.
      const queued = options.liveness?.take(uid);
      const health = changes.health ?? deferred.health?.value ?? queued?.health;
      if (health !== undefined) changes.health = health;
      return snapshotOf(await write(record, written, changes, exists, at));
    },

    async recordConnection(event: AgentConnectionEvent): Promise<AgentSnapshot | undefined> {
      const uid = uidToString(event.instanceUid);
      const at = eventTime(event.atUnixNano, now);
      const { record, exists } = await current(uid, event.tenantId);
      if (event.kind === ConnectionEventKind.CONNECTION_EVENT_KIND_CONNECTED) {
        const next = {
          ...record,
          tenantId: event.tenantId || record.tenantId,
          connected: true,
          gatewayId: event.gatewayId,
          transport: transportName(event.transport) ?? record.transport,
        };
        return snapshotOf(await write(record, next, connectionChanges(record, next), exists, at));
      }
      if (event.kind !== ConnectionEventKind.CONNECTION_EVENT_KIND_DISCONNECTED || !exists) return exists ? snapshotOf(record) : undefined;
      // A late disconnect from the previous gateway must not take an agent offline that has already reconnected elsewhere.
      if (record.gatewayId !== null && record.gatewayId !== event.gatewayId) return snapshotOf(record);
      const next = { ...record, connected: false };
      return snapshotOf(await write(record, next, connectionChanges(record, next), exists, at));
    },

    async recordLiveness(seen: LivenessSeen): Promise<AgentSnapshot | undefined> {
      const { record, exists } = await current(seen.instanceUid, seen.tenantId);
      if (!exists) return undefined;
      const at = seen.at.getTime();
      if (at - record.lastSeenWrittenAt < lastSeenIntervalMs) return snapshotOf(record);
      const written: AgentRecord = { ...record, lastSeenWrittenAt: at };
      const sequenceNum = int8OrNull(seen.sequenceNum);
      if (options.liveness !== undefined) {
        options.liveness.enqueue({ instanceUid: seen.instanceUid, at: seen.at, sequenceNum });
        cache.set(seen.instanceUid, written);
        return snapshotOf(written);
      }
      return snapshotOf(await write(record, written, { last_seen_at: seen.at, sequence_num: sequenceNum }, exists, seen.at));
    },
  });
}

/** Changes that are written only with the next throttled last-seen write. */
interface DeferredChanges {
  health?: { value: unknown; metricsDigest: string };
}

function messageChanges(
  record: AgentRecord,
  envelope: AgentMessageEnvelope,
  message: AgentToServer,
): { next: AgentRecord; changes: AgentChanges; deferred: DeferredChanges } {
  const changes: AgentChanges = {};
  const deferred: DeferredChanges = {};
  const next = { ...record };
  const set = <K extends keyof AgentRecord>(key: K, value: AgentRecord[K], column: keyof AgentChanges, columnValue: unknown): void => {
    if (record[key] === value) return;
    (next as Record<string, unknown>)[key] = value;
    changes[column] = columnValue;
  };
  if (envelope.tenantId !== '') set('tenantId', envelope.tenantId, 'tenant_id', envelope.tenantId);
  const capabilities = BigInt.asUintN(64, toBigInt(message.capabilities ?? 0));
  set('capabilities', capabilities, 'capabilities', BigInt.asIntN(64, capabilities));
  if (message.agentDescription) {
    const identifying = attributesToLabels(message.agentDescription.identifyingAttributes);
    const nonIdentifying = attributesToLabels(message.agentDescription.nonIdentifyingAttributes);
    set('identifyingDigest', stableDigest(identifying), 'identifying', identifying);
    set('nonIdentifyingDigest', stableDigest(nonIdentifying), 'non_identifying', nonIdentifying);
    set('described', true, 'described', true);
  }
  if (message.health) {
    const health = summarizeHealth(message.health);
    const digests = healthDigests(health);
    if (digests.healthDigest !== record.healthDigest) {
      Object.assign(next, digests);
      changes.health = health;
    } else if (digests.metricsDigest !== record.metricsDigest) {
      // Metrics move on every report; they ride along with the next throttled last-seen write.
      deferred.health = { value: health, metricsDigest: digests.metricsDigest };
    }
  }
  if (message.effectiveConfig) {
    const effective = effectiveConfigRecord(message.effectiveConfig);
    set('effectiveConfigDigest', stableDigest(effective), 'effective_config', effective);
  }
  if (message.remoteConfigStatus) {
    const status = remoteConfigStatusRecord(message.remoteConfigStatus);
    set('remoteConfigStatusDigest', stableDigest(status), 'remote_config_status', status);
  }
  const connected = !message.agentDisconnect;
  set('connected', connected, 'connected', connected);
  if (envelope.gatewayId !== '') set('gatewayId', envelope.gatewayId, 'gateway_id', envelope.gatewayId);
  const transport = transportName(envelope.transport);
  if (transport !== null) set('transport', transport, 'transport', transport);
  return { next, changes, deferred };
}

function connectionChanges(record: AgentRecord, next: AgentRecord): AgentChanges {
  const changes: AgentChanges = {};
  if (record.tenantId !== next.tenantId) changes.tenant_id = next.tenantId;
  if (record.connected !== next.connected) changes.connected = next.connected;
  if (record.gatewayId !== next.gatewayId) changes.gateway_id = next.gatewayId;
  if (record.transport !== next.transport) changes.transport = next.transport;
  return changes;
}

function snapshotOf(record: AgentRecord): AgentSnapshot {
  const { instanceUid, tenantId, capabilities, described, connected, gatewayId, transport } = record;
  const descriptionDigest = `${record.identifyingDigest}/${record.nonIdentifyingDigest}`;
  return Object.freeze({ instanceUid, tenantId, capabilities, described, connected, gatewayId, transport, descriptionDigest });
}

function eventTime(unixNano: Parameters<typeof toBigInt>[0] | null | undefined, now: () => number): Date {
  const ns = unixNano === null || unixNano === undefined ? 0n : toBigInt(unixNano);
  return new Date(ns > 0n ? Number(ns / 1_000_000n) : now());
}

const INT8_MAX = (1n << 63n) - 1n;

function int8OrNull(value: bigint): bigint | null {
  return value >= 0n && value <= INT8_MAX ? value : null;
}
