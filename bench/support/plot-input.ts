import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { enginesOf, type AgentScaleOutput } from './scale-output.js';
import type { TcpCounters } from './tcp-counters.js';

/** One step of an `http-heartbeats --out` file (written by bench/http-heartbeats.ts). */
export interface HttpHeartbeatStep {
  readonly server: 'shepherd' | 'mock';
  /** Round of `--rounds` (absent in files from before rounds existed). */
  readonly round?: number;
  /** Asked-for polls per second. */
  readonly rate: number;
  readonly achieved: number;
  readonly p50: number;
  readonly p99: number;
  readonly skipped: number;
  readonly sent: number;
  readonly errors: number;
  /** Failed polls by kind (`status 429`, `ECONNRESET`, ...), when any failed. */
  readonly errorKinds?: Readonly<Record<string, number>>;
  readonly pass: boolean;
  /** Server CPU microseconds per poll sent in the window (absent in older files; null when unmeasured). */
  readonly cpuUsPerPoll?: number | null;
  /** The load generators' largest event-loop delay in the window, ms (absent in older files). */
  readonly loadgenDelayMaxMs?: number;
  /** The machine's TCP counters over the window: connections accepted, resets, retransmits, listen overflows (absent in older files). */
  readonly tcp?: TcpCounters;
}

/** What `http-heartbeats --out FILE` writes. */
export interface HttpHeartbeatsOutput {
  readonly kind: 'http-heartbeats';
  readonly agents: number;
  readonly stepS: number;
  readonly steps: readonly HttpHeartbeatStep[];
  readonly ratio: number | null;
}

/** A result file with the label charts use for it. */
export interface Labeled<T> {
  readonly label: string;
  readonly file: string;
  readonly data: T;
}

/** Every result file of a directory, by kind. */
export interface PlotInput {
  readonly agentScale: Labeled<AgentScaleOutput>[];
  readonly httpHeartbeats: Labeled<HttpHeartbeatsOutput>[];
  /** Files skipped (not JSON, or another kind), with why. */
  readonly skipped: string[];
}

/** Error for a result file that has the right kind but not the expected shape. */
export class ResultFileError extends Error {
  readonly code = 'RESULT_FILE_INVALID';
  constructor(file: string, what: string) {
    super(`${file}: ${what}`);
    this.name = 'ResultFileError';
  }
}

function checkAgentScale(file: string, d: AgentScaleOutput): void {
  if (typeof d.args?.['agents'] !== 'number') throw new ResultFileError(file, 'args.agents is missing');
  // Absent in files written before it was recorded (real engines).
  if (d.engines !== undefined && d.engines !== 'real' && d.engines !== 'embedded') throw new ResultFileError(file, `engines is ${JSON.stringify(d.engines)}, not 'real' or 'embedded'`);
  if (!Array.isArray(d.series?.ramp)) throw new ResultFileError(file, 'series.ramp is missing');
  if (d.series.fanout !== undefined && (!Array.isArray(d.series.fanout.latenciesMs) || !Array.isArray(d.series.fanout.storeApplied))) throw new ResultFileError(file, 'series.fanout is malformed');
  if (d.series.kill !== undefined && !Array.isArray(d.series.kill)) throw new ResultFileError(file, 'series.kill is malformed');
}

function checkHttp(file: string, d: HttpHeartbeatsOutput): void {
  if (!Array.isArray(d.steps)) throw new ResultFileError(file, 'steps is missing');
  for (const s of d.steps) if (typeof s.achieved !== 'number' || typeof s.p99 !== 'number' || typeof s.server !== 'string') throw new ResultFileError(file, 'a step lacks server, achieved or p99');
}

/** Labels files "<agents> agents" (agent-scale: "..., embedded" for embedded runs), adding the file name only where two would read the same. */
function label<T>(items: { file: string; data: T }[], base: (d: T) => string): Labeled<T>[] {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(base(i.data), (counts.get(base(i.data)) ?? 0) + 1);
  return items.map((i) => ({ ...i, label: counts.get(base(i.data))! > 1 ? `${base(i.data)} (${basename(i.file, '.json')})` : base(i.data) }));
}

/**
 * Reads every `*.json` file of `dir` (sorted by name) and sorts them by `kind`.
 * @throws ResultFileError when a file of a known kind is malformed.
 */
export async function readPlotInput(dir: string): Promise<PlotInput> {
  const agentScale: { file: string; data: AgentScaleOutput }[] = [];
  const http: { file: string; data: HttpHeartbeatsOutput }[] = [];
  const skipped: string[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    let data: { kind?: unknown };
    try {
      data = JSON.parse(await readFile(file, 'utf8')) as { kind?: unknown };
    } catch (err) {
      skipped.push(`${name}: not JSON (${(err as Error).message})`);
      continue;
    }
    if (data.kind === 'agent-scale') {
      checkAgentScale(file, data as AgentScaleOutput);
      agentScale.push({ file, data: data as AgentScaleOutput });
    } else if (data.kind === 'http-heartbeats') {
      checkHttp(file, data as HttpHeartbeatsOutput);
      http.push({ file, data: data as HttpHeartbeatsOutput });
    } else skipped.push(`${name}: kind ${JSON.stringify(data.kind)} is not plotted`);
  }
  const n = (v: number): string => v.toLocaleString('en-US');
  return {
    agentScale: label(agentScale, (d) => `${n(d.args['agents'] as number)} agents${enginesOf(d) === 'embedded' ? ', embedded' : ''}`),
    httpHeartbeats: label(http, (d) => `${n(d.agents)} agents`),
    skipped,
  };
}
