import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStreamDeleted, directoryCheck, LeftoverError, parseStreamInfo, parseStreamNames, verifyNothingLeft, type Leftover, type LeftoverCheck } from './run-leftovers.js';

const NOT_FOUND = { type: 'io.nats.jetstream.api.v1.stream_info_response', error: { code: 404, err_code: 10059, description: 'stream not found' } };

describe('JetStream API answers', () => {
  it('reads stream names, null as none', () => {
    expect(parseStreamNames({ total: 2, streams: ['AGENT_EVENTS_s', 'CONFIG_EVENTS_s'] })).toEqual(['AGENT_EVENTS_s', 'CONFIG_EVENTS_s']);
    expect(parseStreamNames({ total: 0, streams: null })).toEqual([]);
    expect(() => parseStreamNames({ error: { code: 503, description: 'JetStream not enabled' } })).toThrow(/STREAM.NAMES failed: JetStream not enabled \(code 503\)/);
  });

  it('reads a stream message count and a missing stream as undefined', () => {
    expect(parseStreamInfo({ config: {}, state: { messages: 95_000 } })).toEqual({ messages: 95_000 });
    expect(parseStreamInfo(NOT_FOUND)).toBeUndefined();
    expect(() => parseStreamInfo({ error: { code: 500, description: 'boom' } })).toThrow(/STREAM.INFO failed: boom/);
  });

  it('accepts a deletion that succeeded or found nothing, and refuses anything else', () => {
    expect(() => checkStreamDeleted({ success: true }, 'A')).not.toThrow();
    expect(() => checkStreamDeleted(NOT_FOUND, 'A')).not.toThrow();
    expect(() => checkStreamDeleted({ success: false }, 'A')).toThrow(/STREAM.DELETE A did not report success/);
  });
});

/** A check over an in-memory set of names; `stubborn` names survive the first removal. */
function fakeCheck(present: Set<string>, stubborn: Set<string> = new Set()): LeftoverCheck & { removals: number } {
  const check = {
    what: 'fake things',
    removals: 0,
    async find(): Promise<Leftover[]> {
      return [...present].map((name) => ({ kind: 'thing', name, detail: 'here' }));
    },
    async remove(found: readonly Leftover[]): Promise<void> {
      check.removals += 1;
      for (const l of found) if (!stubborn.has(l.name)) present.delete(l.name);
    },
  };
  return check;
}

describe('verifyNothingLeft', () => {
  it('resolves quietly when nothing is left', async () => {
    const warnings: string[] = [];
    const check = fakeCheck(new Set());
    await verifyNothingLeft([check], (l) => warnings.push(l));
    expect(warnings).toEqual([]);
    expect(check.removals).toBe(0);
  });

  it('deletes a leftover once more and says so', async () => {
    const warnings: string[] = [];
    await verifyNothingLeft([fakeCheck(new Set(['AGENT_EVENTS_s']))], (l) => warnings.push(l));
    expect(warnings).toEqual(['still there after the cleanup steps: thing AGENT_EVENTS_s (here); deleting again', 'deleted on the second attempt: thing AGENT_EVENTS_s (here)']);
  });

  it('fails naming what is still there, and still runs the other checks', async () => {
    const failing: LeftoverCheck = { what: 'Redis keys s:*', find: () => Promise.reject(new Error('ECONNREFUSED')), remove: async () => undefined };
    const other = fakeCheck(new Set(['s:fence']), new Set(['s:fence']));
    const err = await verifyNothingLeft([failing, other], () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeftoverError);
    expect((err as LeftoverError).lines).toEqual(['could not check the Redis keys s:*: ECONNREFUSED', 'left behind: thing s:fence (here)']);
    expect(other.removals).toBe(1);
  });
});

describe('directoryCheck', () => {
  it('finds a directory that exists and removes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'leftover-'));
    try {
      const check = directoryCheck(dir);
      expect(await check.find()).toEqual([{ kind: 'directory', name: dir, detail: 'exists' }]);
      await check.remove(await check.find());
      expect(await check.find()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
