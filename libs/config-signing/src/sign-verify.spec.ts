import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ConfigHashInvalidError,
  configMapHash,
  SIGNATURE_CONTENT_TYPE,
  SIGNATURE_ENTRY_NAME,
  SigningKeyError,
  generateSigningKey,
  signConfig,
  signingKeyFromPem,
  verifyConfigSignature,
  type ConfigFileView,
  type SignatureEntry,
} from './index.js';

const testHash = configMapHash;

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const key = signingKeyFromPem(generateSigningKey().privateKeyPem);
const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const now = (): Date => new Date('2026-11-25T12:00:00.000Z');

function configFiles(): Map<string, ConfigFileView> {
  return new Map([
    ['collector.yaml', { body: enc('receivers: {}\n'), contentType: 'text/yaml' }],
    ['extra.yaml', { body: enc('exporters: {}\n'), contentType: 'text/yaml' }],
  ]);
}

function signed(files = configFiles()): { files: Map<string, ConfigFileView>; hash: string; entry: SignatureEntry } {
  const hash = testHash([...files].map(([name, f]) => ({ name, ...f })));
  const entry = signConfig(key, hash, { now });
  return { files: new Map([...files, [entry.name, entry]]), hash, entry };
}

function withEnvelope(files: Map<string, ConfigFileView>, edit: (e: Record<string, unknown>) => void): Map<string, ConfigFileView> {
  const sig = files.get(SIGNATURE_ENTRY_NAME)!;
  const envelope = JSON.parse(new TextDecoder().decode(sig.body)) as Record<string, unknown>;
  edit(envelope);
  return new Map([...files, [SIGNATURE_ENTRY_NAME, { ...sig, body: enc(JSON.stringify(envelope)) }]]);
}

const check = (files: Map<string, ConfigFileView> | Record<string, ConfigFileView>, publicKeys: (string | KeyObject)[] = [publicPem]) =>
  verifyConfigSignature({ files, publicKeys, computeHash: testHash });

describe('signConfig', () => {
  it('writes the reserved entry with a v1 Ed25519 envelope over the given hash', () => {
    const { entry, hash } = signed();
    expect(entry.name).toBe('shepherd.signature.json');
    expect(entry.contentType).toBe('application/vnd.shepherd.signature+json');
    const envelope = JSON.parse(new TextDecoder().decode(entry.body)) as Record<string, string>;
    expect(envelope).toMatchObject({ v: 1, alg: 'Ed25519', keyId: key.keyId, configHash: hash, signedAt: '2026-11-25T12:00:00.000Z' });
    const message = Buffer.from(`shepherd-config-v1:${hash}`, 'ascii');
    expect(verify(null, message, key.publicKey, Buffer.from(envelope['signature']!, 'base64url'))).toBe(true);
  });

  it('is deterministic: the same key and hash give the same signature', () => {
    const hash = 'ab'.repeat(32);
    const a = JSON.parse(new TextDecoder().decode(signConfig(key, hash).body)) as { signature: string };
    const b = JSON.parse(new TextDecoder().decode(signConfig(key, hash).body)) as { signature: string };
    expect(a.signature).toBe(b.signature);
    const c = JSON.parse(new TextDecoder().decode(signConfig(key, 'cd'.repeat(32)).body)) as { signature: string };
    expect(c.signature).not.toBe(a.signature);
  });

  it('refuses a hash that is not lower-case hex', () => {
    for (const bad of ['', 'AB'.repeat(32), 'xyz', 'abc']) {
      expect(() => signConfig(key, bad)).toThrow(ConfigHashInvalidError);
    }
  });
});

