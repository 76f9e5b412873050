import { newSimAgent, type FleetDescription, type SimAgentState } from './agent-messages.js';
import { HttpSimFleet } from './http-sim-fleet.js';
import type { LoadgenOptions } from './loadgen-options.js';
import { LoadgenStats } from './loadgen-stats.js';
import { LoopDelayWatch } from './loop-delay-watch.js';
import { RateLimiter } from './rate-limiter.js';
import { firstUrlSpread } from './url-choice.js';
import { WsSimAgent, type SimRuntime } from './ws-sim-agent.js';

/** Period of the one timer that ramps, schedules heartbeats and paces HTTP polls for every agent. */
export const TICK_MS = 20;
/** WebSocket handshakes in flight at most while ramping (a slow server slows the ramp instead of piling up sockets). */
const MAX_CONNECTING = 2_000;
/** How long the stop waits for Close handshakes and polls in flight before cutting them. */
const STOP_GRACE_MS = 5_000;

/** A line of output: a JSON object with a `msg`. */
export type Emit = (record: { msg: string } & Record<string, unknown>) => void;

/** Why a run ended. */
export type StopReason = 'duration' | 'signal' | 'requested';

/** A running load generator. */
export interface LoadgenRun {
  /** Resolves once every agent is closed, after the final `loadgen summary` line. */
  readonly done: Promise<StopReason>;
  /** Ends the run early (idempotent). */
  stop(reason?: StopReason): void;
  readonly stats: LoadgenStats;
}

interface Transport {
  start(i: number): void;
  /** Periodic report of agent i (heartbeat or poll). */
  beat(i: number): void;
  readonly connecting: number;
  stop(): Promise<void>;
}

function wsTransport(agents: readonly SimAgentState[], rt: SimRuntime): Transport {
  const sims = agents.map((state) => new WsSimAgent(state, rt));
  return {
    start: (i) => sims[i]!.connect(),
    beat: (i) => sims[i]!.heartbeat(),
    get connecting() {
      return rt.stats.connecting;
    },
    async stop() {
      sims.forEach((sim) => sim.stop());
      await until(() => rt.stats.connected + rt.stats.connecting === 0, STOP_GRACE_MS);
      sims.forEach((sim) => sim.terminate());
      await until(() => rt.stats.connected + rt.stats.connecting === 0, 1_000);
    },
  };
}

function httpTransport(agents: readonly SimAgentState[], rt: SimRuntime, concurrency: number): Transport {
  const fleet = new HttpSimFleet(agents, rt, concurrency);
  return {
    start: (i) => fleet.poll(i),
    beat: (i) => fleet.poll(i),
    get connecting() {
      return fleet.inFlight;
    },
    async stop() {
      await until(() => fleet.inFlight === 0, STOP_GRACE_MS);
      fleet.close();
    },
  };
}

