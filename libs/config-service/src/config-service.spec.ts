import { DeliveryKind, type IAgentToServer, RemoteConfigStatuses, ServerToAgentFlags, toBigInt, toMask, AgentCapabilities } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { hashToBytes } from './config-hash.js';
import { parseSelector } from './selector.js';
import { DEFAULT_FILES as YAML, useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const WINDOW = 60_000;

describe.each(ENGINES)('config service reconciliation on %s', (engine) => {
  const db = useTestDatabase(engine);
  const h = useServiceHarness(db);

  /** A described, connected agent owned by the fake gateway. */
  async function onlineAgent(labels: Record<string, string>, capabilities = FULL_CAPABILITIES) {
    const agent = newAgent();
    await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
    let n = 0;
    const report = (extra: Partial<IAgentToServer> = {}) => h.report({ instanceUid: agent.bytes, sequenceNum: seq(++n), capabilities, ...extra });
    await report({ agentDescription: description(labels) });
    return { ...agent, report };
  }

  const status = (hash: string, state: RemoteConfigStatuses, errorMessage = '') => ({
    remoteConfigStatus: { lastRemoteConfigHash: hashToBytes(hash), status: state, errorMessage },
  });

  it('offers the target config when the reported hash differs: config_hash always set, files under their names', async () => {
    const { configHash } = await h.createConfig({ selector: parseSelector('env=test') });
    expect(await h.takeDeliveries()).toEqual([]);
    const agent = await onlineAgent({ env: 'test' });

    const [offer, ...more] = await h.takeDeliveries();
    expect(more).toEqual([]);
    expect(offer!.delivery.kind).toBe(DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);
    expect(Buffer.from(offer!.delivery.instanceUid).toString('hex')).toBe(Buffer.from(agent.bytes).toString('hex'));
    expect(offer!.delivery.tenantId).toBe('default');
    const remote = offer!.serverToAgent.remoteConfig!;
    expect(Buffer.from(offer!.serverToAgent.instanceUid).equals(Buffer.from(agent.bytes))).toBe(true);
    expect(Buffer.from(remote.configHash!).toString('hex')).toBe(configHash);
    expect(Object.keys(remote.config!.configMap!)).toEqual(['collector.yaml']);
    expect(Buffer.from(remote.config!.configMap!['collector.yaml']!.body!).toString()).toBe(YAML[0]!.body);
    expect(remote.config!.configMap!['collector.yaml']!.contentType).toBe('text/yaml');
    const state = await db.store.query('SELECT offered_hash, target_hash, offered_at FROM agent_config_state WHERE instance_uid = $1', [agent.uid]);
    expect(state.rows).toEqual([{ offered_hash: configHash, target_hash: configHash, offered_at: new Date(h.clock) }]);
  });

  it('does not offer when the agent already reports the target hash', async () => {
    const { configHash } = await h.createConfig({ selector: parseSelector('env=test') });
    const agent = newAgent();
    await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
    await h.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'test' }), ...status(configHash, RemoteConfigStatuses.RemoteConfigStatuses_APPLIED) });
    await h.report({ instanceUid: agent.bytes, sequenceNum: seq(2), capabilities: FULL_CAPABILITIES });
    expect(await h.takeDeliveries()).toEqual([]);
  });

  it('does not re-offer within the resend window, and re-offers after it asking for a full report', async () => {
    await h.createConfig({ selector: parseSelector('env=test') });
    const agent = await onlineAgent({ env: 'test' });
    const [first] = await h.takeDeliveries();
    expect(toBigInt(first!.serverToAgent.flags ?? 0)).toBe(0n);
    h.clock += WINDOW - 1;
    await agent.report();
    expect(await h.takeDeliveries()).toEqual([]);
    h.clock += 1;
    await agent.report();
    const again = await h.takeDeliveries();
    expect(again.map((d) => d.delivery.kind)).toEqual([DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG]);
    // wire-facts §7.31: an agent that already applied it (its APPLIED got lost) reports again.
    expect(toBigInt(again[0]!.serverToAgent.flags ?? 0) & BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState)).not.toBe(0n);
  });

  it('never offers to an agent without AcceptsRemoteConfig', async () => {
    await h.createConfig({ selector: parseSelector('env=test') });
    const agent = await onlineAgent({ env: 'test' }, toMask(AgentCapabilities.AgentCapabilities_ReportsStatus, AgentCapabilities.AgentCapabilities_ReportsRemoteConfig));
    h.clock += 10 * WINDOW;
    await agent.report();
    expect(await h.takeDeliveries()).toEqual([]);
  });

  it('records status per agent and hash with the error message, and never re-offers a hash the agent reported FAILED', async () => {
    const first = await h.createConfig({ selector: parseSelector('env=test') });
    const agent = await onlineAgent({ env: 'test' });
    expect(await h.takeDeliveries()).toHaveLength(1);
    await agent.report(status(first.configHash, RemoteConfigStatuses.RemoteConfigStatuses_APPLYING));
    await agent.report(status(first.configHash, RemoteConfigStatuses.RemoteConfigStatuses_FAILED, 'exporters: unknown type "otlpx"'));
    h.clock += 10 * WINDOW;
    await agent.report();
    expect(await h.takeDeliveries()).toEqual([]);

    const second = await h.createConfig({ selector: parseSelector('env=test'), files: [{ ...YAML[0]!, body: 'fixed: true\n' }] });
    const offers = await h.takeDeliveries();
    expect(offers.map((d) => Buffer.from(d.serverToAgent.remoteConfig!.configHash!).toString('hex'))).toEqual([second.configHash]);
    await agent.report(status(second.configHash, RemoteConfigStatuses.RemoteConfigStatuses_APPLIED));

    const history = await db.store.query('SELECT config_hash, status, error_message FROM agent_config_status WHERE instance_uid = $1 ORDER BY status', [agent.uid]);
    expect(history.rows).toEqual([
      { config_hash: second.configHash, status: 'APPLIED', error_message: null },
      { config_hash: first.configHash, status: 'FAILED', error_message: 'exporters: unknown type "otlpx"' },
    ]);
    expect(await h.admin.getAgent('default', agent.uid)).toMatchObject({
      remoteConfig: { targetHash: second.configHash, reportedHash: second.configHash, status: 'APPLIED', errorMessage: null },
    });
  });

  it('offers again when the agent reconnects, without waiting for the resend window', async () => {
    await h.createConfig({ selector: parseSelector('env=test') });
    const agent = await onlineAgent({ env: 'test' });
    expect(await h.takeDeliveries()).toHaveLength(1);
    h.clock += 1000;
    await h.connected(agent.bytes);
    expect((await h.takeDeliveries()).map((d) => d.delivery.kind)).toEqual([DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG]);
  });

  it('sends nothing for an agent the ownership store does not know (it reconciles when it is back)', async () => {
    await h.createConfig({ selector: parseSelector('env=test') });
    const agent = newAgent();
    await h.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'test' }) });
    expect(await h.takeDeliveries()).toEqual([]);
    await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
    await h.report({ instanceUid: agent.bytes, sequenceNum: seq(2), capabilities: FULL_CAPABILITIES });
    expect(await h.takeDeliveries()).toHaveLength(1);
  });
});
