import { describe, expect, it } from 'vitest';
import { files, useAdminHarness } from './admin-harness.test-helpers.js';
import { AgentNotFoundError, AgentPinNotFoundError, InvalidConfigError, NothingToRollBackError } from './errors.js';
import { parseSelector } from './selector.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

describe.each(ENGINES)('rollback on %s', (engine) => {
  const db = useTestDatabase(engine);
  const h = useAdminHarness(db);
  const selector = parseSelector('env=prod,tier in (web)');
  const assign = (tag: string, priority = 0) => h.admin.createConfig({ tenantId: 'default', selector, files: files(tag), author: 'alice', priority });
  const auditOf = async (assignmentId: string) =>
    (await db.store.query('SELECT actor, action, before_hash, after_hash FROM audit_log WHERE subject = $1 ORDER BY id', [`assignment:${assignmentId}`])).rows;

  describe('of a selector', () => {
    it('returns to the previous distinct config in one call, keeping the priority, and toggles on a second call', async () => {
      const agent = await h.addAgent({ env: 'prod', tier: 'web' });
      const a = await assign('a', 4);
      const b = await assign('b', 4);
      await assign('b', 4);
      expect((await h.admin.getAgent('default', agent))?.remoteConfig.targetHash).toBe(b.configHash);

      const back = await h.admin.rollback({ tenantId: 'default', selector: parseSelector('tier in (web),env=prod') }, 'bob', 'b breaks parsing');
      expect(back).toEqual({ assignmentId: expect.any(String), kind: 'rollback', configHash: a.configHash, previousHash: b.configHash, matchedAgents: 1 });
      expect((await h.admin.getAgent('default', agent))?.remoteConfig.targetHash).toBe(a.configHash);
      const active = await db.store.query('SELECT id, kind, priority, config_hash, description FROM config_assignments WHERE active');
      expect(active.rows).toEqual([{ id: back.assignmentId, kind: 'rollback', priority: 4, config_hash: a.configHash, description: 'b breaks parsing' }]);
      expect(await auditOf(back.assignmentId)).toEqual([{ actor: 'bob', action: 'config.rollback', before_hash: b.configHash, after_hash: a.configHash }]);
      const events = await h.waitForEvents(4);
      expect(events[3]).toMatchObject({ assignmentId: back.assignmentId, configHash: a.configHash, selector });

      const again = await h.admin.rollback({ tenantId: 'default', selector }, 'bob');
      expect([again.previousHash, again.configHash]).toEqual([a.configHash, b.configHash]);
    });

    it('refuses with failed_precondition when the selector has no active assignment or no earlier config', async () => {
      const none = await h.admin.rollback({ tenantId: 'default', selector }, 'bob').catch((e: unknown) => e);
      expect(none).toBeInstanceOf(NothingToRollBackError);
      expect(none).toMatchObject({ code: 'CONFIG_NOTHING_TO_ROLL_BACK', kind: 'failed_precondition', message: expect.stringContaining('no active assignment') });
      const only = await assign('a');
      await assign('a');
      await expect(h.admin.rollback({ tenantId: 'default', selector }, 'bob')).rejects.toThrow(`had no config before ${only.configHash}`);
      await h.admin.deactivateTarget({ tenantId: 'default', selector, author: 'bob' });
      await expect(h.admin.rollback({ tenantId: 'default', selector }, 'bob')).rejects.toBeInstanceOf(NothingToRollBackError);
      expect((await db.store.query("SELECT 1 FROM config_assignments WHERE kind = 'rollback'")).rowCount).toBe(0);
    });

    it('refuses a request naming both or neither target', async () => {
      await expect(h.admin.rollback({ tenantId: 'default' } as never, 'bob')).rejects.toBeInstanceOf(InvalidConfigError);
      await expect(h.admin.rollback({ tenantId: 'default', selector, instanceUid: 'x' } as never, 'bob')).rejects.toThrow(/exactly one of selector or instanceUid/);
    });
  });

  describe('of one agent', () => {
    it('keeps the last good config through a FAILED report and pins the agent back to it; clearing the pin restores the target', async () => {
      const uid = await h.addAgent({ env: 'prod', tier: 'web' });
      const neighbour = await h.addAgent({ env: 'prod', tier: 'web' });
      const good = await assign('good');
      await h.report(uid, good.configHash, 'APPLIED');
      const bad = await assign('bad');
      await h.report(uid, bad.configHash, 'APPLYING');
      await h.report(uid, bad.configHash, 'FAILED', 'exporter otlp: connection refused');
      const view = await h.admin.getAgent('default', uid);
      expect(view?.remoteConfig).toMatchObject({ targetHash: bad.configHash, status: 'FAILED', errorMessage: 'exporter otlp: connection refused', lastAppliedHash: good.configHash });
      expect(view?.remoteConfig.lastAppliedAt).toEqual(expect.any(String));

      const pin = await h.admin.rollback({ tenantId: 'default', instanceUid: uid.toUpperCase() }, 'ops', 'bad exporter');
      expect(pin).toEqual({ assignmentId: expect.any(String), kind: 'agent-pin', configHash: good.configHash, previousHash: bad.configHash, matchedAgents: 1 });
      expect((await h.admin.getAgent('default', uid))?.remoteConfig.targetHash).toBe(good.configHash);
      expect((await h.admin.getAgent('default', neighbour))?.remoteConfig.targetHash).toBe(bad.configHash);
      expect(await auditOf(pin.assignmentId)).toEqual([{ actor: 'ops', action: 'config.rollback', before_hash: bad.configHash, after_hash: good.configHash }]);
      const events = await h.waitForEvents(3);
      expect(events[2]).toMatchObject({ assignmentId: pin.assignmentId, instanceUid: uid, configHash: good.configHash });

      const cleared = await h.admin.clearAgentPin('default', uid, 'ops');
      expect(cleared).toEqual({ assignmentId: pin.assignmentId, configHash: good.configHash, targetHash: bad.configHash });
      expect((await h.admin.getAgent('default', uid))?.remoteConfig.targetHash).toBe(bad.configHash);
      expect((await auditOf(pin.assignmentId))[1]).toEqual({ actor: 'ops', action: 'config.pin.clear', before_hash: good.configHash, after_hash: bad.configHash });
      expect((await h.waitForEvents(4))[3]).toMatchObject({ assignmentId: pin.assignmentId, instanceUid: uid });
      await expect(h.admin.clearAgentPin('default', uid, 'ops')).rejects.toBeInstanceOf(AgentPinNotFoundError);
    });

    it('goes to the previous APPLIED config when the agent already runs its target', async () => {
      const uid = await h.addAgent({ env: 'prod', tier: 'web' });
      const first = await assign('first');
      await h.report(uid, first.configHash, 'APPLIED');
      const second = await assign('second');
      await h.report(uid, second.configHash, 'APPLIED');
      expect((await h.admin.getAgent('default', uid))?.remoteConfig.lastAppliedHash).toBe(second.configHash);
      const pin = await h.admin.rollback({ tenantId: 'default', instanceUid: uid }, 'ops');
      expect([pin.previousHash, pin.configHash]).toEqual([second.configHash, first.configHash]);
      const repinned = await h.admin.rollback({ tenantId: 'default', instanceUid: uid }, 'ops');
      expect([repinned.previousHash, repinned.configHash]).toEqual([first.configHash, second.configHash]);
      expect((await db.store.query("SELECT 1 FROM config_assignments WHERE kind = 'agent-pin' AND active")).rowCount).toBe(1);
    });

    it('refuses an agent without an earlier good config, an unknown agent, and one of another tenant', async () => {
      const uid = await h.addAgent({ env: 'prod', tier: 'web' });
      const only = await assign('only');
      await h.report(uid, only.configHash, 'APPLIED');
      await h.report(uid, 'ff'.repeat(32), 'APPLIED');
      // Its last applied hash is no stored version, and the only stored one is its target.
      await expect(h.admin.rollback({ tenantId: 'default', instanceUid: uid }, 'ops')).rejects.toBeInstanceOf(NothingToRollBackError);
      await expect(h.admin.rollback({ tenantId: 'acme', instanceUid: uid }, 'ops')).rejects.toBeInstanceOf(AgentNotFoundError);
      await expect(h.admin.clearAgentPin('acme', uid, 'ops')).rejects.toBeInstanceOf(AgentNotFoundError);
      await expect(h.admin.clearAgentPin('default', uid, 'ops')).rejects.toBeInstanceOf(AgentPinNotFoundError);
    });
  });
});
