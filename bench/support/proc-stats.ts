import { readdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';

/** Kernel clock ticks per second for /proc CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time and resident memory of one process at one instant (Linux /proc). */
export interface ProcSample {
  readonly pid: number;
  readonly at: number;
  /** User plus system CPU seconds since the process started. */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

/** Reads /proc/<pid>/stat and /proc/<pid>/status; undefined once the process is gone. */
export async function sampleProcess(pid: number): Promise<ProcSample | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    // Fields after the parenthesised command name (which may hold spaces): utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? '0');
    return { pid, at: Date.now(), cpuSeconds, rssBytes: rssKiB * 1024 };
  } catch {
    return undefined;
  }
}

/** Summed samples of a group of processes (an engine with several, e.g. PostgreSQL's backends). */
export interface GroupSample {
  readonly at: number;
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  /** CPU seconds of each process of the group. */
  readonly cpuByPid: ReadonlyMap<number, number>;
}

/** Samples every process of a group; those gone by then are left out. */
export async function sampleProcesses(pids: readonly number[]): Promise<GroupSample> {
  const samples = (await Promise.all(pids.map(sampleProcess))).filter((s): s is ProcSample => s !== undefined);
  return {
    at: Date.now(),
    cpuSeconds: samples.reduce((a, s) => a + s.cpuSeconds, 0),
    rssBytes: samples.reduce((a, s) => a + s.rssBytes, 0),
    cpuByPid: new Map(samples.map((s) => [s.pid, s.cpuSeconds])),
  };
}

/**
 * A group's CPU use between two samples, in percent of one core: per process that is still
 * there, its CPU since the first sample (all of it for a process started since). A process that
 * ended in between is left out (its CPU is lost with it), so the figure is a lower bound; a
 * plain difference of the sums would go negative when a busy backend exits.
 */
export function groupCpuPercent(before: GroupSample, after: GroupSample): number {
  const wall = (after.at - before.at) / 1000;
  if (wall <= 0) return 0;
  let seconds = 0;
  for (const [pid, cpu] of after.cpuByPid) seconds += cpu - (before.cpuByPid.get(pid) ?? 0);
  return (100 * seconds) / wall;
}

/** Pids of every process whose command name (/proc/<pid>/comm) is one of `names`. */
export async function pidsByName(names: readonly string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (names.includes(comm.trim())) pids.push(Number(entry));
  }
  return pids;
}

/** CPU use between two samples, in percent of one core. */
export function cpuPercent(before: { cpuSeconds: number; at: number }, after: { cpuSeconds: number; at: number }): number {
  const wall = (after.at - before.at) / 1000;
  return wall <= 0 ? 0 : (100 * (after.cpuSeconds - before.cpuSeconds)) / wall;
}

/** The machine's 1, 5 and 15 minute load averages as text, for progress lines. */
export function loadAverage(): string {
  return loadavg().map((v) => v.toFixed(2)).join(' ');
}
