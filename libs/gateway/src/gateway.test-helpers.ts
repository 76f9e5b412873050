/** Test fixtures: a gateway on port 0 with an in-process bus, memory ownership and a fixed-token authenticator. */
import { request } from 'node:http';
import { createInProcessBus, createTopology, ensureTopology, type EventBus, type InProcessBusOptions, type Topology } from '@shepherd/bus';
import { ShepherdError } from '@shepherd/errors';
import { createMemoryOwnership, type OwnershipStore } from '@shepherd/ownership';
import {
  decodeAgentConnectionEvent,
  decodeAgentLivenessBatch,
  decodeAgentMessageEnvelope,
  encodeServerToAgent,
  encodeServerToAgentDelivery,
  toLong,
  type AgentConnectionEvent,
  type AgentLivenessBatch,
  type AgentMessageEnvelope,
  type IServerToAgent,
} from '@shepherd/proto';
import { createLogger, createMetricsRegistry, type Registry } from '@shepherd/runtime';
import { uniqueName, waitFor } from '@shepherd/testing';
import { startGateway, type Gateway, type GatewayAuthenticator, type GatewayOptions } from './index.js';

/** The bearer token the test authenticator accepts. */
export const TOKEN = 'test-token-0123456789';
/** A token the test authenticator reports as expired. */
export const EXPIRED_TOKEN = 'expired-token-0123456789';
export const AUTH = `Bearer ${TOKEN}`;
export const TENANT = 'tenant-a';

class TestUnauthenticatedError extends ShepherdError {
  readonly code = 'AUTH_UNAUTHENTICATED';
  readonly kind = 'unauthenticated' as const;
}

/** Accepts {@link TOKEN}; refuses a missing header, {@link EXPIRED_TOKEN} and anything else. */
export const testAuthenticator: GatewayAuthenticator = {
  async authenticate(header) {
    if (header === undefined) throw new TestUnauthenticatedError('missing bearer token');
    if (header === `Bearer ${EXPIRED_TOKEN}`) throw new TestUnauthenticatedError('token expired');
    if (header !== AUTH) throw new TestUnauthenticatedError('bad signature');
    return { subject: 'agent-principal', tenantId: TENANT, roles: ['agent'], method: 'dev-token' };
  },
};

/** Everything the gateway published on the agent-event subjects, decoded. */
export class RecordedEvents {
  readonly messages: AgentMessageEnvelope[] = [];
  readonly connections: AgentConnectionEvent[] = [];
  readonly liveness: AgentLivenessBatch[] = [];

  /** Waits until a connection event matching `pred` was published. */
  connection(pred: (e: AgentConnectionEvent) => boolean, description: string): Promise<AgentConnectionEvent> {
    return waitFor(() => this.connections.find(pred), { description });
  }

  /** Waits until `count` liveness batches were published. */
  livenessAtLeast(count: number): Promise<AgentLivenessBatch[]> {
    return waitFor(() => this.liveness.length >= count && this.liveness, { description: `${count} liveness batches` });
  }

  /** Waits until `count` message envelopes were published. */
  messagesAtLeast(count: number): Promise<AgentMessageEnvelope[]> {
    return waitFor(() => this.messages.length >= count && this.messages, { description: `${count} message envelopes` });
  }
}

/** A started gateway plus its backends and what it published. */
export interface TestGateway {
  readonly gateway: Gateway;
  readonly bus: EventBus;
  readonly ownership: OwnershipStore;
  readonly topology: Topology;
  readonly registry: Registry;
  readonly events: RecordedEvents;
  /** Sends a delivery to this gateway's delivery subject, as a service would. */
  deliver(uid: Uint8Array, message: IServerToAgent, kind: number, tenantId?: string): void;
  /** Value of a counter/gauge series, 0 when absent. */
  metric(name: string, labels: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/** Options of {@link startTestGateway}: gateway overrides plus shared backends. */
export type TestGatewayOptions = Partial<GatewayOptions> & { busOptions?: InProcessBusOptions };

/** Starts a gateway on 127.0.0.1:0 with small, test-friendly bounds. */
export async function startTestGateway(overrides: TestGatewayOptions = {}): Promise<TestGateway> {
  const { busOptions, ...gatewayOverrides } = overrides;
  const bus = overrides.bus ?? createInProcessBus(busOptions ?? {});
  const ownership = overrides.ownership ?? createMemoryOwnership();
  const topology = overrides.topology ?? createTopology({ prefix: uniqueName('gw') });
  await ensureTopology(bus, topology);
  const events = new RecordedEvents();
  const subs = [
    bus.subscribe(topology.subjects.agentMessage, { maxPending: 100_000 }, (m) => void events.messages.push(decodeAgentMessageEnvelope(m.data))),
    bus.subscribe(topology.subjects.agentConnection, { maxPending: 100_000 }, (m) => void events.connections.push(decodeAgentConnectionEvent(m.data))),
    bus.subscribe(topology.subjects.agentLiveness, { maxPending: 100_000 }, (m) => void events.liveness.push(decodeAgentLivenessBatch(m.data))),
  ];
  const registry = createMetricsRegistry();
  const gateway = await startGateway({
    host: '127.0.0.1',
    port: 0,
    path: '/v1/opamp',
    maxConnections: 100,
    retryAfterSeconds: 30,
    // Every message reaches the recorded events unless a test asks for liveness batches.
    livenessIntervalMs: 0,
    pingIntervalMs: 60_000,
    ownershipTtlMs: 30_000,
    gatewayId: uniqueName('gw'),
    authenticator: testAuthenticator,
    logger: createLogger({ name: 'gateway-test', level: 'silent' }),
    metrics: registry,
    ...gatewayOverrides,
    bus,
    ownership,
    topology,
  });
  return {
    gateway,
    bus,
    ownership,
    topology,
    registry,
    events,
    deliver(uid, message, kind, tenantId = TENANT) {
      const serverToAgent = encodeServerToAgent(message);
      const issuedAtUnixNano = toLong(BigInt(Date.now()) * 1_000_000n);
      bus.send(topology.delivery(gateway.gatewayId), encodeServerToAgentDelivery({ instanceUid: uid, serverToAgent, kind, issuedAtUnixNano, tenantId }));
    },
    async metric(name, labels) {
      const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
      const value = found?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
      return value?.value ?? 0;
    },
    async close() {
      await gateway.close();
      await Promise.all(subs.map((s) => s.unsubscribe()));
      if (overrides.bus === undefined) await bus.close();
      if (overrides.ownership === undefined) await ownership.close();
    },
  };
}

/** A raw HTTP answer (no automatic decompression). */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** POSTs `body` with node:http, returning the undecoded answer. */
export function httpPost(url: string, body: Uint8Array, headers: Record<string, string | number> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Length': body.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Seconds in a Retry-After header, or NaN. */
export function retryAfter(headers: RawResponse['headers']): number {
  return Number(headers['retry-after']);
}

/** A gate for the test bus's `beforeStore`: publishes wait on `held` until `release()`. */
export function publishGate(): { held: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  return { held, release };
}
