import type { ConsumeOptions, DeliverPolicy } from './event-bus.js';
import { InvalidBusOptionError } from './errors.js';
import { intOption } from './option-checks.js';
import { validateName, validateSubject } from './subject-match.js';

/** Defaults applied by both adapters to {@link ConsumeOptions}. */
export const CONSUME_DEFAULTS = Object.freeze({
  ackWaitMs: 30_000,
  maxDeliver: 10,
  maxInFlight: 16,
  maxAckPending: 1_000,
  deliverPolicy: 'all' as DeliverPolicy,
  retryBackoffMs: Object.freeze([1_000, 5_000, 30_000]) as readonly number[],
});

/** {@link ConsumeOptions} after validation, with every default filled in. */
export interface ResolvedConsumeOptions {
  readonly stream: string;
  readonly durable: string;
  readonly filterSubject: string | undefined;
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly maxInFlight: number;
  readonly maxAckPending: number;
  readonly deliverPolicy: DeliverPolicy;
  readonly retryBackoffMs: readonly number[];
}

const HOUR_MS = 3_600_000;

/**
 * Validates consume options once and returns them frozen with defaults.
 * @throws InvalidNameError | InvalidSubjectError | InvalidBusOptionError
 */
export function resolveConsumeOptions(opts: ConsumeOptions): ResolvedConsumeOptions {
  validateName(opts.stream, 'stream name');
  validateName(opts.durable, 'durable name');
  if (opts.filterSubject !== undefined) validateSubject(opts.filterSubject, { wildcards: true }, 'filter subject');
  const deliverPolicy = opts.deliverPolicy ?? CONSUME_DEFAULTS.deliverPolicy;
  if (deliverPolicy !== 'all' && deliverPolicy !== 'new') {
    throw new InvalidBusOptionError(`option deliverPolicy must be 'all' or 'new', got ${String(deliverPolicy)}`);
  }
  const maxInFlight = intOption('maxInFlight', opts.maxInFlight, CONSUME_DEFAULTS.maxInFlight, 1, 10_000);
  const maxAckPending = intOption('maxAckPending', opts.maxAckPending, Math.max(CONSUME_DEFAULTS.maxAckPending, maxInFlight), maxInFlight, 1_000_000);
  const backoff = opts.retryBackoffMs ?? CONSUME_DEFAULTS.retryBackoffMs;
  if (backoff.length === 0 || backoff.length > 100) {
    throw new InvalidBusOptionError('option retryBackoffMs must list 1-100 delays');
  }
  const retryBackoffMs = Object.freeze(backoff.map((ms, i) => intOption(`retryBackoffMs[${i}]`, ms, 0, 0, HOUR_MS)));
  return Object.freeze({
    stream: opts.stream,
    durable: opts.durable,
    filterSubject: opts.filterSubject,
    ackWaitMs: intOption('ackWaitMs', opts.ackWaitMs, CONSUME_DEFAULTS.ackWaitMs, 10, HOUR_MS),
    maxDeliver: intOption('maxDeliver', opts.maxDeliver, CONSUME_DEFAULTS.maxDeliver, 1, 1_000),
    maxInFlight,
    maxAckPending,
    deliverPolicy,
    retryBackoffMs,
  });
}

/** Delay before redelivering a message whose `deliveryCount`-th handler call failed. */
export function retryDelayMs(opts: ResolvedConsumeOptions, deliveryCount: number): number {
  const i = Math.min(Math.max(deliveryCount, 1), opts.retryBackoffMs.length) - 1;
  return opts.retryBackoffMs[i] ?? 0;
}
