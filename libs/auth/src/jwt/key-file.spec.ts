import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError } from '../errors.js';
import { readVerificationKey } from './key-file.js';
import { selfSignedCertificate } from './self-signed-cert.test-helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shepherd-auth-keys-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const pem = (pair: { publicKey: KeyObject }): string => pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecKey = (namedCurve: string) => pem(generateKeyPairSync('ec', { namedCurve }));
const rsaKey = (modulusLength: number) => pem(generateKeyPairSync('rsa', { modulusLength }));

describe('readVerificationKey', () => {
  it('reads SPKI public keys and picks the algorithm from the key type', async () => {
    const ec = await readVerificationKey(await file('ec.pem', ecKey('P-256')));
    expect(ec.algorithms).toEqual(['ES256']);
    const rsa = await readVerificationKey(await file('rsa.pem', rsaKey(2048)));
    expect(rsa.algorithms).toEqual(['RS256']);
    const ed = await readVerificationKey(await file('ed.pem', pem(generateKeyPairSync('ed25519'))));
    expect(ed.algorithms).toEqual(['EdDSA', 'Ed25519']);
  });

  it('reads the subject key of an X.509 certificate', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = await readVerificationKey(await file('cert.pem', selfSignedCertificate(publicKey, privateKey)));
    expect(key.algorithms).toEqual(['ES256']);
    expect(key.key.export({ format: 'jwk' })).toEqual(publicKey.export({ format: 'jwk' }));
  });

  it('refuses a missing file, a private key, garbage, short RSA and other curves', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const cases: [string, RegExp][] = [
      [join(dir, 'absent.pem'), /cannot read JWT key file/],
      [await file('private.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), /private key/],
      [await file('junk.pem', 'hello'), /neither a PEM public key/],
      [await file('broken.pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), /cannot parse/],
      [await file('rsa1024.pem', rsaKey(1024)), /1024 bits/],
      [await file('p384.pem', ecKey('P-384')), /unsupported key type ec \(secp384r1\)/],
    ];
    for (const [path, message] of cases) {
      const err = await readVerificationKey(path).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(AuthConfigError);
      expect((err as AuthConfigError).message).toMatch(message);
      expect((err as AuthConfigError).code).toBe('AUTH_CONFIG_INVALID');
    }
  });
});
