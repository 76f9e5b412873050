/**
 * Summarizes a V8 CPU profile (from `node --cpu-prof`, e.g. `bench:agent-scale --cpu-prof DIR`):
 * the top functions by self time and by total (inclusive) time, in percent of busy time.
 *
 *   npm run bench:cpu-profile -- FILE.cpuprofile [--top 25]
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSummary, summarizeProfile, type CpuProfile } from './support/cpu-profile.js';

const USAGE = 'usage: npm run bench:cpu-profile -- FILE.cpuprofile [--top N (default 25)]';
const REPO_ROOT = resolve(import.meta.dirname, '..');

async function main(): Promise<number> {
  let file: string;
  let top: number;
  try {
    const { values, positionals } = parseArgs({ args: process.argv.slice(2), options: { top: { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new Error('give exactly one .cpuprofile file');
    top = Number(values.top ?? 25);
    if (!Number.isSafeInteger(top) || top < 1) throw new Error(`--top must be a positive integer, got ${values.top}`);
    // npm runs scripts from the repository root; the path is the caller's.
    file = resolve(process.env['INIT_CWD'] ?? process.cwd(), positionals[0]!);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  if (!Array.isArray(profile.nodes)) throw new Error(`${file} is not a V8 CPU profile (no "nodes")`);
  process.stdout.write(`${file}\n${formatSummary(summarizeProfile(profile, REPO_ROOT), top)}\n`);
  return 0;
}

process.exitCode = await main();
