import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeyError, generateSigningKey, keyIdOf, loadSigningKey, publicKeyInfo, signingKeyFromPem } from './index.js';

describe('signing keys', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'config-signing-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function keyFile(name: string, content: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, content);
    return file;
  }

  it('loads a PKCS#8 Ed25519 key from a file and derives its public key', async () => {
    const generated = generateSigningKey();
    const key = await loadSigningKey({ privateKeyFile: await keyFile('ok.pem', generated.privateKeyPem) });
    expect(key.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(key.publicKey.export({ type: 'spki', format: 'pem' }).toString()).toBe(generated.publicKeyPem);
  });

  it('keyId is the first 16 hex of sha256 over the SPKI DER and stable across loads', async () => {
    const generated = generateSigningKey();
    const file = await keyFile('stable.pem', generated.privateKeyPem);
    const first = await loadSigningKey({ privateKeyFile: file });
    const second = await loadSigningKey({ privateKeyFile: file });
    const der = first.publicKey.export({ type: 'spki', format: 'der' });
    expect(first.keyId).toBe(createHash('sha256').update(der).digest('hex').slice(0, 16));
    expect(second.keyId).toBe(first.keyId);
    expect(signingKeyFromPem(generated.privateKeyPem).keyId).toBe(first.keyId);
    expect(keyIdOf(first.publicKey)).toBe(first.keyId);
    expect(first.keyId).not.toBe(signingKeyFromPem(generateSigningKey().privateKeyPem).keyId);
  });

  it('rejects an RSA key file, naming the file and the key type', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const file = await keyFile('rsa.pem', rsa.toString());
    const err = await loadSigningKey({ privateKeyFile: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigningKeyError);
    expect(err).toMatchObject({ code: 'CONFIG_SIGNING_KEY_INVALID', kind: 'invalid_argument' });
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('rsa, not Ed25519');
  });

  it('rejects a file that is not a PEM private key', async () => {
    const file = await keyFile('garbage.pem', 'this is not a key\n');
    const err = await loadSigningKey({ privateKeyFile: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigningKeyError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('not a PEM private key');
  });

  it('rejects a public key where a private key is required', async () => {
    const file = await keyFile('public.pem', generateSigningKey().publicKeyPem);
    await expect(loadSigningKey({ privateKeyFile: file })).rejects.toThrow(SigningKeyError);
  });

  it('rejects a missing file, naming it', async () => {
    const file = join(dir, 'absent.pem');
    const err = await loadSigningKey({ privateKeyFile: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigningKeyError);
    expect((err as Error).message).toContain(`${file} cannot be read`);
    expect((err as Error & { cause: { code: string } }).cause.code).toBe('ENOENT');
  });

  it('publishes the public key as PEM and as an OKP JWK carrying the keyId', () => {
    const generated = generateSigningKey();
    const key = signingKeyFromPem(generated.privateKeyPem);
    const info = publicKeyInfo(key);
    expect(info).toMatchObject({ keyId: key.keyId, alg: 'Ed25519', publicKeyPem: generated.publicKeyPem });
    expect(info.publicKeyJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: key.keyId, alg: 'EdDSA', use: 'sig' });
    expect(Buffer.from(info.publicKeyJwk.x, 'base64url')).toHaveLength(32);
    expect(JSON.stringify(info)).not.toContain('"d"');
  });
});
