import { describe, expect, it } from 'vitest';
import { CleanupStack } from './cleanup-stack.js';

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('CleanupStack', () => {
  it('runs the steps last-in first-out, every one even after failures, and reports the failures by name', async () => {
    const ran: string[] = [];
    const stack = new CleanupStack();
    stack.add('first', async () => void ran.push('first'));
    stack.add('second', async () => {
      ran.push('second');
      throw new Error('boom');
    });
    stack.add('third', async () => void ran.push('third'));
    expect(await stack.run()).toEqual(['second: boom']);
    expect(ran).toEqual(['third', 'second', 'first']);
    expect(stack.state).toBe('done');
  });

  it('makes a second caller wait for the pass already running and gives it the same failures', async () => {
    const slow = gate();
    const stack = new CleanupStack();
    stack.add('drop schema s1', async () => {
      throw new Error('gone wrong');
    });
    stack.add('stop every process', () => slow.promise);
    const first = stack.run();
    let secondDone = false;
    const second = stack.run().then((f) => ((secondDone = true), f));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // What used to happen: the second call resolved at once with [], and its caller exited the process mid-cleanup.
    expect(secondDone).toBe(false);
    expect(stack.state).toBe('running');
    expect(stack.pending()).toEqual(['stop every process', 'drop schema s1']);
    slow.open();
    expect(await second).toEqual(['drop schema s1: gone wrong']);
    expect(await first).toEqual(['drop schema s1: gone wrong']);
    expect(await stack.run()).toEqual(['drop schema s1: gone wrong']);
    expect(stack.pending()).toEqual([]);
  });

  it('runs a step added during the pass within it, and one added after it at once', async () => {
    const ran: string[] = [];
    const stack = new CleanupStack();
    stack.add('old', async () => void ran.push('old'));
    stack.add('starter', async () => {
      ran.push('starter');
      stack.add('late loadgen', async () => void ran.push('late loadgen'));
    });
    await stack.run();
    expect(ran).toEqual(['starter', 'late loadgen', 'old']);
    const after = gate();
    stack.add('after the pass', async () => {
      after.open();
      throw new Error('nope');
    });
    await after.promise;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(stack.lateFailures).toEqual(['after the pass: nope']);
  });

  it('gives up on a step after its time limit (its own, else the stack default) and goes on', async () => {
    const ran: string[] = [];
    const stack = new CleanupStack(20);
    stack.add('quick', async () => void ran.push('quick'));
    stack.add('hangs', () => new Promise(() => undefined));
    stack.add('slow but allowed', () => new Promise((resolve) => setTimeout(resolve, 40)), { timeoutMs: 500 });
    expect(await stack.run()).toEqual(['hangs: did not finish within 20 ms']);
    expect(ran).toEqual(['quick']);
  });
});
