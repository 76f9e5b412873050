import { AgentCapabilities, DeliveryKind, type IAgentToServer, toMask, uidToString } from '@shepherd/proto';
import { waitFor } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { parseSelector } from './selector.js';
import { useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

describe.each(ENGINES)('config fan-out on %s', (engine) => {
  const db = useTestDatabase(engine);
  const h = useServiceHarness(db);

  /** Registers an agent through a real report; owned by the fake gateway unless `owned` is false. */
  async function agent(labels: Record<string, string>, opts: { tenantId?: string; owned?: boolean; extra?: Partial<IAgentToServer> } = {}): Promise<string> {
    const created = newAgent();
    if (opts.owned !== false) await h.ownership.claim(created.uid, h.gatewayId, 60_000);
    await h.report(
      { instanceUid: created.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description(labels), ...opts.extra },
      { tenantId: opts.tenantId ?? 'default' },
    );
    return created.uid;
  }

  const offeredUids = async () =>
    (await h.takeDeliveries())
      .filter((seen) => seen.delivery.kind === DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG)
      .map((seen) => uidToString(seen.delivery.instanceUid))
      .sort();

  it('after createConfig reaches exactly the matching online agents, in batches', async () => {
    const matching: string[] = [];
    for (let i = 0; i < 5; i++) matching.push(await agent({ env: 'prod', region: 'eu', index: String(i) }));
    await agent({ env: 'prod', region: 'eu' }, { extra: { agentDisconnect: {} } });
    await agent({ env: 'prod', region: 'us' });
    await agent({ env: 'prod', region: 'eu' }, { tenantId: 'acme' });
    await agent({ env: 'prod', region: 'eu' }, { extra: { capabilities: toMask(AgentCapabilities.AgentCapabilities_ReportsStatus) } });
    expect(await h.takeDeliveries()).toEqual([]);

    const result = await h.createConfig({ selector: parseSelector({ match_labels: { env: 'prod', region: 'eu' } }) });

    expect(result.matchedAgents).toBe(7);
    expect(await offeredUids()).toEqual(matching.sort());
    const summary = h.logs.find((line) => line.msg === 'config change reconciled');
    expect(summary?.obj).toMatchObject({ assignmentId: result.assignmentId, agents: 6, offered: 5, batches: 3 });
  });

  it('looks owners up in batch and skips matching agents that no gateway owns', async () => {
    const owned = await agent({ env: 'prod' });
    await agent({ env: 'prod' }, { owned: false });
    await h.createConfig({ selector: parseSelector('env=prod') });
    expect(await offeredUids()).toEqual([owned]);
  });

  it('routes each offer to the gateway that owns the agent', async () => {
    const here = await agent({ env: 'prod' });
    const elsewhere = await agent({ env: 'prod' }, { owned: false });
    await h.ownership.claim(elsewhere, 'gw-other', 60_000);
    const other: string[] = [];
    h.bus.subscribe(h.topology.delivery('gw-other'), {}, (msg) => void other.push(msg.subject));
    await h.createConfig({ selector: parseSelector('env=prod') });
    expect(await offeredUids()).toEqual([here]);
    await waitFor(() => other.length > 0, { description: 'the offer at the other gateway' });
    expect(other).toEqual([h.topology.delivery('gw-other')]);
  });

  it('resolves the seed document target "env=test,region=us-west-2" to the agents with those labels', async () => {
    const wanted = await agent({ env: 'test', region: 'us-west-2' });
    await agent({ env: 'test', region: 'us-west-1' });
    await agent({ env: 'test' });
    const result = await h.createConfig({ selector: parseSelector('env=test,region=us-west-2') });
    expect(result.matchedAgents).toBe(1);
    expect(await offeredUids()).toEqual([wanted]);
    expect(await h.admin.getAgent('default', wanted)).toMatchObject({ remoteConfig: { targetHash: result.configHash } });
  });

  it('does not offer again when the agent already runs the newly assigned hash', async () => {
    const first = await h.createConfig({ selector: parseSelector('env=prod') });
    const uid = newAgent();
    await h.ownership.claim(uid.uid, h.gatewayId, 60_000);
    await h.report({
      instanceUid: uid.bytes,
      sequenceNum: seq(1),
      capabilities: FULL_CAPABILITIES,
      agentDescription: description({ env: 'prod' }),
      remoteConfigStatus: { lastRemoteConfigHash: Buffer.from(first.configHash, 'hex'), status: 1 },
    });
    await h.createConfig({ selector: parseSelector('env=prod'), priority: 5 });
    expect(await offeredUids()).toEqual([]);
  });

  it('reaches agents selected only through expressions, in batches', async () => {
    const wanted = [await agent({ tier: 'web' }), await agent({ tier: 'api', zone: 'a' }), await agent({ region: 'eu' })];
    await agent({ tier: 'db' });
    await agent({ tier: 'web', canary: 'yes' });
    const result = await h.createConfig({ selector: parseSelector('tier notin (db),!canary') });
    expect(result.matchedAgents).toBe(3);
    expect(await offeredUids()).toEqual(wanted.sort());
    const summary = h.logs.find((line) => line.msg === 'config change reconciled' && line.obj['assignmentId'] === result.assignmentId);
    expect(summary?.obj).toMatchObject({ agents: 3, offered: 3, batches: 2 });
  });

  it('reconciles only the pinned agent after an agent rollback', async () => {
    const pinned = await agent({ env: 'prod' });
    await agent({ env: 'prod' });
    const first = await h.createConfig({ selector: parseSelector('env=prod') });
    await h.report({ instanceUid: Buffer.from(pinned.replaceAll('-', ''), 'hex'), sequenceNum: seq(2), capabilities: FULL_CAPABILITIES, remoteConfigStatus: { lastRemoteConfigHash: Buffer.from(first.configHash, 'hex'), status: 1 } });
    const second = await h.createConfig({ selector: parseSelector('env=prod'), files: [{ name: 'collector.yaml', contentType: 'text/yaml', body: 'receivers:\n  otlp: {}\n' }] });
    const failed = { lastRemoteConfigHash: Buffer.from(second.configHash, 'hex'), status: 3, errorMessage: 'bind: address in use' };
    await h.report({ instanceUid: Buffer.from(pinned.replaceAll('-', ''), 'hex'), sequenceNum: seq(3), capabilities: FULL_CAPABILITIES, remoteConfigStatus: failed });
    await h.takeDeliveries();
    const pin = await h.admin.rollback({ tenantId: 'default', instanceUid: pinned }, 'ops');
    await waitFor(() => h.logs.some((line) => line.msg === 'config change reconciled' && line.obj['assignmentId'] === pin.assignmentId), { description: 'the pin fan-out' });
    const offers = (await h.takeDeliveries()).filter((seen) => seen.delivery.kind === DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);
    expect(offers.map((seen) => uidToString(seen.delivery.instanceUid))).toEqual([pinned]);
    expect(Buffer.from(offers[0]?.serverToAgent.remoteConfig?.configHash ?? []).toString('hex')).toBe(first.configHash);
  });

  it("offers each agent its resolved target, reading it per agent only while another assignment outranks the change's", async () => {
    const web = await agent({ env: 'prod', tier: 'web' });
    const others = [await agent({ env: 'prod', tier: 'db' }), await agent({ env: 'prod' })];
    const body = (text: string) => [{ name: 'collector.yaml', contentType: 'text/yaml', body: `receivers:\n  ${text}: {}\n` }];
    const offeredHashes = async () =>
      Object.fromEntries(
        (await h.takeDeliveries())
          .filter((seen) => seen.delivery.kind === DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG)
          .map((seen) => [uidToString(seen.delivery.instanceUid), Buffer.from(seen.serverToAgent.remoteConfig!.configHash!).toString('hex')]),
      );
    const fanoutOf = (assignmentId: string) => h.logs.find((line) => line.msg === 'config change reconciled' && line.obj['assignmentId'] === assignmentId)?.obj;
    const resolved = async (uid: string) => (await h.admin.resolve('default', uid)).configHash;

    const high = await h.createConfig({ selector: parseSelector('tier=web'), priority: 10, files: body('high') });
    expect(fanoutOf(high.assignmentId)).toMatchObject({ uncontested: true, offered: 1 });
    expect(await offeredHashes()).toEqual({ [web]: high.configHash });

    // Outranked by the tier=web assignment for one of its agents: each target is resolved.
    const low = await h.createConfig({ selector: parseSelector('env=prod'), files: body('low') });
    expect(fanoutOf(low.assignmentId)).toMatchObject({ uncontested: false, agents: 3, offered: 2 });
    expect(await offeredHashes()).toEqual(Object.fromEntries(others.map((uid) => [uid, low.configHash])));
    for (const uid of others) expect(await resolved(uid)).toBe(low.configHash);
    expect(await resolved(web)).toBe(high.configHash);

    const top = await h.createConfig({ selector: parseSelector('env=prod'), priority: 20, files: body('top') });
    expect(fanoutOf(top.assignmentId)).toMatchObject({ uncontested: true, agents: 3, offered: 3 });
    expect(await offeredHashes()).toEqual(Object.fromEntries([web, ...others].map((uid) => [uid, top.configHash])));
    for (const uid of [web, ...others]) expect(await resolved(uid)).toBe(top.configHash);
  });

  it('records only the offers its gateway confirmed, so an agent the multicast missed gets the offer on its next report', async () => {
    const reached = await agent({ env: 'prod' });
    const missed = await agent({ env: 'prod' });
    h.unreachable.add(missed);
    const result = await h.createConfig({ selector: parseSelector('env=prod') });
    expect(await offeredUids()).toEqual([reached]);
    const summary = h.logs.find((line) => line.msg === 'config change reconciled' && line.obj['assignmentId'] === result.assignmentId);
    expect(summary?.obj).toMatchObject({ agents: 2, offered: 1 });
    const offered = async (uid: string) => (await db.store.query<{ offered_hash: string | null }>('SELECT offered_hash FROM agent_config_state WHERE instance_uid = $1', [uid])).rows[0]?.offered_hash ?? null;
    expect(await offered(reached)).toBe(result.configHash);
    expect(await offered(missed)).toBeNull();
    // Its next heartbeat offers it at once, not after the resend window.
    h.unreachable.delete(missed);
    await h.report({ instanceUid: Buffer.from(missed.replaceAll('-', ''), 'hex'), sequenceNum: seq(2), capabilities: FULL_CAPABILITIES });
    expect(await offeredUids()).toEqual([missed]);
  });
});
