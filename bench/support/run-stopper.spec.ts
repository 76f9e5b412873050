import { describe, expect, it } from 'vitest';
import { CleanupStack } from './cleanup-stack.js';
import { FORCE_EXIT_AT, RunStopper, stopAction } from './run-stopper.js';

describe('stopAction', () => {
  it('starts the cleanup when none runs yet', () => {
    expect(stopAction(1, 'idle', [])).toEqual({ kind: 'clean-up' });
  });

  it('keeps the cleanup going below the force threshold, saying how many steps are left', () => {
    const action = stopAction(2, 'running', ['delete the Redis keys s:*', 'delete the NATS streams A_s']);
    expect(action.kind).toBe('keep-going');
    expect(action).toMatchObject({ message: expect.stringMatching(/^cleanup in progress, 2 step\(s\) left: delete the Redis keys s:\*; delete the NATS streams A_s; send 1 more stop signal/) });
    // A first signal while the main path already cleans up does not interrupt it either.
    expect(stopAction(1, 'running', ['x']).kind).toBe('keep-going');
  });

  it('forces exit at the threshold, listing what may be left behind', () => {
    const action = stopAction(FORCE_EXIT_AT, 'running', ['drop schema s', 'delete the Redis keys s:*']);
    expect(action).toEqual({ kind: 'force-exit', message: 'forced exit during cleanup; may be left behind:\n  - drop schema s\n  - delete the Redis keys s:*' });
  });

  it('exits at once once the cleanup has finished', () => {
    expect(stopAction(2, 'done', [])).toEqual({ kind: 'force-exit', message: 'cleanup already finished; exiting' });
  });
});

function harness(): { stack: CleanupStack; stopper: RunStopper; lines: string[]; exits: number[]; reports: (readonly string[])[]; release: () => void } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const stack = new CleanupStack();
  stack.add('delete the NATS streams A_s', async () => undefined);
  stack.add('stop every process', () => held);
  const lines: string[] = [];
  const exits: number[] = [];
  const reports: (readonly string[])[] = [];
  const stopper = new RunStopper({ cleanup: stack, report: (f) => reports.push(f), write: (l) => lines.push(l), exit: (c) => exits.push(c) });
  return { stack, stopper, lines, exits, reports, release };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('RunStopper', () => {
  it('cleans up on the first signal, keeps going on the second and exits once, with the signal code, after the cleanup', async () => {
    const h = harness();
    h.stopper.request('SIGINT', 130);
    expect(h.stack.state).toBe('running');
    h.stopper.request('SIGINT', 130);
    expect(h.lines[1]).toMatch(/^SIGINT: cleanup in progress, 2 step\(s\) left: stop every process; delete the NATS streams A_s/);
    expect(h.exits).toEqual([]);
    // The main path notices its processes died and finishes too: it joins, it does not exit early.
    const main = h.stopper.finish(1);
    await tick();
    expect(h.exits).toEqual([]);
    h.release();
    await main;
    expect(h.exits).toEqual([130]);
    expect(h.reports).toEqual([[]]);
  });

  it('counts a signal that follows the previous one within the window as the same request (tsx relays Ctrl-C)', () => {
    const h = harness();
    h.stopper.signal('SIGINT', 1_000);
    h.stopper.signal('SIGINT', 1_030);
    expect(h.lines).toHaveLength(1);
    h.stopper.signal('SIGINT', 2_000);
    h.stopper.signal('SIGINT', 2_040);
    expect(h.lines).toHaveLength(2);
    expect(h.exits).toEqual([]);
    h.stopper.signal('SIGTERM', 3_000);
    // The first request's code: SIGINT is 2.
    expect(h.exits).toEqual([130]);
    expect(h.lines.at(-1)).toMatch(/^SIGTERM: forced exit during cleanup/);
  });

  it('forces exit on the third signal, naming the steps not done', () => {
    const h = harness();
    h.stopper.request('SIGINT', 130);
    h.stopper.request('SIGTERM', 143);
    h.stopper.request('SIGINT', 130);
    expect(h.exits).toEqual([130]);
    expect(h.lines.at(-1)).toBe('SIGINT: forced exit during cleanup; may be left behind:\n  - stop every process\n  - delete the NATS streams A_s');
  });

  it('exits with the main path code, 1 when the cleanup failed, and answers a signal during its cleanup without interrupting it', async () => {
    const h = harness();
    h.stack.add('drop schema s', async () => {
      throw new Error('connection refused');
    });
    const main = h.stopper.finish(0);
    h.stopper.request('SIGINT', 130);
    expect(h.lines[0]).toMatch(/^SIGINT: cleanup in progress/);
    h.release();
    await main;
    expect(h.reports).toEqual([['drop schema s: connection refused']]);
    expect(h.exits).toEqual([1]);
  });
});
