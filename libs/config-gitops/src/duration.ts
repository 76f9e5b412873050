const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 });
const DURATION = /^(?:\d{1,9}(?:ms|s|m|h))+$/;
const PART = /(\d+)(ms|s|m|h)/g;

/**
 * Parses a Go-style duration as the seed document writes them (`1m`, `30s`, `200ms`, `1h30m`)
 * into milliseconds; `undefined` when the text is not one (no sign, no fractions, no spaces).
 */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit as string] as number);
  return total;
}
