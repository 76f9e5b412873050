import { z } from 'zod';
import { integerProblem } from './value-rules.js';

/** Returns a problem (phrased to follow the variable name) or `undefined` when the value is fine. */
export type EnvValidator = (value: string) => string | undefined;

/**
 * Builds a schema for one environment value: a string checked by `validate`,
 * then converted by `convert` (the coercion from the environment's string).
 * `convert` only runs on valid values, so it may assume them well formed.
 */
export function checked(validate: EnvValidator): z.ZodType<string, string>;
export function checked<T>(validate: EnvValidator, convert: (value: string) => T): z.ZodType<T, string>;
export function checked(validate: EnvValidator, convert?: (value: string) => unknown): z.ZodType<unknown, string> {
  const refined = z.string().superRefine((value, ctx) => {
    const problem = validate(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
  return convert === undefined ? refined : refined.transform(convert);
}

/** A schema accepting exactly one of `values`, with a message listing them. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number], string> {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` }) as unknown as z.ZodType<T[number], string>;
}

/** A schema for a decimal integer within `[min, max]`, coerced to a number. */
export function integer(min: number, max: number): z.ZodType<number, string> {
  return checked((value) => integerProblem(value, min, max), Number);
}
