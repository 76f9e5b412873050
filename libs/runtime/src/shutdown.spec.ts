import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type FixtureProcess } from '../test/fixture-process.js';
import { memoryLogger } from '../test/memory-logger.js';
import { DuplicateRegistrationError, RuntimeOptionsError, ShutdownInProgressError } from './errors.js';
import { createShutdown, SHUTDOWN_PHASES, type ShutdownOptions, type ShutdownPhase } from './shutdown.js';

/** A shutdown whose exit is recorded instead of ending the test process. */
function recorded(options: Partial<ShutdownOptions> = {}) {
  const log = memoryLogger('debug');
  const exits: number[] = [];
  const shutdown = createShutdown({ logger: log.logger, timeoutMs: 5000, exit: (code) => void exits.push(code), ...options });
  return { shutdown, exits, log };
}

/** A promise with its resolver, to let a test decide when a hook finishes. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('createShutdown', () => {
  it('runs the phases strictly in order whatever the registration order, then exits 0', async () => {
    const { shutdown, exits } = recorded();
    const events: string[] = [];
    const phases: ShutdownPhase[] = ['close-clients', 'drain', 'not-ready', 'stop-accepting', 'drain'];
    phases.forEach((phase, i) =>
      shutdown.register(phase, `hook-${i}`, async () => {
        events.push(`start ${phase}`);
        // Later phases must wait for this one even when it yields to the event loop.
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`end ${phase}`);
      }),
    );
    expect(shutdown.state).toBe('running');
    await shutdown.trigger('test');
    expect(events).toEqual([
      'start not-ready',
      'end not-ready',
      'start stop-accepting',
      'end stop-accepting',
      'start drain',
      'start drain',
      'end drain',
      'end drain',
      'start close-clients',
      'end close-clients',
    ]);
    expect(exits).toEqual([0]);
    expect(shutdown.state).toBe('finished');
    expect(shutdown.exitCode).toBe(0);
  });

  it('runs the hooks of one phase concurrently', async () => {
    const { shutdown, exits } = recorded({ timeoutMs: 2000 });
    const second = gate();
    // Deadlocks (and so times out with exit 1) unless both hooks run at the same time.
    shutdown.register('drain', 'waits-for-other', () => second.promise);
    shutdown.register('drain', 'other', () => second.open());
    await shutdown.trigger('test');
    expect(exits).toEqual([0]);
  });

  it('logs a throwing hook and still runs the later phases', async () => {
    const { shutdown, exits, log } = recorded();
    const ran: ShutdownPhase[] = [];
    shutdown.register('stop-accepting', 'listener', () => {
      throw new Error('already closed');
    });
    shutdown.register('drain', 'rejects', () => Promise.reject(new Error('drain failed')));
    for (const phase of SHUTDOWN_PHASES) shutdown.register(phase, 'record', () => void ran.push(phase));
    await shutdown.trigger('test');
    expect(ran).toEqual([...SHUTDOWN_PHASES]);
    expect(exits).toEqual([0]);
    const failures = log.lines().filter((line) => line.msg === 'shutdown hook failed');
    expect(failures).toEqual([
      expect.objectContaining({ level: 'error', phase: 'stop-accepting', hook: 'listener', err: expect.objectContaining({ message: 'already closed' }) }),
      expect.objectContaining({ level: 'error', phase: 'drain', hook: 'rejects', err: expect.objectContaining({ message: 'drain failed' }) }),
    ]);
  });

  it('exits 1 after the timeout, logging the pending hooks, and never runs later phases', async () => {
    const { shutdown, exits, log } = recorded({ timeoutMs: 50 });
    const stuck = gate();
    let closedClients = false;
    shutdown.register('not-ready', 'readiness', () => undefined);
    shutdown.register('drain', 'connections', () => stuck.promise);
    shutdown.register('drain', 'quick', () => undefined);
    shutdown.register('close-clients', 'bus', () => void (closedClients = true));
    await shutdown.trigger('test');
    expect(exits).toEqual([1]);
    expect(log.lines().find((line) => line.msg === 'shutdown timed out')).toMatchObject({
      level: 'error',
      timeoutMs: 50,
      pending: ['drain/connections'],
      notStarted: ['close-clients/bus'],
    });
    // The stuck hook finishing late must not resume the sequence.
    stuck.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(closedClients).toBe(false);
    expect(exits).toEqual([1]);
  });

  it('runs every phase and exits with the code a failed start-up asks for', async () => {
    const { shutdown, exits } = recorded();
    const ran: ShutdownPhase[] = [];
    for (const phase of SHUTDOWN_PHASES) shutdown.register(phase, 'record', () => void ran.push(phase));
    await shutdown.trigger('start-up failed', 1);
    expect(ran).toEqual([...SHUTDOWN_PHASES]);
    expect(exits).toEqual([1]);
    expect(shutdown.exitCode).toBe(1);
  });

  it('ignores a second trigger during shutdown', async () => {
    const { shutdown, exits } = recorded();
    const release = gate();
    let runs = 0;
    shutdown.register('drain', 'slow', async () => {
      runs += 1;
      await release.promise;
    });
    const first = shutdown.trigger('first');
    const second = shutdown.trigger('second');
    expect(second).toBe(first);
    expect(shutdown.state).toBe('shutting-down');
    release.open();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    expect(exits).toEqual([0]);
  });

  it('refuses hooks after the start, duplicate names, unknown phases and bad options', async () => {
    const { shutdown } = recorded();
    shutdown.register('drain', 'a', () => undefined);
    expect(() => shutdown.register('drain', 'a', () => undefined)).toThrow(DuplicateRegistrationError);
    shutdown.register('close-clients', 'a', () => undefined);
    expect(() => shutdown.register('later' as ShutdownPhase, 'x', () => undefined)).toThrow(RuntimeOptionsError);
    const done = shutdown.trigger('test');
    expect(() => shutdown.register('close-clients', 'late', () => undefined)).toThrow(ShutdownInProgressError);
    await done;
    expect(() => recorded({ timeoutMs: 0 })).toThrow(RuntimeOptionsError);
  });

  describe('signal handlers', () => {
    let uninstall: (() => void) | undefined;
    afterEach(() => uninstall?.());

    it.each([
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const)('start shutdown on the first signal and exit at once on a second %s', async (signal, code) => {
      const { shutdown, exits } = recorded();
      const stuck = gate();
      shutdown.register('drain', 'slow', () => stuck.promise);
      uninstall = shutdown.installSignalHandlers();
      // Emitting calls the handlers exactly as a delivered signal would, without signalling the test runner.
      process.emit('SIGTERM', 'SIGTERM');
      expect(shutdown.state).toBe('shutting-down');
      process.emit(signal, signal);
      expect(exits).toEqual([code]);
      expect(shutdown.state).toBe('finished');
      // The interrupted sequence ending later must not exit a second time.
      stuck.open();
      await shutdown.trigger('ignored');
      expect(exits).toEqual([code]);
    });

    it('are removed by the returned function', () => {
      const before = process.listenerCount('SIGTERM');
      const { shutdown } = recorded();
      const remove = shutdown.installSignalHandlers();
      expect(process.listenerCount('SIGTERM')).toBe(before + 1);
      remove();
      expect(process.listenerCount('SIGTERM')).toBe(before);
    });
  });

  describe('in a real process', () => {
    let fixture: FixtureProcess | undefined;
    afterEach(() => fixture?.kill());

    it('runs every phase in order on SIGTERM and exits 0', async () => {
      fixture = startFixture('shutdown-child.ts');
      await fixture.waitForStdout('ready\n');
      fixture.child.kill('SIGTERM');
      expect(await fixture.exited).toBe(0);
      expect(fixture.stdout()).toBe(['ready', ...SHUTDOWN_PHASES, ''].join('\n'));
    });
  });
});
