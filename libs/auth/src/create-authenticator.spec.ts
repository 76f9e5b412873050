import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTokenIssuer, type TestTokenIssuer } from '@shepherd/testing';
import { AuthConfigError, createAuthenticator, UnauthenticatedError, type AuthenticatorOptions } from './index.js';
import { recordingLogger } from './test-logger.test-helpers.js';

let issuer: TestTokenIssuer;
beforeAll(async () => {
  issuer = await createTestTokenIssuer();
});
afterAll(async () => {
  await issuer.dispose();
});

const DEV_TOKEN = 'dev-token-0123456789abcdef';
const base = { tenantClaim: 'tenant', logger: recordingLogger() } as const;

async function configError(opts: AuthenticatorOptions): Promise<AuthConfigError> {
  const err = await createAuthenticator(opts).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AuthConfigError);
  expect((err as AuthConfigError).code).toBe('AUTH_CONFIG_INVALID');
  expect((err as AuthConfigError).kind).toBe('invalid_argument');
  return err as AuthConfigError;
}

describe('createAuthenticator in production mode', () => {
  it('refuses to start without a JWT key file or JWKS URL', async () => {
    expect((await configError({ ...base, mode: 'production' })).message).toBe('production mode needs AUTH_JWT_KEY_FILE or AUTH_JWKS_URL');
  });

  it('refuses a development token', async () => {
    const err = await configError({ ...base, mode: 'production', jwtKeyFile: issuer.publicKeyFile, devToken: DEV_TOKEN });
    expect(err.message).toBe('AUTH_DEV_TOKEN is refused in production mode');
  });

  it('refuses both key sources, a bad JWKS URL and a bad tenant claim name', async () => {
    expect((await configError({ ...base, mode: 'production', jwtKeyFile: issuer.publicKeyFile, jwksUrl: 'https://idp.test/jwks' })).message).toMatch(/not both/);
    expect((await configError({ ...base, mode: 'production', jwksUrl: 'ftp://idp.test/jwks' })).message).toMatch(/http:\/\/ or https:\/\//);
    expect((await configError({ ...base, mode: 'production', jwksUrl: 'not a url' })).message).toMatch(/not a URL/);
    expect((await configError({ ...base, tenantClaim: 'a b', mode: 'production', jwtKeyFile: issuer.publicKeyFile })).message).toMatch(/claim name/);
    expect((await configError({ ...base, mode: 'production', jwksUrl: 'https://idp.test/jwks', jwks: { cooldownMs: -1 } })).message).toMatch(/cooldownMs/);
  });

  it('refuses a token cache size or lifetime that is not a non-negative integer', async () => {
    const prod = { ...base, mode: 'production', jwtKeyFile: issuer.publicKeyFile } as const;
    for (const tokenCacheMax of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect((await configError({ ...prod, tokenCacheMax })).message).toBe('AUTH_TOKEN_CACHE_MAX must be a non-negative integer');
    }
    expect((await configError({ ...prod, tokenCacheMax: 1_000_001 })).message).toBe('AUTH_TOKEN_CACHE_MAX must be at most 1000000');
    for (const tokenCacheTtlMs of [-1, 0.5, Number.NaN]) {
      expect((await configError({ ...prod, tokenCacheTtlMs })).message).toBe('AUTH_TOKEN_CACHE_TTL_MS must be a non-negative integer');
    }
    await expect(createAuthenticator({ ...prod, tokenCacheMax: 0, tokenCacheTtlMs: 0 })).resolves.toBeDefined();
  });

  it('returns no development token and refuses anything but a valid JWT', async () => {
    const setup = await createAuthenticator({ ...base, mode: 'production', jwtKeyFile: issuer.publicKeyFile });
    expect(setup.devToken).toBeUndefined();
    expect(await setup.authenticator.authenticate(`Bearer ${issuer.sign()}`)).toMatchObject({ method: 'jwt' });
    const err = await setup.authenticator.authenticate('Bearer dev').catch((e: unknown) => e);
    expect((err as UnauthenticatedError).reason).toBe('malformed');
  });
});

describe('createAuthenticator in development mode', () => {
  it('accepts the configured development token as the dev admin', async () => {
    const { authenticator, devToken } = await createAuthenticator({ ...base, mode: 'development', devToken: DEV_TOKEN });
    expect(devToken).toBe(DEV_TOKEN);
    const principal = await authenticator.authenticate(`Bearer ${DEV_TOKEN}`);
    expect(principal).toEqual({ subject: 'dev', tenantId: 'default', roles: ['admin'], method: 'dev-token' });
    expect(Object.isFrozen(principal) && Object.isFrozen(principal.roles)).toBe(true);
  });

  it('refuses a different token with a reason and without echoing it', async () => {
    const { authenticator } = await createAuthenticator({ ...base, mode: 'development', devToken: DEV_TOKEN });
    const err = await authenticator.authenticate(`Bearer ${DEV_TOKEN}x`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthenticatedError);
    expect((err as UnauthenticatedError).reason).toBe('invalid_token');
    expect((err as UnauthenticatedError).message).not.toContain(DEV_TOKEN);
  });

  it('makes a random 32-byte token when neither a JWT key nor a token is configured', async () => {
    const a = await createAuthenticator({ ...base, mode: 'development' });
    const b = await createAuthenticator({ ...base, mode: 'development' });
    expect(a.devToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.devToken).not.toBe(a.devToken);
    await expect(a.authenticator.authenticate(`Bearer ${a.devToken}`)).resolves.toMatchObject({ method: 'dev-token' });
    await expect(a.authenticator.authenticate(`Bearer ${b.devToken}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('uses JWTs only when a key is configured without a token, and both when both are set', async () => {
    const jwtOnly = await createAuthenticator({ ...base, mode: 'development', jwtKeyFile: issuer.publicKeyFile });
    expect(jwtOnly.devToken).toBeUndefined();
    const both = await createAuthenticator({ ...base, mode: 'development', jwtKeyFile: issuer.publicKeyFile, devToken: DEV_TOKEN });
    expect(await both.authenticator.authenticate(`Bearer ${DEV_TOKEN}`)).toMatchObject({ method: 'dev-token' });
    expect(await both.authenticator.authenticate(`Bearer ${issuer.sign({ tenant: 't' })}`)).toMatchObject({ method: 'jwt', tenantId: 't' });
  });

  it('refuses a development token shorter than 16 characters', async () => {
    expect((await configError({ ...base, mode: 'development', devToken: 'short' })).message).toMatch(/at least 16/);
  });

  it('logs what is active but never the token', async () => {
    const logger = recordingLogger();
    await createAuthenticator({ ...base, logger, mode: 'development', devToken: DEV_TOKEN });
    expect(logger.lines).toEqual([
      {
        level: 'info',
        msg: 'bearer authentication ready',
        obj: { mode: 'development', jwt: 'none', devToken: 'on', tenantClaim: 'tenant', tokenCacheMax: 10_000, tokenCacheTtlMs: 60_000 },
      },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain(DEV_TOKEN);
  });
});
