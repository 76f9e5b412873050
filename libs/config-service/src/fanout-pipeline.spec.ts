import type { SqlStore } from '@shepherd/store';
import { interceptingStore } from '@shepherd/store/testing';
import { waitFor } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { FANOUT_BATCHES_IN_FLIGHT } from './fanout.js';
import { parseSelector } from './selector.js';
import { DEFAULT_FILES, useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const FANOUT_READ = /instance_uid = ANY\(\$1::uuid\[\]\) ORDER BY a\.instance_uid/;
const OFFER_WRITE = /INSERT INTO agent_config_state AS s \(instance_uid, target_hash, offered_hash/;

/** A store whose offer-recording writes wait until released (or fail, when told), counting fan-out reads. */
function gatedOfferWrites(inner: SqlStore) {
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const counts = { reads: 0, writesWaiting: 0, failWrites: false };
  const store = interceptingStore(inner, async (sql, _params, next) => {
    if (FANOUT_READ.test(sql)) counts.reads += 1;
    if (OFFER_WRITE.test(sql)) {
      counts.writesWaiting += 1;
      await gate;
      counts.writesWaiting -= 1;
      if (counts.failWrites) throw new Error('injected offer-write failure');
    }
    return next();
  });
  return {
    store,
    counts,
    open: () => {
      release();
      gate = Promise.resolve();
    },
  };
}

describe.each(ENGINES)('fan-out pipeline on %s', (engine) => {
  const db = useTestDatabase(engine);
  let gated: ReturnType<typeof gatedOfferWrites>;
  // Batches of 2: twice as many agents as batches in flight make more batches than may run at once.
  // Progress after every batch, so a test can follow the fan-out.
  const h = useServiceHarness(db, { store: () => (gated = gatedOfferWrites(db.store)).store, fanoutBatch: 2, fanoutProgressIntervalMs: 0 });

  async function onlineAgents(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const agent = newAgent();
      await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
      await h.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'p' }) });
    }
  }

  it('reads the next batches while earlier ones wait on their offer writes, at most FANOUT_BATCHES_IN_FLIGHT at once', async () => {
    const agents = 2 * (FANOUT_BATCHES_IN_FLIGHT + 2);
    await onlineAgents(agents);
    await h.takeDeliveries();
    // The agents' own view reads use the same statement; only the fan-out's count from here.
    gated.counts.reads = 0;
    await h.admin.createConfig({ tenantId: 'default', author: 'tester', files: DEFAULT_FILES, selector: parseSelector('env=p') });
    await waitFor(() => gated.counts.writesWaiting === FANOUT_BATCHES_IN_FLIGHT, { description: 'the pipeline to fill' });
    // The reads ran ahead of the first (held) write, and stopped at the bound.
    expect(gated.counts.reads).toBe(FANOUT_BATCHES_IN_FLIGHT);
    gated.open();
    await waitFor(() => h.logs.some((line) => line.msg === 'config change reconciled'), { description: 'the fan-out' });
    const done = h.logs.find((line) => line.msg === 'config change reconciled')!.obj;
    expect(done).toMatchObject({ agents, offered: agents, batches: agents / 2 });
  });

  it('logs its progress as batches settle: agents read and offered so far, and the time since the event', async () => {
    const agents = 8;
    await onlineAgents(agents);
    await h.takeDeliveries();
    gated.open();
    const { configHash } = await h.admin.createConfig({ tenantId: 'default', author: 'tester', files: DEFAULT_FILES, selector: parseSelector('env=p') });
    await waitFor(() => h.logs.some((line) => line.msg === 'config change reconciled'), { description: 'the fan-out' });
    const progress = h.logs.filter((line) => line.msg === 'config change fanning out').map((line) => line.obj);
    expect(progress).toHaveLength(agents / 2);
    for (const line of progress) expect(line).toMatchObject({ configHash, elapsedMs: expect.any(Number) });
    const offered = progress.map((line) => line['offered'] as number);
    expect(offered).toEqual([...offered].sort((a, b) => a - b));
    expect(offered.at(-1)).toBe(agents);
    expect(progress.map((line) => line['agents'] as number).every((read, i) => read >= offered[i]!)).toBe(true);
  });

  it('fails the event only after the batches in flight settled, and the redelivery offers what is left', async () => {
    await onlineAgents(6);
    await h.takeDeliveries();
    gated.counts.failWrites = true;
    await h.admin.createConfig({ tenantId: 'default', author: 'tester', files: DEFAULT_FILES, selector: parseSelector('env=p') });
    await waitFor(() => gated.counts.writesWaiting === 3, { description: 'all three batches in flight' });
    gated.open();
    await waitFor(() => h.busLogs.some((line) => line.level === 'warn'), { description: 'the failed fan-out to be naked' });
    expect(gated.counts.writesWaiting).toBe(0);
    gated.counts.failWrites = false;
    await waitFor(() => h.logs.some((line) => line.msg === 'config change reconciled'), { timeoutMs: 15_000, description: 'the redelivered fan-out' });
    const { rows } = await db.store.query<{ n: string }>('SELECT count(*) AS n FROM agent_config_state WHERE offered_hash IS NOT NULL');
    expect(Number(rows[0]!.n)).toBe(6);
  });
});
