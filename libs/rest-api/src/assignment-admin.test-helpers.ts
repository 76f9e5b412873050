import {
  AgentNotFoundError,
  AgentPinNotFoundError,
  AssignmentNotFoundError,
  type ClearAgentPinResult,
  type ClearEmergencyConfigResult,
  type DeactivateTargetInput,
  type DeactivateTargetResult,
  type EmergencyConfig,
  type Resolution,
  type RollbackResult,
  type RollbackTarget,
  type SetEmergencyConfigInput,
  type SetEmergencyConfigResult,
} from '@shepherd/config-service';

/**
 * The assignment-model half of the fake ConfigAdmin: records every call, keeps emergency
 * configs in memory, answers `resolve` from `resolutions` (else AgentNotFoundError) and throws
 * `failWith` when set.
 */
export class FakeAssignmentAdmin {
  failWith: unknown = undefined;
  readonly resolutions = new Map<string, Resolution>();
  readonly pinned = new Set<string>();
  readonly rollbacks: Array<{ target: RollbackTarget; author: string; reason?: string }> = [];
  readonly pinsCleared: Array<[string, string, string]> = [];
  readonly emergencies: Array<SetEmergencyConfigInput & { assignmentId: string }> = [];
  readonly emergenciesCleared: Array<[string, string, string]> = [];
  readonly deactivated: DeactivateTargetInput[] = [];

  async resolve(tenantId: string, instanceUid: string): Promise<Resolution> {
    this.fail();
    const found = this.resolutions.get(instanceUid);
    if (found === undefined || found.tenantId !== tenantId) throw new AgentNotFoundError(instanceUid);
    return found;
  }

  async rollback(target: RollbackTarget, author: string, reason?: string): Promise<RollbackResult> {
    this.fail();
    this.rollbacks.push({ target, author, ...(reason === undefined ? {} : { reason }) });
    const kind = 'instanceUid' in target ? 'agent-pin' : 'rollback';
    return { assignmentId: `rb-${this.rollbacks.length}`, kind, configHash: 'cd'.repeat(32), previousHash: 'ab'.repeat(32), matchedAgents: 1 };
  }

  async clearAgentPin(tenantId: string, instanceUid: string, author: string): Promise<ClearAgentPinResult> {
    this.fail();
    if (!this.pinned.delete(instanceUid)) throw new AgentPinNotFoundError(`agent ${instanceUid} has no pin`);
    this.pinsCleared.push([tenantId, instanceUid, author]);
    return { assignmentId: 'pin-1', configHash: 'cd'.repeat(32), targetHash: 'ab'.repeat(32) };
  }

  async setEmergencyConfig(input: SetEmergencyConfigInput): Promise<SetEmergencyConfigResult> {
    this.fail();
    const assignmentId = `0190a000-0000-7000-8000-${String(this.emergencies.length + 1).padStart(12, '0')}`;
    this.emergencies.push({ ...input, assignmentId });
    return { assignmentId, configHash: 'ee'.repeat(32), matchedAgents: 2 };
  }

  async listEmergencyConfigs(tenantId: string): Promise<EmergencyConfig[]> {
    this.fail();
    return this.emergencies
      .filter((e) => e.tenantId === tenantId)
      .map((e) => ({ assignmentId: e.assignmentId, selector: e.selector, configHash: 'ee'.repeat(32), author: e.author, createdAt: '2030-01-01T00:00:00.000Z', description: e.description ?? null }));
  }

  async clearEmergencyConfig(tenantId: string, assignmentId: string, author: string): Promise<ClearEmergencyConfigResult> {
    this.fail();
    const index = this.emergencies.findIndex((e) => e.tenantId === tenantId && e.assignmentId === assignmentId);
    if (index === -1) throw new AssignmentNotFoundError(`no active emergency config ${assignmentId}`);
    this.emergencies.splice(index, 1);
    this.emergenciesCleared.push([tenantId, assignmentId, author]);
    return { assignmentId, configHash: 'ee'.repeat(32), restoredHash: 'ab'.repeat(32) };
  }

  async deactivateTarget(input: DeactivateTargetInput): Promise<DeactivateTargetResult> {
    this.fail();
    this.deactivated.push(input);
    return { deactivated: 1, previousHash: 'ab'.repeat(32) };
  }

  protected fail(): void {
    if (this.failWith !== undefined) throw this.failWith;
  }
}
