import type { AgentSession } from '@shepherd/opamp-core';
import { type AgentToServer, toBigInt } from '@shepherd/proto';

/**
 * True when `message` tells the services nothing but that the agent is alive: no sub-message
 * (description, health, effective config, remote config status, package statuses, custom
 * capabilities or message, available components, connection settings), no flags, no
 * agent_disconnect, and its capabilities unchanged from the `previous` session (or not repeated,
 * as status compression allows, wire-facts §7.33). Only such a heartbeat may go unpublished.
 */
export function isPlainHeartbeat(message: AgentToServer, previous: AgentSession): boolean {
  if (
    message.agentDescription ||
    message.health ||
    message.effectiveConfig ||
    message.remoteConfigStatus ||
    message.packageStatuses ||
    message.agentDisconnect ||
    message.connectionSettingsRequest ||
    message.customCapabilities ||
    message.customMessage ||
    message.availableComponents ||
    message.connectionSettingsStatus
  ) {
    return false;
  }
  if (toBigInt(message.flags ?? 0) !== 0n) return false;
  const capabilities = toBigInt(message.capabilities ?? 0);
  return capabilities === 0n || capabilities === previous.capabilities;
}
