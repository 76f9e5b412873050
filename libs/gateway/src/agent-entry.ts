import type { AgentSession } from '@shepherd/opamp-core';
import type { AgentConnection } from './agent-hub.js';
import type { GatewayPrincipal } from './authenticator.js';
import type { TransportLabel } from './gateway-metrics.js';

/** One agent as this gateway serves it: on a WebSocket connection, or as an HTTP session between polls. */
export interface AgentEntry {
  readonly uid: string;
  readonly uidBytes: Uint8Array;
  /** Gateway-unique id of the WebSocket connection or HTTP session (the envelope's connection_id). */
  readonly holderId: string;
  readonly transport: TransportLabel;
  /** The WebSocket connection carrying the agent; undefined for HTTP. */
  readonly connection: AgentConnection | undefined;
  readonly principal: GatewayPrincipal;
  session: AgentSession;
  /** Settles once the first ownership claim did; the agent's bus publishes are issued after it, in order. */
  claimed: Promise<void>;
  /** The last ownership claim failed (store unreachable): the agent's next message claims again. */
  claimFailed: boolean;
}
