import { LRUCache } from 'lru-cache';
import { CLOCK_TOLERANCE_SECONDS } from './jwt/jose-verifier.js';
import type { Principal } from './principal.js';

/** Default `tokenCacheMax`: enough for every agent of a large gateway to poll with its own token. */
export const DEFAULT_TOKEN_CACHE_MAX = 10_000;
/** Default `tokenCacheTtlMs`: how late a removed key or a rotated JWKS reaches tokens already seen. */
export const DEFAULT_TOKEN_CACHE_TTL_MS = 60_000;

/**
 * jose compares `exp` with the wall clock (`Date.now()`), so entries age on that clock too: the
 * `exp` bound and the verifier then agree to the millisecond. Looked up at each call rather than
 * passing `Date` itself, so that a replaced global clock (fake timers) is the one in use.
 */
const WALL_CLOCK = { now: (): number => Date.now() };

/**
 * The first `Date.now()` millisecond at which jose refuses a token whose `exp` claim is `exp`.
 * jose accepts while `exp > floor(now / 1000) - tolerance`, that is while
 * `now < (exp + tolerance) * 1000`; a fractional `exp` is floored, which only makes it earlier.
 */
export function jwtRefusedFromMs(exp: number): number {
  return (Math.floor(exp) + CLOCK_TOLERANCE_SECONDS) * 1000;
}

/**
 * Bearer tokens that passed every check, keyed by the exact token string, so that an agent
 * polling with the same token is not re-verified (sha256 for the development token, a signature
 * check for a JWT) on every request. Bounded to `max` entries, least recently used first out.
 *
 * An entry lives at most `ttlMs`, and never up to the moment a fresh verification would refuse
 * the token (its `exp` plus the clock tolerance): an expired token is never served. Only
 * successes enter; a refused token, or one that could not be checked because the JWKS was
 * unreachable, is verified again next time, and cannot push verified tokens out.
 *
 * Timing: the constant-time development-token compare exists so that response time does not
 * tell an attacker how much of a guess is right. The lookup here does not reopen that channel:
 * the map hashes the presented string (time depends on the guess only) and compares string
 * contents only with an entry whose hash matches, and every entry is a token that already
 * verified. Learning that a guess collides with an entry's seeded hash says nothing about the
 * token's characters, and a miss then goes through the constant-time compare as before.
 *
 * Revocation: a key removed from the JWKS (rotation) reaches a token already cached only when
 * its entry expires, that is within `ttlMs`.
 */
export class VerifiedTokenCache {
  readonly #entries: LRUCache<string, Principal>;
  readonly #ttlMs: number;

  private constructor(max: number, ttlMs: number) {
    this.#ttlMs = ttlMs;
    // ttlResolution 0: read the clock on every lookup instead of arming a timer per
    // millisecond to cache it (lru-cache's default), which at 10 000 polls/s is the costlier one.
    this.#entries = new LRUCache<string, Principal>({ max, ttl: ttlMs, ttlResolution: 0, perf: WALL_CLOCK });
  }

  /** A cache of at most `max` tokens kept at most `ttlMs` each, or none when either is 0. */
  static create(max: number, ttlMs: number): VerifiedTokenCache | undefined {
    return max === 0 || ttlMs === 0 ? undefined : new VerifiedTokenCache(max, ttlMs);
  }

  /** The principal of `token` when it verified within its entry's lifetime, else `undefined`. */
  get(token: string): Principal | undefined {
    // A stale entry is removed and missed, never served (lru-cache's allowStale is off).
    return this.#entries.get(token);
  }

  /**
   * Keeps a verified token for `ttlMs`, or until just before `refusedFromMs` (a `Date.now()`
   * time, see {@link jwtRefusedFromMs}) when that comes first.
   */
  remember(token: string, principal: Principal, refusedFromMs = Number.POSITIVE_INFINITY): void {
    const now = Date.now();
    // lru-cache serves an entry while `now - start <= ttl`, so the last served millisecond is
    // refusedFromMs - 1. A ttl below 1 ms is not cached: lru-cache reads 0 as "never expires".
    const ttl = Math.min(this.#ttlMs, refusedFromMs - 1 - now);
    if (!(ttl >= 1)) return;
    this.#entries.set(token, principal, { ttl, start: now });
  }
}
