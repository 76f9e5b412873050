import { StoreUnavailableError, type SqlExecutor } from '@shepherd/store';
import { waitFor } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { newAgent } from './agent-fixtures.test-helpers.js';
import { upsertAgent } from './agent-record.js';
import { ConfigServiceOptionsError } from './errors.js';
import { createLivenessWriter, type LivenessMetrics, type LivenessWriterOptions } from './liveness-writer.js';
import type { LogLine } from './service-harness.test-helpers.js';
import { ENGINES, countingStore, useTestDatabase } from './test-database.test-helpers.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;

/** Metrics and logs a writer reported. */
function recorder(): { metrics: LivenessMetrics; counts: Record<string, number>; logs: LogLine[]; logger: LivenessWriterOptions['logger'] } {
  const counts: Record<string, number> = {};
  const add = (key: string, n: number): void => void (counts[key] = (counts[key] ?? 0) + n);
  const logs: LogLine[] = [];
  const log = (level: LogLine['level']) => (obj: Record<string, unknown>, msg: string) => void logs.push({ level, obj, msg });
  return {
    metrics: { liveness: (outcome, count = 1) => add(outcome, count), livenessFlush: (outcome) => add(`flush-${outcome}`, 1) },
    counts,
    logs,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  };
}

/** A store that fails while `failing` is set, and holds statements while `hold` is pending. */
function controlledStore(inner: SqlExecutor): { store: SqlExecutor; failing: boolean; hold: Promise<void> | undefined } {
  const control = {
    failing: false,
    hold: undefined as Promise<void> | undefined,
    store: {
      async query<R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
        await control.hold;
        if (control.failing) throw new StoreUnavailableError('store down (test)');
        return inner.query<R>(sql, params);
      },
    } as SqlExecutor,
  };
  return control;
}

