/**
 * A stand-in app for app-process.spec.ts: logs JSON lines the way Shepherd
 * apps do. FIXTURE_MODE picks the behaviour: `serve` (announce URLs, end on
 * SIGTERM with code 0), `crash` (stderr line, exit 3), `stubborn` (ignore SIGTERM).
 */
const log = (record: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify({ level: 30, ...record })}\n`);
const mode = process.env['FIXTURE_MODE'] ?? 'serve';

if (mode === 'crash') {
  process.stderr.write('fixture: cannot start [BOOM]\n');
  process.exit(3);
}

const keepAlive = setInterval(() => log({ msg: 'tick' }), 50);
// Installed before `ready` is announced: a loaded machine may deschedule this process between
// the two, and a SIGTERM sent on `ready` must find the handler.
process.on('SIGTERM', () => {
  if (mode === 'stubborn') return log({ msg: 'ignoring SIGTERM' });
  clearInterval(keepAlive);
  log({ msg: 'stopping' });
  process.exitCode = 0;
});
process.stdout.write('not json at all\n');
log({ msg: 'env', keys: Object.keys(process.env).sort(), execArgv: process.execArgv });
log({ msg: 'OpAMP gateway listening', url: 'http://127.0.0.1:4999/v1/opamp' });
log({ msg: 'REST API listening', url: 'http://0.0.0.0:8099' });
log({ msg: 'ready', adminUrl: 'http://0.0.0.0:9999' });
