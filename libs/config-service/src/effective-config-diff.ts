import { SIGNATURE_ENTRY_NAME } from '@shepherd/config-signing';
import type { SqlExecutor } from '@shepherd/store';
import type { RemoteConfigStatusName } from './agent-reports.js';
import { loadAgentView } from './agent-view.js';
import { type ComparedFile, type FileDiff, diffConfigFiles } from './config-diff.js';
import { loadConfigVersion } from './config-versions.js';
import { toStoredFile } from './config-files.js';
import { AgentNotFoundError } from './errors.js';

/** How an agent's effective config compares with the config it should run. */
export interface EffectiveConfigDiff {
  readonly instanceUid: string;
  /** The live target (from the active assignments); `null` when none matches the agent. */
  readonly desiredHash: string | null;
  /** What the agent last reported in RemoteConfigStatus. */
  readonly reportedHash: string | null;
  readonly status: RemoteConfigStatusName | null;
  readonly errorMessage: string | null;
  /** False when the agent never reported an EffectiveConfig. */
  readonly effectiveReported: boolean;
  /** True when both sides exist and every file is equal (name, content type and body). */
  readonly inSync: boolean;
  /**
   * Per-file differences from the effective config (`a/`) to the desired one (`b/`): `added`
   * is a desired file the agent does not run, `removed` one it runs but should not. Empty
   * unless both sides exist.
   */
  readonly files: readonly FileDiff[];
}

/**
 * Compares the effective config an agent of the tenant reported with the files of its live
 * target version. The server's signature entry is not part of the desired files, so it is left
 * out of the effective side too.
 * @throws AgentNotFoundError when the tenant has no such agent
 */
export async function effectiveConfigDiff(db: SqlExecutor, tenantId: string, instanceUid: string): Promise<EffectiveConfigDiff> {
  const agent = await loadAgentView(db, tenantId, instanceUid);
  if (agent === undefined) throw new AgentNotFoundError(instanceUid);
  const { targetHash, reportedHash, status, errorMessage } = agent.remoteConfig;
  const desired = targetHash === null ? undefined : await loadConfigVersion(db, tenantId, targetHash);
  const effective = agent.effectiveConfig;
  const base = { instanceUid, desiredHash: targetHash, reportedHash, status, errorMessage, effectiveReported: effective !== null };
  if (desired === undefined || effective === null) return Object.freeze({ ...base, inSync: false, files: [] });
  const effectiveFiles: ComparedFile[] = Object.entries(effective.files)
    .filter(([name]) => name !== SIGNATURE_ENTRY_NAME)
    .map(([name, file]) => ({ name, ...file }));
  const files = diffConfigFiles(effectiveFiles, desired.files.map(toStoredFile));
  return Object.freeze({ ...base, inSync: files.length === 0, files });
}
