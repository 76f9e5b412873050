import { InvalidBusOptionError } from './errors.js';

/**
 * Returns `value ?? fallback` after checking it is an integer in
 * [`min`, `max`].
 * @throws InvalidBusOptionError naming the option
 */
export function intOption(name: string, value: number | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new InvalidBusOptionError(`option ${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return v;
}
