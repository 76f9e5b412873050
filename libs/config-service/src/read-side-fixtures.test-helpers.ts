import type { IAgentToServer } from '@shepherd/proto';
import type { SqlExecutor } from '@shepherd/store';
import { FULL_CAPABILITIES, decodedMessage, description, newAgent, seq } from './agent-fixtures.test-helpers.js';
import type { RemoteConfigStatusName } from './agent-reports.js';
import { type AssignmentKind, insertAssignment } from './assignment-repository.js';
import { type ConfigFileInput, validateConfigFiles } from './config-files.js';
import { configHash } from './config-hash.js';
import type { ConfigOrigin } from './config-origin.js';
import { saveConfigVersion } from './config-versions.js';
import { recordRemoteConfigStatus } from './config-state-repository.js';
import { createInventoryRepository } from './inventory-repository.js';
import { parseSelector } from './selector.js';

/** Start of every fixture clock. */
export const T0 = Date.parse('2030-01-01T00:00:00Z');

/** A one-file YAML config with this body. */
export const yamlFiles = (body: string): ConfigFileInput[] => [{ name: 'collector.yaml', contentType: 'text/yaml', body }];

/** What {@link insertVersion} stores. */
export interface VersionFixture {
  readonly tenantId?: string;
  readonly files: readonly ConfigFileInput[];
  readonly label?: string;
  readonly name?: string;
  readonly description?: string;
  readonly origin?: ConfigOrigin;
  readonly author?: string;
  readonly at?: Date | string;
}

/**
 * Stores a config version through the config service's writer (hash computed as the admin
 * does); returns the hash. Text `at` keeps microseconds (a Date cannot), written afterwards.
 */
export async function insertVersion(db: SqlExecutor, version: VersionFixture): Promise<string> {
  const files = validateConfigFiles(version.files);
  const hash = configHash(files);
  const tenantId = version.tenantId ?? 'default';
  await saveConfigVersion(db, {
    tenantId,
    hash,
    name: version.name ?? null,
    files,
    author: version.author ?? 'alice',
    at: version.at instanceof Date ? version.at : new Date(version.at ?? T0),
    label: version.label ?? null,
    description: version.description ?? null,
    ...(version.origin === undefined ? {} : { origin: version.origin }),
  });
  if (typeof version.at === 'string') {
    await db.query('UPDATE config_versions SET created_at = $3::timestamptz WHERE tenant_id = $1 AND hash = $2', [tenantId, hash, version.at]);
  }
  return hash;
}

/** What {@link addAssignment} stores. */
export interface AssignmentFixture {
  readonly tenantId?: string;
  readonly hash: string;
  /** Any form `parseSelector` takes; default: every agent. */
  readonly selector?: unknown;
  readonly kind?: AssignmentKind;
  readonly instanceUid?: string;
  readonly priority?: number;
  readonly author?: string;
  readonly at?: Date;
  /** Ends the assignment at this time (by `deactivatedBy`, default `bob`). */
  readonly deactivatedAt?: Date;
  readonly deactivatedBy?: string;
}

/** Stores an assignment through the assignment repository's writer; returns its id. */
export async function addAssignment(db: SqlExecutor, assignment: AssignmentFixture): Promise<string> {
  const created = await insertAssignment(db, {
    tenantId: assignment.tenantId ?? 'default',
    selector: parseSelector(assignment.selector ?? { matchLabels: {} }),
    priority: assignment.priority ?? 0,
    configHash: assignment.hash,
    name: null,
    author: assignment.author ?? 'alice',
    at: assignment.at ?? new Date(T0),
    kind: assignment.kind ?? 'assign',
    instanceUid: assignment.instanceUid ?? null,
  });
  if (assignment.deactivatedAt !== undefined) {
    await db.query('UPDATE config_assignments SET active = false, deactivated_at = $2, deactivated_by = $3 WHERE id = $1', [
      created.id,
      assignment.deactivatedAt,
      assignment.deactivatedBy ?? 'bob',
    ]);
  }
  return created.id;
}

/** Options of {@link addAgent}. */
export interface AgentFixture {
  readonly tenantId?: string;
  /** Default true; false records an agent_disconnect. */
  readonly connected?: boolean;
  readonly extra?: Partial<IAgentToServer>;
}

/** Records one report of a new agent through the real inventory path; returns its uid. */
export async function addAgent(db: SqlExecutor, labels: Record<string, string>, fixture: AgentFixture = {}): Promise<string> {
  const agent = newAgent();
  const message: IAgentToServer = {
    instanceUid: agent.bytes,
    sequenceNum: seq(1),
    capabilities: FULL_CAPABILITIES,
    agentDescription: description(labels),
    ...(fixture.connected === false ? { agentDisconnect: {} } : {}),
    ...fixture.extra,
  };
  const { envelope, message: decoded } = decodedMessage(message, { receivedAtMs: T0, tenantId: fixture.tenantId ?? 'default' });
  await createInventoryRepository({ store: db }).recordMessage(envelope, decoded);
  return agent.uid;
}

/** Records a RemoteConfigStatus report through the config service's own writer. */
export async function reportStatus(db: SqlExecutor, uid: string, hash: string, status: RemoteConfigStatusName, errorMessage = '', at = new Date(T0)): Promise<void> {
  await recordRemoteConfigStatus(db, uid, { lastRemoteConfigHash: hash, status, errorMessage }, at);
}

/** Appends an audit entry; returns its id. */
export async function insertAudit(
  db: SqlExecutor,
  entry: { tenantId: string | null; actor?: string; action?: string; subject?: string; before?: string; after?: string; at: Date; details?: object },
): Promise<string> {
  const { rows } = await db.query<{ id: bigint }>(
    `INSERT INTO audit_log (tenant_id, actor, action, subject, before_hash, after_hash, details, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING id`,
    [entry.tenantId, entry.actor ?? 'alice', entry.action ?? 'config.assign', entry.subject ?? 'assignment:x', entry.before ?? null, entry.after ?? null, entry.details ?? null, entry.at],
  );
  return String(rows[0]!.id);
}
