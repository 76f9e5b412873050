import type { BusMessage, SubscribeOptions } from './event-bus.js';
import { intOption } from './option-checks.js';
import { validateName, validateSubject } from './subject-match.js';

/** {@link SubscribeOptions} validated, with defaults. */
export interface ResolvedSubscribeOptions {
  readonly subject: string;
  readonly queue: string | undefined;
  readonly maxInFlight: number;
  readonly maxPending: number;
  readonly onDropped: ((msg: BusMessage) => void) | undefined;
}

/**
 * Validates a core subscription once (the subject may hold wildcards).
 * @throws InvalidSubjectError | InvalidNameError | InvalidBusOptionError
 */
export function resolveSubscribeOptions(subject: string, opts: SubscribeOptions): ResolvedSubscribeOptions {
  validateSubject(subject, { wildcards: true }, 'subscription subject');
  if (opts.queue !== undefined) validateName(opts.queue, 'queue group');
  return Object.freeze({
    subject,
    queue: opts.queue,
    maxInFlight: intOption('maxInFlight', opts.maxInFlight, 1, 1, 10_000),
    maxPending: intOption('maxPending', opts.maxPending, 10_000, 0, 1_000_000),
    onDropped: opts.onDropped,
  });
}

/** Validates a request timeout. @throws InvalidBusOptionError */
export function resolveTimeoutMs(timeoutMs: number): number {
  return intOption('timeoutMs', timeoutMs, 0, 1, 3_600_000);
}
