import { createInProcessBus, createTopology, type EventBus, type Topology } from '@shepherd/bus';
import { createMemoryOwnership, type OwnershipStore } from '@shepherd/ownership';
import {
  ConnectionEventKind,
  decodeServerToAgent,
  decodeServerToAgentDelivery,
  decodeServerToAgentMulticast,
  encodeDeliveryReceipt,
  encodeServerToAgentDelivery,
  uidToString,
  type IAgentToServer,
  type ServerToAgent,
  type ServerToAgentDelivery,
} from '@shepherd/proto';
import { Registry } from '@shepherd/runtime';
import type { SqlStore } from '@shepherd/store';
import { uniqueName, waitFor } from '@shepherd/testing';
import { afterEach, beforeEach } from 'vitest';
import { connectionEventBytes, envelopeBytes, type EnvelopeFields, type LivenessEntry, livenessBatchBytes } from './agent-fixtures.test-helpers.js';
import { type ConfigAdmin, type CreateConfigInput, type CreateConfigResult, createConfigAdmin } from './config-admin.js';
import { type ConfigService, type ConfigServiceOptions, startConfigService } from './config-service.js';
import type { TestDatabase } from './test-database.test-helpers.js';

/** One captured log line. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

/** A delivery as the fake gateway saw it, with the ServerToAgent decoded. */
export interface SeenDelivery {
  readonly delivery: ServerToAgentDelivery;
  readonly serverToAgent: ServerToAgent;
}

/** A running config service on an in-process bus and memory ownership, plus a fake gateway. */
export interface ServiceHarness {
  readonly bus: EventBus;
  readonly topology: Topology;
  readonly ownership: OwnershipStore;
  readonly admin: ConfigAdmin;
  readonly logs: LogLine[];
  /** What the in-process bus logged (e.g. a handler failure that naks a message). */
  readonly busLogs: LogLine[];
  readonly gatewayId: string;
  /** Agents (uuid text) the fake gateway reports as not reached when a multicast names them. */
  readonly unreachable: Set<string>;
  /** The service's wall clock (ms); tests move it forward. */
  clock: number;
  /** Publishes an agent message received now and waits until the service reconciled it. */
  report(message: IAgentToServer, fields?: Partial<EnvelopeFields>): Promise<void>;
  /** Publishes a liveness batch of `gatewayId` (default the harness's) and waits until the service handled `expected` of its entries (default all). */
  liveness(entries: readonly LivenessEntry[], options?: { gatewayId?: string; expected?: number }): Promise<void>;
  /** Publishes a CONNECTED event now and waits until the service reconciled the agent. */
  connected(uid: Uint8Array, gatewayId?: string): Promise<void>;
  /** Creates a config through the admin and waits until its fan-out finished. */
  createConfig(input: Omit<CreateConfigInput, 'author' | 'tenantId' | 'files'> & Partial<Pick<CreateConfigInput, 'tenantId' | 'files'>>): Promise<CreateConfigResult>;
  /** Every delivery the fake gateway received since the last call (exact: waits for a marker sent behind them). */
  takeDeliveries(): Promise<SeenDelivery[]>;
  /** Total reconciliations so far. */
  reconciliations(): Promise<number>;
  /** Stops the harness's config service (idempotent; also done after each test). */
  stop(): Promise<void>;
}

const MARKER = 'test-marker';

/** The files {@link ServiceHarness.createConfig} uses when none are given. */
export const DEFAULT_FILES = Object.freeze([
  { name: 'collector.yaml', contentType: 'text/yaml', body: 'receivers:\n  otlp:\n    protocols:\n      grpc: {}\n' },
]);

/**
 * Registers hooks that start a config service per test against `db` (with `overrides`), and
 * stop everything afterwards. The fake gateway `gw-test` subscribes to its delivery subject.
 */
