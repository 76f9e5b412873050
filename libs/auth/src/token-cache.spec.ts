import * as crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthKeysUnavailableError,
  createAuthenticator,
  UnauthenticatedError,
  type Authenticator,
  type AuthenticatorOptions,
} from './index.js';
import { issuerPairForSpec, startJwksServer, type JwksServer } from './jwks-server.test-helpers.js';
import { recordingLogger } from './test-logger.test-helpers.js';

// Counts the sha256 digests of the development-token compare: a cache hit must not make one.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>();
  return { ...actual, hash: vi.fn(actual.hash) };
});
const hashCalls = vi.mocked(crypto.hash);

/** A whole second, so that token `exp` values are exact. */
const T0 = 1_700_000_000_000;
const DEV_TOKEN = 'dev-token-0123456789abcdef';

const issuers = issuerPairForSpec();
const servers: JwksServer[] = [];
beforeEach(() => {
  // Only Date: the JWKS server and fetch keep their real timers; jose and the cache read Date.now().
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/**
 * An authenticator whose JWKS is fetched again for every verification (cache max age 0), so
 * `jwks.fetches` counts the JWT verifications, and removing a key fails the next one at once.
 */
async function jwksAuth(extra: Partial<AuthenticatorOptions> = {}): Promise<{ authenticator: Authenticator; jwks: JwksServer }> {
  const jwks = await startJwksServer();
  servers.push(jwks);
  jwks.keys = [issuers.first.publicJwk];
  const { authenticator } = await createAuthenticator({
    mode: 'production',
    jwksUrl: jwks.url,
    jwks: { cacheMaxAgeMs: 0, cooldownMs: 0 },
    tenantClaim: 'tenant',
    logger: recordingLogger(),
    ...extra,
  });
  return { authenticator, jwks };
}

const bearer = (token: string): string => `Bearer ${token}`;
const expOf = (token: string): number => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;

async function refusal(authenticator: Authenticator, token: string): Promise<unknown> {
  return authenticator.authenticate(bearer(token)).then(
    () => 'accepted',
    (err: unknown) => err,
  );
}

describe('verified-token cache', () => {
  it('serves a verified JWT again without verifying it, until tokenCacheTtlMs passes', async () => {
    const { authenticator, jwks } = await jwksAuth({ tokenCacheTtlMs: 60_000 });
    const token = issuers.first.sign({ tenant: 'acme' });
    const principal = await authenticator.authenticate(bearer(token));
    expect(principal).toMatchObject({ tenantId: 'acme', method: 'jwt' });
    expect(await authenticator.authenticate(bearer(token))).toBe(principal);
    expect(jwks.fetches).toBe(1);

    // The key is withdrawn: a fresh verification would now fail, the cached token still passes.
    jwks.keys = [];
    vi.setSystemTime(T0 + 60_000);
    expect(await authenticator.authenticate(bearer(token))).toBe(principal);
    expect(jwks.fetches).toBe(1);

    vi.setSystemTime(T0 + 60_001);
    const err = await refusal(authenticator, token);
    expect((err as UnauthenticatedError).reason).toBe('unknown_key');
    expect(jwks.fetches).toBeGreaterThan(1);
  });

  it('never serves a cached JWT from the moment a fresh verification would refuse it (exp + 30 s)', async () => {
    const { authenticator, jwks } = await jwksAuth({ tokenCacheTtlMs: 3_600_000 });
    const { authenticator: uncached } = await createAuthenticator({
      mode: 'production',
      jwtKeyFile: issuers.first.publicKeyFile,
      tenantClaim: 'tenant',
      logger: recordingLogger(),
      tokenCacheMax: 0,
    });
    const token = issuers.first.sign({}, { expiresInSeconds: 5 });
    const refusedFrom = (expOf(token) + 30) * 1000;
    await authenticator.authenticate(bearer(token));

    vi.setSystemTime(refusedFrom - 1);
    await expect(authenticator.authenticate(bearer(token))).resolves.toMatchObject({ method: 'jwt' });
    await expect(uncached.authenticate(bearer(token))).resolves.toMatchObject({ method: 'jwt' });
    expect(jwks.fetches).toBe(1);

    vi.setSystemTime(refusedFrom);
    expect(((await refusal(authenticator, token)) as UnauthenticatedError).reason).toBe('expired');
    expect(((await refusal(uncached, token)) as UnauthenticatedError).reason).toBe('expired');
  });

  it('does not cache refused tokens: they take no slot and are checked again next time', async () => {
    const { authenticator, jwks } = await jwksAuth({ tokenCacheMax: 1 });
    const good = issuers.first.sign();
    await authenticator.authenticate(bearer(good));
    const unknownKey = issuers.second.sign();
    for (const bad of [unknownKey, issuers.first.sign({ sub: undefined }), issuers.first.sign({}, { expiresInSeconds: -120 }), `${good}x`]) {
      expect(await refusal(authenticator, bad)).toBeInstanceOf(UnauthenticatedError);
    }
    jwks.status = 500;
    const unchecked = issuers.first.sign({ sub: 'later' });
    expect(await refusal(authenticator, unchecked)).toBeInstanceOf(AuthKeysUnavailableError);

    // Had any of them entered the one-entry cache, `good` would need verifying, and now fail.
    jwks.status = 200;
    jwks.keys = [];
    const fetches = jwks.fetches;
    await expect(authenticator.authenticate(bearer(good))).resolves.toMatchObject({ method: 'jwt' });
    expect(jwks.fetches).toBe(fetches);

    jwks.keys = [issuers.first.publicJwk, issuers.second.publicJwk];
    await expect(authenticator.authenticate(bearer(unknownKey))).resolves.toMatchObject({ method: 'jwt' });
    await expect(authenticator.authenticate(bearer(unchecked))).resolves.toMatchObject({ subject: 'later' });
  });

  it.each([{ tokenCacheMax: 0 }, { tokenCacheTtlMs: 0 }])('is off with %o: every request is verified', async (off) => {
    const { authenticator, jwks } = await jwksAuth(off);
    const token = issuers.first.sign();
    await authenticator.authenticate(bearer(token));
    await authenticator.authenticate(bearer(token));
    expect(jwks.fetches).toBe(2);
    jwks.keys = [];
    expect(((await refusal(authenticator, token)) as UnauthenticatedError).reason).toBe('unknown_key');
  });

  it('holds at most tokenCacheMax tokens: the least recently used one is verified again', async () => {
    const { authenticator, jwks } = await jwksAuth({ tokenCacheMax: 2 });
    const [t1, t2, t3] = ['a', 'b', 'c'].map((sub) => issuers.first.sign({ sub }));
    for (const token of [t1!, t2!, t3!]) await authenticator.authenticate(bearer(token));
    expect(jwks.fetches).toBe(3);
    await authenticator.authenticate(bearer(t3!));
    await authenticator.authenticate(bearer(t2!));
    expect(jwks.fetches).toBe(3);
    expect(await authenticator.authenticate(bearer(t1!))).toMatchObject({ subject: 'a' });
    expect(jwks.fetches).toBe(4);
  });

  it('skips the development-token digest on a hit, for tokenCacheTtlMs, and never caches a wrong token', async () => {
    const { authenticator } = await createAuthenticator({
      mode: 'development',
      devToken: DEV_TOKEN,
      tenantClaim: 'tenant',
      logger: recordingLogger(),
      tokenCacheMax: 1,
      tokenCacheTtlMs: 10_000,
    });
    hashCalls.mockClear();
    const principal = await authenticator.authenticate(bearer(DEV_TOKEN));
    expect(principal).toMatchObject({ subject: 'dev', method: 'dev-token' });
    for (let i = 0; i < 3; i += 1) await refusal(authenticator, `${DEV_TOKEN}${i}`);
    expect(hashCalls).toHaveBeenCalledTimes(4);

    vi.setSystemTime(T0 + 10_000);
    expect(await authenticator.authenticate(bearer(DEV_TOKEN))).toBe(principal);
    expect(hashCalls).toHaveBeenCalledTimes(4);
    await refusal(authenticator, `${DEV_TOKEN}0`);
    expect(hashCalls).toHaveBeenCalledTimes(5);

    vi.setSystemTime(T0 + 10_001);
    expect(await authenticator.authenticate(bearer(DEV_TOKEN))).toBe(principal);
    expect(hashCalls).toHaveBeenCalledTimes(6);
  });
});
