import { describe, expect, it } from 'vitest';
import { createConfigQueries } from './config-queries.js';
import { AgentNotFoundError } from './errors.js';
import { InvalidConfigQueryError } from './query-errors.js';
import { T0, addAgent, addAssignment, insertVersion, reportStatus, yamlFiles } from './read-side-fixtures.test-helpers.js';
import { parseSelector, selectorKey } from './selector.js';
import type { AgentHistoryPage, TargetHistoryPage } from './target-history.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const at = (ms: number): Date => new Date(T0 + ms);

describe.each(ENGINES)('config history on %s', (engine) => {
  const db = useTestDatabase(engine);
  const queries = () => createConfigQueries({ store: db.store });

  it('lists the assignments of one selector newest first, whatever form the selector is given in', async () => {
    const v1 = await insertVersion(db.store, { files: yamlFiles('v: 1\n'), label: 'v1' });
    const v2 = await insertVersion(db.store, { files: yamlFiles('v: 2\n'), label: 'v2' });
    const target = 'env in (prod, staging),tier=web';
    const first = await addAssignment(db.store, { hash: v1, selector: target, at: at(0), deactivatedAt: at(1000), deactivatedBy: 'bob' });
    const second = await addAssignment(db.store, { hash: v2, selector: target, at: at(1000), author: 'bob', deactivatedAt: at(2000), deactivatedBy: 'carol' });
    const rollback = await addAssignment(db.store, { hash: v1, selector: target, kind: 'rollback', at: at(2000), author: 'carol', priority: 5 });
    await addAssignment(db.store, { hash: v2, selector: 'tier=web', at: at(3000) });

    const history = (await queries().history({
      tenantId: 'default',
      selector: { matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['staging', 'prod'] }] },
    })) as TargetHistoryPage;

    expect(history.targetKey).toBe(selectorKey(parseSelector(target)));
    expect(history.next).toBeUndefined();
    expect(history.assignments.map((a) => [a.assignmentId, a.kind, a.configHash, a.label, a.active, a.author])).toEqual([
      [rollback, 'rollback', v1, 'v1', true, 'carol'],
      [second, 'assign', v2, 'v2', false, 'bob'],
      [first, 'assign', v1, 'v1', false, 'alice'],
    ]);
    expect(history.assignments[0]).toMatchObject({ priority: 5, urgent: false, instanceUid: null, createdAt: at(2000).toISOString(), deactivatedAt: null, deactivatedBy: null });
    expect(history.assignments[1]).toMatchObject({ createdAt: at(1000).toISOString(), deactivatedAt: at(2000).toISOString(), deactivatedBy: 'carol' });
    expect(history.assignments[0]!.selector).toEqual({ matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] });
    expect(((await queries().history({ tenantId: 'default', selector: target })) as TargetHistoryPage).assignments).toHaveLength(3);
  });

  it("pages a history with the cursor and never shows another tenant's assignments", async () => {
    const hash = await insertVersion(db.store, { files: yamlFiles('v: 1\n') });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await addAssignment(db.store, { hash, selector: 'env=prod', at: at(0) }));
    const acmeHash = await insertVersion(db.store, { tenantId: 'acme', files: yamlFiles('v: 1\n') });
    await addAssignment(db.store, { tenantId: 'acme', hash: acmeHash, selector: 'env=prod' });

    const first = (await queries().history({ tenantId: 'default', selector: 'env=prod', limit: 3 })) as TargetHistoryPage;
    const second = (await queries().history({ tenantId: 'default', selector: 'env=prod', limit: 3, after: first.next! })) as TargetHistoryPage;

    expect([...first.assignments, ...second.assignments].map((a) => a.assignmentId)).toEqual([...ids].reverse());
    expect(second.next).toBeUndefined();
    const acme = (await queries().history({ tenantId: 'acme', selector: 'env=prod' })) as TargetHistoryPage;
    expect(acme.assignments.map((a) => a.configHash)).toEqual([acmeHash]);
    expect(((await queries().history({ tenantId: 'nobody', selector: 'env=prod' })) as TargetHistoryPage).assignments).toEqual([]);
  });

  it('shows an agent its pins and the selector assignments its labels match, with the hashes it reported', async () => {
    const v1 = await insertVersion(db.store, { files: yamlFiles('v: 1\n') });
    const v2 = await insertVersion(db.store, { files: yamlFiles('v: 2\n') });
    const uid = await addAgent(db.store, { env: 'prod', tier: 'web' });
    const other = await addAgent(db.store, { env: 'prod' });
    const all = await addAssignment(db.store, { hash: v1, at: at(0), deactivatedAt: at(10) });
    const prod = await addAssignment(db.store, { hash: v2, selector: 'env=prod,tier notin (db)', at: at(1000) });
    await addAssignment(db.store, { hash: v2, selector: 'env=prod,tier=db', at: at(1500) });
    const emergency = await addAssignment(db.store, { hash: v1, selector: 'tier', kind: 'emergency', at: at(1800) });
    const pin = await addAssignment(db.store, { hash: v1, kind: 'agent-pin', instanceUid: uid, at: at(2000) });
    await addAssignment(db.store, { hash: v2, kind: 'agent-pin', instanceUid: other, at: at(2500) });
    await reportStatus(db.store, uid, v1, 'APPLIED', '', at(100));
    await reportStatus(db.store, uid, v2, 'FAILED', 'bad exporter', at(1100));

    const history = (await queries().history({ tenantId: 'default', instanceUid: uid.toUpperCase() })) as AgentHistoryPage;

    expect(history.instanceUid).toBe(uid);
    expect(history.lastAppliedHash).toBe(v1);
    expect(history.assignments.map((a) => [a.assignmentId, a.kind, a.active])).toEqual([
      [pin, 'agent-pin', true],
      [emergency, 'emergency', true],
      [prod, 'assign', true],
      [all, 'assign', false],
    ]);
    expect(history.assignments[0]).toMatchObject({ instanceUid: uid, urgent: false });
    expect(history.assignments[1]).toMatchObject({ urgent: true });
    expect(history.reports).toEqual([
      { configHash: v2, status: 'FAILED', errorMessage: 'bad exporter', updatedAt: at(1100).toISOString() },
      { configHash: v1, status: 'APPLIED', errorMessage: null, updatedAt: at(100).toISOString() },
    ]);
  });

  it("refuses a history of both or neither target, and answers AgentNotFoundError for another tenant's agent", async () => {
    const uid = await addAgent(db.store, { env: 'prod' }, { tenantId: 'acme' });
    await expect(queries().history({ tenantId: 'default', instanceUid: uid })).rejects.toBeInstanceOf(AgentNotFoundError);
    expect(((await queries().history({ tenantId: 'acme', instanceUid: uid })) as AgentHistoryPage).assignments).toEqual([]);
    await expect(queries().history({ tenantId: 'default' } as never)).rejects.toBeInstanceOf(InvalidConfigQueryError);
    await expect(queries().history({ tenantId: 'default', selector: 'env=a', instanceUid: uid } as never)).rejects.toThrow(/exactly one of selector and instanceUid/);
    await expect(queries().history({ tenantId: 'default', instanceUid: 'x' })).rejects.toThrow(/instanceUid must be a UUID/);
    await expect(queries().history({ tenantId: 'default', selector: 'env=a', after: 'zz' })).rejects.toThrow(/after must be the `next` cursor/);
  });
});
