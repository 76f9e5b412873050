import { createPublicKey, verify } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createTestTokenIssuer } from './test-issuer.js';

const part = (token: string, i: number): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString());

describe('createTestTokenIssuer', () => {
  it('signs ES256 tokens that verify with the PEM file it wrote and with its JWK', async () => {
    const issuer = await createTestTokenIssuer({ kid: 'k1', issuer: 'https://idp.test', audience: 'shepherd' });
    try {
      const token = issuer.sign({ tenant: 'acme' });
      const [h, p, s] = token.split('.');
      const pem = await readFile(issuer.publicKeyFile, 'utf8');
      expect(pem).toBe(issuer.publicKeyPem);
      for (const key of [createPublicKey(pem), createPublicKey({ key: { ...issuer.publicJwk }, format: 'jwk' })]) {
        expect(verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s!, 'base64url'))).toBe(true);
      }
      expect(part(token, 0)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' });
      const claims = part(token, 1);
      expect(claims).toMatchObject({ sub: 'test-user', iss: 'https://idp.test', aud: 'shepherd', tenant: 'acme' });
      expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(300);
    } finally {
      await issuer.dispose();
    }
  });

  it('leaves out exp on request, drops claims set to undefined and merges header fields', async () => {
    const issuer = await createTestTokenIssuer();
    const token = issuer.sign({ sub: undefined, roles: ['admin'] }, { expiresInSeconds: null, header: { kid: 'other' } });
    expect(part(token, 1)).toEqual({ iat: expect.any(Number), roles: ['admin'] });
    expect(part(token, 0)['kid']).toBe('other');
    await issuer.dispose();
    await expect(access(issuer.publicKeyFile)).rejects.toThrow();
  });
});
