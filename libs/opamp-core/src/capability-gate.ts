import { AgentCapabilities as AC, hasCapability, type BitMask, type IServerToAgent, type opamp } from '@shepherd/proto';

/** A part of a ServerToAgent that capability gating may remove. */
export type GatedPart =
  | 'remote_config'
  | 'packages_available'
  | 'command'
  | 'connection_settings.opamp'
  | 'connection_settings.own_metrics'
  | 'connection_settings.own_traces'
  | 'connection_settings.own_logs'
  | 'connection_settings.other_connections'
  | 'connection_settings'
  | 'fields_beside_command'
  | 'fields_beside_error';

/** Result of {@link allowedForAgent}. */
export interface GatedMessage {
  /** A new message with only what the agent declared it accepts; the input is not modified. */
  readonly message: IServerToAgent;
  /** What was removed, for metrics and logs. */
  readonly stripped: readonly GatedPart[];
  /** True when nothing worth sending is left (only uid, capabilities and no flags). */
  readonly empty: boolean;
}

type Offers = opamp.ConnectionSettingsOffers.$Properties;

const CONNECTION_PARTS = [
  ['opamp', AC.AgentCapabilities_AcceptsOpAMPConnectionSettings],
  ['ownMetrics', AC.AgentCapabilities_ReportsOwnMetrics],
  ['ownTraces', AC.AgentCapabilities_ReportsOwnTraces],
  ['ownLogs', AC.AgentCapabilities_ReportsOwnLogs],
  ['otherConnections', AC.AgentCapabilities_AcceptsOtherConnectionSettings],
] as const;

const PART_NAMES: Readonly<Record<(typeof CONNECTION_PARTS)[number][0], GatedPart>> = {
  opamp: 'connection_settings.opamp',
  ownMetrics: 'connection_settings.own_metrics',
  ownTraces: 'connection_settings.own_traces',
  ownLogs: 'connection_settings.own_logs',
  otherConnections: 'connection_settings.other_connections',
};

const present = (v: unknown): boolean => v !== null && v !== undefined;

/**
 * Removes every part the agent's capabilities do not allow (wire-facts
 * §7.34): remote_config without AcceptsRemoteConfig (§7.46),
 * packages_available without AcceptsPackages (§7.66), each
 * connection_settings part without its bit (§7.53; the whole offer goes when
 * no part is left), and command without AcceptsRestartCommand. A message
 * whose command is allowed keeps only instance_uid and capabilities beside
 * it (§7.71). A message with error_response keeps only instance_uid beside
 * it (§7.25).
 */
export function allowedForAgent(serverToAgent: IServerToAgent, agentCapabilities: BitMask): GatedMessage {
  const stripped: GatedPart[] = [];
  const can = (bit: number): boolean => hasCapability(agentCapabilities, bit);
  const m: IServerToAgent = { ...serverToAgent };
  if (present(m.errorResponse)) {
    // §7.25: an error travels with instance_uid only.
    if (hasOtherFields(m) || present(m.command) || present(m.capabilities)) stripped.push('fields_beside_error');
    return { message: { instanceUid: m.instanceUid, errorResponse: m.errorResponse }, stripped, empty: false };
  }
  if (present(m.command)) {
    if (can(AC.AgentCapabilities_AcceptsRestartCommand)) {
      const only: IServerToAgent = { instanceUid: m.instanceUid, capabilities: m.capabilities, command: m.command };
      if (hasOtherFields(m)) stripped.push('fields_beside_command');
      return { message: only, stripped, empty: false };
    }
    delete m.command;
    stripped.push('command');
  }
  if (present(m.remoteConfig) && !can(AC.AgentCapabilities_AcceptsRemoteConfig)) {
    delete m.remoteConfig;
    stripped.push('remote_config');
  }
  if (present(m.packagesAvailable) && !can(AC.AgentCapabilities_AcceptsPackages)) {
    delete m.packagesAvailable;
    stripped.push('packages_available');
  }
  if (present(m.connectionSettings)) {
    const offers = gateOffers(m.connectionSettings as Offers, can, stripped);
    if (offers === undefined) delete m.connectionSettings;
    else m.connectionSettings = offers;
  }
  return { message: m, stripped, empty: isEmptyOffer(m) };
}

function gateOffers(offers: Offers, can: (bit: number) => boolean, stripped: GatedPart[]): Offers | undefined {
  const kept: Offers = { ...offers };
  let remaining = 0;
  for (const [field, bit] of CONNECTION_PARTS) {
    const value = kept[field];
    const has = field === 'otherConnections' ? present(value) && Object.keys(value as object).length > 0 : present(value);
    if (!has) continue;
    if (can(bit)) {
      remaining += 1;
    } else {
      delete kept[field];
      stripped.push(PART_NAMES[field]);
    }
  }
  if (remaining > 0) return kept;
  // An offer with no part left would only carry a hash the agent cannot act on.
  stripped.push('connection_settings');
  return undefined;
}

function hasOtherFields(m: IServerToAgent): boolean {
  return (
    [m.remoteConfig, m.connectionSettings, m.packagesAvailable, m.agentIdentification, m.customCapabilities, m.customMessage].some(present) ||
    (m.flags !== null && m.flags !== undefined && !m.flags.isZero())
  );
}

/**
 * True when `m` carries nothing for the agent to act on: no error, no offer,
 * no command, no identification, no custom message and no flags.
 */
export function isEmptyOffer(m: IServerToAgent): boolean {
  return !present(m.errorResponse) && !present(m.command) && !hasOtherFields(m);
}
