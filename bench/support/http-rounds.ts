import type { HttpHeartbeatStep } from './plot-input.js';

/** One server's sweep: its steps, the best achieved rate of a passing step, and whether no step failed. */
export interface Sweep {
  readonly steps: HttpHeartbeatStep[];
  readonly best: number;
  /** No step failed: `best` is only a lower bound (the server was not saturated). */
  readonly lowerBound: boolean;
}

/** One round of `http-heartbeats --rounds`: both sweeps, their best passing rates, ratio and median CPU per poll over passing steps. */
export interface Round {
  readonly steps: HttpHeartbeatStep[];
  readonly summary: {
    readonly round: number;
    readonly shepherdPollsPerSecond: number;
    readonly mockPollsPerSecond: number;
    /** Shepherd's best over the mock's; null when the mock passed no step. */
    readonly ratio: number | null;
    // A server never saturated makes the ratio compare the top of --rates, not the servers.
    readonly lowerBound: { readonly shepherd: boolean; readonly mock: boolean };
    readonly cpuUsPerPoll: { readonly shepherd: number | null; readonly mock: number | null };
  };
}

/** The middle value (the mean of the two middle ones for an even count), nulls left out, to 2 decimals; null when none. */
export function median(values: readonly (number | null)[]): number | null {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return +(sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2).toFixed(2);
}

/** Round `round` from the two sweeps it ran. */
export function roundOf(round: number, shepherd: Sweep, mock: Sweep): Round {
  const cpuOf = (s: Sweep): number | null => median(s.steps.filter((step) => step.pass).map((step) => step.cpuUsPerPoll ?? null));
  return {
    steps: [...shepherd.steps, ...mock.steps],
    summary: {
      round,
      shepherdPollsPerSecond: shepherd.best,
      mockPollsPerSecond: mock.best,
      ratio: mock.best > 0 ? +(shepherd.best / mock.best).toFixed(2) : null,
      lowerBound: { shepherd: shepherd.lowerBound, mock: mock.lowerBound },
      cpuUsPerPoll: { shepherd: cpuOf(shepherd), mock: cpuOf(mock) },
    },
  };
}
