import { describe, expect, it } from 'vitest';
import { expandEnvInTree, expandString } from './env-expansion.js';

describe('expandString', () => {
  const env = { A: 'alpha', EMPTY: '' };

  it.each([
    ['${A}', 'alpha'],
    ['x-${A}-${A}', 'x-alpha-alpha'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY}', ''],
    ['${A:-unused}', 'alpha'],
    ['$$ and $${A}', '$ and ${A}'],
    ['cost: $5', 'cost: $5'],
    ['ends with $', 'ends with $'],
  ])('expands %j to %j', (text, expected) => {
    expect(expandString(text, env)).toEqual({ value: expected, problems: [] });
  });

  it('names an unset variable, a bad reference and an unclosed one', () => {
    expect(expandString('${NOPE}', env).problems).toEqual(['environment variable NOPE is not set (use ${NOPE:-default} for an optional one)']);
    expect(expandString('${1X}', env).problems).toEqual(['"${1X}" is not a variable reference (use ${NAME} or ${NAME:-default})']);
    expect(expandString('a ${A', env).problems).toEqual(['unclosed "${" at offset 2']);
  });
});

describe('expandEnvInTree', () => {
  it('expands string values only, never keys or other scalars, and reports the key path', () => {
    const tree = { '${A}': '${A}', list: ['${A}', 1, true, null], nested: { deep: '${NOPE}' } };
    const { value, problems } = expandEnvInTree(tree, { A: 'alpha' });
    expect(value).toEqual({ '${A}': 'alpha', list: ['alpha', 1, true, null], nested: { deep: '' } });
    expect(problems).toEqual([{ path: ['nested', 'deep'], message: expect.stringContaining('NOPE is not set') }]);
  });

  it('refuses absurd nesting', () => {
    let tree: unknown = 'leaf';
    for (let i = 0; i < 40; i += 1) tree = { k: tree };
    expect(expandEnvInTree(tree, {}).problems[0]?.message).toBe('nested deeper than 32 levels');
  });
});
