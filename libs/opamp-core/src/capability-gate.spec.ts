import { AgentCapabilities as AC, ServerErrorResponseType, ServerToAgentFlags, toLong, type IServerToAgent } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { ALL_AGENT_CAPS, onWire, uid } from './core.test-helpers.js';
import { allowedForAgent } from './index.js';

const bytes = (t: string): Uint8Array => new TextEncoder().encode(t);
const id = uid();
const config = { config: { configMap: { '': { body: bytes('receivers: {}'), contentType: 'text/yaml' } } }, configHash: bytes('h') };
const settings = (): NonNullable<IServerToAgent['connectionSettings']> => ({
  hash: bytes('cs'),
  opamp: { destinationEndpoint: 'wss://gw/v1/opamp' },
  ownMetrics: { destinationEndpoint: 'https://otlp/v1/metrics' },
  ownTraces: { destinationEndpoint: 'https://otlp/v1/traces' },
  ownLogs: { destinationEndpoint: 'https://otlp/v1/logs' },
  otherConnections: { kafka: { destinationEndpoint: 'kafka:9092' } },
});
const REPORTS = BigInt(AC.AgentCapabilities_ReportsStatus);

describe('allowedForAgent', () => {
  it('strips remote_config from an agent without AcceptsRemoteConfig and keeps it otherwise', () => {
    // wire-facts §7.34, §7.46
    const msg: IServerToAgent = { instanceUid: id, remoteConfig: config };
    const denied = allowedForAgent(msg, REPORTS);
    expect(denied.message.remoteConfig).toBeUndefined();
    expect(denied.stripped).toEqual(['remote_config']);
    expect(denied.empty).toBe(true);
    const allowed = allowedForAgent(msg, REPORTS | BigInt(AC.AgentCapabilities_AcceptsRemoteConfig));
    expect(allowed.message.remoteConfig).toBe(config);
    expect(allowed.empty).toBe(false);
    expect(msg.remoteConfig).toBe(config);
  });

  it('strips packages_available without AcceptsPackages', () => {
    // wire-facts §7.34, §7.66
    const msg: IServerToAgent = { instanceUid: id, packagesAvailable: { allPackagesHash: bytes('p') } };
    expect(allowedForAgent(msg, REPORTS).stripped).toEqual(['packages_available']);
    expect(allowedForAgent(msg, REPORTS | BigInt(AC.AgentCapabilities_AcceptsPackages)).message.packagesAvailable).toBeDefined();
  });

  it('strips command without AcceptsRestartCommand, and sends an allowed command with uid and capabilities only', () => {
    // wire-facts §7.34, §7.71
    const msg: IServerToAgent = { instanceUid: id, capabilities: toLong(7n), command: {}, remoteConfig: config, flags: toLong(1n) };
    const denied = allowedForAgent(msg, ALL_AGENT_CAPS & ~BigInt(AC.AgentCapabilities_AcceptsRestartCommand));
    expect(denied.message.command).toBeUndefined();
    expect(denied.message.remoteConfig).toBe(config);
    expect(denied.stripped).toEqual(['command']);
    const allowed = allowedForAgent(msg, ALL_AGENT_CAPS);
    expect(Object.keys(allowed.message).sort()).toEqual(['capabilities', 'command', 'instanceUid']);
    expect(allowed.stripped).toEqual(['fields_beside_command']);
    expect(onWire(allowed.message).command).not.toBeNull();
  });

  it('offers each connection-settings part only with its capability bit', () => {
    // wire-facts §7.53
    const msg: IServerToAgent = { instanceUid: id, connectionSettings: settings() };
    const caps = REPORTS | BigInt(AC.AgentCapabilities_ReportsOwnMetrics) | BigInt(AC.AgentCapabilities_AcceptsOtherConnectionSettings);
    const g = allowedForAgent(msg, caps);
    expect(Object.keys(g.message.connectionSettings!).sort()).toEqual(['hash', 'otherConnections', 'ownMetrics']);
    expect(g.stripped).toEqual(['connection_settings.opamp', 'connection_settings.own_traces', 'connection_settings.own_logs']);
    expect(allowedForAgent(msg, ALL_AGENT_CAPS).stripped).toEqual([]);
  });

  it('drops the whole connection_settings offer when no part is allowed', () => {
    // wire-facts §7.53
    const g = allowedForAgent({ instanceUid: id, connectionSettings: settings() }, REPORTS);
    expect(g.message.connectionSettings).toBeUndefined();
    expect(g.stripped).toContain('connection_settings');
    expect(g.empty).toBe(true);
  });

  it('keeps flags-only messages and reduces error messages to uid plus error_response', () => {
    // wire-facts §7.25
    expect(allowedForAgent({ instanceUid: id, flags: toLong(BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState)) }, 0n).empty).toBe(false);
    const err = allowedForAgent(
      { instanceUid: id, capabilities: toLong(1n), remoteConfig: config, errorResponse: { type: ServerErrorResponseType.ServerErrorResponseType_Unavailable } },
      ALL_AGENT_CAPS,
    );
    expect(Object.keys(err.message).sort()).toEqual(['errorResponse', 'instanceUid']);
  });
});
