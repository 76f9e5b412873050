import type { OwnershipStore } from '@shepherd/ownership';
import { AgentCapabilities, newInstanceUid, uidToString } from '@shepherd/proto';
import type { SqlExecutor } from '@shepherd/store';

/** The tenant every seeded agent belongs to. */
export const BENCH_TENANT = 'default';
/** Zones the agents are spread over round-robin (`zone` label), so `zone in (z0,z1)` selects half. */
export const ZONES = ['z0', 'z1', 'z2', 'z3'] as const;

/** What {@link seedFleet} created. */
export interface SeededFleet {
  readonly uids: readonly string[];
  readonly gatewayIds: readonly string[];
  /** Agents per zone label. */
  readonly perZone: ReadonlyMap<string, number>;
}

/** Options of {@link seedFleet}. */
export interface SeedOptions {
  readonly agents: number;
  readonly gateways: number;
  /** Called after every chunk with the agents done so far. */
  readonly progress: (stage: 'inventory' | 'ownership', done: number) => void;
}

// A Collector's usual set: status, remote config (accept and report), effective config, health.
const CAPABILITIES =
  AgentCapabilities.AgentCapabilities_ReportsStatus |
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig |
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig |
  AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig |
  AgentCapabilities.AgentCapabilities_ReportsHealth;
const INSERT_CHUNK = 2_000;
const CLAIMS_IN_FLIGHT = 256;
// Longer than any run (the invocation is bounded by --timeout-s); cleanup deletes the keys anyway.
const CLAIM_TTL_MS = 3 * 3_600_000;

/**
 * Writes `agents` online, described agents straight into the inventory (one multi-row
 * `INSERT ... SELECT FROM unnest(...)` per chunk, as the config service's own writes would leave
 * them) and claims each for one of `gateways` gateways (`bench-gw-<n>`, round-robin).
 */
export async function seedFleet(store: SqlExecutor, ownership: OwnershipStore, options: SeedOptions): Promise<SeededFleet> {
  const uids = Array.from({ length: options.agents }, () => uidToString(newInstanceUid()));
  const gatewayIds = Array.from({ length: options.gateways }, (_, i) => `bench-gw-${i}`);
  const gatewayOf = (i: number): string => gatewayIds[i % gatewayIds.length] as string;
  const perZone = new Map<string, number>();
  for (let start = 0; start < uids.length; start += INSERT_CHUNK) {
    const chunk = uids.slice(start, start + INSERT_CHUNK);
    const rows = chunk.map((uid, j) => agentRow(uid, start + j, gatewayOf(start + j)));
    rows.forEach((row) => perZone.set(row.zone, (perZone.get(row.zone) ?? 0) + 1));
    await insertAgents(store, rows);
    options.progress('inventory', start + chunk.length);
  }
  for (let start = 0; start < uids.length; start += CLAIMS_IN_FLIGHT) {
    const chunk = uids.slice(start, start + CLAIMS_IN_FLIGHT);
    await Promise.all(chunk.map((uid, j) => ownership.claim(uid, gatewayOf(start + j), CLAIM_TTL_MS)));
    if ((start / CLAIMS_IN_FLIGHT) % 8 === 7 || start + chunk.length === uids.length) options.progress('ownership', start + chunk.length);
  }
  return Object.freeze({ uids, gatewayIds, perZone });
}

interface AgentRow {
  readonly uid: string;
  readonly zone: string;
  readonly identifying: Record<string, string>;
  readonly nonIdentifying: Record<string, string>;
  readonly gatewayId: string;
}

function agentRow(uid: string, index: number, gatewayId: string): AgentRow {
  const zone = ZONES[index % ZONES.length] as string;
  return {
    uid,
    zone,
    gatewayId,
    identifying: { 'service.name': 'otelcol-contrib', 'service.instance.id': uid },
    nonIdentifying: { fleet: 'bench', zone, 'host.name': `host-${index}`, 'os.type': 'linux', env: 'prod' },
  };
}

async function insertAgents(store: SqlExecutor, rows: readonly AgentRow[]): Promise<void> {
  const now = new Date();
  await store.query(
    `INSERT INTO agents (instance_uid, tenant_id, identifying, non_identifying, capabilities, sequence_num,
                         connected, described, gateway_id, transport, last_seen_at, first_seen_at, updated_at)
     SELECT r.uid, $5, r.identifying, r.non_identifying, $6, 1, true, true, r.gateway_id, 'websocket', $7, $7, $7
       FROM unnest($1::uuid[], $2::jsonb[], $3::jsonb[], $4::text[]) AS r(uid, identifying, non_identifying, gateway_id)`,
    [
      rows.map((row) => row.uid),
      rows.map((row) => row.identifying),
      rows.map((row) => row.nonIdentifying),
      rows.map((row) => row.gatewayId),
      BENCH_TENANT,
      BigInt(CAPABILITIES),
      now,
    ],
  );
}
