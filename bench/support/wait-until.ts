import { loadAverage } from './proc-stats.js';

/**
 * Polls `test` every `pollMs` until it holds; resolves with the ms waited. Every 5 s prints
 * `report()` (when given) with the load average. Rejects after `timeoutMs`, naming `what`.
 */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  test: () => Promise<boolean> | boolean,
  report?: () => string,
  pollMs = 100,
): Promise<number> {
  const started = Date.now();
  let lastReport = started;
  while (!(await test())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${report ? ` (${report()})` : ''}`);
    if (report !== undefined && Date.now() - lastReport >= 5_000) {
      lastReport = Date.now();
      process.stdout.write(`  … ${((Date.now() - started) / 1000).toFixed(0)} s: ${report()}, load ${loadAverage()}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return Date.now() - started;
}
