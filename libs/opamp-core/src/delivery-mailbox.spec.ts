import { DeliveryKind } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { DeliveryMailbox, OpampCoreOptionError, type PendingDelivery } from './index.js';

const delivery = (kind: number, tag: string, sizeBytes = 10, issued = 0n): PendingDelivery => ({
  kind,
  message: { instanceUid: new TextEncoder().encode(tag) },
  sizeBytes,
  issuedAtUnixNano: issued,
});
const tags = (ds: PendingDelivery[]): string[] => ds.map((d) => new TextDecoder().decode(d.message.instanceUid!));
const RC = DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG;
const FLAGS = DeliveryKind.DELIVERY_KIND_FLAGS;

describe('DeliveryMailbox', () => {
  it('keeps only the latest pending delivery of each kind per agent', () => {
    // wire-facts §7.28
    const box = new DeliveryMailbox({ maxAgents: 10, maxBytes: 1000 });
    expect(box.put('a', delivery(RC, 'rc1'))).toBe('stored');
    expect(box.put('a', delivery(FLAGS, 'fl1'))).toBe('stored');
    expect(box.put('a', delivery(RC, 'rc2'))).toBe('replaced');
    expect(tags(box.peek('a'))).toEqual(['rc2', 'fl1']);
    expect(box.stats).toMatchObject({ agents: 1, entries: 2, bytes: 20, replaced: 1 });
    expect(tags(box.take('a'))).toEqual(['rc2', 'fl1']);
    expect(box.take('a')).toEqual([]);
    expect(box.stats).toMatchObject({ agents: 0, entries: 0, bytes: 0 });
  });

  it('refuses a delivery issued before the one it holds', () => {
    const box = new DeliveryMailbox({ maxAgents: 10, maxBytes: 1000 });
    box.put('a', delivery(RC, 'new', 10, 200n));
    expect(box.put('a', delivery(RC, 'old', 10, 100n))).toBe('stale');
    expect(tags(box.peek('a'))).toEqual(['new']);
    expect(box.stats.stale).toBe(1);
  });

  it('evicts the oldest deliveries beyond maxAgents and counts them', () => {
    const box = new DeliveryMailbox({ maxAgents: 2, maxBytes: 1000 });
    box.put('a', delivery(RC, 'a'));
    box.put('b', delivery(RC, 'b'));
    box.put('a', delivery(RC, 'a2'));
    box.put('c', delivery(RC, 'c'));
    expect(box.peek('b')).toEqual([]);
    expect(tags(box.peek('a'))).toEqual(['a2']);
    expect(box.stats).toMatchObject({ agents: 2, evicted: 1 });
  });

  it('evicts the oldest deliveries beyond maxBytes and refuses one that alone is too large', () => {
    const box = new DeliveryMailbox({ maxAgents: 10, maxBytes: 25 });
    box.put('a', delivery(RC, 'a', 10));
    box.put('b', delivery(RC, 'b', 10));
    box.put('c', delivery(RC, 'c', 10));
    expect(box.stats).toMatchObject({ entries: 2, bytes: 20, evicted: 1 });
    expect(box.put('d', delivery(RC, 'd', 26))).toBe('too-large');
    expect(box.stats.tooLarge).toBe(1);
  });

  it('removes selected kinds and drops an agent entirely', () => {
    const box = new DeliveryMailbox({ maxAgents: 10, maxBytes: 1000 });
    box.put('a', delivery(RC, 'rc'));
    box.put('a', delivery(FLAGS, 'fl'));
    box.remove('a', [FLAGS]);
    expect(tags(box.peek('a'))).toEqual(['rc']);
    expect(box.drop('a')).toBe(1);
    expect(box.stats.bytes).toBe(0);
  });

  it('validates its bounds once', () => {
    expect(() => new DeliveryMailbox({ maxAgents: 0, maxBytes: 1 })).toThrow(OpampCoreOptionError);
    expect(() => new DeliveryMailbox({ maxAgents: 1, maxBytes: 1.5 })).toThrow(/maxBytes/);
  });
});
