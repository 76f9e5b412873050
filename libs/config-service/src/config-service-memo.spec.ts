import { createInProcessBus } from '@shepherd/bus';
import { DeliveryKind, type IAgentToServer, RemoteConfigStatuses } from '@shepherd/proto';
import { countingStore, type CountingStore } from '@shepherd/store/testing';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { createConfigAdmin } from './config-admin.js';
import { hashToBytes } from './config-hash.js';
import { parseSelector } from './selector.js';
import { DEFAULT_FILES, useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const HEAL_MS = 300_000;
const HEARTBEAT_MS = 30_000;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The reconcile memo (CONFIG_HEAL_INTERVAL_MS) end to end: which reports are decided without a
 * store read, and that every change still reaches the agent.
 */
describe.each(ENGINES)('config service reconcile memo on %s', (engine) => {
  const db = useTestDatabase(engine);
  let counting: CountingStore;
  // Liveness writes are kept out of the counts: last_seen_at is written at most once a day here.
  const h = useServiceHarness(db, { store: () => (counting = countingStore(db.store)).store, healIntervalMs: HEAL_MS, lastSeenIntervalMs: 86_400_000 });

  async function onlineAgent(labels: Record<string, string>) {
    const agent = newAgent();
    await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
    let n = 0;
    const report = (extra: Partial<IAgentToServer> = {}) => h.report({ instanceUid: agent.bytes, sequenceNum: seq(++n), capabilities: FULL_CAPABILITIES, ...extra });
    await report({ agentDescription: description(labels) });
    return { ...agent, report };
  }

  const applied = (hash: string) => ({ remoteConfigStatus: { lastRemoteConfigHash: hashToBytes(hash), status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED, errorMessage: '' } });
  const reads = () => counting.statements.filter((sql) => /LEFT JOIN agent_config_state/.test(sql));
  const offers = async () => (await h.takeDeliveries()).filter((d) => d.delivery.kind === DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);

  it('decides an APPLIED report of the offered hash and the heartbeats after it without reading the store', async () => {
    const agent = await onlineAgent({ env: 'test' });
    const { configHash } = await h.createConfig({ selector: parseSelector('env=test') });
    expect(await offers()).toHaveLength(1);

    counting.reset();
    await agent.report(applied(configHash));
    // The status is written (inventory row and config state); nothing is read.
    const written = counting.statements;
    expect(written.length).toBeGreaterThan(0);
    expect(written.every((sql) => /^\s*(INSERT|UPDATE|WITH state AS)/.test(sql))).toBe(true);
    for (let i = 0; i < 5; i += 1) {
      h.clock += HEARTBEAT_MS;
      await agent.report();
    }
    expect(counting.statements).toEqual(written);
    expect(await offers()).toEqual([]);
  });

  it('reads again once the view is older than the heal interval, and so finds a change it was not told about', async () => {
    const agent = await onlineAgent({ env: 'test' });
    counting.reset();
    await agent.report();
    expect(reads()).toHaveLength(0);
    // Another replica's admin whose event never reaches this service: only healing can find it.
    const elsewhere = createConfigAdmin({ store: db.store, bus: createInProcessBus(), topology: h.topology, logger: quiet, now: () => h.clock });
    const { configHash } = await elsewhere.createConfig({ tenantId: 'default', author: 'tester', files: DEFAULT_FILES, selector: parseSelector('env=test') });

    h.clock += HEAL_MS - 1;
    await agent.report();
    expect(reads()).toHaveLength(0);
    expect(await offers()).toEqual([]);
    h.clock += 1;
    await agent.report();
    expect(reads()).toHaveLength(1);
    const [offer, ...more] = await offers();
    expect(more).toEqual([]);
    expect(Buffer.from(offer!.serverToAgent.remoteConfig!.configHash!).toString('hex')).toBe(configHash);
  });

  it('decides at once on a new description, whose labels may select another config', async () => {
    await h.createConfig({ selector: parseSelector('env=a') });
    const files = [{ ...DEFAULT_FILES[0]!, body: 'receivers: {}\n' }];
    const { configHash: hashB } = await h.createConfig({ selector: parseSelector('env=b'), files });
    const agent = await onlineAgent({ env: 'a' });
    expect(await offers()).toHaveLength(1);
    await agent.report();
    expect(await offers()).toEqual([]);

    await agent.report({ agentDescription: description({ env: 'b' }) });
    const [offer] = await offers();
    expect(Buffer.from(offer!.serverToAgent.remoteConfig!.configHash!).toString('hex')).toBe(hashB);
  });

  it('decides a reconnect with one store read, and writes nothing for a full report that repeats what is stored', async () => {
    const agent = await onlineAgent({ env: 'test' });
    const { configHash } = await h.createConfig({ selector: parseSelector('env=test') });
    expect(await offers()).toHaveLength(1);
    await agent.report(applied(configHash));

    h.clock += 1_000;
    counting.reset();
    await h.connected(agent.bytes);
    await agent.report({ agentDescription: description({ env: 'test' }), ...applied(configHash) });
    expect(reads()).toHaveLength(1);
    expect(counting.statements.filter((sql) => /agent_config_status/.test(sql) && /INSERT/.test(sql))).toEqual([]);
    expect(await offers()).toEqual([]);

    // What the agent reports differently after the reconnect is written as before.
    await agent.report({ remoteConfigStatus: { lastRemoteConfigHash: hashToBytes(configHash), status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED, errorMessage: 'disk full' } });
    const { rows } = await db.store.query<{ status: string; error_message: string }>('SELECT status, error_message FROM agent_config_state WHERE instance_uid = $1', [agent.uid]);
    expect(rows).toEqual([{ status: 'FAILED', error_message: 'disk full' }]);
  });

  it('re-offers an unconfirmed config after the resend window from memory', async () => {
    await h.createConfig({ selector: parseSelector('env=test') });
    const agent = await onlineAgent({ env: 'test' });
    expect(await offers()).toHaveLength(1);
    counting.reset();
    h.clock += 60_000;
    await agent.report();
    expect(reads()).toHaveLength(0);
    expect(await offers()).toHaveLength(1);
  });
});

describe.each(ENGINES)('config service without the reconcile memo on %s', (engine) => {
  const db = useTestDatabase(engine);
  let counting: CountingStore;
  const h = useServiceHarness(db, { store: () => (counting = countingStore(db.store)).store, healIntervalMs: 0, lastSeenIntervalMs: 86_400_000 });

  it('reads the view on every report when CONFIG_HEAL_INTERVAL_MS is 0', async () => {
    const agent = newAgent();
    await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
    await h.report({ instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'x' }) });
    counting.reset();
    for (let i = 2; i < 5; i += 1) await h.report({ instanceUid: agent.bytes, sequenceNum: seq(i), capabilities: FULL_CAPABILITIES });
    expect(counting.statements.filter((sql) => /LEFT JOIN agent_config_state/.test(sql))).toHaveLength(3);
  });
});
