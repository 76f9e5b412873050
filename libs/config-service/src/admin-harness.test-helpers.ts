import { createInProcessBus, createTopology, ensureTopology, type EventBus, type Topology } from '@shepherd/bus';
import type { IAgentToServer } from '@shepherd/proto';
import { uniqueName, waitFor } from '@shepherd/testing';
import { afterEach, beforeEach } from 'vitest';
import { FULL_CAPABILITIES, decodedMessage, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import type { RemoteConfigStatusName } from './agent-reports.js';
import { type ConfigChangedEvent, decodeConfigChangedEvent } from './config-changed-event.js';
import { type ConfigAdmin, createConfigAdmin } from './config-admin.js';
import { recordRemoteConfigStatus } from './config-state-repository.js';
import { createInventoryRepository } from './inventory-repository.js';
import type { TestDatabase } from './test-database.test-helpers.js';

/** A config file whose body makes a distinct, valid collector config per `tag`. */
export function files(tag: string): Array<{ name: string; contentType: string; body: string }> {
  return [{ name: 'collector.yaml', contentType: 'text/yaml', body: `# ${tag}\nreceivers:\n  otlp: {}\n` }];
}

/** A ConfigAdmin on the test database, an in-process bus, and the events it published. */
export interface AdminHarness {
  readonly admin: ConfigAdmin;
  readonly bus: EventBus;
  readonly topology: Topology;
  /** Every config-changed event consumed so far. */
  readonly events: ConfigChangedEvent[];
  /** The admin's clock (ms); every read moves it 1 s on, so changes are ordered in time. */
  clock: number;
  /** Records a report of a new connected agent with these labels (plus service.name=otelcol); returns its uid. */
  addAgent(labels: Record<string, string>, tenantId?: string, extra?: Partial<IAgentToServer>): Promise<string>;
  /** Records a RemoteConfigStatus report of an agent. */
  report(uid: string, hash: string, status: RemoteConfigStatusName, errorMessage?: string): Promise<void>;
  /** Waits until `count` events were consumed. */
  waitForEvents(count: number): Promise<ConfigChangedEvent[]>;
}

/** Registers hooks that build an {@link AdminHarness} per test and close its bus afterwards. */
export function useAdminHarness(db: TestDatabase): AdminHarness {
  const harness = {} as { -readonly [K in keyof AdminHarness]: AdminHarness[K] };
  beforeEach(async () => {
    const bus = createInProcessBus();
    const topology = createTopology({ prefix: uniqueName('cfg') });
    await ensureTopology(bus, topology);
    const events: ConfigChangedEvent[] = [];
    await bus.consume({ ...topology.configConsumers['config-service'] }, async (msg) => void events.push(decodeConfigChangedEvent(msg.data)));
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    Object.assign(harness, { bus, topology, events, clock: Date.parse('2030-01-01T00:00:00Z') });
    const now = () => (harness.clock += 1000);
    harness.admin = createConfigAdmin({ store: db.store, bus, topology, logger: silent, now });
    const inventory = createInventoryRepository({ store: db.store });
    harness.addAgent = async (labels, tenantId = 'default', extra = {}) => {
      const agent = newAgent();
      const { envelope, message } = decodedMessage(
        { instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description(labels), ...extra },
        { receivedAtMs: harness.clock, tenantId },
      );
      await inventory.recordMessage(envelope, message);
      return agent.uid;
    };
    harness.report = (uid, hash, status, errorMessage = '') =>
      recordRemoteConfigStatus(db.store, uid, { lastRemoteConfigHash: hash, status, errorMessage }, new Date((harness.clock += 1000)));
    harness.waitForEvents = async (count) => {
      await waitFor(() => events.length >= count, { description: `${count} config-changed events` });
      return events;
    };
  });
  afterEach(async () => {
    await harness.bus.close();
  });
  return harness;
}
