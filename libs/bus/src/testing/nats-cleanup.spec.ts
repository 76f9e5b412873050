import { testEngines, uniqueName } from '@shepherd/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { BusUnavailableError, InvalidBusOptionError, InvalidSubjectError } from '../errors.js';
import { connectNatsBus } from '../nats/connect-nats-bus.js';
import { NatsTestAdmin } from '../nats/nats-test-admin.test-helpers.js';
import { createTopology, ensureTopology } from '../topology.js';
import { deleteTopologyStreams, natsServerVersion } from './nats-cleanup.js';

const admin = new NatsTestAdmin();
const marker = uniqueName('cleanup');
afterAll(async () => {
  await admin.deleteStreams(marker);
  await admin.close();
});

describe('deleteTopologyStreams', () => {
  it("deletes the prefix's streams and leaves another prefix's alone", async () => {
    const mine = `${marker}_a`;
    const other = `${marker}_b`;
    const bus = await connectNatsBus({ servers: testEngines.natsUrl, name: `cleanup-${marker}` });
    try {
      await ensureTopology(bus, createTopology({ prefix: mine }));
      await ensureTopology(bus, createTopology({ prefix: other }));
    } finally {
      await bus.close();
    }
    expect(await admin.streamNames(mine)).toHaveLength(2);

    await deleteTopologyStreams(testEngines.natsUrl, mine);

    expect(await admin.streamNames(mine)).toEqual([]);
    expect((await admin.streamNames(other)).sort()).toEqual(Object.values(createTopology({ prefix: other }).streams).map((s) => s.name).sort());
  });

  it('skips streams that were never created', async () => {
    await expect(deleteTopologyStreams(testEngines.natsUrl, `${marker}_never`)).resolves.toBeUndefined();
  });

  it('refuses the production default prefix and prefixes that are not literal subjects', async () => {
    await expect(deleteTopologyStreams(testEngines.natsUrl, 'opamp')).rejects.toBeInstanceOf(InvalidBusOptionError);
    await expect(deleteTopologyStreams(testEngines.natsUrl, 'a.*')).rejects.toBeInstanceOf(InvalidSubjectError);
  });

  it('fails with BusUnavailableError naming the address when NATS does not answer', async () => {
    const err = await deleteTopologyStreams('nats://127.0.0.1:1', `${marker}_x`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusUnavailableError);
    expect((err as Error).message).toContain('127.0.0.1:1');
  });
});

describe('natsServerVersion', () => {
  it('reports the server version', async () => {
    expect(await natsServerVersion(testEngines.natsUrl)).toMatch(/^\d+\.\d+\.\d+/);
  });
});
