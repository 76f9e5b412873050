/** Base delay jittered uniformly up to twice its value, so refused agents do not all come back at once. */
export function jitteredRetryMs(baseSeconds: number, random: () => number = Math.random): number {
  return Math.round(baseSeconds * 1000 * (1 + random()));
}

/** The Retry-After header value (whole seconds) for {@link jitteredRetryMs}. */
export function retryAfterHeader(baseSeconds: number, random: () => number = Math.random): string {
  return String(Math.ceil(jitteredRetryMs(baseSeconds, random) / 1000));
}
