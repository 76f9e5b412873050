/**
 * The authentication contract the gateway needs, declared structurally so
 * that `@shepherd/auth`'s Authenticator satisfies it without this lib
 * depending on it.
 */

/** Who an authenticated request speaks for. */
export interface GatewayPrincipal {
  readonly subject: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
  readonly method: string;
}

/**
 * Verifies the Authorization header of a request (HTTP poll or WebSocket
 * upgrade). Rejects with an error of kind `unauthenticated` (answered 401)
 * when the credentials are missing or invalid; any other rejection is
 * answered with the status of its kind (e.g. 503 for `unavailable`).
 */
export interface GatewayAuthenticator {
  authenticate(authorizationHeader: string | undefined): Promise<GatewayPrincipal>;
}