async function until(test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Starts `options.agents` simulated agents: ramps at `rampPerSecond`, sends
 * each agent's heartbeat (WebSocket) or poll (HTTP) once per `heartbeatMs`
 * spread evenly over the period (or polls at `httpRate` in total), prints a
 * `loadgen progress` line every `progressMs` (with `loadgen applied` lines
 * for new APPLIED reports), and stops by itself after `durationS`. The
 * `loadgen summary` line gives the measured window (after `warmupS`): its
 * sends, skips, errors, length, reply latency and the generator's own largest
 * event-loop delay; progress lines count the whole run.
 */
export function runLoadgen(options: LoadgenOptions, emit: Emit): LoadgenRun {
  const t0 = Date.now();
  const stats = new LoadgenStats(options.agents, t0, t0 + options.warmupS * 1000);
  const fleet: FleetDescription = { labels: options.labels, startedAtNanos: BigInt(t0) * 1_000_000n, configs: new Map() };
  const agents = Array.from({ length: options.agents }, (_, i) => newSimAgent(options.runSeed, options.firstIndex + i));
  let stopping = false;
  const spread = firstUrlSpread(options.agents, options.urlWeights);
  const rt: SimRuntime = {
    urls: options.urls,
    firstUrl: (index) => spread[index - options.firstIndex]!,
    random: Math.random,
    sourceAddresses: options.sourceAddresses,
    headers: options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` },
    fleet,
    stats,
    reconnectMinMs: options.reconnectMinMs,
    reconnectMaxMs: options.reconnectMaxMs,
    isStopping: () => stopping,
  };
  const transport = options.transport === 'websocket' ? wsTransport(agents, rt) : httpTransport(agents, rt, options.httpConcurrency);
  const ramp = new RateLimiter(options.rampPerSecond, Math.max(1, options.rampPerSecond / 10), t0);
  const rate = options.httpRate === undefined ? undefined : new RateLimiter(options.httpRate, Math.max(1, options.httpRate / 10), t0);
  const slots = Math.max(1, Math.round(options.heartbeatMs / TICK_MS));
  let lastSlot = -1;
  let nextPoll = 0;
  let rampedAt: number | undefined;
  emit({ msg: 'loadgen started', transport: options.transport, agents: options.agents, firstIndex: options.firstIndex, urls: options.urls, heartbeatMs: options.heartbeatMs });

  const tick = (): void => {
    const now = Date.now();
    const room = options.transport === 'websocket' ? Math.max(0, MAX_CONNECTING - transport.connecting) : options.agents;
    const k = ramp.take(now, Math.min(room, options.agents - stats.started));
    for (let j = 0; j < k; j += 1) transport.start(stats.started++);
    if (rampedAt === undefined && (options.transport === 'http' ? stats.started : stats.connected) >= options.agents) {
      rampedAt = now;
      emit({ msg: 'loadgen ramped', agents: options.agents, rampMs: now - t0 });
    }
    if (rate !== undefined) {
      const n = rate.take(now, options.httpRate!);
      for (let j = 0; j < n && stats.started > 0; j += 1) transport.beat(nextPoll++ % stats.started);
      return;
    }
    // Catch up on every slot passed since the last tick, so a late tick delays heartbeats but never skips them.
    const slot = Math.floor((now - t0) / TICK_MS);
    for (let s = Math.max(lastSlot + 1, slot - slots + 1); s <= slot; s += 1) {
      for (let i = s % slots; i < stats.started; i += slots) transport.beat(i);
    }
    lastSlot = slot;
  };
  const loopDelay = new LoopDelayWatch(t0 + options.warmupS * 1000);
  const progress = (): void => {
    emit({ msg: 'loadgen progress', ...stats.snapshot(Date.now()), loopDelayMaxMs: loopDelay.takeMaxMs() });
    for (const { hash, times } of stats.drainApplied()) emit({ msg: 'loadgen applied', hash, times });
  };
  const timers = [setInterval(tick, TICK_MS), setInterval(progress, options.progressMs)];
  let resolveDone!: (reason: StopReason) => void;
  const done = new Promise<StopReason>((resolve) => (resolveDone = resolve));
  const stop = (reason: StopReason = 'requested'): void => {
    if (stopping) return;
    stopping = true;
    // The measured window ends here, when scheduling stops; the drain below only collects replies.
    const stoppedAt = Date.now();
    timers.forEach((t) => clearInterval(t));
    clearTimeout(deadline);
    loopDelay.takeMaxMs();
    const loopDelayMaxMs = loopDelay.windowMaxMs;
    void transport.stop().then(() => {
      progress();
      const measured = stats.measured(stoppedAt);
      const rampMs = rampedAt === undefined ? null : rampedAt - t0;
      loopDelay.close();
      emit({ msg: 'loadgen summary', reason, rampMs, measuredS: measured.seconds, measured, latencyTotal: stats.totalLatency.percentiles(), loopDelayMaxMs });
      resolveDone(reason);
    });
  };
  const deadline = setTimeout(() => stop('duration'), options.durationS * 1000);
  return { done, stop, stats };
}
