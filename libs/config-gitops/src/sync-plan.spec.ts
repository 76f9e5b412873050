import { formatSelector, parseSelector } from '@shepherd/config-service';
import { describe, expect, it } from 'vitest';
import type { DesiredConfig } from './config-directory.js';
import { planSync, type PresentDirectory } from './sync-plan.js';
import type { AppliedDirectory } from './sync-state-repository.js';

const oid = (c: string): string => c.repeat(40);

function desired(directory: string, selector: string, tree: string): DesiredConfig {
  const parsed = parseSelector(selector);
  return { directory, treeOid: oid(tree), selector: parsed, selectorKey: formatSelector(parsed), priority: 0, files: [] };
}

function applied(directory: string, selector: string, tree: string): AppliedDirectory {
  return { directory, treeOid: oid(tree), selector: parseSelector(selector), configHash: 'h', commit: oid('c') };
}

function plan(present: PresentDirectory[], rows: AppliedDirectory[], parsed: DesiredConfig[]): ReturnType<typeof planSync> {
  return planSync({
    present,
    applied: new Map(rows.map((row) => [row.directory, row])),
    parsed: new Map(parsed.map((d) => [d.directory, d])),
  });
}

describe('planSync', () => {
  it('creates new and changed directories, in order, without releasing a kept selector', () => {
    const result = plan(
      [
        { directory: 'c/a', treeOid: oid('1') },
        { directory: 'c/b', treeOid: oid('2') },
      ],
      [applied('c/b', 'env=b', '9')],
      [desired('c/a', 'env=a', '1'), desired('c/b', 'env=b', '2')],
    );
    expect(result.creates.map((c) => [c.desired.directory, c.releases])).toEqual([
      ['c/a', undefined],
      ['c/b', undefined],
    ]);
    expect(result.removals).toEqual([]);
    expect(result.refused.size).toBe(0);
  });

  it('deactivates the selector of a removed directory', () => {
    const result = plan([], [applied('c/gone', 'env=x', '1')], []);
    expect(result.removals).toEqual([{ directory: 'c/gone', deactivate: parseSelector('env=x') }]);
  });

  it('only forgets a removed directory whose selector moved to another directory (a rename)', () => {
    const result = plan([{ directory: 'c/new', treeOid: oid('2') }], [applied('c/old', 'env=x', '1')], [desired('c/new', 'env=x', '2')]);
    expect(result.removals).toEqual([{ directory: 'c/old' }]);
    expect(result.creates.map((c) => c.desired.directory)).toEqual(['c/new']);
  });

  it('releases the old selector of a directory whose selector changed', () => {
    const result = plan([{ directory: 'c/a', treeOid: oid('2') }], [applied('c/a', 'env=old', '1')], [desired('c/a', 'env=new', '2')]);
    expect(result.creates[0]?.releases).toEqual(parseSelector('env=old'));
  });

  it('refuses a directory whose selector another directory holds, keeping the holder', () => {
    const result = plan(
      [
        { directory: 'c/a', treeOid: oid('2') },
        { directory: 'c/b', treeOid: oid('1') },
      ],
      [applied('c/b', 'env=x', '1')],
      [desired('c/a', 'env=x', '2')],
    );
    expect(result.creates).toEqual([]);
    expect(result.refused.get('c/a')?.message).toBe('c/a: selector "env=x" is already used by c/b');
  });

  it('between two new directories with one selector, the first by name wins', () => {
    const result = plan(
      [
        { directory: 'c/a', treeOid: oid('1') },
        { directory: 'c/b', treeOid: oid('2') },
      ],
      [],
      [desired('c/a', 'env=x', '1'), desired('c/b', 'env=x', '2')],
    );
    expect(result.creates.map((c) => c.desired.directory)).toEqual(['c/a']);
    expect([...result.refused.keys()]).toEqual(['c/b']);
  });

  it('keeps the selector of a directory that is invalid now (no deactivation)', () => {
    // c/a failed to parse this time: it is present but not in `parsed`.
    const result = plan([{ directory: 'c/a', treeOid: oid('2') }], [applied('c/a', 'env=a', '1')], []);
    expect(result).toEqual({ creates: [], removals: [], refused: new Map() });
  });
});