export function useServiceHarness(
  db: TestDatabase,
  overrides: Omit<Partial<ConfigServiceOptions>, 'store'> & { store?: () => SqlStore } = {},
): ServiceHarness {
  const harness = {} as { -readonly [K in keyof ServiceHarness]: ServiceHarness[K] };
  let service: ConfigService | undefined;
  let seen: SeenDelivery[] = [];
  let markers = 0;

  beforeEach(async () => {
    const logs: LogLine[] = [];
    const log = (level: LogLine['level']) => (obj: Record<string, unknown>, msg: string) => void logs.push({ level, obj, msg });
    const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    const busLogs: LogLine[] = [];
    const busLog = (level: LogLine['level']) => (obj: Record<string, unknown>, msg: string) => void busLogs.push({ level, obj, msg });
    const bus = createInProcessBus({ logger: { info: busLog('info'), warn: busLog('warn'), error: busLog('error') } });
    const topology = createTopology({ prefix: uniqueName('cfg') });
    const ownership = createMemoryOwnership();
    const registry = overrides.metrics ?? new Registry();
    const { store: makeStore, ...serviceOverrides } = overrides;
    const store = makeStore?.() ?? db.store;
    Object.assign(harness, { bus, topology, ownership, logs, busLogs, gatewayId: 'gw-test', unreachable: new Set<string>(), clock: Date.parse('2030-01-01T00:00:00Z') });
    const now = () => harness.clock;
    harness.admin = createConfigAdmin({ store, bus, topology, logger, now });
    seen = [];
    markers = 0;
    bus.subscribe(topology.delivery('gw-test'), {}, (msg) => {
      const delivery = decodeServerToAgentDelivery(msg.data);
      if (delivery.correlationId.startsWith(MARKER)) markers += 1;
      else seen.push({ delivery, serverToAgent: decodeServerToAgent(delivery.serverToAgent) });
    });
    // Multicasts are recorded as one delivery per agent reached, as the gateway would push them.
    bus.serve(topology.multicast('gw-test'), {}, async (msg) => {
      const multicast = decodeServerToAgentMulticast(msg.data);
      const missed = multicast.instanceUids.filter((uid) => harness.unreachable.has(uidToString(uid)));
      for (const uid of multicast.instanceUids) {
        if (missed.includes(uid)) continue;
        const { kind, issuedAtUnixNano, correlationId, tenantId } = multicast;
        const delivery = decodeServerToAgentDelivery(encodeServerToAgentDelivery({ instanceUid: uid, serverToAgent: multicast.serverToAgent, kind, issuedAtUnixNano, correlationId, tenantId }));
        seen.push({ delivery, serverToAgent: { ...decodeServerToAgent(multicast.serverToAgent), instanceUid: uid } as ServerToAgent });
      }
      return encodeDeliveryReceipt({ undeliveredUids: missed });
    });
    service = await startConfigService({ bus, store, ownership, topology, logger, metrics: registry, resendAfterMs: 60_000, fanoutBatch: 2, now, ...serviceOverrides });

    const reconciliations = async () => {
      const metric = await registry.getSingleMetric('shepherd_config_reconciliations_total')?.get();
      return (metric?.values ?? []).reduce((sum, value) => sum + value.value, 0);
    };
    const afterOneMore = async (publish: () => Promise<unknown>, description: string) => {
      const before = await reconciliations();
      await publish();
      await waitFor(async () => (await reconciliations()) > before, { description });
    };
    harness.reconciliations = reconciliations;
    const livenessSeen = async () => {
      const metric = await registry.getSingleMetric('shepherd_config_liveness_seen_total')?.get();
      return (metric?.values ?? []).reduce((sum, value) => sum + value.value, 0);
    };
    harness.liveness = async (entries, options = {}) => {
      const target = (await livenessSeen()) + (options.expected ?? entries.length);
      await bus.publish(topology.subjects.agentLiveness, livenessBatchBytes(options.gatewayId ?? harness.gatewayId, entries));
      await waitFor(async () => (await livenessSeen()) >= target, { description: 'the liveness batch to be handled' });
    };
    harness.stop = () => service?.stop() ?? Promise.resolve();
    harness.report = (message, fields = {}) =>
      afterOneMore(() => bus.publish(topology.subjects.agentMessage, envelopeBytes(message, { receivedAtMs: harness.clock, gatewayId: harness.gatewayId, ...fields })), 'the agent message to be reconciled');
    harness.connected = (uid, gatewayId = harness.gatewayId) =>
      afterOneMore(
        () => bus.publish(topology.subjects.agentConnection, connectionEventBytes(uid, ConnectionEventKind.CONNECTION_EVENT_KIND_CONNECTED, { atMs: harness.clock, gatewayId })),
        'the connection event to be reconciled',
      );
    harness.createConfig = async (input) => {
      const result = await harness.admin.createConfig({ tenantId: 'default', author: 'tester', files: DEFAULT_FILES, ...input });
      await waitFor(() => logs.some((line) => line.msg === 'config change reconciled' && line.obj['assignmentId'] === result.assignmentId), {
        description: 'the config change fan-out',
      });
      return result;
    };
    harness.takeDeliveries = async () => {
      const expected = markers + 1;
      bus.send(topology.delivery('gw-test'), encodeServerToAgentDelivery({ instanceUid: new Uint8Array(16), correlationId: `${MARKER}-${expected}` }));
      await waitFor(() => markers >= expected, { description: 'the delivery marker' });
      const taken = seen;
      seen = [];
      return taken;
    };
  });

  afterEach(async () => {
    await service?.stop();
    await harness.bus.close();
    await harness.ownership.close();
  });

  return harness;
}
