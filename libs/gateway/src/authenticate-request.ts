import { responseFor } from '@shepherd/errors';
import type { GatewayAuthenticator, GatewayPrincipal } from './authenticator.js';

/** Outcome of {@link authenticateRequest}. */
export type AuthOutcome =
  | { readonly ok: true; readonly principal: GatewayPrincipal }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

/**
 * Runs the authenticator on a request's Authorization header (§7.5). An
 * `unauthenticated` failure maps to 401; others to the status of their kind
 * (unknown errors: 500). Never rejects.
 */
export async function authenticateRequest(authenticator: GatewayAuthenticator, header: string | undefined): Promise<AuthOutcome> {
  try {
    return { ok: true, principal: await authenticator.authenticate(header) };
  } catch (err) {
    const { http, code } = responseFor(err);
    const message = http === 401 ? `unauthenticated: ${(err as Error).message}` : 'authentication is unavailable';
    return { ok: false, status: http, code, message };
  }
}