describe.each(ENGINES)('liveness writer on %s', (engine) => {
  const db = useTestDatabase(engine);

  const agents = async (count: number) => {
    const created = Array.from({ length: count }, () => newAgent().uid);
    for (const uid of created) await upsertAgent(db.store, uid, 'default', { last_seen_at: new Date(T0), sequence_num: 1n, health: { healthy: true } }, new Date(T0));
    return created;
  };
  const row = async (uid: string) => {
    const { rows } = await db.store.query<{ last_seen_at: Date; sequence_num: bigint | null; health: unknown }>(
      'SELECT last_seen_at, sequence_num, health FROM agents WHERE instance_uid = $1',
      [uid],
    );
    return rows[0];
  };

  it('writes nothing until the flush, then every pending agent in one statement per chunk', async () => {
    const counting = countingStore(db.store);
    const r = recorder();
    const writer = createLivenessWriter({ store: counting.store, logger: r.logger, metrics: r.metrics, flushIntervalMs: HOUR, chunkSize: 20 });
    const uids = await agents(45);
    uids.forEach((uid, i) => writer.enqueue({ instanceUid: uid, at: new Date(T0 + 30_000 + i), sequenceNum: BigInt(i + 2) }));
    expect(counting.statements).toEqual([]);
    expect(writer.pending).toBe(45);

    await writer.flush();
    expect(counting.writes()).toBe(3);
    expect(counting.statements).toHaveLength(3);
    expect(writer.pending).toBe(0);
    expect(await row(uids[44]!)).toEqual({ last_seen_at: new Date(T0 + 30_044), sequence_num: 46n, health: { healthy: true } });
    expect(await row(uids[0]!)).toMatchObject({ last_seen_at: new Date(T0 + 30_000), sequence_num: 2n });
    expect(r.counts).toEqual({ queued: 45, written: 45, 'flush-ok': 1 });
    await writer.stop();
  });

  it('keeps the latest update per agent, with the health of an earlier one it lacks', async () => {
    const r = recorder();
    const writer = createLivenessWriter({ store: db.store, logger: r.logger, metrics: r.metrics, flushIntervalMs: HOUR });
    const [uid] = await agents(1);
    writer.enqueue({ instanceUid: uid!, at: new Date(T0 + 30_000), sequenceNum: 5n, health: { healthy: true, metrics: { cpu: 1 } } });
    writer.enqueue({ instanceUid: uid!, at: new Date(T0 + 60_000), sequenceNum: 9n });
    expect(writer.pending).toBe(1);
    await writer.flush();
    expect(await row(uid!)).toEqual({ last_seen_at: new Date(T0 + 60_000), sequence_num: 9n, health: { healthy: true, metrics: { cpu: 1 } } });
    expect(r.counts).toMatchObject({ queued: 1, coalesced: 1, written: 1 });
    await writer.stop();
  });

  it('never moves last_seen_at back, and ignores agents without a row', async () => {
    const writer = createLivenessWriter({ store: db.store, logger: recorder().logger, flushIntervalMs: HOUR });
    const [uid] = await agents(1);
    await upsertAgent(db.store, uid!, 'default', { last_seen_at: new Date(T0 + 90_000), sequence_num: 20n }, new Date(T0 + 90_000));
    writer.enqueue({ instanceUid: uid!, at: new Date(T0 + 60_000), sequenceNum: 10n, health: { healthy: false } });
    const unknown = newAgent().uid;
    writer.enqueue({ instanceUid: unknown, at: new Date(T0 + 60_000), sequenceNum: 1n });
    await writer.flush();
    expect(await row(uid!)).toEqual({ last_seen_at: new Date(T0 + 90_000), sequence_num: 20n, health: { healthy: true } });
    expect(await row(unknown)).toBeUndefined();
    await writer.stop();
  });

  it('flushes on its timer', async () => {
    const writer = createLivenessWriter({ store: db.store, logger: recorder().logger, flushIntervalMs: 20 });
    const [uid] = await agents(1);
    writer.enqueue({ instanceUid: uid!, at: new Date(T0 + 30_000), sequenceNum: 2n });
    await waitFor(async () => (await row(uid!))?.sequence_num === 2n, { description: 'the timed flush' });
    await writer.stop();
  });

  it('keeps the updates of a failed flush for the next one, behind nothing newer', async () => {
    const control = controlledStore(db.store);
    const r = recorder();
    const writer = createLivenessWriter({ store: control.store, logger: r.logger, metrics: r.metrics, flushIntervalMs: HOUR });
    const [a, b] = await agents(2);
    writer.enqueue({ instanceUid: a!, at: new Date(T0 + 30_000), sequenceNum: 2n, health: { healthy: true, metrics: { cpu: 3 } } });
    writer.enqueue({ instanceUid: b!, at: new Date(T0 + 30_000), sequenceNum: 2n });
    control.failing = true;
    await writer.flush();
    expect(writer.pending).toBe(2);
    expect(r.logs).toEqual([expect.objectContaining({ level: 'warn', msg: expect.stringContaining('liveness flush failed') as unknown })]);
    writer.enqueue({ instanceUid: b!, at: new Date(T0 + 60_000), sequenceNum: 3n });

    control.failing = false;
    await writer.flush();
    expect(await row(a!)).toEqual({ last_seen_at: new Date(T0 + 30_000), sequence_num: 2n, health: { healthy: true, metrics: { cpu: 3 } } });
    expect(await row(b!)).toMatchObject({ last_seen_at: new Date(T0 + 60_000), sequence_num: 3n });
    expect(r.counts).toMatchObject({ 'flush-failed': 1, 'flush-ok': 1, written: 2 });
    await writer.stop();
  });

  it('beyond maxPending drops the oldest updates and counts them', async () => {
    const control = controlledStore(db.store);
    const r = recorder();
    const writer = createLivenessWriter({ store: control.store, logger: r.logger, metrics: r.metrics, flushIntervalMs: HOUR, maxPending: 3 });
    const uids = await agents(7);
    let release: () => void = () => undefined;
    control.hold = new Promise((resolve) => (release = resolve));
    const enqueue = (uid: string) => writer.enqueue({ instanceUid: uid, at: new Date(T0 + 30_000), sequenceNum: 2n });
    // The third agent fills the queue and starts a flush, which the store holds.
    uids.slice(0, 3).forEach(enqueue);
    expect(writer.pending).toBe(0);
    uids.slice(3).forEach(enqueue);
    expect(writer.pending).toBe(3);
    expect(r.counts['dropped']).toBe(1);
    control.hold = undefined;
    release();
    await writer.stop();
    const seen = await Promise.all(uids.map(async (uid) => (await row(uid))?.sequence_num));
    expect(seen).toEqual([2n, 2n, 2n, 1n, 2n, 2n, 2n]);
    expect(r.counts).toMatchObject({ queued: 7, written: 6, dropped: 1 });
  });

  it('stop() writes what is pending, then drops later updates', async () => {
    const r = recorder();
    const writer = createLivenessWriter({ store: db.store, logger: r.logger, metrics: r.metrics, flushIntervalMs: HOUR });
    const [uid] = await agents(1);
    writer.enqueue({ instanceUid: uid!, at: new Date(T0 + 30_000), sequenceNum: 2n });
    await Promise.all([writer.stop(), writer.stop()]);
    expect(await row(uid!)).toMatchObject({ sequence_num: 2n });
    writer.enqueue({ instanceUid: uid!, at: new Date(T0 + 60_000), sequenceNum: 3n });
    expect(writer.pending).toBe(0);
    expect(r.counts).toMatchObject({ written: 1, dropped: 1 });
  });

  it('take() removes a pending update', async () => {
    const writer = createLivenessWriter({ store: db.store, logger: recorder().logger, flushIntervalMs: HOUR });
    const [uid] = await agents(1);
    writer.enqueue({ instanceUid: uid!, at: new Date(T0 + 30_000), sequenceNum: 2n });
    expect(writer.take(uid!)).toMatchObject({ sequenceNum: 2n });
    expect(writer.take(uid!)).toBeUndefined();
    await writer.stop();
    expect(await row(uid!)).toMatchObject({ sequence_num: 1n });
  });
});

describe('liveness writer options', () => {
  it.each([
    ['flushIntervalMs', { flushIntervalMs: 0 }],
    ['maxPending', { maxPending: 1.5 }],
    ['chunkSize', { chunkSize: 50_001 }],
  ] as const)('rejects a bad %s', (name, bad) => {
    const store: SqlExecutor = { query: () => Promise.reject(new Error('unused')) };
    expect(() => createLivenessWriter({ store, logger: recorder().logger, ...bad })).toThrow(ConfigServiceOptionsError);
    expect(() => createLivenessWriter({ store, logger: recorder().logger, ...bad })).toThrow(name);
  });
});
