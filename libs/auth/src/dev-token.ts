import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_TENANT, type Principal } from './principal.js';

/** The principal of every caller that presents the development token. */
export const DEV_PRINCIPAL: Principal = Object.freeze({
  subject: 'dev',
  tenantId: DEFAULT_TENANT,
  roles: Object.freeze(['admin']),
  method: 'dev-token',
});

/**
 * Compares tokens in constant time. Both sides are hashed first so that
 * neither the content nor the length of the expected token leaks through
 * timing (timingSafeEqual itself requires equal lengths).
 */
export function devTokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
