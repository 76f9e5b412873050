import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newInstanceUid, uidToString } from '@shepherd/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INSTANCE_UID_FILE, InstanceUidFileError, InstanceUidStore } from './instance-uid-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uid-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('InstanceUidStore', () => {
  it('creates a UUID v7 once (in a new state dir) and returns the same uid afterwards', async () => {
    const stateDir = join(dir, 'state');
    const uid = await new InstanceUidStore(stateDir).loadOrCreate();
    expect(uid[6]! >> 4).toBe(7);
    expect(await readFile(join(stateDir, INSTANCE_UID_FILE), 'utf8')).toBe(`${uidToString(uid)}\n`);
    expect((await stat(join(stateDir, INSTANCE_UID_FILE))).mode & 0o777).toBe(0o600);
    expect(await new InstanceUidStore(stateDir).loadOrCreate()).toEqual(uid);
  });

  it('replaces the uid when the server assigns one', async () => {
    const store = new InstanceUidStore(dir);
    await store.loadOrCreate();
    const assigned = newInstanceUid();
    await store.save(assigned);
    expect(await new InstanceUidStore(dir).loadOrCreate()).toEqual(assigned);
  });

  it('refuses a file that holds no uid instead of silently becoming another agent', async () => {
    await writeFile(join(dir, INSTANCE_UID_FILE), 'not-a-uuid\n');
    await expect(new InstanceUidStore(dir).loadOrCreate()).rejects.toThrow(InstanceUidFileError);
    await expect(new InstanceUidStore(dir).loadOrCreate()).rejects.toThrow(/does not hold a canonical UUID \(delete it to start as a new agent\)/);
    await expect(new InstanceUidStore(dir).save(new Uint8Array(3))).rejects.toThrow(/exactly 16 bytes/);
  });
});
