import { isIP } from 'node:net';

/**
 * Validators for plain (non-URL) environment values. Each returns a problem
 * phrased to follow the variable name (`ADMIN_PORT must be ...`), or
 * `undefined` when the value is acceptable. They never echo the value: the
 * loader adds it, unless the variable is secret.
 */

const HOST_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;
const DECIMAL_INTEGER = /^-?\d+$/;

/** Problem with `value` as a decimal integer within `[min, max]`. */
export function integerProblem(value: string, min: number, max: number): string | undefined {
  const expected = `must be an integer from ${min} to ${max}`;
  if (!DECIMAL_INTEGER.test(value)) return expected;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min && n <= max ? undefined : expected;
}

/** Problem with `value` as an address to listen on: an IPv4/IPv6 literal or a DNS host name. */
export function hostProblem(value: string): string | undefined {
  if (isIP(value) !== 0) return undefined;
  const labels = value.split('.');
  const valid = value.length <= 253 && labels.every((label) => HOST_LABEL.test(label));
  return valid ? undefined : 'must be a host name or an IP address (no scheme, no port), e.g. 0.0.0.0';
}

/** Problem with `value` as a service name: 1-63 letters, digits, `.`, `_` or `-`, starting alphanumeric. */
export function serviceNameProblem(value: string): string | undefined {
  return SERVICE_NAME.test(value)
    ? undefined
    : 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit';
}

/** Problem with `value` as a directory path (any non-empty path without NUL bytes). */
export function directoryProblem(value: string): string | undefined {
  return value.includes('\0') ? 'must be a directory path without NUL characters' : undefined;
}
