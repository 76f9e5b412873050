/**
 * The load generator process: simulates OpAMP agents against one or more
 * gateways and prints JSON lines (`loadgen started`, `loadgen progress`,
 * `loadgen applied`, `loadgen ramped`, `loadgen summary`). Stops by itself
 * after --duration-s, or on SIGTERM/SIGINT. Usage: `--help`.
 */
import { LoadgenOptionError, parseLoadgenOptions, USAGE } from './loadgen-options.js';
import { runLoadgen } from './run-loadgen.js';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
let options;
try {
  options = parseLoadgenOptions(argv, process.env);
} catch (err) {
  if (!(err instanceof LoadgenOptionError)) throw err;
  process.stderr.write(`loadgen: ${err.message}\n${USAGE}\n`);
  process.exit(2);
}
const run = runLoadgen(options, (record) => void process.stdout.write(`${JSON.stringify({ time: Date.now(), ...record })}\n`));
process.once('SIGTERM', () => run.stop('signal'));
process.once('SIGINT', () => run.stop('signal'));
await run.done;
// Sockets and timers are closed; exit without waiting for stragglers' idle timeouts.
process.exit(0);
