import { describe, expect, it } from 'vitest';
import { type ComparedFile, MAX_DIFF_EDITS, diffConfigFiles } from './config-diff.js';
import { createConfigQueries } from './config-queries.js';
import { ConfigVersionNotFoundError } from './query-errors.js';
import { insertVersion, yamlFiles } from './read-side-fixtures.test-helpers.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

const text = (name: string, body: string, contentType = 'text/yaml'): ComparedFile => ({ name, contentType, body, encoding: 'utf8' });

describe('diffConfigFiles', () => {
  it('lists added, removed and changed files in name order with unified patches, skipping equal ones', () => {
    const before = [text('same.yaml', 'x: 1\n'), text('gone.yaml', 'old: true\n'), text('main.yaml', 'a: 1\nb: 2\nc: 3\n')];
    const after = [text('main.yaml', 'a: 1\nb: 20\nc: 3\n'), text('same.yaml', 'x: 1\n'), text('new.yaml', 'fresh: 1\n')];

    const diffs = diffConfigFiles(before, after);

    expect(diffs.map((d) => [d.name, d.change])).toEqual([
      ['gone.yaml', 'removed'],
      ['main.yaml', 'changed'],
      ['new.yaml', 'added'],
    ]);
    expect(diffs[1]).toEqual({
      name: 'main.yaml',
      change: 'changed',
      contentTypeBefore: 'text/yaml',
      contentTypeAfter: 'text/yaml',
      binary: false,
      tooLarge: false,
      patch: '--- a/main.yaml\n+++ b/main.yaml\n@@ -1,3 +1,3 @@\n a: 1\n-b: 2\n+b: 20\n c: 3\n',
    });
    expect(diffs[0]!.patch).toBe('--- a/gone.yaml\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-old: true\n');
    expect(diffs[2]).toMatchObject({ contentTypeBefore: null, contentTypeAfter: 'text/yaml', patch: '--- /dev/null\n+++ b/new.yaml\n@@ -0,0 +1,1 @@\n+fresh: 1\n' });
  });

  it('reports a content-type-only change, and a binary change without a text patch', () => {
    const bin = (body: string): ComparedFile => ({ name: 'blob', contentType: 'application/octet-stream', body, encoding: 'base64' });
    const diffs = diffConfigFiles([text('a', 'k: v\n', 'text/plain'), bin('AAE=')], [text('a', 'k: v\n', 'text/yaml'), bin('AAI=')]);
    expect(diffs).toEqual([
      { name: 'a', change: 'changed', contentTypeBefore: 'text/plain', contentTypeAfter: 'text/yaml', binary: false, tooLarge: false, patch: '--- a/a\n+++ b/a\n' },
      { name: 'blob', change: 'changed', contentTypeBefore: 'application/octet-stream', contentTypeAfter: 'application/octet-stream', binary: true, tooLarge: false, patch: null },
    ]);
    expect(diffConfigFiles([bin('AAE=')], [bin('AAE=')])).toEqual([]);
  });

  it('gives up on a patch beyond MAX_DIFF_EDITS changed lines instead of burning CPU', () => {
    const lines = (prefix: string) => Array.from({ length: MAX_DIFF_EDITS }, (_, i) => `${prefix}${i}`).join('\n');
    const [diff] = diffConfigFiles([text('big', lines('a'))], [text('big', lines('b'))]);
    expect(diff).toMatchObject({ change: 'changed', patch: null, tooLarge: true });
  });
});

describe.each(ENGINES)('diffVersions on %s', (engine) => {
  const db = useTestDatabase(engine);

  it('diffs two versions of the tenant in either direction, and a version with itself as identical', async () => {
    const queries = createConfigQueries({ store: db.store });
    const v1 = await insertVersion(db.store, { files: yamlFiles('receivers:\n  otlp: {}\n') });
    const v2 = await insertVersion(db.store, { files: [...yamlFiles('receivers:\n  otlp: {}\n  jaeger: {}\n'), { name: 'extra.yaml', contentType: '', body: 'e: 1\n' }] });

    const forward = await queries.diffVersions('default', v1, v2);
    expect(forward).toMatchObject({ from: v1, to: v2, identical: false });
    expect(forward.files.map((f) => [f.name, f.change])).toEqual([
      ['collector.yaml', 'changed'],
      ['extra.yaml', 'added'],
    ]);
    expect(forward.files[0]!.patch).toContain('+  jaeger: {}\n');
    const backward = await queries.diffVersions('default', v2.toUpperCase(), v1);
    expect(backward.files.map((f) => [f.name, f.change])).toEqual([
      ['collector.yaml', 'changed'],
      ['extra.yaml', 'removed'],
    ]);
    expect(await queries.diffVersions('default', v1, v1)).toEqual({ from: v1, to: v1, identical: true, files: [] });
  });

  it("names the missing side, and treats another tenant's version as missing", async () => {
    const queries = createConfigQueries({ store: db.store });
    const mine = await insertVersion(db.store, { files: yamlFiles('a: 1\n') });
    const theirs = await insertVersion(db.store, { tenantId: 'acme', files: yamlFiles('b: 1\n') });
    const err = await queries.diffVersions('default', mine, theirs).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigVersionNotFoundError);
    expect((err as ConfigVersionNotFoundError).hash).toBe(theirs);
    await expect(queries.diffVersions('default', 'nope', mine)).rejects.toThrow(/^from must be a config hash/);
    await expect(queries.diffVersions('default', mine, '')).rejects.toThrow(/^to must be a config hash/);
  });
});
