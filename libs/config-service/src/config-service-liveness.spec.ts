import { Registry } from '@shepherd/runtime';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

describe.each(ENGINES)('config service liveness batching on %s', (engine) => {
  const db = useTestDatabase(engine);
  const registry = new Registry();
  const h = useServiceHarness(db, { metrics: registry, livenessFlushIntervalMs: 3_600_000, lastSeenIntervalMs: 10_000 });

  const lastSeen = async (uid: string) => {
    const { rows } = await db.store.query<{ last_seen_at: Date; sequence_num: bigint }>('SELECT last_seen_at, sequence_num FROM agents WHERE instance_uid = $1', [uid]);
    return rows[0];
  };
  const counted = async (name: string) => {
    const metric = await registry.getSingleMetric(name)?.get();
    return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels['outcome']), v.value]));
  };

  it('queues the liveness of an unchanged report (CONFIG_LAST_SEEN_INTERVAL_MS apart) and writes it on stop()', async () => {
    const agent = newAgent();
    const start = h.clock;
    await h.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'prod' }) });
    h.clock += 10_000;
    await h.report({ instanceUid: agent.bytes, sequenceNum: seq(2), capabilities: FULL_CAPABILITIES });
    expect(await lastSeen(agent.uid)).toEqual({ last_seen_at: new Date(start), sequence_num: 1n });

    await h.stop();
    expect(await lastSeen(agent.uid)).toEqual({ last_seen_at: new Date(start + 10_000), sequence_num: 2n });
    expect(await counted('shepherd_config_liveness_updates_total')).toMatchObject({ queued: 1, written: 1 });
    expect(await counted('shepherd_config_liveness_flushes_total')).toMatchObject({ ok: 1 });
  });
});
