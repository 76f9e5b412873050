/**
 * @shepherd/gateway: the OpAMP endpoint (WebSocket and plain HTTP on one
 * port): authentication, protocol answers (via @shepherd/opamp-core),
 * ownership claims, bus publishing, delivery to agents and graceful drain.
 */
export { gatewayModule } from './gateway-module.js';
export { startGateway, type Gateway } from './start-gateway.js';
export { DEFAULT_MAX_MESSAGE_BYTES, type GatewayOptions } from './gateway-options.js';
export type { GatewayAuthenticator, GatewayPrincipal } from './authenticator.js';
export { CLOSE_REPLACED } from './agent-hub.js';
export { CLOSE_GOING_AWAY } from './drain.js';
export {
  BadContentEncodingError,
  GatewayListenError,
  GatewayOptionError,
  MessageTooLargeError,
  UnsupportedContentEncodingError,
} from './errors.js';
