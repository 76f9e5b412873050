import { ServerCapabilities, toBigInt, toMask } from '@shepherd/proto';

/**
 * What a Shepherd gateway advertises (wire-facts §7.22/§7.23): only what is
 * implemented end to end: it accepts status reports, offers remote config and
 * accepts effective config. AcceptsStatus is always included.
 */
export const GATEWAY_SERVER_CAPABILITIES: bigint = toBigInt(
  toMask(
    ServerCapabilities.ServerCapabilities_AcceptsStatus,
    ServerCapabilities.ServerCapabilities_OffersRemoteConfig,
    ServerCapabilities.ServerCapabilities_AcceptsEffectiveConfig,
  ),
);
