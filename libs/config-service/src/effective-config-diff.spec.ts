import { describe, expect, it } from 'vitest';
import { createConfigQueries } from './config-queries.js';
import { AgentNotFoundError } from './errors.js';
import { addAgent, addAssignment, insertVersion, reportStatus, yamlFiles } from './read-side-fixtures.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const DESIRED = 'receivers:\n  otlp: {}\nexporters:\n  debug: {}\n';

/** An EffectiveConfig report of these files (text bodies). */
const effective = (files: Record<string, { body: string; contentType?: string }>) => ({
  effectiveConfig: {
    configMap: {
      configMap: Object.fromEntries(
        Object.entries(files).map(([name, f]) => [name, { body: Buffer.from(f.body), contentType: f.contentType ?? 'text/yaml' }]),
      ),
    },
  },
});

describe.each(ENGINES)('effective vs desired config on %s', (engine) => {
  const db = useTestDatabase(engine);
  const queries = () => createConfigQueries({ store: db.store });

  it('is in sync when the agent runs exactly its target files (the signature entry aside)', async () => {
    const hash = await insertVersion(db.store, { files: yamlFiles(DESIRED) });
    await addAssignment(db.store, { hash, selector: 'env=prod' });
    const uid = await addAgent(db.store, { env: 'prod' }, {
      extra: effective({ 'collector.yaml': { body: DESIRED }, 'shepherd.signature.json': { body: '{}', contentType: 'application/json' } }),
    });
    await reportStatus(db.store, uid, hash, 'APPLIED');

    expect(await queries().effectiveConfigDiff('default', uid.toUpperCase())).toEqual({
      instanceUid: uid,
      desiredHash: hash,
      reportedHash: hash,
      status: 'APPLIED',
      errorMessage: null,
      effectiveReported: true,
      inSync: true,
      files: [],
    });
  });

  it('shows per-file drift from the effective config to the desired one', async () => {
    const hash = await insertVersion(db.store, { files: [...yamlFiles(DESIRED), { name: 'extra.yaml', contentType: 'text/yaml', body: 'e: 1\n' }] });
    await addAssignment(db.store, { hash, selector: 'env=prod' });
    const running = 'receivers:\n  otlp: {}\nexporters:\n  otlp: {}\n';
    const uid = await addAgent(db.store, { env: 'prod' }, { extra: effective({ 'collector.yaml': { body: running }, 'local.yaml': { body: 'l: 1\n' } }) });
    await reportStatus(db.store, uid, hash, 'FAILED', 'exporters: unknown type');

    const diff = await queries().effectiveConfigDiff('default', uid);

    expect(diff).toMatchObject({ desiredHash: hash, status: 'FAILED', errorMessage: 'exporters: unknown type', effectiveReported: true, inSync: false });
    expect(diff.files.map((f) => [f.name, f.change])).toEqual([
      ['collector.yaml', 'changed'],
      ['extra.yaml', 'added'],
      ['local.yaml', 'removed'],
    ]);
    expect(diff.files[0]!.patch).toBe(
      '--- a/collector.yaml\n+++ b/collector.yaml\n@@ -1,4 +1,4 @@\n receivers:\n   otlp: {}\n exporters:\n-  otlp: {}\n+  debug: {}\n',
    );
  });

  it('is not in sync, with no file list, when the agent has no target or never reported an effective config', async () => {
    const hash = await insertVersion(db.store, { files: yamlFiles(DESIRED) });
    await addAssignment(db.store, { hash, selector: 'env=prod' });
    const silent = await addAgent(db.store, { env: 'prod' });
    const untargeted = await addAgent(db.store, { env: 'dev' }, { extra: effective({ 'collector.yaml': { body: DESIRED } }) });

    expect(await queries().effectiveConfigDiff('default', silent)).toMatchObject({ desiredHash: hash, effectiveReported: false, inSync: false, files: [] });
    expect(await queries().effectiveConfigDiff('default', untargeted)).toMatchObject({ desiredHash: null, effectiveReported: true, inSync: false, files: [] });
  });

  it("answers AgentNotFoundError for an unknown agent and for another tenant's agent", async () => {
    const uid = await addAgent(db.store, { env: 'prod' }, { tenantId: 'acme' });
    await expect(queries().effectiveConfigDiff('default', uid)).rejects.toBeInstanceOf(AgentNotFoundError);
    await expect(queries().effectiveConfigDiff('acme', '0190a000-0000-7000-8000-000000000001')).rejects.toBeInstanceOf(AgentNotFoundError);
    await expect(queries().effectiveConfigDiff('acme', 'not-a-uid')).rejects.toThrow(/instanceUid must be a UUID/);
    expect((await queries().effectiveConfigDiff('acme', uid)).instanceUid).toBe(uid);
  });
});
