import { describe, expect, it } from 'vitest';
import { type LabelSelector, matchesSelector, parseSelector, selectorJson, selectorKey } from './selector.js';
import { ENGINES, useTestDatabase } from './test-database.test-helpers.js';

/** mulberry32: a tiny seeded generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Few keys and values so that matches and mismatches are both common; some need JSON escapes
// or sort differently by bytes than by UTF-16 units.
const KEYS = ['env', 'tier', 'region', 'service.name', 'é', 'ab', 'k"q', 'b\\s', 'zz', '日本'];
const VALUES = ['prod', 'test', 'a', 'b', 'é', '"', 'x y', '日本', 'a,b'];
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

function randomCase(next: () => number): { selector: LabelSelector; labels: Record<string, string> } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const labels: Record<string, string> = {};
  for (const key of KEYS) if (next() < 0.5) labels[key] = pick(VALUES);
  const matchLabels: Record<string, string> = {};
  for (let i = Math.floor(next() * 3); i > 0; i--) matchLabels[pick(KEYS)] = pick(VALUES);
  const matchExpressions = Array.from({ length: Math.floor(next() * 4) }, () => {
    const operator = pick(OPERATORS);
    const values = operator === 'In' || operator === 'NotIn' ? Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(VALUES)) : [];
    return { key: pick(KEYS), operator, values };
  });
  return { selector: parseSelector({ matchLabels, matchExpressions }), labels };
}

describe.each(ENGINES)('selector matching in TypeScript and SQL on %s', (engine) => {
  const db = useTestDatabase(engine);

  it('matchesSelector agrees with selector_matches on 2000 random selectors and label sets', async () => {
    const seed = Date.now() % 1_000_000;
    const next = random(seed);
    const cases = Array.from({ length: 2000 }, () => randomCase(next));
    const { rows } = await db.store.query<{ i: number; matches: boolean }>(
      `SELECT (t.i)::int AS i, selector_matches(t.c -> 'labels', t.c -> 'selector') AS matches
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(c, i) ORDER BY t.i`,
      [JSON.stringify(cases.map((c) => ({ labels: c.labels, selector: selectorJson(c.selector) })))],
    );
    const disagreements = rows
      .filter((row) => {
        const c = cases[row.i - 1] as (typeof cases)[number];
        return matchesSelector(c.selector, c.labels) !== row.matches;
      })
      .map((row) => ({ seed, ...cases[row.i - 1], sql: row.matches }));
    expect(rows).toHaveLength(cases.length);
    expect(disagreements).toEqual([]);
    // Both outcomes must be well represented, or the comparison proves little.
    const matched = rows.filter((row) => row.matches).length;
    expect(matched).toBeGreaterThan(100);
    expect(cases.length - matched).toBeGreaterThan(100);
  });

  it('selectorKey equals the jsonb text of the stored selector (what migration 0003 wrote as target_key)', async () => {
    const next = random(Date.now() % 1_000_000);
    const selectors = Array.from({ length: 300 }, () => randomCase(next).selector);
    const { rows } = await db.store.query<{ i: number; text: string }>(
      'SELECT (t.i)::int AS i, t.s::text AS text FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(s, i) ORDER BY t.i',
      [JSON.stringify(selectors.map(selectorJson))],
    );
    expect(rows.map((row) => row.text)).toEqual(selectors.map(selectorKey));
  });
});
