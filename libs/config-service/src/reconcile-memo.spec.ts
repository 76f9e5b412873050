import { describe, expect, it } from 'vitest';
import type { AgentSnapshot } from './agent-record.js';
import type { ReconcileView } from './config-state-repository.js';
import { ConfigServiceOptionsError } from './errors.js';
import { ReconcileMemo } from './reconcile-memo.js';

const UID = '00000000-0000-4000-8000-000000000001';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

const agent = (over: Partial<AgentSnapshot> = {}): AgentSnapshot => ({
  instanceUid: UID,
  tenantId: 'default',
  capabilities: 7n,
  described: true,
  connected: true,
  gatewayId: 'gw-1',
  transport: 'websocket',
  descriptionDigest: 'labels-1',
  ...over,
});

const stored = (over: Partial<ReconcileView> = {}): ReconcileView => ({
  instanceUid: UID,
  tenantId: 'default',
  capabilities: 1n,
  connected: true,
  described: true,
  gatewayId: 'gw-old',
  targetHash: HASH_A,
  targetStatus: null,
  reportedHash: null,
  reportedStatus: null,
  reportedError: null,
  offeredHash: null,
  offeredAt: null,
  fullStateRequestedAt: null,
  ...over,
});

function setup(maxAgeMs = 10_000, maxEntries = 100) {
  const clock = { now: 1_000_000 };
  const memo = new ReconcileMemo({ maxEntries, maxAgeMs, now: () => clock.now });
  const read = (view = stored(), descriptionDigest: string | undefined = 'labels-1') => memo.remember(view, memo.ticket(), descriptionDigest);
  return { clock, memo, read };
}

