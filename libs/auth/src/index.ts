/**
 * @shepherd/auth: bearer authentication for the OpAMP endpoint and the admin
 * API: JWT verification (static key or JWKS) and the development token.
 */
export { createAuthenticator, type AuthenticatorOptions, type AuthenticatorSetup } from './create-authenticator.js';
export { DEFAULT_TENANT, type Authenticator, type Principal } from './principal.js';
export type { AuthLogger } from './auth-logger.js';
export { CLOCK_TOLERANCE_SECONDS } from './jwt/jose-verifier.js';
export { SUPPORTED_ALGORITHMS, type JwsAlgorithm } from './jwt/key-file.js';
export {
  UnauthenticatedError,
  AuthConfigError,
  AuthKeysUnavailableError,
  type UnauthenticatedReason,
} from './errors.js';
