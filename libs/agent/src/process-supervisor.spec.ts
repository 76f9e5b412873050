import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from './agent-logger.js';
import { CollectorProcess } from './collector-process.js';
import { ProcessSupervisor, type ProcessEvent } from './process-supervisor.js';
import { CollectorStartError } from './supervisor-errors.js';

const LONG_RUNNING = 'setInterval(() => undefined, 1000)';
const IGNORES_SIGTERM = "process.on('SIGTERM', () => undefined); console.log('ready'); setInterval(() => undefined, 1000)";
const CRASHES = "process.stderr.write('boom: cannot bind\\n'); process.exit(3)";

const supervisors: ProcessSupervisor[] = [];
const processes: CollectorProcess[] = [];
afterEach(async () => {
  await Promise.allSettled(supervisors.splice(0).map((s) => s.stop()));
  for (const p of processes.splice(0)) p.signal('SIGKILL');
});

function spawnNode(script: string, stopTimeoutMs = 2_000, logger = silentLogger): () => Promise<CollectorProcess> {
  return async () => {
    const proc = await CollectorProcess.spawn({ binary: process.execPath, args: ['-e', script], env: {}, stopTimeoutMs, logger });
    processes.push(proc);
    return proc;
  };
}

function supervise(spawn: () => Promise<CollectorProcess>, extra: { stableAfterMs?: number; maxCrashRestarts?: number } = {}) {
  const events: ProcessEvent[] = [];
  const supervisor = new ProcessSupervisor({
    spawn,
    restartBackoff: { initialMs: 200, maxMs: 1_000 },
    stableAfterMs: extra.stableAfterMs ?? 60_000,
    maxCrashRestarts: extra.maxCrashRestarts ?? 10,
    random: () => 0,
    logger: silentLogger,
    onEvent: (e) => events.push(e),
  });
  supervisors.push(supervisor);
  const delays = (): (number | undefined)[] => events.flatMap((e) => (e.type === 'crashed' ? [e.restartInMs] : []));
  const starts = (): number => events.filter((e) => e.type === 'started').length;
  return { supervisor, events, delays, starts };
}

describe('ProcessSupervisor', () => {
  it('restarts a crashed collector after exponentially growing delays', async () => {
    const { supervisor, delays, starts } = supervise(spawnNode(LONG_RUNNING));
    let proc = await supervisor.start();
    for (let crash = 1; crash <= 3; crash += 1) {
      const crashedAt = Date.now();
      proc.signal('SIGKILL');
      await vi.waitFor(() => expect(starts()).toBe(crash + 1), { timeout: 5_000, interval: 10 });
      expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(delays()[crash - 1]! - 5);
      proc = supervisor.current!;
    }
    // Equal jitter with random() = 0: half of 200, 400, 800 ms.
    expect(delays()).toEqual([100, 200, 400]);
    expect(supervisor.state).toBe('running');
  });

  it('starts the backoff over after a run longer than stableAfterMs', async () => {
    const { supervisor, delays, starts } = supervise(spawnNode(LONG_RUNNING), { stableAfterMs: 300 });
    (await supervisor.start()).signal('SIGKILL');
    await vi.waitFor(() => expect(starts()).toBe(2), { timeout: 5_000, interval: 10 });
    supervisor.current!.signal('SIGKILL');
    await vi.waitFor(() => expect(starts()).toBe(3), { timeout: 5_000, interval: 10 });
    await new Promise((r) => setTimeout(r, 400));
    supervisor.current!.signal('SIGKILL');
    await vi.waitFor(() => expect(delays()).toHaveLength(3));
    expect(delays()).toEqual([100, 200, 100]);
  });

  it('gives up after maxCrashRestarts crashes in a row, reporting the collector stderr, until restart()', async () => {
    const { supervisor, events, starts } = supervise(spawnNode(CRASHES), { maxCrashRestarts: 2 });
    await supervisor.start();
    await vi.waitFor(() => expect(supervisor.state).toBe('crash-loop'), { timeout: 10_000, interval: 10 });
    expect(starts()).toBe(3);
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'crashed', restartInMs: undefined, reason: 'collector exited with code 3: boom: cannot bind' });
    await new Promise((r) => setTimeout(r, 500));
    expect(starts()).toBe(3);
    await supervisor.restart();
    expect(starts()).toBe(4);
  });

  it('holds crash restarts while held, and restarts on release', async () => {
    const { supervisor, starts } = supervise(spawnNode(LONG_RUNNING));
    const proc = await supervisor.start();
    const release = supervisor.holdCrashRestarts();
    proc.signal('SIGKILL');
    await proc.exited;
    await new Promise((r) => setTimeout(r, 300));
    expect(starts()).toBe(1);
    release();
    await vi.waitFor(() => expect(starts()).toBe(2), { timeout: 5_000, interval: 10 });
  });

  it('restart() replaces the process and is not counted as a crash', async () => {
    const { supervisor, delays } = supervise(spawnNode(LONG_RUNNING));
    const first = await supervisor.start();
    const second = await supervisor.restart();
    expect(second.pid).not.toBe(first.pid);
    expect(first.running).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(delays()).toEqual([]);
    expect(supervisor.current).toBe(second);
  });

  it('stops with SIGTERM and kills a collector that ignores it after the stop timeout', async () => {
    let ready!: () => void;
    const handlerInstalled = new Promise<void>((ok) => (ready = ok));
    const proc = await spawnNode(IGNORES_SIGTERM, 300, { ...silentLogger, info: (_o, line) => line === 'ready' && ready() })();
    await handlerInstalled;
    const started = Date.now();
    const exit = await proc.stop();
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reports a binary that cannot be started', async () => {
    const spawn = () => CollectorProcess.spawn({ binary: '/nonexistent/otelcol', args: [], env: {}, stopTimeoutMs: 100, logger: silentLogger });
    const { supervisor } = supervise(spawn);
    await expect(supervisor.start()).rejects.toBeInstanceOf(CollectorStartError);
    await expect(supervisor.start()).rejects.toThrow(/cannot start the collector \/nonexistent\/otelcol: .*ENOENT/);
  });
});
