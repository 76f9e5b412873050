import { afterEach, describe, expect, it } from 'vitest';
import { RemoteConfigStatuses as RCS, ServerToAgentFlags, newInstanceUid, toMask, uidToString } from '@shepherd/proto';
import { startTinyResponder, type TinyResponder } from '../agent/tiny-responder.test-helpers.js';
import { startElasticAgent, type ElasticAgent, type ElasticAgentOptions } from './elastic-agent.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(options: Partial<ElasticAgentOptions> = {}, token?: string): Promise<{ r: TinyResponder; agent: ElasticAgent }> {
  const r = await startTinyResponder(token === undefined ? {} : { token });
  cleanups.push(() => r.close());
  const agent = await startElasticAgent({ endpoint: r.httpUrl, heartbeatSeconds: 0.1, ...options });
  cleanups.push(() => agent.stop());
  return { r, agent };
}

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('startElasticAgent (real @elastic/opamp-client-node 0.5.0)', () => {
  it('reports first, takes an offered config, reports APPLIED, and keeps heartbeating', async () => {
    const applied: string[] = [];
    const r0 = await startTinyResponder({ token: 'interop-token-1234' });
    cleanups.push(() => r0.close());
    const hash = r0.offer({ 'collector.yaml': 'receivers: {}\n' });
    const agent = await startElasticAgent({
      endpoint: r0.httpUrl,
      token: 'interop-token-1234',
      labels: { env: 'test', region: 'us-west-2' },
      heartbeatSeconds: 0.1,
      onRemoteConfig: (files, h) => void applied.push(`${h}:${files['collector.yaml']!.body.toString()}`),
    });
    cleanups.push(() => agent.stop());

    const first = agent.exchanges[0]!;
    expect(first).toMatchObject({ sequenceNum: 1n, sentDescription: true, sentRemoteConfigStatus: { status: 'UNSET', hash: '' } });
    expect(first.reply.remoteConfigHash).toBe(hash);
    const { headers, message } = r0.received[0]!;
    expect(headers['content-type']).toBe('application/x-protobuf');
    expect(headers['authorization']).toBe('Bearer interop-token-1234');
    expect(headers['opamp-instance-uid']).toBeUndefined();
    expect(headers['user-agent']).toBe('@elastic/opamp-client-node/0.5.0');
    expect(message.agentDescription!.nonIdentifyingAttributes!.map((kv) => [kv.key, kv.value?.stringValue])).toEqual([
      ['env', 'test'],
      ['region', 'us-west-2'],
    ]);

    await agent.waitFor((a) => a.appliedHashes.includes(hash));
    expect(applied).toEqual([`${hash}:receivers: {}\n`]);
    const isApplied = (x: (typeof r0.received)[number]) =>
      x.message.remoteConfigStatus?.status === RCS.RemoteConfigStatuses_APPLIED && hexOf(x.message.remoteConfigStatus.lastRemoteConfigHash!) === hash;
    const appliedAt = 1 + (await agent.waitFor(() => (r0.received.some(isApplied) ? r0.received.findIndex(isApplied) : undefined)));
    await agent.waitFor(() => r0.received.length >= appliedAt + 3, { description: 'three heartbeats after APPLIED' });
    const after = r0.received.slice(appliedAt, appliedAt + 3).map((x) => x.message);
    for (const m of after) {
      expect(m.agentDescription).toBeNull();
      expect(m.remoteConfigStatus).toBeNull();
    }
    const seqs = r0.received.map((x) => BigInt(x.message.sequenceNum.toString()));
    expect(seqs).toEqual(seqs.map((_s, i) => BigInt(i + 1)));
    expect(agent.failures).toEqual([]);
  });

  it('reports FAILED with the message the callback threw', async () => {
    const { r, agent } = await setup({ onRemoteConfig: () => Promise.reject(new Error('exporter "x" unknown')) }, undefined);
    const hash = r.offer({ 'collector.yaml': 'exporters: {x: {}}' });
    await agent.waitFor((a) => a.outcomes[0]);
    const failed = await agent.waitFor(() => r.received.find((x) => x.message.remoteConfigStatus?.status === RCS.RemoteConfigStatuses_FAILED));
    expect(hexOf(failed.message.remoteConfigStatus!.lastRemoteConfigHash!)).toBe(hash);
    expect(failed.message.remoteConfigStatus!.errorMessage).toBe('exporter "x" unknown');
    expect(agent.appliedHashes).toEqual([]);
  });

  it('hands every reply with remote_config to onMessage; the harness applies each hash once', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { r, agent } = await setup({ onRemoteConfig: () => ((calls += 1), gate) });
    const hash = r.offer({ 'a.yaml': 'a: 1' });
    await agent.waitFor((a) => a.exchanges.filter((e) => e.reply.remoteConfigHash === hash).length >= 3);
    expect(calls).toBe(1);
    release();
    await agent.waitFor((a) => a.appliedHashes[0] === hash);
  });

  it('ignores a reply addressed to another instance_uid, flags included', async () => {
    const { r, agent } = await setup();
    const before = r.received.length;
    r.scriptNextReply((_m, ack) => ({ ...ack, instanceUid: newInstanceUid(), flags: toMask(ServerToAgentFlags.ServerToAgentFlags_ReportFullState) }));
    await agent.waitFor(() => r.received.length >= before + 3);
    expect(r.received.slice(before + 1, before + 3).map((x) => x.message.agentDescription)).toEqual([null, null]);
    r.scriptNextReply((_m, ack) => ({ ...ack, flags: toMask(ServerToAgentFlags.ServerToAgentFlags_ReportFullState) }));
    const asked = r.received.length;
    await agent.waitFor(() => r.received.slice(asked + 1).find((x) => x.message.agentDescription));
  });

  it('adopts new_instance_uid sent in a reply addressed to its old uid', async () => {
    const { r, agent } = await setup();
    const old = agent.instanceUid;
    const assigned = newInstanceUid();
    r.scriptNextReply((_m, ack) => ({ ...ack, agentIdentification: { newInstanceUid: assigned } }));
    await agent.waitFor(() => r.received.some((x) => uidToString(x.message.instanceUid) === uidToString(assigned)));
    expect(agent.instanceUid).toBe(uidToString(assigned));
    expect(agent.exchanges.some((e) => e.instanceUid === old)).toBe(true);
  });

  it('refuses a WebSocket endpoint and an out-of-range heartbeat', async () => {
    await expect(startElasticAgent({ endpoint: 'ws://127.0.0.1:1/v1/opamp' })).rejects.toThrow(/plain HTTP only/);
    await expect(startElasticAgent({ endpoint: 'http://127.0.0.1:1/v1/opamp', heartbeatSeconds: 0.01 })).rejects.toThrow(/heartbeatSeconds/);
  });
});
