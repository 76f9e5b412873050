import type { StreamDefinition } from './event-bus.js';
import { InvalidBusOptionError } from './errors.js';
import { intOption } from './option-checks.js';
import { validateName, validateSubject } from './subject-match.js';

/** Defaults applied by both adapters to {@link StreamDefinition}. */
export const STREAM_DEFAULTS = Object.freeze({
  maxAgeMs: 0,
  maxMsgs: 100_000,
  maxBytes: -1,
  duplicateWindowMs: 120_000,
});

/** {@link StreamDefinition} after validation, with every default filled in. */
export interface ResolvedStreamDefinition {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly maxAgeMs: number;
  readonly maxMsgs: number;
  readonly maxBytes: number;
  readonly duplicateWindowMs: number;
}

const YEAR_MS = 365 * 24 * 3_600_000;

/**
 * Validates a stream definition once and returns it frozen with defaults.
 * @throws InvalidNameError | InvalidSubjectError | InvalidBusOptionError
 */
export function resolveStreamDefinition(def: StreamDefinition): ResolvedStreamDefinition {
  validateName(def.name, 'stream name');
  if (!Array.isArray(def.subjects) || def.subjects.length === 0 || def.subjects.length > 100) {
    throw new InvalidBusOptionError(`stream ${def.name} must capture 1-100 subjects`);
  }
  def.subjects.forEach((s) => validateSubject(s, { wildcards: true }, `subject of stream ${def.name}`));
  const maxAgeMs = intOption('maxAgeMs', def.maxAgeMs, STREAM_DEFAULTS.maxAgeMs, 0, YEAR_MS);
  const duplicateWindowMs = intOption('duplicateWindowMs', def.duplicateWindowMs, STREAM_DEFAULTS.duplicateWindowMs, 1, YEAR_MS);
  if (maxAgeMs > 0 && duplicateWindowMs > maxAgeMs) {
    throw new InvalidBusOptionError(`stream ${def.name}: duplicateWindowMs must not exceed maxAgeMs`);
  }
  return Object.freeze({
    name: def.name,
    subjects: Object.freeze([...new Set(def.subjects)]),
    maxAgeMs,
    maxMsgs: intOption('maxMsgs', def.maxMsgs, STREAM_DEFAULTS.maxMsgs, 1),
    maxBytes: def.maxBytes === undefined || def.maxBytes === -1 ? -1 : intOption('maxBytes', def.maxBytes, -1, 1),
    duplicateWindowMs,
  });
}
