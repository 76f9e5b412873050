import { describe, expect, it } from 'vitest';
import { helveticaWidth, vegaTextWidth } from './text-width.js';

describe('helveticaWidth', () => {
  it('measures narrow letters narrower than wide ones, and bold wider than regular', () => {
    expect(helveticaWidth('iiii', 10)).toBeLessThan(helveticaWidth('MMMM', 10) / 3);
    expect(helveticaWidth('agents', 12, true)).toBeGreaterThan(helveticaWidth('agents', 12));
    expect(helveticaWidth('', 12)).toBe(0);
  });

  it('stays well under the 0.8 em per character that Vega guesses without a canvas', () => {
    const text = 'connected (load generators)';
    expect(helveticaWidth(text, 11)).toBeLessThan(0.7 * 0.8 * text.length * 11);
  });
});

describe('vegaTextWidth', () => {
  it('reads size and weight from the item and falls back to its own text', () => {
    expect(vegaTextWidth({ fontSize: 20, fontWeight: 'bold' }, 'Ramp')).toBeCloseTo(helveticaWidth('Ramp', 20, true));
    expect(vegaTextWidth({ fontSize: 10, text: 'p99', fontWeight: 400 })).toBeCloseTo(helveticaWidth('p99', 10));
    expect(vegaTextWidth({ fontSize: 10, fontWeight: 700 }, 'x')).toBeCloseTo(helveticaWidth('x', 10, true));
  });
});
