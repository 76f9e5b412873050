import { uniqueName } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { createConfigQueries } from './config-queries.js';
import { InvalidConfigQueryError } from './query-errors.js';
import { T0, insertAudit } from './read-side-fixtures.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const H1 = '1'.repeat(64);
const H2 = '2'.repeat(64);
const at = (ms: number): Date => new Date(T0 + ms);

describe.each(ENGINES)('audit query on %s', (engine) => {
  const db = useTestDatabase(engine);
  // audit_log is append-only (never truncated between tests): every test writes its own tenants.

  it("answers the tenant's entries newest first with who, when, what and both hashes", async () => {
    const tenant = uniqueName('audit');
    const first = await insertAudit(db.store, { tenantId: tenant, action: 'config.assign', subject: 'assignment:a', after: H1, at: at(0), details: { priority: 1 } });
    const second = await insertAudit(db.store, { tenantId: tenant, actor: 'bob', action: 'config.rollback', subject: 'assignment:b', before: H2, after: H1, at: at(5000) });
    await insertAudit(db.store, { tenantId: uniqueName('other'), at: at(1000) });
    await insertAudit(db.store, { tenantId: null, at: at(2000) });

    const page = await createConfigQueries({ store: db.store }).queryAudit({ tenantId: tenant });

    expect(page).toEqual({
      entries: [
        { id: second, at: at(5000).toISOString(), actor: 'bob', action: 'config.rollback', subject: 'assignment:b', beforeHash: H2, afterHash: H1, details: null },
        { id: first, at: at(0).toISOString(), actor: 'alice', action: 'config.assign', subject: 'assignment:a', beforeHash: null, afterHash: H1, details: { priority: 1 } },
      ],
    });
  });

  it('filters by actor, action, subject, hash (before or after) and the [since, until) window', async () => {
    const tenant = uniqueName('audit');
    const ids = [
      await insertAudit(db.store, { tenantId: tenant, actor: 'alice', action: 'config.assign', subject: 's1', after: H1, at: at(0) }),
      await insertAudit(db.store, { tenantId: tenant, actor: 'bob', action: 'config.assign', subject: 's2', after: H2, at: at(1000) }),
      await insertAudit(db.store, { tenantId: tenant, actor: 'bob', action: 'config.rollback', subject: 's2', before: H2, after: H1, at: at(2000) }),
      await insertAudit(db.store, { tenantId: tenant, actor: 'carol', action: 'config.emergency.set', subject: 's3', at: at(3000) }),
    ];
    const queries = createConfigQueries({ store: db.store });
    const ask = async (filter: Record<string, unknown>) =>
      (await queries.queryAudit({ tenantId: tenant, ...filter })).entries.map((e) => ids.indexOf(e.id));

    expect(await ask({ actor: 'bob' })).toEqual([2, 1]);
    expect(await ask({ action: 'config.assign' })).toEqual([1, 0]);
    expect(await ask({ subject: 's2', actor: 'bob', action: 'config.rollback' })).toEqual([2]);
    expect(await ask({ hash: H2 })).toEqual([2, 1]);
    expect(await ask({ hash: H1.toUpperCase() })).toEqual([2, 0]);
    expect(await ask({ since: at(1000).toISOString(), until: at(3000).toISOString() })).toEqual([2, 1]);
    expect(await ask({ since: at(3000) })).toEqual([3]);
    expect(await ask({ actor: 'nobody' })).toEqual([]);
  });

  it('pages with the cursor through entries sharing one timestamp, each entry exactly once', async () => {
    const tenant = uniqueName('audit');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await insertAudit(db.store, { tenantId: tenant, subject: `s${i}`, at: at(i < 5 ? 0 : 1000) }));
    const queries = createConfigQueries({ store: db.store });
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await queries.queryAudit({ tenantId: tenant, limit: 3, ...(after === undefined ? {} : { after }) });
      seen.push(...page.entries.map((e) => e.id));
      after = page.next;
    } while (after !== undefined);
    expect(seen).toEqual([ids[6], ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]]);
  });

  it.each([
    [{ limit: 1001 }, /limit/],
    [{ actor: '' }, /actor must be a non-empty string/],
    [{ hash: 'abc' }, /hash must be a config hash/],
    [{ since: 'yesterday' }, /since must be an ISO-8601 time/],
    [{ until: '2030-13-45T00:00:00Z' }, /until must be an ISO-8601 time/],
    [{ after: 'bm9wZQ' }, /after must be the `next` cursor/],
  ])('refuses %j naming the field', async (filter, message) => {
    const err = await createConfigQueries({ store: db.store }).queryAudit({ tenantId: 'default', ...filter }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidConfigQueryError);
    expect((err as Error).message).toMatch(message);
  });
});
