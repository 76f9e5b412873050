import { createHash } from 'node:crypto';
import { MAX_CONFIG_BYTES, MAX_CONFIG_FILES } from '@shepherd/config-service';
import { describe, expect, it } from 'vitest';
import { readConfigDirectory } from './config-directory.js';
import { GitopsDirectoryError } from './errors.js';
import type { TreeEntry, TreeReader } from './local-repository.js';

const COLLECTOR = 'receivers:\n  otlp: {}\n';

/** An in-memory tree: one directory of files (text or bytes) plus optional subdirectories. */
function fakeReader(files: Readonly<Record<string, string | Uint8Array>>, subdirectories: readonly string[] = []): TreeReader {
  const blobs = new Map<string, Uint8Array>();
  const entries: TreeEntry[] = Object.entries(files).map(([name, content]) => {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const oid = createHash('sha1').update(name).update(bytes).digest('hex');
    blobs.set(oid, bytes);
    return { name, oid, type: 'blob' };
  });
  for (const name of subdirectories) entries.push({ name, oid: 'f'.repeat(40), type: 'tree' });
  return {
    listDirectory: async () => entries,
    listTree: async () => entries,
    readBlob: async (oid) => blobs.get(oid) as Uint8Array,
  };
}

async function problemOf(reader: TreeReader): Promise<string> {
  const err = await readConfigDirectory(reader, 'configs/prod', 'a'.repeat(40)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GitopsDirectoryError);
  return (err as Error).message;
}

describe('readConfigDirectory', () => {
  it('reads the manifest and the config files with their content types, sorted', async () => {
    const reader = fakeReader({
      'shepherd.yaml': 'selector: env=prod,region=eu\npriority: 10\nlabel: v1.4.0\ndescription: prod collectors\n',
      'z.toml': 'a = 1\n',
      'collector.yaml': COLLECTOR,
      'extra.yml': 'x: 1\n',
      'b.json': '{}',
      'README.md': '# ignored',
    }, ['nested']);
    const desired = await readConfigDirectory(reader, 'configs/prod', 'a'.repeat(40));
    expect(desired).toEqual({
      directory: 'configs/prod',
      treeOid: 'a'.repeat(40),
      selector: { matchLabels: { env: 'prod', region: 'eu' }, matchExpressions: [] },
      selectorKey: 'env=prod,region=eu',
      priority: 10,
      label: 'v1.4.0',
      description: 'prod collectors',
      files: [
        { name: 'b.json', contentType: 'application/json', body: '{}' },
        { name: 'collector.yaml', contentType: 'text/yaml', body: COLLECTOR },
        { name: 'extra.yml', contentType: 'text/yaml', body: 'x: 1\n' },
        { name: 'z.toml', contentType: 'application/toml', body: 'a = 1\n' },
      ],
    });
  });

  it('accepts every selector form of the seed: match_labels and match_expressions', async () => {
    const manifest = [
      'selector:',
      '  match_labels: {env: prod}',
      '  match_expressions:',
      '    - {key: region, operator: In, values: [us-west-2, us-east-1]}',
      '    - {key: canary, operator: DoesNotExist}',
    ].join('\n');
    const desired = await readConfigDirectory(fakeReader({ 'shepherd.yaml': manifest, 'c.yaml': COLLECTOR }), 'configs/p', 'a'.repeat(40));
    expect(desired.selector.matchLabels).toEqual({ env: 'prod' });
    expect(desired.selector.matchExpressions).toHaveLength(2);
    expect(desired.priority).toBe(0);
    expect(desired).not.toHaveProperty('label');
  });

  it.each([
    ['no manifest', { 'c.yaml': COLLECTOR }, 'configs/prod: has no shepherd.yaml'],
    ['a manifest that is not YAML', { 'shepherd.yaml': 'selector: [', 'c.yaml': COLLECTOR }, 'shepherd.yaml is not valid YAML'],
    ['no selector', { 'shepherd.yaml': 'priority: 1\n', 'c.yaml': COLLECTOR }, 'selector is missing (use {match_labels: {}}'],
    ['a bad selector', { 'shepherd.yaml': 'selector: {match_labels: {env: 1}}\n', 'c.yaml': COLLECTOR }, 'shepherd.yaml: selector:'],
    ['an unknown key', { 'shepherd.yaml': 'selector: env=a\nprio: 1\n', 'c.yaml': COLLECTOR }, 'prio: not a known key'],
    ['a fractional priority', { 'shepherd.yaml': 'selector: env=a\npriority: 1.5\n', 'c.yaml': COLLECTOR }, 'priority must be an integer'],
    ['no config file', { 'shepherd.yaml': 'selector: env=a\n', 'README.md': 'x' }, 'has no config file'],
    ['a file that is not UTF-8', { 'shepherd.yaml': 'selector: env=a\n', 'c.yaml': new Uint8Array([0xff, 0xfe]) }, 'c.yaml is not UTF-8 text'],
  ])('refuses %s, naming the directory', async (_what, files, message) => {
    const text = await problemOf(fakeReader(files));
    expect(text).toContain(message);
    expect(text.startsWith('configs/prod: ')).toBe(true);
  });

  it('bounds the number of files and the size of the config', async () => {
    const many = Object.fromEntries(Array.from({ length: MAX_CONFIG_FILES + 1 }, (_, i) => [`f${i}.yaml`, 'a: 1\n']));
    expect(await problemOf(fakeReader({ 'shepherd.yaml': 'selector: env=a\n', ...many }))).toContain(`at most ${MAX_CONFIG_FILES} are allowed`);
    const big = 'x'.repeat(MAX_CONFIG_BYTES / 2 + 1);
    expect(await problemOf(fakeReader({ 'shepherd.yaml': 'selector: env=a\n', 'a.yaml': big, 'b.yaml': big }))).toContain(
      `larger than ${MAX_CONFIG_BYTES} bytes together`,
    );
  });
});
