import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectFailure } from '@shepherd/agent-transport';
import { toBigInt, type AgentToServer, type IAgentToServer, type ServerToAgent } from '@shepherd/proto';
import { waitFor } from '@shepherd/testing';
import { declaredCapabilities } from './agent-capabilities.js';
import { agentDescription } from './agent-description.js';
import { InstanceUidStore } from './instance-uid-store.js';
import { OpampClient, type OpampClientOptions } from './opamp-client.js';

/** Every capability the agent implements, switched on. */
export const ALL_CAPABILITIES = declaredCapabilities({
  acceptsRemoteConfig: true,
  reportsEffectiveConfig: true,
  reportsHealth: true,
  reportsRemoteConfigStatus: true,
  acceptsRestartCommand: true,
});

/** A client with its recorded traffic. */
export interface RecordedClient {
  readonly client: OpampClient;
  readonly sent: IAgentToServer[];
  readonly received: ServerToAgent[];
  readonly failures: ConnectFailure[];
  /** Resolves once `test` holds for the client (polled). */
  until<T>(test: () => T | undefined | false, description: string, timeoutMs?: number): Promise<T>;
}

/** Temp state dirs made by {@link tempStateDir}, removed by {@link removeStateDirs}. */
const stateDirs: string[] = [];

export async function tempStateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-agent-state-'));
  stateDirs.push(dir);
  return dir;
}

export async function removeStateDirs(): Promise<void> {
  await Promise.all(stateDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Clients made by {@link recordedClient}, stopped by {@link stopClients}. */
const clients: OpampClient[] = [];

export async function stopClients(): Promise<void> {
  await Promise.allSettled(clients.splice(0).map((c) => c.stop()));
}

/** A client (not started) with fast reconnects, recording what it sends and receives. */
export function recordedClient(
  overrides: Partial<OpampClientOptions> & Pick<OpampClientOptions, 'endpoint' | 'transport'> & { stateDir: string; instanceId?: string },
): RecordedClient {
  const { stateDir, instanceId, ...options } = overrides;
  const client = new OpampClient({
    reconnect: { initialMs: 50, maxMs: 200 },
    pollIntervalMs: 300,
    capabilities: ALL_CAPABILITIES,
    description: agentDescription({ instanceId: instanceId ?? 'spec-agent', serviceName: 'otelcol', labels: { env: 'spec' } }, '0.0.0-spec'),
    uidStore: new InstanceUidStore(stateDir),
    ...options,
  });
  clients.push(client);
  const sent: IAgentToServer[] = [];
  const received: ServerToAgent[] = [];
  const failures: ConnectFailure[] = [];
  client.on('sent', (m) => sent.push(m));
  client.on('received', (m) => received.push(m));
  client.on('connectFailed', (f) => failures.push(f));
  return {
    client,
    sent,
    received,
    failures,
    until: (test, description, timeoutMs = 15_000) => waitFor(test, { timeoutMs, intervalMs: 20, description }),
  };
}

/** sequence_num of a sent message as a bigint. */
export const seqOf = (m: IAgentToServer | AgentToServer): bigint => toBigInt(m.sequenceNum ?? 0);

/** True when a sent message carries the full state (description, effective config, remote config status). */
export const isFull = (m: IAgentToServer): boolean => m.agentDescription != null && m.effectiveConfig != null && m.remoteConfigStatus != null;