describe('ReconcileMemo', () => {
  it('answers with the stored part as read and the inventory part from the latest snapshot', () => {
    const { memo, read } = setup();
    expect(memo.view(agent())).toBeUndefined();
    read(stored({ offeredHash: HASH_A, offeredAt: new Date(5), reportedHash: HASH_B }));
    expect(memo.view(agent({ capabilities: 9n, gatewayId: 'gw-2' }))).toEqual({
      ...stored({ offeredHash: HASH_A, offeredAt: new Date(5), reportedHash: HASH_B }),
      capabilities: 9n,
      gatewayId: 'gw-2',
    });
  });

  it('expires an entry maxAgeMs after its read, and a config change ends every entry at once', () => {
    const { clock, memo, read } = setup(10_000);
    read();
    clock.now += 9_999;
    expect(memo.view(agent())).toBeDefined();
    clock.now += 1;
    expect(memo.view(agent())).toBeUndefined();
    read();
    memo.configChanged();
    expect(memo.view(agent())).toBeUndefined();
    read();
    expect(memo.view(agent())).toBeDefined();
  });

  it('does not keep a read that started before a config change', () => {
    const { memo } = setup();
    const ticket = memo.ticket();
    memo.configChanged();
    memo.remember(stored(), ticket);
    expect(memo.view(agent())).toBeUndefined();
  });

  it('does not let an older read replace a newer entry, nor bring back a forgotten agent', () => {
    const { memo, read } = setup();
    const early = memo.ticket();
    read(stored({ targetHash: HASH_B }));
    memo.remember(stored({ targetHash: HASH_A }), early);
    expect(memo.view(agent())?.targetHash).toBe(HASH_B);

    const inFlight = memo.ticket();
    memo.forget(UID);
    memo.remember(stored(), inFlight);
    expect(memo.view(agent())).toBeUndefined();
  });

  it('never answers for an undescribed or offline agent, or one whose tenant changed', () => {
    const { memo, read } = setup();
    read();
    expect(memo.view(agent({ described: false }))).toBeUndefined();
    expect(memo.view(agent({ connected: false }))).toBeUndefined();
    expect(memo.view(agent({ tenantId: 'other' }))).toBeUndefined();
    read(stored({ described: false }));
    expect(memo.view(agent())).toBeUndefined();
  });

  it('mirrors a status report: the reported hash always, the target status only for the target hash', () => {
    const { memo, read } = setup();
    read();
    memo.statusRecorded(UID, { lastRemoteConfigHash: HASH_B, status: 'FAILED', errorMessage: 'no' });
    expect(memo.view(agent())).toMatchObject({ reportedHash: HASH_B, targetStatus: null });
    memo.statusRecorded(UID, { lastRemoteConfigHash: HASH_A, status: 'APPLIED', errorMessage: '' });
    expect(memo.view(agent())).toMatchObject({ reportedHash: HASH_A, targetStatus: 'APPLIED' });
    memo.statusRecorded(UID, { lastRemoteConfigHash: null, status: 'FAILED', errorMessage: 'x' });
    expect(memo.view(agent())).toMatchObject({ reportedHash: null, targetStatus: 'APPLIED' });
  });

  it('knows a status is stored already only when hash, state and error all match what was read or recorded', () => {
    const { memo, read } = setup();
    const applied = { lastRemoteConfigHash: HASH_A, status: 'APPLIED', errorMessage: '' } as const;
    expect(memo.hasStatus(UID, applied)).toBe(false);
    read(stored({ reportedHash: HASH_A, reportedStatus: 'APPLIED', reportedError: null }));
    expect(memo.hasStatus(UID, applied)).toBe(true);
    expect(memo.hasStatus(UID, { ...applied, status: 'APPLYING' })).toBe(false);
    expect(memo.hasStatus(UID, { ...applied, lastRemoteConfigHash: HASH_B })).toBe(false);
    expect(memo.hasStatus(UID, { ...applied, errorMessage: 'x' })).toBe(false);
    memo.statusRecorded(UID, { lastRemoteConfigHash: HASH_B, status: 'FAILED', errorMessage: 'bad' });
    expect(memo.hasStatus(UID, { lastRemoteConfigHash: HASH_B, status: 'FAILED', errorMessage: 'bad' })).toBe(true);
    expect(memo.hasStatus(UID, applied)).toBe(false);
  });

  it('keeps an entry through a repeated description, and forgets it on a new one or when the read did not know it', () => {
    const { memo, read } = setup();
    read();
    memo.described(agent());
    expect(memo.view(agent())).toBeDefined();
    memo.described(agent({ descriptionDigest: 'labels-2' }));
    expect(memo.view(agent({ descriptionDigest: 'labels-2' }))).toBeUndefined();

    // A fan-out read does not know the description it saw: any description ends it.
    memo.remember(stored(), memo.ticket());
    expect(memo.view(agent())).toBeDefined();
    memo.described(agent());
    expect(memo.view(agent())).toBeUndefined();
  });

  it('does not answer with a view read under another description', () => {
    const { memo, read } = setup();
    read();
    expect(memo.view(agent({ descriptionDigest: 'labels-2' }))).toBeUndefined();
  });

  it('mirrors recorded offers, and ignores writes for agents it does not hold', () => {
    const { memo, read } = setup();
    memo.offersRecorded([{ instanceUid: UID, hash: HASH_A }], 42);
    expect(memo.view(agent())).toBeUndefined();
    read();
    memo.offersRecorded([{ instanceUid: UID, hash: HASH_A }], 42);
    expect(memo.view(agent())).toMatchObject({ offeredHash: HASH_A, offeredAt: new Date(42) });
  });

  it('keeps nothing when maxAgeMs is 0, and at most maxEntries agents', () => {
    const off = setup(0);
    off.read();
    expect(off.memo.size).toBe(0);
    const small = setup(10_000, 2);
    for (let i = 0; i < 5; i += 1) small.memo.remember(stored({ instanceUid: `uid-${i}` }), small.memo.ticket());
    expect(small.memo.size).toBe(2);
    expect(() => new ReconcileMemo({ maxEntries: 1, maxAgeMs: -1, now: Date.now })).toThrow(ConfigServiceOptionsError);
    expect(() => new ReconcileMemo({ maxEntries: 0, maxAgeMs: 1, now: Date.now })).toThrow(ConfigServiceOptionsError);
    expect(() => new ReconcileMemo({ maxEntries: 1.5, maxAgeMs: 1, now: Date.now })).toThrow(ConfigServiceOptionsError);
  });
});
