import { uniqueName } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { files, useAdminHarness } from './admin-harness.test-helpers.js';
import { createConfigQueries } from './config-queries.js';
import { ConfigServiceOptionsError } from './errors.js';
import { parseSelector } from './selector.js';
import type { AgentHistoryPage, TargetHistoryPage } from './target-history.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

describe('createConfigQueries', () => {
  it('refuses a missing store', () => {
    expect(() => createConfigQueries({} as never)).toThrow(ConfigServiceOptionsError);
    expect(() => createConfigQueries(undefined as never)).toThrow(/store is required/);
  });
});

describe.each(ENGINES)('the read side over the admin writers on %s', (engine) => {
  const db = useTestDatabase(engine);
  const h = useAdminHarness(db);

  it('shows versions, a selector history, their diff, the audit trail and an agent history of assign, supersede and rollback', async () => {
    // audit_log is append-only (never emptied between tests): a tenant of its own keeps this test's entries apart.
    const tenantId = uniqueName('reads');
    const selector = parseSelector('env=prod');
    const uid = await h.addAgent({ env: 'prod' }, tenantId);
    const v1 = await h.admin.createConfig({ tenantId, selector, files: files('one'), label: 'v1', description: 'first', author: 'alice' });
    const v2 = await h.admin.createConfig({ tenantId, selector, files: files('two'), label: 'v2', author: 'bob' });
    await h.report(uid, v2.configHash, 'FAILED', 'bad pipeline');
    const back = await h.admin.rollback({ tenantId, selector }, 'carol', 'v2 fails');
    const queries = createConfigQueries({ store: db.store });

    const versions = await queries.listVersions({ tenantId });
    expect(versions.versions.map((v) => [v.hash, v.label, v.author, v.origin])).toEqual([
      [v2.configHash, 'v2', 'bob', { type: 'api' }],
      [v1.configHash, 'v1', 'alice', { type: 'api' }],
    ]);
    expect(versions.versions[1]!.description).toBe('first');

    const history = (await queries.history({ tenantId, selector: { match_labels: { env: 'prod' } } })) as TargetHistoryPage;
    expect(history.assignments.map((a) => [a.assignmentId, a.kind, a.configHash, a.active, a.author, a.deactivatedBy])).toEqual([
      [back.assignmentId, 'rollback', v1.configHash, true, 'carol', null],
      [v2.assignmentId, 'assign', v2.configHash, false, 'bob', 'carol'],
      [v1.assignmentId, 'assign', v1.configHash, false, 'alice', 'bob'],
    ]);

    const diff = await queries.diffVersions(tenantId, v1.configHash, v2.configHash);
    expect(diff.files.map((f) => f.patch)).toEqual(['--- a/collector.yaml\n+++ b/collector.yaml\n@@ -1,3 +1,3 @@\n-# one\n+# two\n receivers:\n   otlp: {}\n']);

    const audit = await queries.queryAudit({ tenantId });
    expect(audit.entries.map((e) => [e.actor, e.action, e.beforeHash, e.afterHash])).toEqual([
      ['carol', 'config.rollback', v2.configHash, v1.configHash],
      ['bob', 'config.assign', v1.configHash, v2.configHash],
      ['alice', 'config.assign', null, v1.configHash],
    ]);
    expect((await queries.queryAudit({ tenantId, hash: v2.configHash, action: 'config.assign' })).entries.map((e) => e.actor)).toEqual(['bob']);

    const agent = (await queries.history({ tenantId, instanceUid: uid })) as AgentHistoryPage;
    expect(agent.assignments.map((a) => a.assignmentId)).toEqual([back.assignmentId, v2.assignmentId, v1.assignmentId]);
    expect(agent.reports).toMatchObject([{ configHash: v2.configHash, status: 'FAILED', errorMessage: 'bad pipeline' }]);
    expect(await queries.fleetSummary(tenantId, v1.configHash)).toMatchObject({ total: 1, pending: 1 });
    expect(await queries.fleetSummary(tenantId, v2.configHash)).toMatchObject({ total: 0, failed: 0 });
  });
});
