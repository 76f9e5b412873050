import { createPublicKey } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorFields, silentLogger, type AgentLogger } from './agent-logger.js';
import { AgentConfigError } from './agent-config-error.js';
import type { AgentConfig } from './agent-config.js';
import { createCollectorSupervisor } from './collector-supervisor.js';
import type { CollectorSupervisorOptions } from './supervisor-options.js';
import { ShepherdAgent } from './shepherd-agent.js';
import { loadTlsMaterial } from './tls-options.js';

/** Options of {@link assembleAgent}. */
export interface AssembleAgentOptions {
  readonly logger?: AgentLogger;
  /** Reported as `shepherd.agent.version`. */
  readonly agentVersion?: string;
}

/**
 * Builds the production agent from a validated config: reads the pinned
 * signing keys and the TLS files, puts the initial collector config in
 * place on a first start, and wires the collector supervisor to the OpAMP
 * side. Nothing runs until `start()`.
 * @throws {AgentConfigError} naming the key of a file that cannot be used;
 *   the supervisor's and TLS errors as they are.
 */
export async function assembleAgent(config: AgentConfig, options: AssembleAgentOptions = {}): Promise<ShepherdAgent> {
  const logger = options.logger ?? silentLogger;
  const publicKeys = await readPublicKeys(config.configSigning.publicKeyFiles, logger);
  const tls = await loadTlsMaterial(config.server.tls);
  await placeInitialConfig(config, logger);
  const collector = createCollectorSupervisor(supervisorOptionsOf(config, publicKeys, logger));
  return new ShepherdAgent({ config, collector, tls, logger, ...(options.agentVersion === undefined ? {} : { agentVersion: options.agentVersion }) });
}

/** The collector supervisor's options for a config. */
export function supervisorOptionsOf(config: AgentConfig, publicKeys: readonly string[], logger: AgentLogger): CollectorSupervisorOptions {
  const { collector } = config;
  return {
    binary: collector.binary,
    args: collector.args,
    env: collector.env,
    configPath: config.localConfigPath,
    stateDir: config.stateDir,
    publicKeys,
    requireSignature: config.configSigning.required,
    reload: collector.reload,
    healthTimeoutMs: collector.healthTimeoutMs,
    ...(collector.healthEndpoint === undefined ? {} : { healthUrl: collector.healthEndpoint }),
    ...(collector.metricsEndpoint === undefined ? {} : { metricsUrl: collector.metricsEndpoint }),
    logger,
  };
}

/**
 * The pinned public keys as SPKI PEM. A file holding a private key is
 * accepted with a warning and only its public half is kept: that lets a
 * local demo agent pin the development key of a server on the same
 * machine, and must never be how production agents get their key.
 * @throws {AgentConfigError} naming `opamp.config_signing.public_key_files[i]`.
 */
export async function readPublicKeys(files: readonly string[], logger: AgentLogger = silentLogger): Promise<string[]> {
  return Promise.all(
    files.map(async (file, i) => {
      const key = `opamp.config_signing.public_key_files[${i}]`;
      let pem: string;
      try {
        pem = await readFile(file, 'utf8');
      } catch (cause) {
        throw new AgentConfigError(file, [{ path: key, message: `cannot read ${file}: ${(cause as Error).message}` }], { cause });
      }
      try {
        const publicKey = createPublicKey(pem);
        if (/PRIVATE KEY/.test(pem)) logger.warn({ file }, 'config signing key file holds a private key: only its public half is used (for local demos only)');
        if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`an ${publicKey.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
        return publicKey.export({ type: 'spki', format: 'pem' }).toString();
      } catch (cause) {
        throw new AgentConfigError(file, [{ path: key, message: `${file} is not an Ed25519 public key (PEM): ${(cause as Error).message}` }], { cause });
      }
    }),
  );
}

/** First start: copies `collector.initial_config` to the local config path when nothing is there yet. */
async function placeInitialConfig(config: AgentConfig, logger: AgentLogger): Promise<void> {
  const source = config.collector.initialConfig;
  if (source === undefined) return;
  await mkdir(dirname(config.localConfigPath), { recursive: true });
  try {
    // EXCL: an existing local config (the one the collector ran last) is never overwritten.
    await copyFile(source, config.localConfigPath, constants.COPYFILE_EXCL);
    logger.info({ from: source, to: config.localConfigPath }, 'initial collector config put in place');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    logger.error(errorFields(err), 'cannot copy the initial collector config');
    throw new AgentConfigError(source, [{ path: 'collector.initial_config', message: `cannot copy ${source}: ${(err as Error).message}` }], { cause: err });
  }
}
