import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ConfigAdmin, LabelSelector } from '@shepherd/config-service';
import type { CountingStore } from '@shepherd/store/testing';
import { tallyStatements, type StatementTally } from './counting-store.js';
import type { DeliveryCounter } from './delivery-counter.js';
import type { FanoutLog } from './fanout-log.js';
import { BENCH_TENANT } from './seed-fleet.js';
import type { TimedOwnership } from './timed-ownership.js';

/** One selector change that is timed repeatedly. */
export interface Scenario {
  readonly name: string;
  readonly selector: LabelSelector;
  /** Agents that must receive the new config. */
  readonly expected: number;
  /** The target, when it applies to this scenario (10 000 agents, all selected). */
  readonly targetMs?: number;
}

/** What the runs need: the admin API and the instruments around the running config service. */
export interface RunContext {
  readonly admin: ConfigAdmin;
  readonly deliveries: DeliveryCounter;
  readonly store: CountingStore;
  readonly ownership: TimedOwnership;
  readonly log: FanoutLog;
  /** Longest wait for one run's deliveries and fan-out end. */
  readonly runTimeoutMs: number;
}

/** The measurements of one run; times in ms from the `createConfig` call. */
export interface RunResult {
  /** Until the last delivery arrived at its gateway: the benchmark's figure. */
  readonly totalMs: number;
  /** Until `createConfig` returned. */
  readonly apiMs: number;
  readonly firstPushMs: number;
  /** Until the service logged the end of the fan-out (after the last batch's offers were recorded). */
  readonly fanoutEndMs: number;
  readonly pushes: number;
  readonly batches: number;
  /** Store statements from the call to the fan-out's end (admin transaction included). */
  readonly statements: number;
  readonly transactions: number;
  readonly byKind: readonly StatementTally[];
  readonly ownerLookups: { readonly calls: number; readonly uids: number; readonly totalMs: number };
}

/** A realistic Collector config (~1 KiB) as one file; `tag` (a comment) makes its hash unique. */
export function collectorFiles(tag: string): { name: string; contentType: string; body: string }[] {
  return [{ name: 'collector.yaml', contentType: 'text/yaml', body: collectorConfig(tag) }];
}

function collectorConfig(tag: string): string {
  return `# shepherd bench ${tag}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318
processors:
  memory_limiter:
    check_interval: 1s
    limit_mib: 512
    spike_limit_mib: 128
  batch:
    timeout: 10s
    send_batch_size: 1024
exporters:
  otlp/primary:
    endpoint: traces-backend.example.com:4317
    retry_on_failure:
      enabled: true
      initial_interval: 1s
      max_interval: 30s
    sending_queue:
      enabled: true
      num_consumers: 10
      queue_size: 5000
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlp/primary]
    metrics:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [otlp/primary]
`;
}

/**
 * Creates a new config for the scenario's selector through the admin API and waits until every
 * expected agent's offer reached its gateway and the service logged the fan-out's end.
 * @throws when the deliveries or the end do not come within `runTimeoutMs`, or fewer agents were offered
 */
export async function runOnce(ctx: RunContext, scenario: Scenario, tag: string): Promise<RunResult> {
  ctx.store.reset();
  ctx.ownership.reset();
  const files = collectorFiles(`${tag} ${randomBytes(4).toString('hex')}`);
  const started = performance.now();
  const created = await ctx.admin.createConfig({ tenantId: BENCH_TENANT, selector: scenario.selector, files, author: 'bench', name: `bench ${tag}` });
  const apiMs = performance.now() - started;
  const arrivals = await ctx.deliveries.waitFor(`config:${created.configHash}`, scenario.expected, ctx.runTimeoutMs);
  const end = await ctx.log.waitForEnd(created.assignmentId, ctx.runTimeoutMs);
  const tally = tallyStatements(ctx.store);
  if (end.offered !== scenario.expected) {
    throw new Error(`${scenario.name}: the service offered ${end.offered} agents, ${scenario.expected} expected`);
  }
  return Object.freeze({
    totalMs: arrivals.lastAt - started,
    apiMs,
    firstPushMs: arrivals.firstAt - started,
    fanoutEndMs: end.at - started,
    pushes: arrivals.count,
    batches: end.batches,
    statements: tally.statements,
    transactions: tally.transactions,
    byKind: tally.byKind,
    ownerLookups: ctx.ownership.tally(),
  });
}
