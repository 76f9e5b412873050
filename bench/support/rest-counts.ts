/**
 * Store counts through Shepherd's REST API, for runs whose database the benchmark cannot open
 * (PGlite belongs to the all-in-one process): agents online from `GET /api/v1/agents`, agents
 * APPLIED from the per-version fleet summary.
 */

/** A REST answer that does not have the shape the benchmark reads. */
export class RestAnswerError extends Error {
  override readonly name = 'RestAnswerError';
  readonly code = 'BENCH_REST_ANSWER';
}

/** GETs `/api<path>` (path with query) and resolves with the parsed JSON body. */
export type RestGet = (path: string) => Promise<unknown>;

/** Largest page of `GET /api/v1/agents` (libs/rest-api AGENT_PAGE.maxLimit). */
export const AGENT_PAGE_LIMIT = 1_000;

/**
 * A {@link RestGet} on `apiUrl` with bearer `token`.
 * @throws Error naming the route and the status (with the start of the body) for an answer other than 2xx.
 */
export function restGetter(apiUrl: string, token: string, timeoutMs = 30_000): RestGet {
  return async (path) => {
    const res = await fetch(`${apiUrl}/api${path}`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`GET /api${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as unknown;
  };
}

/**
 * Agents on one `GET /api/v1/agents` page, those with `connected: true`, and the cursor of the next page.
 * @throws {RestAnswerError} when `body` has no `agents` list or an agent lacks a boolean `connected`
 */
export function connectedOnPage(body: unknown): { agents: number; connected: number; next: string | undefined } {
  const agents = (body as { agents?: unknown } | null)?.agents;
  if (!Array.isArray(agents)) throw new RestAnswerError(`GET /api/v1/agents answered without an agents list: ${JSON.stringify(body).slice(0, 200)}`);
  let connected = 0;
  for (const agent of agents) {
    const flag = (agent as { connected?: unknown } | null)?.connected;
    if (typeof flag !== 'boolean') throw new RestAnswerError(`GET /api/v1/agents listed an agent without a boolean connected: ${JSON.stringify(agent).slice(0, 200)}`);
    if (flag) connected += 1;
  }
  const next = (body as { next?: unknown }).next;
  if (next !== undefined && (typeof next !== 'string' || next === '')) throw new RestAnswerError(`GET /api/v1/agents answered a malformed next cursor: ${JSON.stringify(next)}`);
  return { agents: agents.length, connected, next };
}

/** The agents the store lists connected among those `selector` matches, page by page (the largest pages). */
export async function countConnected(get: RestGet, selector: string): Promise<number> {
  const base = `/v1/agents?labels=${encodeURIComponent(selector)}&limit=${AGENT_PAGE_LIMIT}`;
  let connected = 0;
  let after: string | undefined;
  do {
    const page = connectedOnPage(await get(after === undefined ? base : `${base}&after=${encodeURIComponent(after)}`));
    connected += page.connected;
    after = page.next;
  } while (after !== undefined);
  return connected;
}

/**
 * `applied` of a fleet summary (`GET /api/v1/config-versions/{hash}/summary`): the agents whose
 * live target is the version and that report it APPLIED.
 * @throws {RestAnswerError} when it is not a non-negative integer
 */
export function appliedInSummary(body: unknown): number {
  const applied = (body as { applied?: unknown } | null)?.applied;
  if (typeof applied !== 'number' || !Number.isSafeInteger(applied) || applied < 0) throw new RestAnswerError(`the fleet summary has no applied count: ${JSON.stringify(body).slice(0, 200)}`);
  return applied;
}

/** Agents APPLIED for `hash` by the fleet summary of that version. */
export async function countApplied(get: RestGet, hash: string): Promise<number> {
  if (!/^[0-9a-f]{8,128}$/i.test(hash)) throw new RestAnswerError(`not a config hash: ${JSON.stringify(hash)}`);
  return appliedInSummary(await get(`/v1/config-versions/${hash}/summary`));
}

/** How often a {@link pacedProbe} may read. */
export interface Pacing {
  /** Least time between the starts of two reads. */
  readonly minIntervalMs: number;
  /** Largest share of wall time spent reading (0..1], so a slow read is followed by a longer pause. */
  readonly maxDuty: number;
}

/** Time for {@link pacedProbe}; tests pass a fake one. */
export interface ProbeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: ProbeClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Wraps `read` so that reads run one at a time, each starting at least
 * `max(minIntervalMs, lastDuration / maxDuty)` after the previous one started. A call made while
 * a read with the same argument waits for its turn shares that read; every value is read after
 * the call that gets it was made (never an older read's). The probe
 * runs inside the process under test (PGlite shares the event loop with the gateway), so a
 * count that takes long must not be repeated back to back; its figures are then that much coarser.
 */
export function pacedProbe<A>(read: (arg: A) => Promise<number>, pacing: Pacing, clock: ProbeClock = realClock): (arg: A) => Promise<number> {
  if (!(pacing.maxDuty > 0 && pacing.maxDuty <= 1)) throw new RangeError(`maxDuty must be in (0, 1], got ${pacing.maxDuty}`);
  let last: { start: number; durationMs: number } | undefined;
  let pending: { arg: A; result: Promise<number> } | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  return (arg) => {
    if (pending !== undefined && pending.arg === arg) return pending.result;
    const entry = { arg } as { arg: A; result: Promise<number> };
    entry.result = tail.then(async () => {
      if (last !== undefined) {
        const wait = last.start + Math.max(pacing.minIntervalMs, last.durationMs / pacing.maxDuty) - clock.now();
        if (wait > 0) await clock.sleep(wait);
      }
      // From here on a new caller waits for the next read: every value is read after it was asked for.
      if (pending === entry) pending = undefined;
      const start = clock.now();
      try {
        return await read(arg);
      } finally {
        last = { start, durationMs: clock.now() - start };
      }
    });
    pending = entry;
    tail = entry.result.catch(() => undefined);
    return entry.result;
  };
}
