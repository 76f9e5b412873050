import { type IAgentToServer } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, decodedMessage, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { createInventoryRepository } from './inventory-repository.js';
import { createLivenessWriter, type LivenessWriter } from './liveness-writer.js';
import { ENGINES, countingStore, useTestDatabase } from './test-database.test-helpers.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(ENGINES)('inventory with batched liveness on %s', (engine) => {
  const db = useTestDatabase(engine);

  const row = async (uid: string) => {
    const { rows } = await db.store.query<{ last_seen_at: Date; sequence_num: bigint; health: { metrics?: unknown }; labels: unknown }>(
      'SELECT last_seen_at, sequence_num, health, labels FROM agents WHERE instance_uid = $1',
      [uid],
    );
    return rows[0];
  };

  /** A repository on a counting store with a writer that flushes only when told. */
  const setup = (withWriter = true) => {
    const counting = countingStore(db.store);
    const liveness: LivenessWriter | undefined = withWriter ? createLivenessWriter({ store: counting.store, logger: quiet, flushIntervalMs: HOUR }) : undefined;
    const repo = createInventoryRepository({ store: counting.store, liveness });
    return { counting, liveness, repo };
  };

  const metrics = (cpu: number): IAgentToServer['health'] => ({ healthy: true, status: 'running', attributes: [{ key: 'cpu_usage_percent', value: { doubleValue: cpu } }] });

  it('an unchanged heartbeat queues its liveness: no statement until the flush, one statement for many agents', async () => {
    const { counting, liveness, repo } = setup();
    const agents = Array.from({ length: 30 }, () => newAgent());
    const beat = (agent: (typeof agents)[number], n: number, atMs: number, extra: Partial<IAgentToServer> = {}) => {
      const { envelope, message } = decodedMessage({ instanceUid: agent.bytes, sequenceNum: seq(n), capabilities: FULL_CAPABILITIES, ...extra }, { receivedAtMs: atMs });
      return repo.recordMessage(envelope, message);
    };
    for (const agent of agents) await beat(agent, 1, T0, { agentDescription: description({ env: 'prod' }), health: metrics(1) });
    counting.reset();

    for (const agent of agents) await beat(agent, 2, T0 + 10_000, { health: metrics(2) });
    for (const agent of agents) await beat(agent, 3, T0 + 30_000, { health: metrics(3) });
    // Due again only 30 s after the queued one: the throttle applies to the queue.
    for (const agent of agents) await beat(agent, 4, T0 + 59_999);
    expect(counting.statements).toEqual([]);
    expect(liveness!.pending).toBe(30);

    await liveness!.flush();
    expect(counting.statements).toHaveLength(1);
    for (const agent of agents) {
      expect(await row(agent.uid)).toMatchObject({ last_seen_at: new Date(T0 + 30_000), sequence_num: 3n, health: { metrics: { cpu_usage_percent: 3 } }, labels: { env: 'prod' } });
    }
    await liveness!.stop();
  });

  it('a real change is written at once with last_seen_at, carrying the queued metrics', async () => {
    const { counting, liveness, repo } = setup();
    const agent = newAgent();
    const report = (n: number, atMs: number, extra: Partial<IAgentToServer>) => {
      const { envelope, message } = decodedMessage({ instanceUid: agent.bytes, sequenceNum: seq(n), capabilities: FULL_CAPABILITIES, ...extra }, { receivedAtMs: atMs });
      return repo.recordMessage(envelope, message);
    };
    await report(1, T0, { agentDescription: description({ env: 'test' }), health: metrics(1) });
    await report(2, T0 + 30_000, { health: metrics(5) });
    expect(liveness!.pending).toBe(1);
    counting.reset();

    await report(3, T0 + 40_000, { agentDescription: description({ env: 'prod' }) });
    expect(counting.writes()).toBe(1);
    expect(liveness!.pending).toBe(0);
    expect(await row(agent.uid)).toMatchObject({ last_seen_at: new Date(T0 + 40_000), sequence_num: 3n, labels: { env: 'prod' }, health: { metrics: { cpu_usage_percent: 5 } } });
    await liveness!.stop();
  });

  it('statements per steady-state heartbeat: one each when immediate, one per flush when batched', async () => {
    const agents = Array.from({ length: 300 }, () => newAgent());
    // Heartbeats every 30 s, phases spread over the interval; a flush every 5 s of event time.
    const run = async (withWriter: boolean): Promise<{ heartbeats: number; statements: number; flushes: number }> => {
      const { counting, liveness, repo } = setup(withWriter);
      const beat = (agent: (typeof agents)[number], round: number, at: number) => {
        const extra = round === 0 ? { agentDescription: description({ env: 'prod' }) } : {};
        const { envelope, message } = decodedMessage({ instanceUid: agent.bytes, sequenceNum: seq(round + 1), capabilities: FULL_CAPABILITIES, ...extra }, { receivedAtMs: at });
        return repo.recordMessage(envelope, message);
      };
      const phase = (i: number) => Math.floor((i * 30_000) / agents.length);
      for (const [i, agent] of agents.entries()) await beat(agent, 0, T0 + phase(i));
      counting.reset();
      const steady = agents.flatMap((agent, i) => [1, 2, 3].map((round) => ({ agent, round, at: T0 + round * 30_000 + phase(i) })));
      steady.sort((a, b) => a.at - b.at);
      let nextFlush = T0 + 35_000;
      let flushes = 0;
      for (const { agent, round, at } of steady) {
        for (; liveness !== undefined && at >= nextFlush; nextFlush += 5_000, flushes += 1) await liveness.flush();
        await beat(agent, round, at);
      }
      if (liveness !== undefined) {
        await liveness.stop();
        flushes += 1;
      }
      return { heartbeats: steady.length, statements: counting.writes(), flushes };
    };
    const immediate = await run(false);
    expect(immediate.statements).toBe(immediate.heartbeats);
    await db.store.query('TRUNCATE agents CASCADE');
    const batched = await run(true);
    // 90 s of steady heartbeats, one flush per 5 s: 900 heartbeats in 18 statements.
    expect(batched).toEqual({ heartbeats: 900, statements: 18, flushes: 18 });
    for (const agent of agents) expect(await row(agent.uid)).toMatchObject({ sequence_num: 4n });
  });
});
