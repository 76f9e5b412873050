import { createInProcessBus, createTopology, ensureTopology, type EventBus, type Topology } from '@shepherd/bus';
import { RemoteConfigStatuses, type IAgentToServer } from '@shepherd/proto';
import { uniqueName, waitFor } from '@shepherd/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, STATUS_ONLY, decodedMessage, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { resolveTarget } from './assignment-repository.js';
import { decodeConfigChangedEvent, type ConfigChangedEvent } from './config-changed-event.js';
import { type ConfigAdmin, createConfigAdmin } from './config-admin.js';
import { InvalidAgentQueryError, InvalidConfigError, InvalidSelectorError } from './errors.js';
import { ConfigValidationError } from '@shepherd/config-validation';
import { createInventoryRepository } from './inventory-repository.js';
import { parseSelector } from './selector.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const YAML = [{ name: 'collector.yaml', contentType: 'text/yaml', body: 'receivers:\n  otlp: {}\n' }];
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(ENGINES)('config admin on %s', (engine) => {
  const db = useTestDatabase(engine);
  let bus: EventBus;
  let topology: Topology;
  let admin: ConfigAdmin;

  beforeEach(async () => {
    bus = createInProcessBus();
    topology = createTopology({ prefix: uniqueName('cfg') });
    await ensureTopology(bus, topology);
    admin = createConfigAdmin({ store: db.store, bus, topology, logger: silent, now: () => T0 });
  });

  afterEach(async () => {
    await bus.close();
  });

  /** Records one report of a new agent through the real inventory path; returns its uid. */
  async function addAgent(labels: Record<string, string>, extra: Partial<IAgentToServer> = {}, tenantId = 'default'): Promise<string> {
    const agent = newAgent();
    const { envelope, message } = decodedMessage(
      { instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description(labels), ...extra },
      { receivedAtMs: T0, tenantId },
    );
    await createInventoryRepository({ store: db.store }).recordMessage(envelope, message);
    return agent.uid;
  }

  describe('createConfig', () => {
    it('stores the version and the assignment, audits it, counts matching agents and publishes config-changed', async () => {
      await addAgent({ env: 'test', region: 'us-west-2' });
      await addAgent({ env: 'test', region: 'us-west-2' }, { agentDisconnect: {} });
      await addAgent({ env: 'test', region: 'eu-west-1' });
      await addAgent({ env: 'test', region: 'us-west-2' }, {}, 'other-tenant');
      const events: ConfigChangedEvent[] = [];
      await bus.consume({ ...topology.configConsumers['config-service'] }, async (msg) => void events.push(decodeConfigChangedEvent(msg.data)));

      const result = await admin.createConfig({ tenantId: 'default', selector: parseSelector('env=test,region=us-west-2'), files: YAML, name: 'otlp', author: 'alice' });

      expect(result.configHash).toMatch(/^[0-9a-f]{64}$/);
      expect(result.matchedAgents).toBe(2);
      const versions = await db.store.query('SELECT tenant_id, hash, name, files, author FROM config_versions');
      expect(versions.rows).toEqual([
        { tenant_id: 'default', hash: result.configHash, name: 'otlp', author: 'alice', files: [{ name: 'collector.yaml', contentType: 'text/yaml', body: YAML[0]!.body, encoding: 'utf8' }] },
      ]);
      const assignments = await db.store.query('SELECT id, tenant_id, selector, priority, config_hash, active, author FROM config_assignments');
      expect(assignments.rows).toEqual([
        { id: result.assignmentId, tenant_id: 'default', selector: { matchLabels: { env: 'test', region: 'us-west-2' } }, priority: 0, config_hash: result.configHash, active: true, author: 'alice' },
      ]);
      const audit = await db.store.query('SELECT actor, action, subject, after_hash FROM audit_log WHERE subject = $1', [`assignment:${result.assignmentId}`]);
      expect(audit.rows).toEqual([{ actor: 'alice', action: 'config.assign', subject: `assignment:${result.assignmentId}`, after_hash: result.configHash }]);
      await waitFor(() => events.length === 1, { description: 'the config-changed event' });
      expect(events[0]).toEqual({
        tenantId: 'default',
        assignmentId: result.assignmentId,
        configHash: result.configHash,
        selector: { matchLabels: { env: 'test', region: 'us-west-2' }, matchExpressions: [] },
        at: new Date(T0).toISOString(),
      });
    });

    it('stores identical content once per tenant (idempotent by hash) with one assignment per call', async () => {
      const first = await admin.createConfig({ tenantId: 'default', selector: parseSelector('env=a'), files: YAML, author: 'alice' });
      const second = await admin.createConfig({ tenantId: 'default', selector: parseSelector('env=b'), files: YAML, author: 'bob', priority: 5 });
      const otherTenant = await admin.createConfig({ tenantId: 'acme', selector: parseSelector('env=a'), files: YAML, author: 'carol' });
      expect(second.configHash).toBe(first.configHash);
      expect(otherTenant.configHash).toBe(first.configHash);
      expect(second.assignmentId).not.toBe(first.assignmentId);
      const versions = await db.store.query<{ tenant_id: string; author: string }>('SELECT tenant_id, author FROM config_versions ORDER BY tenant_id');
      expect(versions.rows).toEqual([
        { tenant_id: 'acme', author: 'carol' },
        { tenant_id: 'default', author: 'alice' },
      ]);
      expect((await db.store.query('SELECT 1 FROM config_assignments')).rowCount).toBe(3);
    });

    it('commits and returns even when the config-changed event cannot be published, and logs why', async () => {
      const errors: Array<Record<string, unknown>> = [];
      const logging = createConfigAdmin({ store: db.store, bus, topology, logger: { ...silent, error: (obj) => void errors.push(obj) }, now: () => T0 });
      await bus.close();
      const result = await logging.createConfig({ tenantId: 'default', selector: parseSelector('env=a'), files: YAML, author: 'alice' });
      expect((await db.store.query('SELECT id FROM config_assignments')).rows).toEqual([{ id: result.assignmentId }]);
      expect(errors).toEqual([expect.objectContaining({ assignmentId: result.assignmentId, err: expect.objectContaining({ code: 'BUS_CLOSED' }) })]);
    });

    it.each([
      ['a bad selector', { selector: { matchLabels: { env: 1 } } }, InvalidSelectorError],
      ['no files', { files: [] }, InvalidConfigError],
      ['a duplicate file name', { files: [YAML[0], YAML[0]] }, InvalidConfigError],
      ['a fractional priority', { priority: 1.5 }, InvalidConfigError],
      ['an empty author', { author: '' }, InvalidConfigError],
      ['an empty tenant', { tenantId: '' }, InvalidConfigError],
    ])('refuses %s and stores nothing', async (_, override, ErrorClass) => {
      const input = { tenantId: 'default', selector: parseSelector('env=a'), files: YAML, author: 'alice', ...override };
      await expect(admin.createConfig(input as never)).rejects.toBeInstanceOf(ErrorClass);
      expect((await db.store.query('SELECT 1 FROM config_versions')).rowCount).toBe(0);
    });

    it('refuses a collector config that fails validation, naming file, line and problem, and stores, audits and publishes nothing', async () => {
      const published: string[] = [];
      bus.subscribe(topology.subjects.configChanged, {}, (msg) => void published.push(msg.subject));
      const body = [
        'receivers:',
        '  otlp: {}',
        'exporters:',
        '  debug: {}',
        'service:',
        '  pipelines:',
        '    traces:',
        '      receivers: [otlp]',
        '      processors: [batch]',
        '      exporters: [debug]',
        '',
      ].join('\n');
      const files = [{ name: 'collector.yaml', contentType: 'text/yaml', body }];
      // audit_log is append-only, so earlier tests' rows stay: compare counts.
      const audited = async () => (await db.store.query("SELECT 1 FROM audit_log WHERE action = 'config.assign'")).rowCount;
      const auditedBefore = await audited();
      const err = (await admin
        .createConfig({ tenantId: 'default', selector: parseSelector('env=a'), files, author: 'alice' })
        .catch((e: unknown) => e)) as ConfigValidationError;
      expect(err).toBeInstanceOf(ConfigValidationError);
      expect(err.code).toBe('CONFIG_INVALID');
      expect(err.problems).toEqual([expect.objectContaining({ file: 'collector.yaml', line: 9, code: 'COMPONENT_UNDEFINED' })]);
      expect(err.message).toContain('batch');
      expect((await db.store.query('SELECT 1 FROM config_versions')).rowCount).toBe(0);
      expect((await db.store.query('SELECT 1 FROM config_assignments')).rowCount).toBe(0);
      expect(await audited()).toBe(auditedBefore);
      expect(published).toEqual([]);
    });
  });

  describe('target resolution', () => {
    it('picks the highest priority, then the newest, among active matching assignments of the tenant', async () => {
      const labels = { 'service.name': 'otelcol', env: 'prod', region: 'eu' };
      const body = (text: string) => [{ name: '', contentType: 'text/yaml', body: text }];
      expect(await resolveTarget(db.store, 'default', labels)).toBeUndefined();

      const broad = await admin.createConfig({ tenantId: 'default', selector: parseSelector('env=prod'), files: body('broad'), author: 'a', priority: 1 });
      expect(await resolveTarget(db.store, 'default', labels)).toBe(broad.configHash);
      const low = await admin.createConfig({ tenantId: 'default', selector: parseSelector('env=prod,region=eu'), files: body('low'), author: 'a', priority: 0 });
      expect(await resolveTarget(db.store, 'default', labels)).toBe(broad.configHash);
      const newer = await admin.createConfig({ tenantId: 'default', selector: parseSelector('region=eu'), files: body('newer'), author: 'a', priority: 1 });
      expect(await resolveTarget(db.store, 'default', labels)).toBe(newer.configHash);
      await admin.createConfig({ tenantId: 'default', selector: parseSelector('env=staging'), files: body('other env'), author: 'a', priority: 9 });
      await admin.createConfig({ tenantId: 'acme', selector: parseSelector('env=prod'), files: body('other tenant'), author: 'a', priority: 9 });
      expect(await resolveTarget(db.store, 'default', labels)).toBe(newer.configHash);

      await db.store.query('UPDATE config_assignments SET active = false WHERE id = $1', [newer.assignmentId]);
      expect(await resolveTarget(db.store, 'default', labels)).toBe(broad.configHash);
      expect(await resolveTarget(db.store, 'default', { env: 'prod', region: 'us' })).toBe(broad.configHash);
      expect(low.configHash).not.toBe(broad.configHash);
    });

    it('resolves the seed shape target "env=test,region=us-west-2" for agents with those labels only', async () => {
      const seeded = await admin.createConfig({ tenantId: 'default', selector: parseSelector('env=test,region=us-west-2'), files: YAML, author: 'a' });
      expect(await resolveTarget(db.store, 'default', { env: 'test', region: 'us-west-2', 'service.name': 'x' })).toBe(seeded.configHash);
      expect(await resolveTarget(db.store, 'default', { env: 'test' })).toBeUndefined();
      expect(await resolveTarget(db.store, 'default', { env: 'test', region: 'us-west-1' })).toBeUndefined();
    });
  });

  describe('listAgents', () => {
    it('filters by labels within the tenant', async () => {
      const a = await addAgent({ env: 'test', region: 'us-west-2' });
      const b = await addAgent({ env: 'test', region: 'us-west-2', zone: 'b' });
      await addAgent({ env: 'prod', region: 'us-west-2' });
      await addAgent({ env: 'test', region: 'us-west-2' }, {}, 'acme');
      const page = await admin.listAgents({ tenantId: 'default', labels: { env: 'test', region: 'us-west-2' } });
      expect(page.agents.map((agent) => agent.instanceUid).sort()).toEqual([a, b].sort());
      expect(page.next).toBeUndefined();
      expect((await admin.listAgents({ tenantId: 'default' })).agents).toHaveLength(3);
      expect((await admin.listAgents({ tenantId: 'default', labels: { 'service.name': 'otelcol' } })).agents).toHaveLength(3);
    });

    it('filters by a selector with expressions, combined with the label pairs', async () => {
      const web = await addAgent({ env: 'test', tier: 'web' });
      const api = await addAgent({ env: 'prod', tier: 'api' });
      await addAgent({ env: 'test', tier: 'db' });
      await addAgent({ env: 'test', tier: 'web', canary: 'y' });
      const uids = async (query: Omit<Parameters<ConfigAdmin['listAgents']>[0], 'tenantId'>) =>
        (await admin.listAgents({ tenantId: 'default', ...query })).agents.map((agent) => agent.instanceUid).sort();
      expect(await uids({ selector: parseSelector('tier in (web,api),!canary') })).toEqual([web, api].sort());
      expect(await uids({ labels: { env: 'test' }, selector: parseSelector('tier notin (db),!canary') })).toEqual([web]);
    });

    it('pages in instance-uid order with an opaque next cursor', async () => {
      const uids: string[] = [];
      for (let i = 0; i < 5; i++) uids.push(await addAgent({ env: 'test' }));
      uids.sort();
      const seen: string[] = [];
      let after: string | undefined;
      const nexts: Array<string | undefined> = [];
      do {
        const page = await admin.listAgents({ tenantId: 'default', labels: { env: 'test' }, limit: 2, ...(after === undefined ? {} : { after }) });
        seen.push(...page.agents.map((agent) => agent.instanceUid));
        nexts.push(page.next);
        after = page.next;
      } while (after !== undefined);
      expect(seen).toEqual(uids);
      expect(nexts).toEqual([uids[1], uids[3], undefined]);
    });

    it('refuses a bad limit, cursor or label filter', async () => {
      await expect(admin.listAgents({ tenantId: 'default', limit: 0 })).rejects.toBeInstanceOf(InvalidAgentQueryError);
      await expect(admin.listAgents({ tenantId: 'default', limit: 1001 })).rejects.toBeInstanceOf(InvalidAgentQueryError);
      await expect(admin.listAgents({ tenantId: 'default', after: 'not-a-uuid' })).rejects.toBeInstanceOf(InvalidAgentQueryError);
      await expect(admin.listAgents({ tenantId: 'default', labels: { env: '' } })).rejects.toBeInstanceOf(InvalidSelectorError);
    });
  });

  describe('getAgent', () => {
    it('maps everything the inventory and config state know into an AgentView', async () => {
      const { configHash } = await admin.createConfig({ tenantId: 'default', selector: parseSelector('env=test'), files: YAML, author: 'a' });
      const uid = await addAgent(
        { env: 'test' },
        {
          health: { healthy: false, status: 'degraded', lastError: 'boom' },
          effectiveConfig: { configMap: { configMap: { 'a.yaml': { body: Buffer.from('a: 1'), contentType: 'text/yaml' }, bin: { body: Buffer.from([0xff]) } } } },
        },
      );
      await db.store.query(
        `INSERT INTO agent_config_state (instance_uid, reported_hash, status, error_message) VALUES ($1, $2, 'FAILED', 'bad yaml')`,
        [uid, 'ab'.repeat(32)],
      );
      const view = await admin.getAgent('default', uid.toUpperCase());
      expect(view).toEqual({
        instanceUid: uid,
        tenantId: 'default',
        connected: true,
        gatewayId: 'gw-1',
        transport: 'websocket',
        lastSeenAt: new Date(T0).toISOString(),
        firstSeenAt: new Date(T0).toISOString(),
        identifying: { 'service.name': 'otelcol' },
        nonIdentifying: { env: 'test' },
        labels: { 'service.name': 'otelcol', env: 'test' },
        capabilities: ['ReportsStatus', 'AcceptsRemoteConfig', 'ReportsEffectiveConfig', 'ReportsHealth', 'ReportsRemoteConfig'],
        health: { healthy: false, status: 'degraded', lastError: 'boom', metrics: {} },
        effectiveConfig: {
          files: { 'a.yaml': { contentType: 'text/yaml', body: 'a: 1', encoding: 'utf8' }, bin: { contentType: '', body: '/w==', encoding: 'base64' } },
        },
        remoteConfig: { targetHash: configHash, reportedHash: 'ab'.repeat(32), status: 'FAILED', errorMessage: 'bad yaml', lastAppliedHash: null, lastAppliedAt: null },
      });
    });

    it('shows an agent without config state or reports with nulls', async () => {
      const uid = await addAgent({ env: 'x' }, { capabilities: STATUS_ONLY });
      expect(await admin.getAgent('default', uid)).toMatchObject({
        capabilities: ['ReportsStatus'],
        health: null,
        effectiveConfig: null,
        remoteConfig: { targetHash: null, reportedHash: null, status: null, errorMessage: null },
      });
    });

    it('returns undefined for an unknown agent or one of another tenant, and refuses a malformed uid', async () => {
      const uid = await addAgent({ env: 'x' }, { remoteConfigStatus: { status: RemoteConfigStatuses.RemoteConfigStatuses_UNSET } }, 'acme');
      expect(await admin.getAgent('default', uid)).toBeUndefined();
      expect(await admin.getAgent('acme', newAgent().uid)).toBeUndefined();
      expect(await admin.getAgent('acme', uid)).toMatchObject({ instanceUid: uid, tenantId: 'acme' });
      await expect(admin.getAgent('acme', 'xyz')).rejects.toBeInstanceOf(InvalidAgentQueryError);
    });
  });
});
