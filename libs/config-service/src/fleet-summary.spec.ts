import { RemoteConfigStatuses, type IAgentToServer } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { hashToBytes } from './config-hash.js';
import { createConfigQueries } from './config-queries.js';
import { MAX_FAILURE_GROUPS, MAX_FAILURE_SAMPLES } from './fleet-summary.js';
import { ConfigVersionNotFoundError } from './query-errors.js';
import { T0, addAgent, addAssignment, insertVersion, reportStatus, yamlFiles } from './read-side-fixtures.test-helpers.js';
import { parseSelector } from './selector.js';
import { useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const at = (ms: number): Date => new Date(T0 + ms);

describe.each(ENGINES)('fleet summary on %s', (engine) => {
  const db = useTestDatabase(engine);
  const queries = () => createConfigQueries({ store: db.store });

  it('counts applied / failed / pending / offline over the agents targeting the version, failures grouped by message', async () => {
    const v1 = await insertVersion(db.store, { files: yamlFiles('v: 1\n') });
    const v2 = await insertVersion(db.store, { files: yamlFiles('v: 2\n') });
    await addAssignment(db.store, { hash: v1, selector: 'env=dev' });
    await addAssignment(db.store, { hash: v2, selector: 'env=prod' });
    const prod = { env: 'prod' };
    const applied = await addAgent(db.store, prod);
    const appliedOffline = await addAgent(db.store, prod, { connected: false });
    const failedWithLastGood = await addAgent(db.store, prod);
    const failedOffline = await addAgent(db.store, prod, { connected: false });
    const failedOther = await addAgent(db.store, prod);
    const pending = await addAgent(db.store, prod);
    await addAgent(db.store, prod, { connected: false });
    const pinned = await addAgent(db.store, prod);
    await addAgent(db.store, { env: 'dev' });
    await addAgent(db.store, prod, { tenantId: 'acme' });
    await addAssignment(db.store, { hash: v1, kind: 'agent-pin', instanceUid: pinned });
    await reportStatus(db.store, applied, v2, 'APPLIED');
    await reportStatus(db.store, appliedOffline, v2, 'APPLIED');
    await reportStatus(db.store, failedWithLastGood, v1, 'APPLIED', '', at(0));
    await reportStatus(db.store, failedWithLastGood, v2, 'FAILED', 'exporters: unknown type "otlpx"', at(2000));
    await reportStatus(db.store, failedOffline, v2, 'FAILED', 'exporters: unknown type "otlpx"', at(1000));
    await reportStatus(db.store, failedOther, v2, 'FAILED', '', at(3000));
    await reportStatus(db.store, pending, v2, 'APPLYING');
    await reportStatus(db.store, pinned, v2, 'FAILED', 'never counted: its pin targets v1');

    expect(await queries().fleetSummary('default', v2.toUpperCase())).toEqual({
      hash: v2,
      total: 7,
      applied: 2,
      failed: 3,
      pending: 1,
      offline: 1,
      failures: [
        {
          message: 'exporters: unknown type "otlpx"',
          count: 2,
          samples: [
            { instanceUid: failedWithLastGood, connected: true, lastAppliedHash: v1, failedAt: at(2000).toISOString() },
            { instanceUid: failedOffline, connected: false, lastAppliedHash: null, failedAt: at(1000).toISOString() },
          ],
        },
        { message: '', count: 1, samples: [{ instanceUid: failedOther, connected: true, lastAppliedHash: null, failedAt: at(3000).toISOString() }] },
      ],
      failureGroupsOmitted: 0,
    });
    expect(await queries().fleetSummary('default', v1)).toMatchObject({ total: 2, applied: 0, pending: 2, failed: 0, offline: 0 });
  });

  it(`keeps at most ${MAX_FAILURE_SAMPLES} samples per message and ${MAX_FAILURE_GROUPS} messages, counting the rest`, async () => {
    const hash = await insertVersion(db.store, { files: yamlFiles('v: 1\n') });
    await addAssignment(db.store, { hash });
    for (let i = 0; i < MAX_FAILURE_SAMPLES + 2; i++) await reportStatus(db.store, await addAgent(db.store, {}), hash, 'FAILED', 'common', at(i));
    for (let i = 0; i < MAX_FAILURE_GROUPS; i++) await reportStatus(db.store, await addAgent(db.store, {}), hash, 'FAILED', `rare ${String(i).padStart(2, '0')}`);

    const summary = await queries().fleetSummary('default', hash);

    expect(summary.failed).toBe(MAX_FAILURE_SAMPLES + 2 + MAX_FAILURE_GROUPS);
    expect(summary.failures).toHaveLength(MAX_FAILURE_GROUPS);
    expect(summary.failureGroupsOmitted).toBe(1);
    expect(summary.failures[0]).toMatchObject({ message: 'common', count: MAX_FAILURE_SAMPLES + 2 });
    expect(summary.failures[0]!.samples.map((s) => s.failedAt)).toEqual(
      Array.from({ length: MAX_FAILURE_SAMPLES }, (_, i) => at(MAX_FAILURE_SAMPLES + 1 - i).toISOString()),
    );
    expect(summary.failures.at(-1)!.message).toBe(`rare ${MAX_FAILURE_GROUPS - 2}`);
  });

  it("answers ConfigVersionNotFoundError for an unknown hash or another tenant's version, zeros for an unassigned one", async () => {
    const theirs = await insertVersion(db.store, { tenantId: 'acme', files: yamlFiles('a: 1\n') });
    const mine = await insertVersion(db.store, { files: yamlFiles('b: 1\n') });
    await expect(queries().fleetSummary('default', theirs)).rejects.toBeInstanceOf(ConfigVersionNotFoundError);
    await expect(queries().fleetSummary('default', 'f'.repeat(64))).rejects.toBeInstanceOf(ConfigVersionNotFoundError);
    await expect(queries().fleetSummary('default', 'f')).rejects.toThrow(/hash must be a config hash/);
    expect(await queries().fleetSummary('default', mine)).toEqual({
      hash: mine, total: 0, applied: 0, failed: 0, pending: 0, offline: 0, failures: [], failureGroupsOmitted: 0,
    });
  });
});

describe.each(ENGINES)('a failed config through the running config service on %s', (engine) => {
  const db = useTestDatabase(engine);
  const h = useServiceHarness(db);

  it('keeps the last good config of an agent that reports FAILED, and the fleet summary shows the failure with its message', async () => {
    const agent = newAgent();
    await h.ownership.claim(agent.uid, h.gatewayId, 60_000);
    let n = 0;
    const report = (extra: Partial<IAgentToServer> = {}) => h.report({ instanceUid: agent.bytes, sequenceNum: seq(++n), capabilities: FULL_CAPABILITIES, ...extra });
    const status = (hash: string, state: RemoteConfigStatuses, errorMessage = '') => ({
      remoteConfigStatus: { lastRemoteConfigHash: hashToBytes(hash), status: state, errorMessage },
    });
    await report({ agentDescription: description({ env: 'prod' }) });
    const good = await h.createConfig({ selector: parseSelector('env=prod') });
    await report(status(good.configHash, RemoteConfigStatuses.RemoteConfigStatuses_APPLIED));
    h.clock += 1000;
    const bad = await h.createConfig({ selector: parseSelector('env=prod'), priority: 1, files: yamlFiles('exporters:\n  otlp: {}\n') });
    await report(status(bad.configHash, RemoteConfigStatuses.RemoteConfigStatuses_APPLYING));
    await report(status(bad.configHash, RemoteConfigStatuses.RemoteConfigStatuses_FAILED, 'cannot start pipelines: exporter "otlp" has no endpoint'));

    const queries = createConfigQueries({ store: db.store });
    expect(await queries.fleetSummary('default', bad.configHash)).toMatchObject({
      total: 1,
      failed: 1,
      applied: 0,
      failures: [
        {
          message: 'cannot start pipelines: exporter "otlp" has no endpoint',
          count: 1,
          samples: [{ instanceUid: agent.uid, connected: true, lastAppliedHash: good.configHash }],
        },
      ],
    });
    const state = await db.store.query('SELECT last_applied_hash FROM agent_config_state WHERE instance_uid = $1', [agent.uid]);
    expect(state.rows).toEqual([{ last_applied_hash: good.configHash }]);
    expect(await queries.history({ tenantId: 'default', instanceUid: agent.uid })).toMatchObject({
      lastAppliedHash: good.configHash,
      reports: [
        { configHash: bad.configHash, status: 'FAILED', errorMessage: 'cannot start pipelines: exporter "otlp" has no endpoint' },
        { configHash: good.configHash, status: 'APPLIED', errorMessage: null },
      ],
    });
  });
});
