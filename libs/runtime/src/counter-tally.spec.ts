import { describe, expect, it } from 'vitest';
import { counterTally } from './counter-tally.js';
import { Counter, Registry } from './metrics.js';

function messagesCounter(registry: Registry, collect?: () => void): Counter<'direction' | 'transport'> {
  return new Counter({ name: 'messages_total', help: 'm', labelNames: ['direction', 'transport'], registers: [registry], ...(collect ? { collect } : {}) });
}

describe('counterTally', () => {
  it('shows its increments, per series, at the next read of the registry', async () => {
    const registry = new Registry();
    const counter = messagesCounter(registry);
    const httpIn = counterTally(counter, { direction: 'in', transport: 'http' });
    const wsIn = counterTally(counter, { direction: 'in', transport: 'websocket' });
    httpIn.inc();
    httpIn.inc(41);
    wsIn.inc(2.5);
    const text = await registry.metrics();
    expect(text).toContain('messages_total{direction="in",transport="http"} 42');
    expect(text).toContain('messages_total{direction="in",transport="websocket"} 2.5');
    // Folded once: a second read shows the same totals, and later increments add to them.
    httpIn.inc();
    expect(await registry.metrics()).toContain('messages_total{direction="in",transport="http"} 43');
  });

  it('adds to what plain inc calls counted on the same series, and keeps the counter’s own collect', async () => {
    const registry = new Registry();
    let collected = 0;
    const counter = messagesCounter(registry, () => void (collected += 1));
    counter.inc({ direction: 'out', transport: 'http' }, 10);
    counterTally(counter, { direction: 'out', transport: 'http' }).inc(5);
    const [metric] = (await registry.getMetricsAsJSON()).filter((m) => m.name === 'messages_total');
    expect(metric?.values).toEqual([{ labels: { direction: 'out', transport: 'http' }, value: 15 }]);
    expect(collected).toBe(1);
  });

  it('shares one pending value between tallies of the same series', async () => {
    const registry = new Registry();
    const counter = messagesCounter(registry);
    counterTally(counter, { transport: 'http', direction: 'in' }).inc(1);
    counterTally(counter, { direction: 'in', transport: 'http' }).inc(2);
    expect(await registry.metrics()).toContain('messages_total{direction="in",transport="http"} 3');
  });

  it('refuses an unknown label at once and a negative or non-finite increment where it is made', () => {
    const counter = messagesCounter(new Registry());
    expect(() => counterTally(counter, { colour: 'red' } as never)).toThrow(/colour is not a label/);
    const tally = counterTally(counter, { direction: 'in' });
    expect(() => tally.inc(-1)).toThrow(TypeError);
    expect(() => tally.inc(Number.NaN)).toThrow(TypeError);
    expect(() => tally.inc(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});
