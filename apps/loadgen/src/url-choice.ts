/**
 * Which endpoint an agent talks to, as behind a load balancer: the first
 * connection follows a deterministic spread by agent index (optionally
 * weighted), every reconnection goes to a uniformly random other endpoint.
 */

/**
 * The endpoint (index into the URL list) of each agent's first connection, by
 * the agent's position in its process (agent index minus `--first-index`).
 *
 * The `agents` are split in the ratio of `weights` by largest remainder, so
 * each endpoint gets its exact share `agents × weight / Σweights` rounded up
 * or down (within one agent); ties in the remainder go to the earlier
 * endpoint. The positions of each endpoint are interleaved evenly over the
 * process (its m-th agent sits near `(m + ½) / count` of the way), so a ramp
 * in index order loads the endpoints in that ratio all along. With equal
 * weights and a count divisible by the endpoints this is position mod n.
 * @param weights positive integers, one per endpoint (at most 255 endpoints)
 * @returns one endpoint index per position, `agents` long
 */
export function firstUrlSpread(agents: number, weights: readonly number[]): Uint8Array {
  const counts = apportion(agents, weights);
  const slots: { key: number; url: number }[] = [];
  counts.forEach((count, url) => {
    for (let m = 0; m < count; m += 1) slots.push({ key: (m + 0.5) / count, url });
  });
  slots.sort((a, b) => a.key - b.key || a.url - b.url);
  return Uint8Array.from(slots, (slot) => slot.url);
}

/** Largest-remainder split of `total` in the ratio of `weights` (products stay exact below 2^53). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((total * w) / sum));
  const remainders = weights.map((w, url) => ({ url, rest: (total * w) % sum }));
  remainders.sort((a, b) => b.rest - a.rest || a.url - b.url);
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (const { url } of remainders) {
    if (left === 0) break;
    counts[url]! += 1;
    left -= 1;
  }
  return counts;
}

/**
 * The endpoint of a reconnection: uniformly random among the `urlCount`
 * endpoints other than `failed` (the one whose connection just failed or
 * closed), or the only endpoint when there is one. Agents of a dead gateway
 * thus spread evenly over the survivors instead of all landing on the next
 * one in the list.
 * @param random uniform in [0, 1), like Math.random
 */
export function reconnectUrl(urlCount: number, failed: number, random: () => number): number {
  if (urlCount <= 1) return 0;
  const pick = Math.min(urlCount - 2, Math.floor(random() * (urlCount - 1)));
  // Skip over the failed endpoint: the others map onto 0..urlCount-2 without gaps.
  return pick >= failed ? pick + 1 : pick;
}
