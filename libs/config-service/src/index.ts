/**
 * @shepherd/config-service: agent inventory, config versions assigned by label selector,
 * RemoteConfig offers when an agent's reported hash differs from its target, remote-config
 * status per agent and hash, and the admin operations the REST API exposes.
 */
export { startConfigService, type ConfigService, type ConfigServiceOptions } from './config-service.js';
export { configServiceModule, sharedSigningKey } from './config-service-module.js';
export { resolveSigningKey, DEV_SIGNING_KEY_FILE, type SigningKeySource } from './signing-key-source.js';
export {
  createConfigAdmin,
  DEFAULT_AGENT_PAGE,
  MAX_AGENT_PAGE,
  type AgentPage,
  type ConfigAdmin,
  type ConfigAdminOptions,
  type CreateConfigInput,
  type CreateConfigResult,
  type ListAgentsQuery,
} from './config-admin.js';
export { capabilityNames, type AgentView } from './agent-view.js';
export { parseSelector, matchesSelector, formatSelector, MAX_LABEL_LENGTH, MAX_SELECTOR_LABELS, type LabelSelector } from './selector.js';
export { canonicalConfigEncoding, configHash, hashToBytes, hashToHex } from './config-hash.js';
export {
  validateConfigFiles,
  MAX_CONFIG_BYTES,
  MAX_CONFIG_FILES,
  type ConfigFileBytes,
  type ConfigFileInput,
  type StoredConfigFile,
} from './config-files.js';
export { encodeConfigChangedEvent, decodeConfigChangedEvent, type ConfigChangedEvent } from './config-changed-event.js';
export { createInventoryRepository, type InventoryRepository, type InventoryRepositoryOptions } from './inventory-repository.js';
export type { AgentSnapshot } from './agent-record.js';
export { resolveTarget, type Assignment } from './assignment-repository.js';
export { loadConfigVersion, type ConfigVersion } from './config-versions.js';
export { decideOffer, type OfferDecision } from './offer-decision.js';
export type { ReconcileView } from './config-state-repository.js';
export type { ReconcileOutcome } from './reconciler.js';
export type { RemoteConfigStatusName } from './agent-reports.js';
export type { ServiceLogger } from './service-logger.js';
export {
  AgentNotFoundError,
  ConfigServiceOptionsError,
  InvalidAgentQueryError,
  InvalidConfigError,
  InvalidSelectorError,
  MalformedConfigEventError,
} from './errors.js';
