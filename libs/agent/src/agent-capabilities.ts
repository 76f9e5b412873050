import { AgentCapabilities as AC, toBigInt, toMask } from '@shepherd/proto';
import type { AgentConfig } from './agent-config.js';

/**
 * The AgentCapabilities this agent declares: ReportsStatus always, and of
 * what it implements (remote config and its status, effective config,
 * health, restart command) what the config leaves switched on. Packages,
 * connection settings, own telemetry and heartbeats are never declared:
 * the agent does not do them (yet), and a declared capability is a promise
 * the server relies on (wire-facts §7.34).
 */
export function declaredCapabilities(capabilities: AgentConfig['capabilities']): bigint {
  const bits: number[] = [AC.AgentCapabilities_ReportsStatus];
  if (capabilities.acceptsRemoteConfig) bits.push(AC.AgentCapabilities_AcceptsRemoteConfig);
  if (capabilities.reportsRemoteConfigStatus && capabilities.acceptsRemoteConfig) bits.push(AC.AgentCapabilities_ReportsRemoteConfig);
  if (capabilities.reportsEffectiveConfig) bits.push(AC.AgentCapabilities_ReportsEffectiveConfig);
  if (capabilities.reportsHealth) bits.push(AC.AgentCapabilities_ReportsHealth);
  if (capabilities.acceptsRestartCommand) bits.push(AC.AgentCapabilities_AcceptsRestartCommand);
  return toBigInt(toMask(...bits));
}
