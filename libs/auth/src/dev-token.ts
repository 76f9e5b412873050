import { hash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_TENANT, type Principal } from './principal.js';

/** The principal of every caller that presents the development token. */
export const DEV_PRINCIPAL: Principal = Object.freeze({
  subject: 'dev',
  tenantId: DEFAULT_TENANT,
  roles: Object.freeze(['admin']),
  method: 'dev-token',
});

const digest = (token: string): Buffer => hash('sha256', token, 'buffer');

/**
 * A constant-time check against the development token `expected`. Both sides are hashed, so that
 * neither the content nor the length of the expected token leaks through timing
 * (timingSafeEqual itself requires equal lengths); the expected side once, here, since every
 * agent request is checked (the one-shot `hash` also skips a Hash object per call: at 10 000
 * HTTP polls/s the two `createHash` calls per request were 9 % of a gateway's busy time).
 */
export function devTokenMatcher(expected: string): (presented: string) => boolean {
  const wanted = digest(expected);
  return (presented) => timingSafeEqual(digest(presented), wanted);
}
