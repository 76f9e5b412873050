/**
 * @shepherd/config-service: agent inventory, config versions assigned by label selector,
 * RemoteConfig offers when an agent's reported hash differs from its target, remote-config
 * status per agent and hash, and the admin operations the REST API exposes.
 */
export { startConfigService, type ConfigService, type ConfigServiceOptions } from './config-service.js';
export { createLivenessWriter, type LivenessUpdate, type LivenessWriter, type LivenessWriterOptions } from './liveness-writer.js';
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
  type ClearAgentPinResult,
  type ClearEmergencyConfigResult,
  type ConfigOrigin,
  type DeactivateTargetInput,
  type DeactivateTargetResult,
  type EmergencyConfig,
  type Resolution,
  type ResolutionCandidate,
  type ResolutionReason,
  type RollbackResult,
  type RollbackTarget,
  type SetEmergencyConfigInput,
  type SetEmergencyConfigResult,
} from './config-admin.js';
export { MAX_EMERGENCY_CONFIGS } from './emergency-config.js';
export { MAX_RESOLUTION_CANDIDATES } from './resolve.js';
export { capabilityNames, type AgentView } from './agent-view.js';
export {
  createConfigQueries,
  type AuditQuery,
  type ConfigQueries,
  type ConfigQueriesOptions,
  type HistoryQuery,
  type PageQuery,
  type VersionDiff,
} from './config-queries.js';
export type { ConfigVersionDetail, ConfigVersionInfo, ConfigVersionPage, VersionFileInfo } from './version-listing.js';
export { MAX_DIFF_EDITS, type FileChange, type FileDiff } from './config-diff.js';
export type { AgentHistoryPage, AssignmentHistoryEntry, ReportedConfig, TargetHistoryPage } from './target-history.js';
export { MAX_FAILURE_GROUPS, MAX_FAILURE_SAMPLES, type FailedAgentSample, type FailureGroup, type FleetSummary } from './fleet-summary.js';
export type { EffectiveConfigDiff } from './effective-config-diff.js';
export type { AuditEntry, AuditPage } from './audit-query.js';
export { DEFAULT_QUERY_PAGE, MAX_QUERY_PAGE } from './query-input.js';
export { ConfigVersionNotFoundError, InvalidConfigQueryError } from './query-errors.js';
export { createAgentCommands, type AgentCommands, type AgentCommandsOptions, type CommandResult } from './agent-commands.js';
export {
  parseSelector,
  matchesSelector,
  firstMismatch,
  formatSelector,
  selectorJson,
  selectorKey,
  agentTargetKey,
  MAX_LABEL_LENGTH,
  MAX_SELECTOR_LABELS,
  MAX_SELECTOR_EXPRESSIONS,
  MAX_EXPRESSION_VALUES,
  type LabelSelector,
  type SelectorExpression,
  type SelectorMismatch,
  type SelectorOperator,
} from './selector.js';
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
export { resolveTarget, targetHashSql, type Assignment, type AssignmentKind } from './assignment-repository.js';
export { loadConfigVersion, type ConfigVersion } from './config-versions.js';
export { decideOffer, type OfferDecision } from './offer-decision.js';
export type { ReconcileView } from './config-state-repository.js';
export type { ReconcileOutcome } from './reconciler.js';
export type { RemoteConfigStatusName } from './agent-reports.js';
export type { ServiceLogger } from './service-logger.js';
export {
  AgentCapabilityMissingError,
  AgentNotFoundError,
  AgentPinNotFoundError,
  AssignmentNotFoundError,
  NothingToRollBackError,
  AgentOfflineError,
  ConfigServiceOptionsError,
  InvalidAgentQueryError,
  InvalidConfigError,
  InvalidSelectorError,
  MalformedConfigEventError,
} from './errors.js';
