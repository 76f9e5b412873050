/**
 * The Shepherd agent process: `shepherd-agent --config agent.yaml` (or the
 * file named by SHEPHERD_AGENT_CONFIG). It supervises an OpenTelemetry
 * Collector and connects it to a Shepherd server over OpAMP; SIGTERM/SIGINT
 * say goodbye to the server, then stop the collector. LOG_LEVEL sets the
 * log level (default info). This file only composes; logic lives in
 * @shepherd/agent.
 */
import { parseArgs } from 'node:util';
import { assembleAgent, loadAgentConfig, type ShepherdAgent } from '@shepherd/agent';
import { EXIT_CONFIG, LOG_LEVELS, createLogger, type LogLevel } from '@shepherd/runtime';
import pkg from '../package.json' with { type: 'json' };

const NAME = 'shepherd-agent';
const USAGE = `usage: ${NAME} --config <agent.yaml>   (or SHEPHERD_AGENT_CONFIG=<agent.yaml>)`;

/** Writes one line and ends the process; used before a logger exists and for fatal start-up errors. */
function fail(code: number, line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

function describe(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return `${typeof code === 'string' ? `[${code}]: ` : ''}${err instanceof Error ? err.message : String(err)}`;
}

const { values: args } = (() => {
  try {
    return parseArgs({ options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    return fail(EXIT_CONFIG, `${NAME}: ${(err as Error).message}\n${USAGE}`);
  }
})();
if (args.help === true) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const configFile = args.config ?? process.env['SHEPHERD_AGENT_CONFIG'];
if (configFile === undefined || configFile === '') fail(EXIT_CONFIG, `${NAME}: no config file given\n${USAGE}`);
const level = process.env['LOG_LEVEL'] ?? 'info';
if (!(LOG_LEVELS as readonly string[]).includes(level)) fail(EXIT_CONFIG, `${NAME}: LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${level}`);

const logger = createLogger({ name: NAME, level: level as LogLevel });
let agent: ShepherdAgent;
try {
  const config = await loadAgentConfig(configFile);
  for (const warning of config.warnings) logger.warn({ configFile }, warning);
  agent = await assembleAgent(config, { logger, agentVersion: pkg.version });
} catch (err) {
  fail(EXIT_CONFIG, `${NAME}: cannot start ${describe(err)}`);
}

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting without waiting');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'stopping: agent_disconnect, then the collector');
  try {
    await agent.stop();
    logger.info({}, 'stopped');
    process.exit(0);
  } catch (err) {
    logger.error({ err: describe(err) }, 'stop failed');
    process.exit(1);
  }
}
process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));

try {
  await agent.start();
} catch (err) {
  logger.fatal({ err: describe(err) }, 'cannot start');
  await agent.stop().catch(() => undefined);
  process.exit(1);
}
