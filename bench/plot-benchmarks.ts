/**
 * Renders the benchmark charts of docs/benchmarks.md as SVG from result files written with
 * `--out` (bench:agent-scale, bench:http-heartbeats):
 *
 *   npm run bench:plot -- --in docs/benchmarks/data --out docs/benchmarks/img
 *
 * ramp.svg, fanout.svg and kill.svg from every `agent-scale` file (a chart only when some file
 * has its series), http-heartbeats.svg from every `http-heartbeats` file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { TopLevelSpec } from 'vega-lite';
import { readPlotInput } from './support/plot-input.js';
import { fanoutSpec, httpHeartbeatsSpec, killSpec, rampSpec } from './support/plot-specs.js';
import { renderSvg } from './support/render-svg.js';

const USAGE = 'usage: npm run bench:plot -- --in DIR (result JSON files) --out DIR (SVG charts)';

function parse(): { inDir: string; outDir: string } | undefined {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { in: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) return undefined;
  if (values.in === undefined || values.out === undefined) throw new Error('--in and --out are required');
  // npm runs scripts from the repository root; the paths are the caller's.
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  return { inDir: resolve(cwd, values.in), outDir: resolve(cwd, values.out) };
}

async function main(): Promise<number> {
  let dirs: { inDir: string; outDir: string } | undefined;
  try {
    dirs = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (dirs === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const input = await readPlotInput(dirs.inDir);
  input.skipped.forEach((s) => process.stdout.write(`skipped ${s}\n`));
  const scale = input.agentScale;
  const charts: [string, TopLevelSpec][] = [];
  if (scale.some((r) => r.data.series.ramp.length > 0)) charts.push(['ramp.svg', rampSpec(scale)]);
  if (scale.some((r) => r.data.series.fanout !== undefined)) charts.push(['fanout.svg', fanoutSpec(scale)]);
  if (scale.some((r) => r.data.series.kill !== undefined)) charts.push(['kill.svg', killSpec(scale)]);
  if (input.httpHeartbeats.length > 0) charts.push(['http-heartbeats.svg', httpHeartbeatsSpec(input.httpHeartbeats)]);
  if (charts.length === 0) {
    process.stderr.write(`no agent-scale or http-heartbeats result files in ${dirs.inDir}\n`);
    return 1;
  }
  await mkdir(dirs.outDir, { recursive: true });
  for (const [name, spec] of charts) {
    const file = join(dirs.outDir, name);
    await writeFile(file, await renderSvg(spec));
    process.stdout.write(`wrote ${file}\n`);
  }
  return 0;
}

process.exitCode = await main();
