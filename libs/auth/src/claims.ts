import { UnauthenticatedError } from './errors.js';
import { DEFAULT_TENANT, type Principal } from './principal.js';

/** Bound on roles taken from one token, so a huge claim cannot bloat every request. */
const MAX_ROLES = 64;

/** The verified claims of a token, as a JSON object. */
export type Claims = Readonly<Record<string, unknown>>;

function tenantOf(claims: Claims, tenantClaim: string): string {
  const value = claims[tenantClaim];
  if (value === undefined) return DEFAULT_TENANT;
  if (typeof value !== 'string' || value === '') {
    throw new UnauthenticatedError('invalid_claims', `claim "${tenantClaim}" must be a non-empty string`);
  }
  return value;
}

function rolesOf(claims: Claims): string[] {
  const roles = new Set<string>();
  const listed = claims['roles'];
  if (listed !== undefined) {
    if (!Array.isArray(listed) || !listed.every((r): r is string => typeof r === 'string')) {
      throw new UnauthenticatedError('invalid_claims', 'claim "roles" must be an array of strings');
    }
    for (const role of listed) if (role !== '') roles.add(role);
  }
  const scope = claims['scope'];
  if (scope !== undefined) {
    if (typeof scope !== 'string') throw new UnauthenticatedError('invalid_claims', 'claim "scope" must be a string');
    for (const role of scope.split(' ')) if (role !== '') roles.add(role);
  }
  if (roles.size > MAX_ROLES) {
    throw new UnauthenticatedError('invalid_claims', `token carries more than ${MAX_ROLES} roles`);
  }
  return [...roles];
}

/**
 * Builds the frozen principal of a verified JWT: subject from `sub`, tenant
 * from `tenantClaim` (else `default`), roles from `roles` and `scope`.
 * @throws {UnauthenticatedError} `invalid_claims` when `sub` is missing or
 *   one of those claims has the wrong type.
 */
export function principalFromClaims(claims: Claims, tenantClaim: string): Principal {
  const subject = claims['sub'];
  if (typeof subject !== 'string' || subject === '') {
    throw new UnauthenticatedError('invalid_claims', 'token has no "sub" claim');
  }
  return Object.freeze({
    subject,
    tenantId: tenantOf(claims, tenantClaim),
    roles: Object.freeze(rolesOf(claims)),
    method: 'jwt' as const,
  });
}
