/**
 * Summarizes a V8 CPU profile (from `node --cpu-prof`, e.g. `bench:agent-scale --cpu-prof DIR`):
 * the top functions by self time and by total (inclusive) time, in percent of busy time.
 *
 *   npm run bench:cpu-profile -- FILE.cpuprofile [--top 25] [--from-s S] [--to-s S]
 *
 * `--from-s`/`--to-s` keep one window of the profile (seconds after its start; negative: before
 * its end), e.g. `--from-s=-90` for the steady state at the end of an agent-scale run.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, sliceProfile, summarizeProfile, type CpuProfile } from './support/cpu-profile.js';

const USAGE = 'usage: npm run bench:cpu-profile -- FILE.cpuprofile [--top N (default 25)] [--from-s S] [--to-s S] (window in s; negative: before the end)';
const REPO_ROOT = resolve(import.meta.dirname, '..');

async function main(): Promise<number> {
  let file: string;
  let top: number;
  let window: { fromMs: number; toMs: number } | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2),
      options: { top: { type: 'string' }, 'from-s': { type: 'string' }, 'to-s': { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new Error('give exactly one .cpuprofile file');
    top = Number(values.top ?? 25);
    if (!Number.isSafeInteger(top) || top < 1) throw new Error(`--top must be a positive integer, got ${values.top}`);
    if (values['from-s'] !== undefined || values['to-s'] !== undefined) window = { fromMs: seconds(values['from-s'], 'from-s', 0), toMs: seconds(values['to-s'], 'to-s', Infinity) };
    // npm runs scripts from the repository root; the path is the caller's.
    file = resolve(process.env['INIT_CWD'] ?? process.cwd(), positionals[0]!);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  if (!Array.isArray(profile.nodes)) throw new Error(`${file} is not a V8 CPU profile (no "nodes")`);
  const part = window === undefined ? profile : sliceProfile(profile, window.fromMs, window.toMs);
  process.stdout.write(`${file}\n${formatSummary(summarizeProfile(part, REPO_ROOT), top)}\n`);
  return 0;
}

function seconds(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new Error(`--${name} must be a number of seconds, got ${raw}`);
  return value * 1000;
}

process.exitCode = await main();
