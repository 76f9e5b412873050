import type { AppProcess } from '@shepherd/testing';
import type { GroupSample } from './proc-stats.js';

/** Which engines a run used: the real ones (PostgreSQL, NATS JetStream, Redis) or the embedded stand-ins. */
export type ScaleEngines = 'real' | 'embedded';

/** Load of the real engines at one instant (counters; rates come from two snapshots). */
export interface EngineSnapshot {
  /** CPU and RSS of the engine processes, by engine (`nats`, `redis`, `postgresql`). */
  readonly engines: ReadonlyMap<string, GroupSample>;
  /** Redis `total_commands_processed`. */
  readonly redisOps: number;
  /** PostgreSQL `xact_commit` of the database. */
  readonly pgXacts: number;
  /** Rows inserted, updated and deleted in the run's schema. */
  readonly pgRowWrites: number;
}

/** A Shepherd process of the system under test with the name figures use for it. */
export interface NamedProcess {
  readonly id: string;
  readonly app: AppProcess;
}

/**
 * The Shepherd side of one `agent-scale` run, started and registered on the cleanup stack: either
 * gateway, config-service and admin-api processes on the real engines (scale-real.ts) or one
 * all-in-one process on the embedded adapters (scale-embedded.ts). The phases only use this.
 * Optional members are figures that do not apply to every kind: absent, never reported as zero.
 */
export interface ScaleSystem {
  readonly engines: ScaleEngines;
  /** For the header line, e.g. the processes and engines. */
  readonly description: string;
  /** Unique name of the run: the agents carry the label `bench=<name>`. */
  readonly name: string;
  /** Bearer token of the agents and of REST calls. */
  readonly token: string;
  /** The processes holding the agents' WebSocket connections, in start order (the first is scenario d's victim). */
  readonly gateways: readonly NamedProcess[];
  /** Every Shepherd process, for CPU figures. */
  readonly processes: readonly NamedProcess[];
  /** Base URL of the REST API, without `/api`. */
  readonly apiUrl: string;
  /** The process whose log has the config service's records (`config change reconciled`). */
  readonly configService: AppProcess;
  /** Agents of the run the store lists online. */
  storeOnline(): Promise<number>;
  /** Agents of the run the store shows APPLIED for `hash`. */
  storeApplied(hash: string): Promise<number>;
  /** Agents the store lists online on one of `gatewayIds` (scenario d); absent without separate gateways. */
  readonly storeOnlineOn?: (gatewayIds: readonly string[]) => Promise<number>;
  /** Agent events the config service has not acknowledged; absent without NATS. */
  readonly configServiceBacklog?: () => Promise<number>;
  /** Load of the engine processes; absent for the embedded engines (they live inside the Shepherd process). */
  readonly engineSnapshot?: () => Promise<EngineSnapshot>;
  /**
   * Asks the gateway processes to collect their garbage (about 2 s). Called before the memory
   * baseline (no agent connected yet), so start-up garbage is not counted against the agents, and
   * again at the end of the steady phase for the idle floor per agent.
   */
  readonly settleMemory?: () => Promise<void>;
  /**
   * With `--cpu-prof`: stops the profiled processes gracefully so node writes their profiles and
   * resolves with the `.cpuprofile` files; else resolves with []. Stop the load generators first.
   */
  stopProfiled(): Promise<string[]>;
}

/** What both kinds of {@link ScaleSystem} are started with. */
export interface ScaleSystemOptions {
  /** Gateway processes (real engines only; the all-in-one is the one gateway of an embedded run). */
  readonly gateways: number;
  /** Directory for `--cpu-prof` profiles, per process. */
  readonly cpuProfDir: string | undefined;
  /** Extra environment of every Shepherd process. */
  readonly env: Readonly<Record<string, string>>;
}
