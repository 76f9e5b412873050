import { AgentCapabilities as AC, RemoteConfigStatuses, newInstanceUid, toBigInt, toMask } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { StatusReport } from './status-report.js';

const caps = (...bits: number[]): bigint => toBigInt(toMask(AC.AgentCapabilities_ReportsStatus, ...bits));
const ALL = caps(AC.AgentCapabilities_ReportsHealth, AC.AgentCapabilities_ReportsEffectiveConfig, AC.AgentCapabilities_ReportsRemoteConfig);
const description = { identifyingAttributes: [{ key: 'service.name', value: { stringValue: 'otelcol' } }] };
const file = (body: string) => ({ name: 'collector.yaml', contentType: 'application/yaml', body: Buffer.from(body) });
const present = (m: object): string[] => Object.entries(m).filter(([, v]) => v !== undefined && v !== null).map(([k]) => k).sort();

describe('StatusReport', () => {
  it('sends everything first, then only what changed, numbering every message from 0', () => {
    const report = new StatusReport(newInstanceUid(), ALL, description);
    report.setHealth({ healthy: true, status: 'ok' });
    const first = report.build();
    expect(present(first.message)).toEqual(['agentDescription', 'capabilities', 'effectiveConfig', 'health', 'instanceUid', 'remoteConfigStatus', 'sequenceNum']);
    expect(report.hasPending()).toBe(false);
    const bare = report.build();
    expect(present(bare.message)).toEqual(['capabilities', 'instanceUid', 'sequenceNum']);
    report.setEffectiveConfig([file('a: 1')]);
    const changed = report.build();
    expect(present(changed.message)).toEqual(['capabilities', 'effectiveConfig', 'instanceUid', 'sequenceNum']);
    expect([first, bare, changed].map((b) => toBigInt(b.message.sequenceNum!))).toEqual([0n, 1n, 2n]);
    expect(toBigInt(first.message.capabilities!)).toBe(ALL);
  });

  it('does not mark an equal effective config or remote config status as changed', () => {
    const report = new StatusReport(newInstanceUid(), ALL, description);
    report.setEffectiveConfig([file('a: 1')]);
    report.setRemoteConfigStatus({ hash: Buffer.from('aa', 'hex'), status: 'APPLIED', errorMessage: '' });
    report.build();
    report.setEffectiveConfig([file('a: 1')]);
    report.setRemoteConfigStatus({ hash: Buffer.from('aa', 'hex'), status: 'APPLIED', errorMessage: '' });
    expect(report.hasPending()).toBe(false);
    report.setRemoteConfigStatus({ hash: Buffer.from('aa', 'hex'), status: 'FAILED', errorMessage: 'bad' });
    expect(report.build().message.remoteConfigStatus).toEqual({
      lastRemoteConfigHash: Uint8Array.from([0xaa]),
      status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
      errorMessage: 'bad',
    });
  });

  it('never sends a part whose capability is not declared, and health only once measured', () => {
    const report = new StatusReport(newInstanceUid(), caps(), description);
    report.setHealth({ healthy: true });
    report.setEffectiveConfig([file('a: 1')]);
    expect(present(report.build({ full: true }).message)).toEqual(['agentDescription', 'capabilities', 'instanceUid', 'sequenceNum']);
    expect(report.hasPending()).toBe(false);
    const unmeasured = new StatusReport(newInstanceUid(), ALL, description);
    expect(unmeasured.build().message.health).toBeUndefined();
  });

  it('sends a header-only message on request and when the capabilities change, which then gate the parts', () => {
    const report = new StatusReport(newInstanceUid(), caps(), description);
    report.setHealth({ healthy: true });
    report.build();
    expect(report.hasPending()).toBe(false);
    report.requestHeartbeat();
    expect(report.hasPending()).toBe(true);
    expect(present(report.build().message)).toEqual(['capabilities', 'instanceUid', 'sequenceNum']);
    expect(report.hasPending()).toBe(false);
    report.setCapabilities(caps());
    expect(report.hasPending()).toBe(false);
    report.setCapabilities(ALL);
    expect(report.capabilities).toBe(ALL);
    // The parts withheld while their capability was off are still due, and now allowed.
    const next = report.build();
    expect(toBigInt(next.message.capabilities!)).toBe(ALL);
    expect(present(next.message)).toEqual(['capabilities', 'effectiveConfig', 'health', 'instanceUid', 'remoteConfigStatus', 'sequenceNum']);
  });

  it('sends the full state again after markAll, puts back lost parts, and adds agent_disconnect', () => {
    const report = new StatusReport(newInstanceUid(), ALL, description);
    report.build();
    report.markAll();
    expect(report.build().message.agentDescription).toEqual(description);
    report.setEffectiveConfig([file('b: 2')]);
    const lost = report.build();
    report.requeue(lost.parts);
    expect(report.build().message.effectiveConfig).toBeDefined();
    expect(report.build({ disconnect: true }).message.agentDisconnect).toEqual({});
  });
});
