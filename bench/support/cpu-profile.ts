import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of a V8 `.cpuprofile` (DevTools Profiler.Profile) read here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber?: number };
    readonly hitCount?: number;
    readonly children?: readonly number[];
  }[];
  /** Microseconds. */
  readonly startTime: number;
  readonly endTime: number;
  /** Node id of each sample, in time order. */
  readonly samples?: readonly number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  readonly timeDeltas?: readonly number[];
}

/** One function's share of a profile (all its call sites merged). */
export interface FunctionCost {
  readonly name: string;
  /** `url:line` (1-based), shortened: a repository path, `package/path` for node_modules, or empty for V8's own entries. */
  readonly location: string;
  readonly selfMs: number;
  /** Time with the function anywhere on the stack (recursion counted once). */
  readonly totalMs: number;
}

/** What {@link summarizeProfile} finds. */
export interface ProfileSummary {
  readonly durationMs: number;
  /** Time in `(idle)`: the event loop waiting. */
  readonly idleMs: number;
  /** Every function but `(root)` and `(idle)`, by descending self time. */
  readonly functions: readonly FunctionCost[];
}

/** Shortens a profile URL: node_modules paths to `package/rest`, paths under `root` relative to it. */
export function shortLocation(url: string, root: string): string {
  if (url === '') return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  if (path.startsWith(`${root}/`)) return relative(root, path);
  return path;
}

/**
 * The part of `profile` whose samples fall in [`fromMs`, `toMs`) after its start (a negative
 * bound counts back from its end, so `-90_000` is the last 90 s): the same nodes with only those
 * samples, timed as before. Used to read one phase of a run, e.g. its steady state.
 */
export function sliceProfile(profile: CpuProfile, fromMs: number, toMs = Infinity): CpuProfile {
  const { samples, timeDeltas } = profile;
  if (samples === undefined || timeDeltas === undefined) throw new Error('a profile without samples cannot be sliced');
  const lengthMs = (profile.endTime - profile.startTime) / 1000;
  const bound = (ms: number): number => profile.startTime + 1000 * Math.min(Math.max(ms < 0 ? lengthMs + ms : ms, 0), lengthMs);
  const [from, to] = [bound(fromMs), bound(toMs)];
  const kept: number[] = [];
  const deltas: number[] = [];
  let at = profile.startTime;
  let previous = from;
  samples.forEach((id, i) => {
    at += timeDeltas[i]!;
    if (at < from || at >= to) return;
    kept.push(id);
    deltas.push(at - previous);
    previous = at;
  });
  return { ...profile, startTime: from, endTime: to, samples: kept, timeDeltas: deltas };
}

/** Milliseconds each node was sampled on top of the stack. */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  if (samples !== undefined && timeDeltas !== undefined && samples.length === timeDeltas.length && samples.length > 0) {
    // A sample lasts until the next one (as DevTools counts it); the last one until endTime.
    let at = profile.startTime;
    const stamps = timeDeltas.map((d) => (at += d));
    samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + ((stamps[i + 1] ?? profile.endTime) - stamps[i]!) / 1000));
    return self;
  }
  const hits = profile.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
  const perHit = hits > 0 ? (profile.endTime - profile.startTime) / 1000 / hits : 0;
  for (const n of profile.nodes) if (n.hitCount) self.set(n.id, n.hitCount * perHit);
  return self;
}

/**
 * Self and inclusive time per function of a V8 CPU profile, merging every node (call site) of
 * the same function. `root` shortens repository paths.
 */
export function summarizeProfile(profile: CpuProfile, root: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (id: number): string => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber ?? 0}`;
  };
  const self = selfTimes(profile);
  const selfByKey = new Map<string, number>();
  const totalByKey = new Map<string, number>();
  for (const [id, ms] of self) {
    selfByKey.set(keyOf(id), (selfByKey.get(keyOf(id)) ?? 0) + ms);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) onStack.add(keyOf(at));
    for (const key of onStack) totalByKey.set(key, (totalByKey.get(key) ?? 0) + ms);
  }
  let idleMs = 0;
  const functions: FunctionCost[] = [];
  for (const [key, totalMs] of totalByKey) {
    const [name = '', url = '', line = '0'] = key.split('\u0000');
    if (name === '(idle)') idleMs += totalMs;
    if (name === '(root)' || name === '(idle)') continue;
    const location = shortLocation(url, root);
    functions.push({ name: name === '' ? '(anonymous)' : name, location: location === '' ? '' : `${location}:${Number(line) + 1}`, selfMs: selfByKey.get(key) ?? 0, totalMs });
  }
  functions.sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs);
  return { durationMs: (profile.endTime - profile.startTime) / 1000, idleMs, functions };
}

/** A plain-text report: the `top` functions by self time and by total time, in percent of busy (non-idle) time. */
export function formatSummary(summary: ProfileSummary, top: number): string {
  const busy = Math.max(summary.durationMs - summary.idleMs, 1e-9);
  const pct = (ms: number): string => `${((100 * ms) / busy).toFixed(1)}%`.padStart(6);
  const ms = (v: number): string => v.toFixed(0).padStart(8);
  const row = (f: FunctionCost): string => `${ms(f.selfMs)} ${pct(f.selfMs)} ${ms(f.totalMs)} ${pct(f.totalMs)}  ${f.name}${f.location ? `  ${f.location}` : ''}`;
  const header = `  self ms  self%  total ms total%  function  location`;
  const byTotal = [...summary.functions].sort((a, b) => b.totalMs - a.totalMs).slice(0, top);
  return [
    `profile ${(summary.durationMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s, busy ${(busy / 1000).toFixed(1)} s; percentages are of busy time`,
    '',
    `top ${top} by self time`,
    header,
    ...summary.functions.slice(0, top).map(row),
    '',
    `top ${top} by total (inclusive) time`,
    header,
    ...byTotal.map(row),
  ].join('\n');
}
