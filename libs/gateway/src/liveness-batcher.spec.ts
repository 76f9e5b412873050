import { decodeAgentLivenessBatch, type AgentLivenessBatch } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import type { AgentEntry } from './agent-entry.js';
import { LivenessBatcher } from './liveness-batcher.js';

const entry = (n: number): AgentEntry =>
  ({
    uid: `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`,
    uidBytes: Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? n : 0)),
    holderId: `ws-test-${n}`,
    transport: 'websocket',
    principal: { subject: 's', tenantId: 't', roles: [], method: 'dev-token' },
  }) as unknown as AgentEntry;

/** A publish that records what it got and answers as told. */
function recorder(answer: () => boolean | Promise<boolean> = () => true) {
  const batches: AgentLivenessBatch[] = [];
  const msgIds: string[] = [];
  const publish = async (data: Uint8Array, msgId: string): Promise<boolean> => {
    batches.push(decodeAgentLivenessBatch(data));
    msgIds.push(msgId);
    return answer();
  };
  const seqs = (b: AgentLivenessBatch) => b.agents.map((a) => `${a.instanceUid![15]}:${String(a.sequenceNum)}`);
  return { batches, msgIds, publish, seqs };
}

describe('LivenessBatcher', () => {
  it('keeps the newest heartbeat per agent and publishes them together on flush', async () => {
    const r = recorder();
    const batcher = new LivenessBatcher('gw-1', r.publish);
    batcher.record(entry(1), 5n, 1_000);
    batcher.record(entry(2), 9n, 1_001);
    batcher.record(entry(1), 6n, 1_002);
    expect(batcher.pending).toBe(2);
    batcher.flush();
    await batcher.settled();
    expect(r.batches.map(r.seqs)).toEqual([['1:6', '2:9']]);
    expect(r.batches[0]!.gatewayId).toBe('gw-1');
    expect(String(r.batches[0]!.agents[0]!.seenAtUnixNano)).toBe('1002000000');
    expect(batcher.pending).toBe(0);
  });

  it('updates the same agent in place until its batch leaves, then starts a new entry for the next one', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const r = recorder(async () => {
      await held;
      return true;
    });
    const batcher = new LivenessBatcher('gw-1', r.publish);
    const agent = entry(1);
    batcher.record(agent, 1n, 0);
    batcher.record(agent, 2n, 0);
    expect(batcher.pending).toBe(1);
    batcher.flush();
    batcher.record(agent, 3n, 0);
    release();
    await batcher.settled();
    batcher.flush();
    await batcher.settled();
    expect(r.batches.map(r.seqs)).toEqual([['1:2'], ['1:3']]);
  });

  it('publishes at once when the pending set is full, and never puts more than the bound in one batch', async () => {
    const r = recorder();
    const batcher = new LivenessBatcher('gw-1', r.publish, { maxPerBatch: 3, maxPending: 6 });
    for (let n = 1; n <= 7; n += 1) batcher.record(entry(n), 1n, 0);
    await batcher.settled();
    expect(r.batches.map(r.seqs)).toEqual([
      ['1:1', '2:1', '3:1'],
      ['4:1', '5:1', '6:1'],
    ]);
    expect(batcher.pending).toBe(1);
    expect(new Set(r.msgIds).size).toBe(2);
  });

  it('holds more agents than one batch, so an agent heartbeating more often than the interval stays one entry', async () => {
    const r = recorder();
    const batcher = new LivenessBatcher('gw-1', r.publish, { maxPerBatch: 2, maxPending: 8 });
    for (const seq of [1n, 2n, 3n]) for (let n = 1; n <= 6; n += 1) batcher.record(entry(n), seq, 0);
    expect(r.batches).toHaveLength(0);
    expect(batcher.pending).toBe(6);
    batcher.flush();
    await batcher.settled();
    expect(r.batches.map(r.seqs)).toEqual([
      ['1:3', '2:3'],
      ['3:3', '4:3'],
      ['5:3', '6:3'],
    ]);
    expect(batcher.pending).toBe(0);
  });

  it('takes a batch the bus refused back, unless a newer heartbeat of the agent arrived meanwhile', async () => {
    let refuse = true;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const r = recorder(async () => {
      await held;
      return !refuse;
    });
    const batcher = new LivenessBatcher('gw-1', r.publish);
    batcher.record(entry(1), 1n, 0);
    batcher.record(entry(2), 1n, 0);
    batcher.flush();
    batcher.record(entry(2), 2n, 0);
    release();
    await batcher.settled();
    refuse = false;
    batcher.flush();
    await batcher.settled();
    expect(r.batches.map(r.seqs)).toEqual([['1:1', '2:1'], ['2:2', '1:1']]);
    expect(batcher.pending).toBe(0);
  });

  it('keeps at most maxInFlight batches on their way while the bus does not answer, then drops the heartbeats of agents not pending', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const r = recorder(async () => {
      await held;
      return true;
    });
    let dropped = 0;
    const batcher = new LivenessBatcher('gw-1', r.publish, { maxPerBatch: 2, maxInFlight: 2, maxPending: 2, onDropped: (count) => (dropped += count) });
    for (let n = 1; n <= 6; n += 1) batcher.record(entry(n), 1n, 0);
    // Two batches in flight (1-2, 3-4); 5 and 6 wait.
    expect(r.batches.map(r.seqs)).toEqual([
      ['1:1', '2:1'],
      ['3:1', '4:1'],
    ]);
    expect(batcher.pending).toBe(2);
    batcher.record(entry(7), 1n, 0);
    batcher.flush();
    expect(dropped).toBe(1);
    // A pending agent's newer heartbeat still replaces its older one.
    batcher.record(entry(5), 2n, 0);
    expect(dropped).toBe(1);
    expect(r.batches).toHaveLength(2);
    release();
    await batcher.settled();
    batcher.flush();
    await batcher.settled();
    expect(r.batches.map(r.seqs).at(-1)).toEqual(['5:2', '6:1']);
    expect(batcher.pending).toBe(0);
  });

  it('flushes on its timer once started, and not after stop', async () => {
    const r = recorder();
    const batcher = new LivenessBatcher('gw-1', r.publish);
    batcher.start(20);
    batcher.record(entry(1), 1n, 0);
    await expect.poll(() => r.batches.length).toBe(1);
    batcher.stop();
    batcher.record(entry(1), 2n, 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(r.batches).toHaveLength(1);
    expect(batcher.pending).toBe(1);
  });
});
