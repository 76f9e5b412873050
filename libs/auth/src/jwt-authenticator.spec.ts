import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokenIssuer, type TestTokenIssuer } from '@shepherd/testing';
import { createAuthenticator, UnauthenticatedError, type Authenticator } from './index.js';
import { recordingLogger } from './test-logger.test-helpers.js';

let issuer: TestTokenIssuer;
let stranger: TestTokenIssuer;
let auth: Authenticator;
let dir: string;

beforeAll(async () => {
  issuer = await createTestTokenIssuer({ issuer: 'https://idp.test', audience: 'shepherd' });
  stranger = await createTestTokenIssuer({ issuer: 'https://idp.test', audience: 'shepherd', kid: issuer.kid });
  dir = await mkdtemp(join(tmpdir(), 'shepherd-auth-'));
  ({ authenticator: auth } = await createAuthenticator({
    mode: 'production',
    jwtKeyFile: issuer.publicKeyFile,
    issuer: 'https://idp.test',
    audience: 'shepherd',
    tenantClaim: 'org_id',
    logger: recordingLogger(),
  }));
});

afterAll(async () => {
  await issuer.dispose();
  await stranger.dispose();
  await rm(dir, { recursive: true, force: true });
});

const bearer = (token: string): string => `Bearer ${token}`;
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);

async function refusal(header: string | undefined, authenticator: Authenticator = auth): Promise<UnauthenticatedError> {
  const err = await authenticator.authenticate(header).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnauthenticatedError);
  const failure = err as UnauthenticatedError;
  expect(failure.code).toBe('AUTH_UNAUTHENTICATED');
  expect(failure.kind).toBe('unauthenticated');
  return failure;
}

describe('JWT authentication with a key file', () => {
  it('accepts a valid token and takes the tenant from the configured claim', async () => {
    const principal = await auth.authenticate(bearer(issuer.sign({ sub: 'alice', org_id: 'acme' })));
    expect(principal).toEqual({ subject: 'alice', tenantId: 'acme', roles: [], method: 'jwt' });
    expect(Object.isFrozen(principal)).toBe(true);
  });

  it('puts a token without the tenant claim in the default tenant', async () => {
    const principal = await auth.authenticate(bearer(issuer.sign({ tenant: 'ignored' })));
    expect(principal.tenantId).toBe('default');
    expect(principal.subject).toBe('test-user');
  });

  it('takes roles from the roles claim and from the space-separated scope', async () => {
    expect((await auth.authenticate(bearer(issuer.sign({ roles: ['admin', 'viewer'] })))).roles).toEqual(['admin', 'viewer']);
    expect((await auth.authenticate(bearer(issuer.sign({ scope: 'agents:read  configs:write' })))).roles).toEqual([
      'agents:read',
      'configs:write',
    ]);
    const both = await auth.authenticate(bearer(issuer.sign({ roles: ['admin'], scope: 'admin agents:read' })));
    expect(both.roles).toEqual(['admin', 'agents:read']);
  });

  it('refuses claims of the wrong type and a token without sub', async () => {
    expect((await refusal(bearer(issuer.sign({ org_id: 7 })))).reason).toBe('invalid_claims');
    expect((await refusal(bearer(issuer.sign({ roles: 'admin' })))).message).toMatch(/"roles" must be an array/);
    expect((await refusal(bearer(issuer.sign({ scope: ['a'] })))).message).toMatch(/"scope" must be a string/);
    expect((await refusal(bearer(issuer.sign({ sub: undefined })))).message).toMatch(/no "sub" claim/);
  });

  it('refuses an expired token but tolerates 30 s of clock skew', async () => {
    const expired = await refusal(bearer(issuer.sign({}, { expiresInSeconds: -120 })));
    expect(expired.reason).toBe('expired');
    expect(expired.message).toBe('JWT has expired');
    await expect(auth.authenticate(bearer(issuer.sign({}, { expiresInSeconds: -10 })))).resolves.toMatchObject({ method: 'jwt' });
  });

  it('refuses a token that is not valid yet', async () => {
    const early = await refusal(bearer(issuer.sign({ nbf: now() + 120 })));
    expect(early.reason).toBe('not_yet_valid');
    await expect(auth.authenticate(bearer(issuer.sign({ nbf: now() + 10 })))).resolves.toBeDefined();
  });

  it('refuses a token without exp', async () => {
    const err = await refusal(bearer(issuer.sign({}, { expiresInSeconds: null })));
    expect(err.reason).toBe('invalid_claims');
    expect(err.message).toBe('JWT has no "exp" claim');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = issuer.sign({ org_id: 'acme' }).split('.');
    const forged = `${header}.${b64({ sub: 'mallory', org_id: 'other', exp: now() + 60, iss: 'https://idp.test', aud: 'shepherd' })}.${signature}`;
    const err = await refusal(bearer(forged));
    expect(err.reason).toBe('bad_signature');
    expect(err.message).toBe('JWT signature does not verify');
  });

  it('refuses a token signed by another key', async () => {
    expect((await refusal(bearer(stranger.sign()))).reason).toBe('bad_signature');
  });

  it('refuses the wrong issuer and the wrong audience', async () => {
    const iss = await refusal(bearer(issuer.sign({ iss: 'https://evil.test' })));
    expect([iss.reason, iss.message]).toEqual(['wrong_issuer', 'JWT issuer (iss) is not the expected one']);
    const aud = await refusal(bearer(issuer.sign({ aud: 'someone-else' })));
    expect([aud.reason, aud.message]).toEqual(['wrong_audience', 'JWT audience (aud) is not the expected one']);
  });

  it('refuses an unsigned token (alg none) and an HMAC token keyed with the public key', async () => {
    const claims = { sub: 'mallory', exp: now() + 60, iss: 'https://idp.test', aud: 'shepherd' };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    expect((await refusal(bearer(none))).reason).toBe('algorithm_not_allowed');
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    const hmac = createHmac('sha256', issuer.publicKeyPem).update(input).digest('base64url');
    expect((await refusal(bearer(`${input}.${hmac}`))).reason).toBe('algorithm_not_allowed');
  });

  it('refuses a malformed header or a token that is not a JWT', async () => {
    expect((await refusal(undefined)).message).toBe('missing Authorization header');
    expect((await refusal(`Basic ${issuer.sign()}`)).message).toBe('Authorization header is not a bearer token');
    const junk = await refusal('Bearer not-a-jwt');
    expect([junk.reason, junk.message]).toEqual(['malformed', 'bearer token is not a well-formed JWT']);
    expect((await refusal('Bearer bm90IGpzb24.e30.c2ln')).reason).toBe('malformed');
  });

  it('verifies RS256 and EdDSA tokens with their own key files', async () => {
    for (const [type, alg] of [
      ['rsa', 'RS256'],
      ['ed25519', 'EdDSA'],
    ] as const) {
      const pair: { publicKey: KeyObject; privateKey: KeyObject } =
        type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
      const keyFile = join(dir, `${type}.pem`);
      await writeFile(keyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
      const { authenticator } = await createAuthenticator({ mode: 'production', jwtKeyFile: keyFile, tenantClaim: 'tenant', logger: recordingLogger() });
      const token = await new SignJWT({ tenant: 't1' }).setProtectedHeader({ alg }).setSubject('svc').setExpirationTime('1m').sign(pair.privateKey);
      expect(await authenticator.authenticate(bearer(token))).toEqual({ subject: 'svc', tenantId: 't1', roles: [], method: 'jwt' });
    }
  });
});
