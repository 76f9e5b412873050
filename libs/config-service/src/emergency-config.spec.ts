import { ConfigValidationError } from '@shepherd/config-validation';
import { describe, expect, it } from 'vitest';
import { files, useAdminHarness } from './admin-harness.test-helpers.js';
import { AssignmentNotFoundError, InvalidAgentQueryError } from './errors.js';
import { parseSelector } from './selector.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

describe.each(ENGINES)('emergency configs on %s', (engine) => {
  const db = useTestDatabase(engine);
  const h = useAdminHarness(db);
  const prod = parseSelector('env=prod');
  const auditOf = async (assignmentId: string) =>
    (await db.store.query('SELECT actor, action, before_hash, after_hash FROM audit_log WHERE subject = $1 ORDER BY id', [`assignment:${assignmentId}`])).rows;
  const targetOf = async (uid: string) => (await h.admin.getAgent('default', uid))?.remoteConfig.targetHash;

  it('overrides a higher-priority assignment and an agent pin until cleared, then everything returns', async () => {
    const web = await h.addAgent({ env: 'prod', tier: 'web' });
    const pinned = await h.addAgent({ env: 'prod', tier: 'web' });
    const staging = await h.addAgent({ env: 'staging' });
    const normal = await h.admin.createConfig({ tenantId: 'default', selector: prod, files: files('normal'), author: 'alice', priority: 1 });
    const high = await h.admin.createConfig({ tenantId: 'default', selector: parseSelector('tier=web'), files: files('high'), author: 'alice', priority: 1000 });
    await h.report(pinned, normal.configHash, 'APPLIED');
    await h.admin.rollback({ tenantId: 'default', instanceUid: pinned }, 'ops');
    expect([await targetOf(web), await targetOf(pinned), await targetOf(staging)]).toEqual([high.configHash, normal.configHash, null]);

    const emergency = await h.admin.setEmergencyConfig({ tenantId: 'default', selector: prod, files: files('sos'), author: 'ops', description: 'CVE-2030-1' });
    expect(emergency).toEqual({ assignmentId: expect.any(String), configHash: expect.any(String), matchedAgents: 2, previousHash: normal.configHash });
    expect([await targetOf(web), await targetOf(pinned), await targetOf(staging)]).toEqual([emergency.configHash, emergency.configHash, null]);
    expect(await h.admin.listEmergencyConfigs('default')).toEqual([
      { assignmentId: emergency.assignmentId, selector: prod, configHash: emergency.configHash, author: 'ops', createdAt: expect.any(String), description: 'CVE-2030-1' },
    ]);
    expect(await h.admin.listEmergencyConfigs('acme')).toEqual([]);

    const cleared = await h.admin.clearEmergencyConfig('default', emergency.assignmentId, 'ops');
    expect(cleared).toEqual({ assignmentId: emergency.assignmentId, configHash: emergency.configHash, restoredHash: normal.configHash });
    expect([await targetOf(web), await targetOf(pinned), await targetOf(staging)]).toEqual([high.configHash, normal.configHash, null]);
    expect(await h.admin.listEmergencyConfigs('default')).toEqual([]);
    expect(await auditOf(emergency.assignmentId)).toEqual([
      { actor: 'ops', action: 'config.emergency.set', before_hash: normal.configHash, after_hash: emergency.configHash },
      { actor: 'ops', action: 'config.emergency.clear', before_hash: emergency.configHash, after_hash: normal.configHash },
    ]);
    const events = await h.waitForEvents(5);
    expect(events.slice(3).map((e) => [e.assignmentId, e.configHash, e.selector])).toEqual([
      [emergency.assignmentId, emergency.configHash, prod],
      [emergency.assignmentId, emergency.configHash, prod],
    ]);
  });

  it('supersedes an earlier emergency config of the same selector, and is not superseded by a normal assignment', async () => {
    const first = await h.admin.setEmergencyConfig({ tenantId: 'default', selector: prod, files: files('sos-1'), author: 'ops' });
    const second = await h.admin.setEmergencyConfig({ tenantId: 'default', selector: parseSelector({ matchLabels: { env: 'prod' } }), files: files('sos-2'), author: 'ops' });
    expect(second.previousHash).toBe(first.configHash);
    const normal = await h.admin.createConfig({ tenantId: 'default', selector: prod, files: files('normal'), author: 'alice' });
    expect(normal).not.toHaveProperty('previousHash');
    expect((await h.admin.listEmergencyConfigs('default')).map((e) => e.assignmentId)).toEqual([second.assignmentId]);
    await expect(h.admin.clearEmergencyConfig('default', first.assignmentId, 'ops')).rejects.toBeInstanceOf(AssignmentNotFoundError);
  });

  it('refuses to clear an unknown id, a normal assignment, one of another tenant, or one cleared already', async () => {
    const emergency = await h.admin.setEmergencyConfig({ tenantId: 'default', selector: prod, files: files('sos'), author: 'ops' });
    const normal = await h.admin.createConfig({ tenantId: 'default', selector: prod, files: files('normal'), author: 'alice' });
    const notFound = await h.admin.clearEmergencyConfig('acme', emergency.assignmentId, 'ops').catch((e: unknown) => e);
    expect(notFound).toMatchObject({ code: 'CONFIG_ASSIGNMENT_NOT_FOUND', kind: 'not_found' });
    await expect(h.admin.clearEmergencyConfig('default', normal.assignmentId, 'ops')).rejects.toBeInstanceOf(AssignmentNotFoundError);
    await expect(h.admin.clearEmergencyConfig('default', 'not-a-uuid', 'ops')).rejects.toBeInstanceOf(InvalidAgentQueryError);
    await h.admin.clearEmergencyConfig('default', emergency.assignmentId, 'ops');
    await expect(h.admin.clearEmergencyConfig('default', emergency.assignmentId, 'ops')).rejects.toBeInstanceOf(AssignmentNotFoundError);
  });

  it('validates the collector config before storing anything', async () => {
    const broken = [{ name: 'collector.yaml', contentType: 'text/yaml', body: 'service:\n  pipelines:\n    traces:\n      receivers: [nope]\n' }];
    await expect(h.admin.setEmergencyConfig({ tenantId: 'default', selector: prod, files: broken, author: 'ops' })).rejects.toBeInstanceOf(ConfigValidationError);
    expect((await db.store.query('SELECT 1 FROM config_assignments')).rowCount).toBe(0);
  });
});
