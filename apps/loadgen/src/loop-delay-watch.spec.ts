import { describe, expect, it } from 'vitest';
import { LoopDelayWatch } from './loop-delay-watch.js';

const busy = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const turn = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('LoopDelayWatch', () => {
  it('reads the largest event-loop delay since the previous read, and keeps the window’s largest', async () => {
    const watch = new LoopDelayWatch(Date.now());
    await turn(30);
    busy(150);
    await turn(30);
    expect(watch.takeMaxMs()).toBeGreaterThanOrEqual(120);
    await turn(60);
    expect(watch.takeMaxMs()).toBeLessThan(120);
    expect(watch.windowMaxMs).toBeGreaterThanOrEqual(120);
    watch.close();
  });

  it('leaves a delay from before the window opened out of the window', async () => {
    const watch = new LoopDelayWatch(Date.now() + 250);
    await turn(30);
    busy(150);
    await turn(200);
    expect(watch.takeMaxMs()).toBeLessThan(120);
    expect(watch.windowMaxMs).toBeLessThan(120);
    watch.close();
  });
});
