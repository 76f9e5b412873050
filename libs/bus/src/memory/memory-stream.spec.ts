import { describe, expect, it } from 'vitest';
import { resolveStreamDefinition } from '../stream-definition.js';
import { MemoryStream } from './memory-stream.js';

const NO_HEADERS: ReadonlyMap<string, string> = new Map();
const data = (n: number) => new Uint8Array(n);

function stream(limits: { maxMsgs?: number; maxBytes?: number; maxAgeMs?: number; duplicateWindowMs?: number }) {
  return new MemoryStream(resolveStreamDefinition({ name: 'S', subjects: ['s.>'], ...limits }));
}

describe('MemoryStream', () => {
  it('keeps 100 000 messages by default and drops the oldest beyond', () => {
    const s = stream({});
    for (let i = 0; i < 100_001; i++) s.append('s.x', data(0), NO_HEADERS, undefined, 0);
    expect(s.get(1, 0)).toBeUndefined();
    expect(s.get(2, 0)?.seq).toBe(2);
    expect(s.nextMatching(0, undefined, 0)?.seq).toBe(2);
    expect(s.lastSeq).toBe(100_001);
  });

  it('drops the oldest messages beyond maxBytes', () => {
    const s = stream({ maxBytes: 10 });
    [4, 4, 4].forEach((n) => s.append('s.x', data(n), NO_HEADERS, undefined, 0));
    expect(s.get(1, 0)).toBeUndefined();
    expect(s.nextMatching(1, undefined, 0)?.seq).toBe(2);
  });

  it('drops messages older than maxAgeMs', () => {
    const s = stream({ maxAgeMs: 1_000, duplicateWindowMs: 500 });
    s.append('s.x', data(1), NO_HEADERS, undefined, 0);
    s.append('s.x', data(1), NO_HEADERS, undefined, 600);
    expect(s.get(1, 999)?.seq).toBe(1);
    expect(s.get(1, 1_001)).toBeUndefined();
    expect(s.nextMatching(1, undefined, 1_001)?.seq).toBe(2);
  });

  it('forgets msgIds after the duplicate window', () => {
    const s = stream({ duplicateWindowMs: 100 });
    expect(s.append('s.x', data(1), NO_HEADERS, 'a', 0)).toMatchObject({ sequence: 1, duplicate: false });
    expect(s.append('s.x', data(1), NO_HEADERS, 'a', 99)).toMatchObject({ sequence: 1, duplicate: true });
    expect(s.append('s.x', data(1), NO_HEADERS, 'a', 100)).toMatchObject({ sequence: 2, duplicate: false });
  });

  it('finds the next message matching a filter', () => {
    const s = stream({});
    ['s.a', 's.b.c', 's.a'].forEach((subject) => s.append(subject, data(1), NO_HEADERS, undefined, 0));
    expect(s.nextMatching(1, 's.b.*', 0)?.seq).toBe(2);
    expect(s.nextMatching(2, 's.a', 0)?.seq).toBe(3);
    expect(s.nextMatching(4, undefined, 0)).toBeUndefined();
  });
});
