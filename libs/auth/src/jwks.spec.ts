import { afterEach, describe, expect, it } from 'vitest';
import { AuthKeysUnavailableError, createAuthenticator, UnauthenticatedError, type AuthenticatorOptions } from './index.js';
import { issuerPairForSpec, startJwksServer, type JwksServer } from './jwks-server.test-helpers.js';
import { recordingLogger } from './test-logger.test-helpers.js';

const issuers = issuerPairForSpec();
let jwks: JwksServer;
afterEach(async () => {
  await jwks.close();
});

async function jwksAuth(extra: Partial<AuthenticatorOptions> = {}) {
  jwks = await startJwksServer();
  const logger = recordingLogger();
  const { authenticator, devToken } = await createAuthenticator({
    mode: 'production',
    jwksUrl: jwks.url,
    tenantClaim: 'tenant',
    logger,
    ...extra,
  });
  return { authenticator, devToken, logger };
}

describe('JWT authentication with a JWKS URL', () => {
  it('verifies tokens with keys fetched from the URL and caches the set', async () => {
    const { authenticator, devToken } = await jwksAuth();
    jwks.keys = [issuers.first.publicJwk];
    expect(devToken).toBeUndefined();
    expect(await authenticator.authenticate(`Bearer ${issuers.first.sign({ tenant: 'acme' })}`)).toMatchObject({ tenantId: 'acme', method: 'jwt' });
    await authenticator.authenticate(`Bearer ${issuers.first.sign()}`);
    expect(jwks.fetches).toBe(1);
  });

  it('fetches the set again when a token names a new kid (key rotation)', async () => {
    const { authenticator } = await jwksAuth({ jwks: { cooldownMs: 0 } });
    jwks.keys = [issuers.first.publicJwk];
    await authenticator.authenticate(`Bearer ${issuers.first.sign()}`);
    jwks.keys = [issuers.first.publicJwk, issuers.second.publicJwk];
    expect(await authenticator.authenticate(`Bearer ${issuers.second.sign({ sub: 'rotated' })}`)).toMatchObject({ subject: 'rotated' });
    expect(jwks.fetches).toBe(2);
  });

  it('refuses a token whose kid is not in the set', async () => {
    const { authenticator } = await jwksAuth();
    jwks.keys = [issuers.first.publicJwk];
    const err = await authenticator.authenticate(`Bearer ${issuers.second.sign()}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthenticatedError);
    expect((err as UnauthenticatedError).reason).toBe('unknown_key');
    expect((err as UnauthenticatedError).message).toBe('JWT was signed by an unknown key');
  });

  it('refuses an unsigned token (alg none) without fetching keys', async () => {
    const { authenticator } = await jwksAuth();
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const none = `${b64({ alg: 'none', kid: 'key-1' })}.${b64({ sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 })}.`;
    const err = await authenticator.authenticate(`Bearer ${none}`).catch((e: unknown) => e);
    expect((err as UnauthenticatedError).reason).toBe('algorithm_not_allowed');
    expect(jwks.fetches).toBe(0);
  });

  it('answers AuthKeysUnavailableError, and logs it, when the JWKS endpoint fails', async () => {
    const { authenticator, logger } = await jwksAuth();
    jwks.status = 500;
    const err = await authenticator.authenticate(`Bearer ${issuers.first.sign()}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthKeysUnavailableError);
    expect((err as AuthKeysUnavailableError).code).toBe('AUTH_KEYS_UNAVAILABLE');
    expect((err as AuthKeysUnavailableError).kind).toBe('unavailable');
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(['cannot fetch the JWT verification keys (JWKS)']);
  });

  it('answers AuthKeysUnavailableError when nothing listens at the JWKS URL', async () => {
    const { authenticator } = await jwksAuth();
    await jwks.close();
    const err = await authenticator.authenticate(`Bearer ${issuers.first.sign()}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthKeysUnavailableError);
    jwks = await startJwksServer(); // afterEach closes it
  });
});
