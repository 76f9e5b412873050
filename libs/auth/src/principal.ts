/** Who made a request, as established by an {@link Authenticator}. */
export interface Principal {
  /** The token's `sub`, or `dev` for the development token. */
  readonly subject: string;
  /** The tenant the caller acts in: the configured tenant claim, else `default`. */
  readonly tenantId: string;
  /** Roles from the `roles` claim and the space-separated `scope` claim, de-duplicated. */
  readonly roles: readonly string[];
  /** How the caller proved its identity. */
  readonly method: 'jwt' | 'dev-token';
}

/**
 * Turns an HTTP `Authorization` header into a {@link Principal}.
 *
 * Contract: resolves only for a credential that passed every check; the
 * returned principal is frozen. Rejects with `UnauthenticatedError` (with a
 * `reason`) for a missing, malformed, forged, expired or misaddressed
 * credential, and with `AuthKeysUnavailableError` when the verification keys
 * cannot be fetched. Never rejects with anything else.
 */
export interface Authenticator {
  authenticate(authorizationHeader: string | undefined): Promise<Principal>;
}

/** The tenant of callers whose token names none. */
export const DEFAULT_TENANT = 'default';
