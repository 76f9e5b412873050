import { createAuthenticator, type Authenticator } from '@shepherd/auth';
import type { AppContext } from './run-app.js';

/** The variables {@link sharedAuthenticator} reads; modules that authenticate list them. */
export const AUTH_ENV = [
  'AUTH_JWT_KEY_FILE',
  'AUTH_JWKS_URL',
  'AUTH_JWT_ISSUER',
  'AUTH_JWT_AUDIENCE',
  'AUTH_TENANT_CLAIM',
  'AUTH_DEV_TOKEN',
  'AUTH_TOKEN_CACHE_MAX',
  'AUTH_TOKEN_CACHE_TTL_MS',
] as const;

type AuthEnv = (typeof AUTH_ENV)[number];

/**
 * The process's one authenticator, built on first use from the AUTH_*
 * variables. Every module of a process gets the same instance, so the agent
 * endpoint and the API accept the same development token. A generated token is
 * logged once, as a warning, in development mode only.
 */
export function sharedAuthenticator(ctx: AppContext<never, AuthEnv>): Promise<Authenticator> {
  return ctx.shared('authenticator', async () => {
    const { config, logger } = ctx;
    const { authenticator, devToken } = await createAuthenticator({
      mode: config.shepherdMode,
      jwtKeyFile: config.authJwtKeyFile,
      jwksUrl: config.authJwksUrl,
      issuer: config.authJwtIssuer,
      audience: config.authJwtAudience,
      tenantClaim: config.authTenantClaim,
      devToken: config.authDevToken,
      tokenCacheMax: config.authTokenCacheMax,
      tokenCacheTtlMs: config.authTokenCacheTtlMs,
      logger,
    });
    if (devToken !== undefined && config.authDevToken === undefined) {
      // Printed once so a developer can connect an agent; set AUTH_DEV_TOKEN to keep it across restarts.
      logger.warn({ devToken }, 'development bearer token generated (development mode only)');
    }
    return authenticator;
  });
}
