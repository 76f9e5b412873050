import { randomBytes } from 'node:crypto';
import type { AuthLogger } from './auth-logger.js';
import { bearerToken } from './bearer.js';
import { principalFromClaims } from './claims.js';
import { DEV_PRINCIPAL, devTokenMatcher } from './dev-token.js';
import { AuthConfigError, AuthKeysUnavailableError, UnauthenticatedError } from './errors.js';
import { jwksVerifier, staticKeyVerifier, type JwtVerifier } from './jwt/jose-verifier.js';
import { readVerificationKey } from './jwt/key-file.js';
import type { Authenticator, Principal } from './principal.js';
import {
  DEFAULT_TOKEN_CACHE_MAX,
  DEFAULT_TOKEN_CACHE_TTL_MS,
  jwtRefusedFromMs,
  VerifiedTokenCache,
} from './verified-token-cache.js';

/** Options of {@link createAuthenticator} (the AUTH_* variables plus the mode). */
export interface AuthenticatorOptions {
  /** `production` refuses the development token and requires a JWT key or JWKS URL. */
  readonly mode: 'development' | 'production';
  /** PEM SPKI public key or X.509 certificate that verifies JWTs (RS256, ES256 or EdDSA). */
  readonly jwtKeyFile?: string;
  /** http(s) URL of a JWKS document whose keys verify JWTs. Exclusive with `jwtKeyFile`. */
  readonly jwksUrl?: string;
  /** Required `iss` claim, when set. */
  readonly issuer?: string;
  /** Required `aud` claim (one of the token's audiences), when set. */
  readonly audience?: string;
  /** Claim naming the caller's tenant; tokens without it belong to `default`. */
  readonly tenantClaim: string;
  /** Static token accepted in development mode (≥ 16 characters). */
  readonly devToken?: string;
  /** JWKS fetch tuning; defaults: cooldown 30 s, cache 10 min, timeout 5 s. */
  readonly jwks?: { readonly cooldownMs?: number; readonly cacheMaxAgeMs?: number; readonly timeoutMs?: number };
  /**
   * Most verified tokens remembered, so that a token presented again (an agent's every poll) is
   * not verified again; default 10 000, 0 turns the cache off.
   */
  readonly tokenCacheMax?: number;
  /**
   * Longest a verified token is remembered (never past its `exp`), in ms; default 60 000, 0 turns
   * the cache off. A key removed from the JWKS reaches tokens already seen within this time.
   */
  readonly tokenCacheTtlMs?: number;
  readonly logger: AuthLogger;
}

/** What {@link createAuthenticator} returns. */
export interface AuthenticatorSetup {
  readonly authenticator: Authenticator;
  /** The development token, when one is active: the app prints it once at start-up. */
  readonly devToken?: string;
}

const MIN_DEV_TOKEN_LENGTH = 16;
const TENANT_CLAIM = /^[A-Za-z0-9_.:-]{1,64}$/;

/** lru-cache preallocates ~44 bytes of index per entry up front (44 MiB here): more is likely a typo. */
const MAX_TOKEN_CACHE_ENTRIES = 1_000_000;

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new AuthConfigError(`${name} must be a non-negative integer`);
  return value;
}

function parseJwksUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (err) {
    throw new AuthConfigError('AUTH_JWKS_URL is not a URL', { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AuthConfigError('AUTH_JWKS_URL must be an http:// or https:// URL');
  }
  return url;
}

function validate(opts: AuthenticatorOptions): void {
  if (opts.mode !== 'development' && opts.mode !== 'production') {
    throw new AuthConfigError(`unknown mode ${String(opts.mode)}`);
  }
  if (!TENANT_CLAIM.test(opts.tenantClaim ?? '')) throw new AuthConfigError('AUTH_TENANT_CLAIM must be a claim name');
  if (opts.jwtKeyFile !== undefined && opts.jwksUrl !== undefined) {
    throw new AuthConfigError('set AUTH_JWT_KEY_FILE or AUTH_JWKS_URL, not both');
  }
  const hasJwt = opts.jwtKeyFile !== undefined || opts.jwksUrl !== undefined;
  if (opts.mode === 'production' && !hasJwt) {
    throw new AuthConfigError('production mode needs AUTH_JWT_KEY_FILE or AUTH_JWKS_URL');
  }
  if (opts.mode === 'production' && opts.devToken !== undefined) {
    throw new AuthConfigError('AUTH_DEV_TOKEN is refused in production mode');
  }
  if (opts.devToken !== undefined && opts.devToken.length < MIN_DEV_TOKEN_LENGTH) {
    throw new AuthConfigError(`AUTH_DEV_TOKEN must be at least ${MIN_DEV_TOKEN_LENGTH} characters`);
  }
  if (nonNegative(opts.tokenCacheMax, 0, 'AUTH_TOKEN_CACHE_MAX') > MAX_TOKEN_CACHE_ENTRIES) {
    throw new AuthConfigError(`AUTH_TOKEN_CACHE_MAX must be at most ${MAX_TOKEN_CACHE_ENTRIES}`);
  }
  nonNegative(opts.tokenCacheTtlMs, 0, 'AUTH_TOKEN_CACHE_TTL_MS');
}

async function buildVerifier(opts: AuthenticatorOptions): Promise<JwtVerifier | undefined> {
  const checks = { issuer: opts.issuer, audience: opts.audience };
  if (opts.jwtKeyFile !== undefined) return staticKeyVerifier(await readVerificationKey(opts.jwtKeyFile), checks);
  if (opts.jwksUrl === undefined) return undefined;
  const jwks = {
    url: parseJwksUrl(opts.jwksUrl),
    cooldownMs: nonNegative(opts.jwks?.cooldownMs, 30_000, 'jwks.cooldownMs'),
    cacheMaxAgeMs: nonNegative(opts.jwks?.cacheMaxAgeMs, 600_000, 'jwks.cacheMaxAgeMs'),
    timeoutMs: nonNegative(opts.jwks?.timeoutMs, 5_000, 'jwks.timeoutMs'),
  };
  return jwksVerifier(Object.freeze(jwks), checks);
}

/**
 * The development token: the configured one, else (development without any
 * JWT configuration) a random 32-byte base64url token, else none.
 */
function activeDevToken(opts: AuthenticatorOptions, verifier: JwtVerifier | undefined): string | undefined {
  if (opts.mode === 'production') return undefined;
  if (opts.devToken !== undefined) return opts.devToken;
  return verifier === undefined ? randomBytes(32).toString('base64url') : undefined;
}

class BearerAuthenticator implements Authenticator {
  readonly #devTokenMatches: ((presented: string) => boolean) | undefined;

  constructor(
    private readonly verifier: JwtVerifier | undefined,
    devToken: string | undefined,
    private readonly tenantClaim: string,
    private readonly logger: AuthLogger,
    private readonly verified: VerifiedTokenCache | undefined,
  ) {
    this.#devTokenMatches = devToken === undefined ? undefined : devTokenMatcher(devToken);
  }

  async authenticate(authorizationHeader: string | undefined): Promise<Principal> {
    const token = bearerToken(authorizationHeader);
    const known = this.verified?.get(token);
    if (known !== undefined) return known;
    if (this.#devTokenMatches?.(token) === true) {
      this.verified?.remember(token, DEV_PRINCIPAL);
      return DEV_PRINCIPAL;
    }
    if (this.verifier === undefined) {
      throw new UnauthenticatedError('invalid_token', 'bearer token does not match the development token');
    }
    return this.#verifyJwt(this.verifier, token);
  }

  async #verifyJwt(verifier: JwtVerifier, token: string): Promise<Principal> {
    try {
      const claims = await verifier(token);
      const principal = principalFromClaims(claims, this.tenantClaim);
      // jose requires `exp`, so it is a number here; were it not, nothing would bound the entry.
      const exp = claims['exp'];
      if (typeof exp === 'number') this.verified?.remember(token, principal, jwtRefusedFromMs(exp));
      return principal;
    } catch (err) {
      if (err instanceof AuthKeysUnavailableError) this.logger.warn({ err: { message: err.message } }, err.message);
      throw err;
    }
  }
}

/**
 * Builds the bearer authenticator from validated settings.
 *
 * Development mode: the development token is active when `devToken` is set,
 * or when no JWT key/JWKS is configured (then a random one is made and
 * returned for the app to print); JWTs are verified when configured.
 * Production mode: JWTs only.
 *
 * The returned authenticator accepts the development token (compared in
 * constant time) with principal `{subject: 'dev', tenantId: 'default',
 * roles: ['admin'], method: 'dev-token'}`, and JWTs whose signature, `exp`
 * (required), `nbf`, `iss` and `aud` check out, with 30 s of clock tolerance.
 * Tokens that verified are remembered (see {@link VerifiedTokenCache}: at most
 * `tokenCacheMax` of them, each for `tokenCacheTtlMs` and never past its `exp`), so
 * a token presented again is not verified again.
 * @throws {AuthConfigError} production without a JWT key or JWKS URL,
 *   production with a dev token, both key sources set, an unreadable or
 *   unsupported key file, a bad JWKS URL, a short dev token, a bad tenant claim name,
 *   a token cache size or lifetime that is not a non-negative integer (or a size above 1 000 000).
 */
export async function createAuthenticator(opts: AuthenticatorOptions): Promise<AuthenticatorSetup> {
  validate(opts);
  const verifier = await buildVerifier(opts);
  const devToken = activeDevToken(opts, verifier);
  const source = opts.jwtKeyFile !== undefined ? 'key-file' : opts.jwksUrl !== undefined ? 'jwks' : 'none';
  const tokenCacheMax = opts.tokenCacheMax ?? DEFAULT_TOKEN_CACHE_MAX;
  const tokenCacheTtlMs = opts.tokenCacheTtlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS;
  opts.logger.info(
    {
      mode: opts.mode,
      jwt: source,
      devToken: devToken === undefined ? 'off' : 'on',
      tenantClaim: opts.tenantClaim,
      tokenCacheMax,
      tokenCacheTtlMs,
    },
    'bearer authentication ready',
  );
  const cache = VerifiedTokenCache.create(tokenCacheMax, tokenCacheTtlMs);
  const authenticator = Object.freeze(new BearerAuthenticator(verifier, devToken, opts.tenantClaim, opts.logger, cache));
  return Object.freeze(devToken === undefined ? { authenticator } : { authenticator, devToken });
}
