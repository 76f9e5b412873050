import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, signingKeyFromPem, SIGNATURE_ENTRY_NAME, SigningKeyError, verifyConfigSignature } from '@shepherd/config-signing';
import { afterAll, describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { configHash } from './config-hash.js';
import { parseSelector } from './selector.js';
import { useServiceHarness } from './service-harness.test-helpers.js';
import { DEV_SIGNING_KEY_FILE, resolveSigningKey } from './signing-key-source.js';
import { useTestDatabase } from './test-database.test-helpers.js';

const keyPems = generateSigningKey();
const signingKey = signingKeyFromPem(keyPems.privateKeyPem);

describe('signed offers', () => {
  const db = useTestDatabase('pglite');
  const h = useServiceHarness(db, { signingKey });

  it('adds a signature entry an agent can verify, and keeps the wire hash equal to the stored version hash', async () => {
    const { configHash: stored } = await h.createConfig({ selector: parseSelector('env=test') });
    const agent = newAgent();
    await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
    await h.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'test' }) });

    const [offer] = await h.takeDeliveries();
    const remote = offer!.serverToAgent.remoteConfig!;
    const configMap = remote.config!.configMap!;
    expect(Object.keys(configMap).sort()).toEqual(['collector.yaml', SIGNATURE_ENTRY_NAME]);
    expect(Buffer.from(remote.configHash!).toString('hex')).toBe(stored);

    const files = Object.fromEntries(
      Object.entries(configMap).map(([name, file]) => [name, { body: file.body!, contentType: file.contentType! }]),
    );
    const verdict = verifyConfigSignature({
      files,
      publicKeys: [keyPems.publicKeyPem],
      computeHash: (list) => configHash(list.map((f) => ({ name: f.name, contentType: f.contentType, body: Buffer.from(f.body) }))),
      expectedConfigHash: stored,
    });
    expect(verdict).toMatchObject({ ok: true, keyId: signingKey.keyId, configHash: stored });

    const tampered = { ...files, 'collector.yaml': { ...files['collector.yaml']!, body: Buffer.from('receivers: {}\n') } };
    expect(
      verifyConfigSignature({
        files: tampered,
        publicKeys: [keyPems.publicKeyPem],
        computeHash: (list) => configHash(list.map((f) => ({ name: f.name, contentType: f.contentType, body: Buffer.from(f.body) }))),
      }),
    ).toMatchObject({ ok: false, reason: 'hash-mismatch' });
  });

  it('signs every offer of a fan-out (each batch signed once) with an entry agents can verify', async () => {
    for (let i = 0; i < 5; i++) {
      const agent = newAgent();
      await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
      await h.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'prod' }) });
    }
    await h.takeDeliveries();
    const { configHash: stored } = await h.createConfig({ selector: parseSelector('env=prod') });

    const offers = await h.takeDeliveries();
    expect(offers).toHaveLength(5);
    for (const offer of offers) {
      const files = Object.fromEntries(
        Object.entries(offer.serverToAgent.remoteConfig!.config!.configMap!).map(([name, file]) => [name, { body: file.body!, contentType: file.contentType! }]),
      );
      const verdict = verifyConfigSignature({
        files,
        publicKeys: [keyPems.publicKeyPem],
        computeHash: (list) => configHash(list.map((f) => ({ name: f.name, contentType: f.contentType, body: Buffer.from(f.body) }))),
        expectedConfigHash: stored,
      });
      expect(verdict).toMatchObject({ ok: true, keyId: signingKey.keyId, configHash: stored });
    }
  });
});

describe('resolveSigningKey', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shepherd-signing-'));
    dirs.push(dir);
    return dir;
  };

  it('generates a development key once under DATA_DIR, private to its owner, and reuses it', async () => {
    const dir = await dataDir();
    const first = await resolveSigningKey({ mode: 'development', dataDir: dir });
    const second = await resolveSigningKey({ mode: 'development', dataDir: dir });
    expect(second.keyId).toBe(first.keyId);
    expect((await stat(join(dir, DEV_SIGNING_KEY_FILE))).mode & 0o777).toBe(0o600);
  });

  it('refuses production mode without CONFIG_SIGNING_KEY_FILE', async () => {
    await expect(resolveSigningKey({ mode: 'production', dataDir: await dataDir() })).rejects.toThrow(SigningKeyError);
  });

  it('loads the configured key file in production mode', async () => {
    const dir = await dataDir();
    await resolveSigningKey({ mode: 'development', dataDir: dir });
    const keyFile = join(dir, DEV_SIGNING_KEY_FILE);
    const key = await resolveSigningKey({ mode: 'production', dataDir: '/nonexistent', keyFile });
    expect(key.keyId).toBe(signingKeyFromPem(await readFile(keyFile, 'utf8')).keyId);
  });
});
