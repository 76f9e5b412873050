import { ShepherdError } from '@shepherd/errors';
import type { ConfigProblem } from './problem.js';

/**
 * Thrown when submitted config files fail validation; nothing has been stored.
 * Carries every problem found so clients can fix them in one round trip.
 */
export class ConfigValidationError extends ShepherdError {
  readonly code = 'CONFIG_INVALID';
  readonly kind = 'invalid_argument' as const;
  /** Every problem found, in file order; never empty. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(summarise(problems), options);
    this.problems = Object.freeze([...problems]);
  }

  /** The API view: code, message and every problem (no stack, no cause). */
  override toJSON(): { code: string; message: string; problems: readonly ConfigProblem[] } {
    return { code: this.code, message: this.message, problems: this.problems };
  }
}

function summarise(problems: readonly ConfigProblem[]): string {
  const first = problems[0];
  if (first === undefined) return 'config is invalid';
  const where = first.line === undefined ? first.file : `${first.file}:${first.line}:${first.column ?? 1}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  return `config is invalid: ${where}: ${first.message}${more}`;
}
