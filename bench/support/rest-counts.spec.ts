import { describe, expect, it } from 'vitest';
import { appliedInSummary, connectedOnPage, countApplied, countConnected, pacedProbe, RestAnswerError, type ProbeClock } from './rest-counts.js';

const agent = (connected: boolean) => ({ instanceUid: '00000000-0000-4000-8000-000000000001', connected, labels: {} });

describe('connectedOnPage', () => {
  it('counts the connected agents of a page and returns its cursor', () => {
    expect(connectedOnPage({ agents: [agent(true), agent(false), agent(true)], next: 'c1' })).toEqual({ agents: 3, connected: 2, next: 'c1' });
    expect(connectedOnPage({ agents: [] })).toEqual({ agents: 0, connected: 0, next: undefined });
  });

  it.each([
    [{ error: { code: 'AUTH_UNAUTHENTICATED' } }, /without an agents list/],
    [{ agents: [{ instanceUid: 'x' }] }, /without a boolean connected/],
    [{ agents: [], next: '' }, /malformed next cursor/],
  ])('refuses %j', (body, message) => {
    expect(() => connectedOnPage(body)).toThrow(RestAnswerError);
    expect(() => connectedOnPage(body)).toThrow(message);
  });
});

describe('countConnected', () => {
  it('pages through the agents the selector matches, largest pages first to last', async () => {
    const asked: string[] = [];
    const pages: Record<string, unknown> = {
      '/v1/agents?labels=bench%3Dscale_1&limit=1000': { agents: [agent(true), agent(true)], next: 'a b' },
      '/v1/agents?labels=bench%3Dscale_1&limit=1000&after=a%20b': { agents: [agent(false), agent(true)] },
    };
    const count = await countConnected(async (path) => {
      asked.push(path);
      if (!(path in pages)) throw new Error(`unexpected ${path}`);
      return pages[path];
    }, 'bench=scale_1');
    expect(count).toBe(3);
    expect(asked).toHaveLength(2);
  });
});

describe('fleet summary', () => {
  it('reads applied and asks the summary route of the hash', async () => {
    expect(appliedInSummary({ hash: 'ab', total: 5, applied: 4, failed: 0, pending: 1, offline: 0 })).toBe(4);
    expect(() => appliedInSummary({ total: 5 })).toThrow(/the fleet summary has no applied count/);
    let asked = '';
    expect(await countApplied(async (path) => ((asked = path), { applied: 7 }), 'ABCDEF0123456789')).toBe(7);
    expect(asked).toBe('/v1/config-versions/ABCDEF0123456789/summary');
    await expect(countApplied(async () => ({ applied: 1 }), '../agents')).rejects.toThrow(/not a config hash/);
  });
});

/** A clock that only moves when the probe sleeps or a read takes time. */
function fakeClock(): ProbeClock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    async sleep(ms: number) {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

describe('pacedProbe', () => {
  it('spaces reads by the minimum interval, and a slow read by its duration over the duty', async () => {
    const clock = fakeClock();
    let readMs = 100;
    const probe = pacedProbe(async () => ((clock.t += readMs), 1), { minIntervalMs: 500, maxDuty: 0.25 }, clock);
    await probe(undefined);
    await probe(undefined);
    // 100 ms read: next start 500 ms after the last start, i.e. 400 ms after it ended.
    expect(clock.sleeps).toEqual([400]);
    readMs = 1_000;
    await probe(undefined);
    await probe(undefined);
    // 1 s read at duty 0.25: next start 4 s after its start.
    expect(clock.sleeps).toEqual([400, 400, 3_000]);
  });

  it('shares a pending read with callers asking the same, and serializes different ones', async () => {
    const clock = fakeClock();
    const reads: string[] = [];
    const probe = pacedProbe(async (hash: string) => (reads.push(hash), hash.length), { minIntervalMs: 500, maxDuty: 0.25 }, clock);
    const [a, b, c] = await Promise.all([probe('aa'), probe('aa'), probe('bbb')]);
    expect([a, b, c]).toEqual([2, 2, 3]);
    expect(reads).toEqual(['aa', 'bbb']);
    expect(clock.sleeps).toEqual([500]);
  });

  it('gives a caller that asks while a read is running the next read, not that one', async () => {
    const clock = fakeClock();
    let value = 0;
    let release: () => void = () => undefined;
    const probe = pacedProbe(async () => {
      value += 1;
      if (value === 1) await new Promise<void>((resolve) => (release = resolve));
      return value;
    }, { minIntervalMs: 500, maxDuty: 0.25 }, clock);
    const first = probe(undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const second = probe(undefined);
    release();
    expect([await first, await second]).toEqual([1, 2]);
  });

  it('keeps pacing after a failed read and passes the failure on', async () => {
    const clock = fakeClock();
    let fail = true;
    const probe = pacedProbe(async () => {
      if (fail) throw new Error('503');
      return 5;
    }, { minIntervalMs: 500, maxDuty: 0.5 }, clock);
    await expect(probe(undefined)).rejects.toThrow('503');
    fail = false;
    expect(await probe(undefined)).toBe(5);
    expect(clock.sleeps).toEqual([500]);
  });
});