describe('verifyConfigSignature', () => {
  it('accepts a signed config (round trip) and reports the keyId and hash', () => {
    const { files, hash } = signed();
    expect(check(files)).toEqual({ ok: true, keyId: key.keyId, configHash: hash });
  });

  it('accepts a plain object map and a KeyObject as well as a Map and PEM', () => {
    const { files } = signed();
    expect(check(Object.fromEntries(files), [key.publicKey])).toMatchObject({ ok: true });
    expect(check(files, [key.privateKey])).toMatchObject({ ok: true });
  });

  it('signing leaves the config hash unchanged: the signed hash excludes the signature entry', () => {
    const { files, hash } = signed();
    const withoutSignature = [...files].filter(([n]) => n !== SIGNATURE_ENTRY_NAME).map(([name, f]) => ({ name, ...f }));
    expect(testHash(withoutSignature)).toBe(hash);
    expect(verifyConfigSignature({ files, publicKeys: [publicPem], computeHash: testHash, expectedConfigHash: hash }).ok).toBe(true);
  });

  it('reports hash-mismatch when a body was tampered with', () => {
    const { files } = signed();
    files.set('collector.yaml', { body: enc('receivers: {evil: {}}\n'), contentType: 'text/yaml' });
    expect(check(files)).toMatchObject({ ok: false, reason: 'hash-mismatch' });
  });

  it('reports hash-mismatch when a file was added or removed', () => {
    const added = signed().files.set('new.yaml', { body: enc('x'), contentType: 'text/yaml' });
    expect(check(added)).toMatchObject({ ok: false, reason: 'hash-mismatch' });
    const removed = signed().files;
    removed.delete('extra.yaml');
    expect(check(removed)).toMatchObject({ ok: false, reason: 'hash-mismatch' });
  });

  it('reports hash-mismatch when the wire config_hash differs from the signed one', () => {
    const { files } = signed();
    const result = verifyConfigSignature({ files, publicKeys: [publicPem], computeHash: testHash, expectedConfigHash: 'ff'.repeat(32) });
    expect(result).toMatchObject({ ok: false, reason: 'hash-mismatch' });
  });

  it('reports bad-signature when the signature was tampered with', () => {
    const tampered = withEnvelope(signed().files, (e) => {
      const sig = Buffer.from(e['signature'] as string, 'base64url');
      sig[10] = sig[10]! ^ 0xff;
      e['signature'] = sig.toString('base64url');
    });
    expect(check(tampered)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('reports bad-signature when the envelope hash was swapped for that of other files', () => {
    const tampered = withEnvelope(signed().files, (e) => {
      e['configHash'] = '00'.repeat(32);
    });
    expect(check(tampered)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('reports unknown-key when signed by a key that is not trusted', () => {
    const other = generateSigningKey().publicKeyPem;
    expect(check(signed().files, [other])).toMatchObject({ ok: false, reason: 'unknown-key' });
    expect(check(signed().files, [])).toMatchObject({ ok: false, reason: 'unknown-key' });
  });

  it('accepts any of several trusted keys (rotation) by keyId', () => {
    const oldKey = generateSigningKey().publicKeyPem;
    expect(check(signed().files, [oldKey, publicPem])).toMatchObject({ ok: true, keyId: key.keyId });
  });

  it('reports missing when there is no signature entry', () => {
    expect(check(configFiles())).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('reports malformed for bad JSON, wrong fields, wrong content type or an oversized body', () => {
    const { files } = signed();
    const sig = files.get(SIGNATURE_ENTRY_NAME)!;
    const variants: Map<string, ConfigFileView>[] = [
      new Map([...files, [SIGNATURE_ENTRY_NAME, { ...sig, body: enc('{not json') }]]),
      new Map([...files, [SIGNATURE_ENTRY_NAME, { ...sig, body: enc('[1]') }]]),
      new Map([...files, [SIGNATURE_ENTRY_NAME, { ...sig, body: Uint8Array.from([0xff, 0xfe]) }]]),
      new Map([...files, [SIGNATURE_ENTRY_NAME, { ...sig, contentType: 'application/json' }]]),
      new Map([...files, [SIGNATURE_ENTRY_NAME, { ...sig, body: new Uint8Array(5000).fill(0x20) }]]),
      withEnvelope(files, (e) => (e['v'] = 2)),
      withEnvelope(files, (e) => (e['alg'] = 'RS256')),
      withEnvelope(files, (e) => (e['keyId'] = 'short')),
      withEnvelope(files, (e) => (e['configHash'] = 'NOT-HEX')),
      withEnvelope(files, (e) => delete e['signedAt']),
      withEnvelope(files, (e) => (e['signature'] = 'a+b/')),
      withEnvelope(files, (e) => (e['signature'] = 'AAAA')),
    ];
    for (const variant of variants) expect(check(variant)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(SIGNATURE_CONTENT_TYPE).toBe(sig.contentType);
  });

  it('throws SigningKeyError for a trusted key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(() => check(signed().files, [rsa])).toThrow(SigningKeyError);
    expect(() => check(signed().files, ['garbage'])).toThrow(SigningKeyError);
  });
});
