import { describe, expect, it } from 'vitest';
import { files, useAdminHarness } from './admin-harness.test-helpers.js';
import { resolveTarget } from './assignment-repository.js';
import { AgentNotFoundError, InvalidConfigError } from './errors.js';
import { parseSelector, selectorKey } from './selector.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

describe.each(ENGINES)('assignment model on %s', (engine) => {
  const db = useTestDatabase(engine);
  const h = useAdminHarness(db);

  const auditOf = async (assignmentId: string) =>
    (await db.store.query('SELECT actor, action, before_hash, after_hash, details FROM audit_log WHERE subject = $1 ORDER BY id', [`assignment:${assignmentId}`])).rows;

  describe('createConfig', () => {
    it('keeps label, description and origin, supersedes the active assignment of the same selector and audits both hashes', async () => {
      const first = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector('env=prod,tier in (web)'), files: files('a'), author: 'alice', label: 'v1', description: 'first' });
      const other = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector('env=prod'), files: files('o'), author: 'alice' });
      const sameSelector = parseSelector({ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] });
      const second = await h.admin.createConfig({ tenantId: 'default', selector: sameSelector, files: files('b'), author: 'bob', label: 'v2', priority: 3 });

      expect(first).not.toHaveProperty('previousHash');
      expect(second.previousHash).toBe(first.configHash);
      const rows = await db.store.query('SELECT id, active, deactivated_by, kind, target_key, description FROM config_assignments ORDER BY seq');
      expect(rows.rows).toEqual([
        { id: first.assignmentId, active: false, deactivated_by: 'bob', kind: 'assign', target_key: selectorKey(sameSelector), description: 'first' },
        { id: other.assignmentId, active: true, deactivated_by: null, kind: 'assign', target_key: '{"matchLabels": {"env": "prod"}}', description: null },
        { id: second.assignmentId, active: true, deactivated_by: null, kind: 'assign', target_key: selectorKey(sameSelector), description: null },
      ]);
      const versions = await db.store.query('SELECT hash, label, description, origin FROM config_versions WHERE hash = $1', [first.configHash]);
      expect(versions.rows).toEqual([{ hash: first.configHash, label: 'v1', description: 'first', origin: { type: 'api' } }]);
      expect(await auditOf(second.assignmentId)).toEqual([
        expect.objectContaining({ actor: 'bob', action: 'config.assign', before_hash: first.configHash, after_hash: second.configHash }),
      ]);
      expect((await auditOf(second.assignmentId))[0]?.details).toMatchObject({ superseded: [first.assignmentId], label: 'v2', priority: 3 });
      const events = await h.waitForEvents(3);
      expect(events.map((e) => e.assignmentId)).toEqual([first.assignmentId, other.assignmentId, second.assignmentId]);
      expect(events[2]?.selector).toEqual(sameSelector);
    });

    it('records a Git origin on the version and makes the assignment kind gitops', async () => {
      const origin = { type: 'git', repository: 'ssh://git@example.com/fleet.git', branch: 'main', commit: 'c0ffee'.repeat(6) + 'abcd', path: 'prod' } as const;
      const result = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector('env=prod'), files: files('git'), author: 'gitops', origin });
      expect((await db.store.query('SELECT origin FROM config_versions')).rows).toEqual([{ origin }]);
      expect((await db.store.query('SELECT kind FROM config_assignments WHERE id = $1', [result.assignmentId])).rows).toEqual([{ kind: 'gitops' }]);
      expect((await auditOf(result.assignmentId))[0]?.details).toMatchObject({ origin, kind: 'gitops' });
    });

    it.each([
      ['an unknown origin type', { origin: { type: 'svn' } }, /origin.type must be "api" or "git"/],
      ['a Git origin without commit', { origin: { type: 'git', repository: 'r', branch: 'b', path: '' } }, /origin.commit must be a non-empty string/],
      ['a label of 257 characters', { label: 'x'.repeat(257) }, /label must be a string of at most 256/],
      ['a non-string description', { description: 5 }, /description must be a string/],
    ])('refuses %s and stores nothing', async (_, override, message) => {
      const input = { tenantId: 'default', selector: parseSelector('env=a'), files: files('x'), author: 'alice', ...override };
      await expect(h.admin.createConfig(input as never)).rejects.toThrow(message);
      await expect(h.admin.createConfig(input as never)).rejects.toBeInstanceOf(InvalidConfigError);
      expect((await db.store.query('SELECT 1 FROM config_versions')).rowCount).toBe(0);
    });

    it('counts agents a selector matches only through expressions', async () => {
      await h.addAgent({ tier: 'web' });
      await h.addAgent({ tier: 'api', canary: 'yes' });
      await h.addAgent({ tier: 'db' });
      await h.addAgent({});
      const result = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector('tier notin (db),!canary'), files: files('x'), author: 'a' });
      expect(result.matchedAgents).toBe(2);
    });
  });

  describe('resolution order', () => {
    it('is emergency, then agent pin, then priority, then newest', async () => {
      const uid = await h.addAgent({ env: 'prod', tier: 'web' });
      const other = await h.addAgent({ env: 'prod', tier: 'web' });
      const target = () => resolveTarget(db.store, 'default', { env: 'prod', tier: 'web', 'service.name': 'otelcol' }, uid);
      const low = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector('env=prod'), files: files('low'), author: 'a', priority: 1 });
      const high = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector('tier in (web)'), files: files('high'), author: 'a', priority: 5 });
      expect(await target()).toBe(high.configHash);
      const newer = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector('env=prod,tier'), files: files('newer'), author: 'a', priority: 5 });
      expect(await target()).toBe(newer.configHash);
      expect((await h.admin.resolve('default', uid)).reason).toBe('newest-among-equal-priority');

      await h.report(uid, low.configHash, 'APPLIED');
      const pin = await h.admin.rollback({ tenantId: 'default', instanceUid: uid }, 'ops');
      expect(pin.configHash).toBe(low.configHash);
      expect(await target()).toBe(low.configHash);
      expect((await h.admin.getAgent('default', other))?.remoteConfig.targetHash).toBe(newer.configHash);

      const emergency = await h.admin.setEmergencyConfig({ tenantId: 'default', selector: parseSelector('env=prod'), files: files('sos'), author: 'ops' });
      expect(await target()).toBe(emergency.configHash);
      expect((await h.admin.resolve('default', uid)).reason).toBe('emergency');
      await h.admin.clearEmergencyConfig('default', emergency.assignmentId, 'ops');
      expect((await h.admin.resolve('default', uid)).reason).toBe('agent-pin');
      await h.admin.clearAgentPin('default', uid, 'ops');
      expect(await target()).toBe(newer.configHash);
    });
  });

  describe('resolve', () => {
    it('agrees with the SQL target the service offers, for random fleets and assignments', async () => {
      let state = 7;
      const next = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      const texts = ['env=prod', 'env in (prod,test)', 'tier notin (db)', '!canary', 'canary', 'env=test,tier=web', 'tier in (web,api),env!=test'];
      const uids: string[] = [];
      for (let i = 0; i < 24; i++) {
        const labels: Record<string, string> = {};
        if (next() < 0.8) labels['env'] = pick(['prod', 'test', 'dev']);
        if (next() < 0.8) labels['tier'] = pick(['web', 'api', 'db']);
        if (next() < 0.3) labels['canary'] = 'yes';
        uids.push(await h.addAgent(labels));
      }
      for (let i = 0; i < 10; i++) {
        const selector = parseSelector(pick(texts));
        if (i % 4 === 3) await h.admin.setEmergencyConfig({ tenantId: 'default', selector, files: files(`e${i}`), author: 'a' });
        else await h.admin.createConfig({ tenantId: 'default', selector, files: files(`c${i}`), author: 'a', priority: Math.floor(next() * 3) });
      }
      const reasons = new Set<string>();
      for (const uid of uids) {
        const resolution = await h.admin.resolve('default', uid);
        const view = await h.admin.getAgent('default', uid);
        expect(resolution.configHash).toBe(view?.remoteConfig.targetHash);
        expect(resolution.decidedBy?.configHash ?? null).toBe(resolution.configHash);
        expect(resolution.candidates.filter((c) => !c.matches).every((c) => c.failed !== undefined)).toBe(true);
        reasons.add(resolution.reason);
      }
      expect(reasons.size).toBeGreaterThan(1);
    });

    it('explains each assignment that does not apply by its failing term, and says when nothing applies', async () => {
      const uid = await h.addAgent({ env: 'test', tier: 'db' });
      expect(await h.admin.resolve('default', uid)).toMatchObject({ configHash: null, decidedBy: null, reason: 'no-match', candidates: [], truncated: false });
      const prod = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector('env=prod'), files: files('p'), author: 'a' });
      const web = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector('env=test,tier in (web,api)'), files: files('w'), author: 'a' });
      const all = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector({ matchLabels: {} }), files: files('all'), author: 'a', priority: -1 });
      const resolution = await h.admin.resolve('default', uid.toUpperCase());
      expect(resolution).toMatchObject({ instanceUid: uid, configHash: all.configHash, reason: 'highest-priority', described: true });
      expect(resolution.labels).toEqual({ env: 'test', tier: 'db', 'service.name': 'otelcol' });
      expect(resolution.candidates.map((c) => [c.assignmentId, c.matches, c.failed])).toEqual([
        [all.assignmentId, true, undefined],
        [web.assignmentId, false, { term: 'tier in (api,web)', key: 'tier', actual: 'db' }],
        [prod.assignmentId, false, { term: 'env=prod', key: 'env', actual: 'test' }],
      ]);
    });

    it('refuses an agent of another tenant or unknown, and a malformed uid', async () => {
      const uid = await h.addAgent({ env: 'x' }, 'acme');
      await expect(h.admin.resolve('default', uid)).rejects.toBeInstanceOf(AgentNotFoundError);
      await expect(h.admin.resolve('acme', 'nope')).rejects.toThrow(/instance uid must be a UUID/);
      expect((await h.admin.resolve('acme', uid)).tenantId).toBe('acme');
    });
  });

  describe('deactivateTarget', () => {
    it('ends the selector assignments (not emergencies), audits config.unassign and publishes; a second call changes nothing', async () => {
      const selector = parseSelector('env=prod');
      const assigned = await h.admin.createConfig({ tenantId: 'default', selector, files: files('a'), author: 'a' });
      const emergency = await h.admin.setEmergencyConfig({ tenantId: 'default', selector, files: files('e'), author: 'a' });
      const result = await h.admin.deactivateTarget({ tenantId: 'default', selector: parseSelector({ match_labels: { env: 'prod' } }), author: 'gitops', reason: 'directory deleted' });
      expect(result).toEqual({ deactivated: 1, previousHash: assigned.configHash });
      const active = await db.store.query('SELECT id FROM config_assignments WHERE active');
      expect(active.rows).toEqual([{ id: emergency.assignmentId }]);
      expect(await auditOf(assigned.assignmentId)).toEqual([
        expect.objectContaining({ action: 'config.assign' }),
        expect.objectContaining({ actor: 'gitops', action: 'config.unassign', before_hash: assigned.configHash, after_hash: null }),
      ]);
      expect(await h.admin.deactivateTarget({ tenantId: 'default', selector, author: 'gitops' })).toEqual({ deactivated: 0 });
      const events = await h.waitForEvents(3);
      expect(events.map((e) => [e.assignmentId, e.configHash])).toEqual([
        [assigned.assignmentId, assigned.configHash],
        [emergency.assignmentId, emergency.configHash],
        [assigned.assignmentId, assigned.configHash],
      ]);
    });
  });
});
