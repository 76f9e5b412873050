import { decodeAgentToServer, uidToString, RemoteConfigStatuses, ServerErrorResponseType, ServerToAgentFlags, toBigInt, toLong, opamp, type IServerToAgent } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { fullReport, heartbeat, LOADGEN_CAPABILITIES, newSimAgent, onServerMessage, type FleetDescription } from './agent-messages.js';

const fleet = (): FleetDescription => ({ labels: { env: 'bench' }, startedAtNanos: 1n, configs: new Map() });
const serverMessage = (m: IServerToAgent) => opamp.ServerToAgent.decode(opamp.ServerToAgent.encode(m).finish());
const attrs = (list: opamp.IKeyValue[] | null | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, kv.value?.stringValue]));
const offer = (hash: number[], body = 'receivers: {}') => ({
  remoteConfig: { configHash: Uint8Array.from(hash), config: { configMap: { '': { body: Buffer.from(body), contentType: 'text/yaml' } } } },
});

describe('simulated agent messages', () => {
  it('gives each agent a stable version-4 UUID from the run seed and its index', () => {
    const a = newSimAgent('0123456789abcdef', 258);
    expect(uidToString(a.uid)).toBe('01234567-89ab-4def-8000-000000000102');
    expect(newSimAgent('0123456789abcdef', 258).uid).toEqual(a.uid);
  });

  it('sends a full report first, then heartbeats with rising sequence numbers', () => {
    const agent = newSimAgent('00000000000000aa', 7);
    const full = decodeAgentToServer(fullReport(agent, fleet()));
    expect(toBigInt(full.sequenceNum)).toBe(0n);
    expect(toBigInt(full.capabilities)).toBe(toBigInt(LOADGEN_CAPABILITIES));
    expect(attrs(full.agentDescription?.identifyingAttributes)).toMatchObject({ 'service.instance.id': 'loadgen-7' });
    expect(attrs(full.agentDescription?.nonIdentifyingAttributes)).toMatchObject({ env: 'bench', 'host.name': 'loadgen-host-7' });
    expect(full.health?.healthy).toBe(true);
    expect(full.remoteConfigStatus?.status).toBe(RemoteConfigStatuses.RemoteConfigStatuses_UNSET);
    const beat = decodeAgentToServer(heartbeat(agent));
    expect(toBigInt(beat.sequenceNum)).toBe(1n);
    expect(beat.agentDescription).toBeNull();
    expect(beat.health).toBeNull();
  });

  it('applies a new remote config once and reports APPLIED with it as the effective config', () => {
    const agent = newSimAgent('00000000000000aa', 1);
    const f = fleet();
    fullReport(agent, f);
    const first = onServerMessage(agent, f, serverMessage(offer([1, 2, 3])), true);
    expect(first).toMatchObject({ applied: '010203', kind: 'push', retryAfterMs: undefined });
    const report = decodeAgentToServer(first.send!);
    expect(report.remoteConfigStatus?.status).toBe(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
    expect(Buffer.from(report.remoteConfigStatus!.lastRemoteConfigHash!).toString('hex')).toBe('010203');
    expect(Buffer.from(report.effectiveConfig!.configMap!.configMap!['']!.body!).toString()).toBe('receivers: {}');
    expect(onServerMessage(agent, f, serverMessage(offer([1, 2, 3])), false)).toMatchObject({ send: undefined, applied: undefined, kind: 'reply' });
    // Two agents given the same config share one copy.
    const other = newSimAgent('00000000000000aa', 2);
    onServerMessage(other, f, serverMessage(offer([1, 2, 3])), true);
    expect(other.appliedConfig).toBe(agent.appliedConfig);
    // A reconnect's full report carries the applied status.
    const again = decodeAgentToServer(fullReport(agent, f));
    expect(again.remoteConfigStatus?.status).toBe(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
  });

  it('answers ReportFullState with a full report and reads the retry hint of Unavailable', () => {
    const agent = newSimAgent('00000000000000aa', 1);
    const f = fleet();
    fullReport(agent, f);
    const asked = onServerMessage(agent, f, serverMessage({ flags: toLong(BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState)) }), false);
    expect(decodeAgentToServer(asked.send!).agentDescription).not.toBeNull();
    const refused = onServerMessage(
      agent,
      f,
      serverMessage({ errorResponse: { type: ServerErrorResponseType.ServerErrorResponseType_Unavailable, retryInfo: { retryAfterNanoseconds: toLong(2_500_000_000n) } } }),
      false,
    );
    expect(refused).toMatchObject({ kind: 'error', retryAfterMs: 2500, send: undefined });
  });
});
