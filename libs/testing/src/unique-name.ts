import { randomBytes } from 'node:crypto';

/**
 * A name that no other test run on this machine will pick: `prefix` plus a
 * random suffix, lower-case letters, digits and `_` only, so it is valid as a
 * PostgreSQL schema, a Redis key prefix and a NATS stream name.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
