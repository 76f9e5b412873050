/**
 * The OpAMP client against a real all-in-one Shepherd server process, over
 * WebSocket and plain HTTP: first report, persisted and reused uid, a
 * server-assigned uid adopted and persisted, ReportFullState answered,
 * agent_disconnect on stop.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServerToAgentFlags, encodeAgentToServer, hasCapability, newInstanceUid, toLong, toMask, uidToString, type ServerToAgent } from '@shepherd/proto';
import { stopAllAppProcesses } from '@shepherd/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentDescription } from './agent-description.js';
import { INSTANCE_UID_FILE, InstanceUidStore } from './instance-uid-store.js';
import { ALL_CAPABILITIES, isFull, recordedClient, removeStateDirs, seqOf, stopClients, tempStateDir } from './opamp-client.test-helpers.js';
import { startTestServer, type TestServer } from './shepherd-server.test-helpers.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
}, 90_000);

afterEach(async () => {
  await stopClients();
  await removeStateDirs();
});

afterAll(async () => {
  await server?.dispose();
  await stopAllAppProcesses();
});

const asksFullState = (m: ServerToAgent): boolean => hasCapability(m.flags ?? 0, ServerToAgentFlags.ServerToAgentFlags_ReportFullState);

const DECLARED = ['ReportsStatus', 'AcceptsRemoteConfig', 'ReportsEffectiveConfig', 'AcceptsRestartCommand', 'ReportsHealth', 'ReportsRemoteConfig'];

describe.each(['websocket', 'http'] as const)('OpampClient over %s against the all-in-one server', (transport) => {
  const endpoint = (): string => (transport === 'http' ? server.httpUrl : server.wsUrl);
  const headers = (): Record<string, string> => ({ Authorization: `Bearer ${server.token}` });

  it('reports first, persists its uid, reuses it after a restart, and sends agent_disconnect on stop', async () => {
    const stateDir = await tempStateDir();
    const first = recordedClient({ endpoint: endpoint(), transport, headers: headers(), stateDir });
    await first.client.start();
    const uid = first.client.instanceUid!;
    expect(await readFile(join(stateDir, INSTANCE_UID_FILE), 'utf8')).toBe(`${uid}\n`);
    expect(uid[14]).toBe('7'); // UUID v7

    // The gateway's CONNECTED event may be stored a moment before the first report it precedes.
    const view = await server.waitForAgent(uid, (a) => a.connected && a.capabilities.length > 0, 'the agent online with its first report');
    expect(view.transport).toBe(transport);
    expect(view.capabilities).toEqual(DECLARED);
    expect(view.labels).toMatchObject({ env: 'spec', 'service.name': 'otelcol', 'service.instance.id': 'spec-agent' });
    expect(isFull(first.sent[0]!)).toBe(true);
    expect(first.sent.map(seqOf)).toEqual(first.sent.map((_, i) => BigInt(i)));

    await first.client.stop();
    expect(first.sent.at(-1)?.agentDisconnect).toEqual({});
    // Offline at once: over HTTP nothing but agent_disconnect tells the server (no socket to close).
    await server.waitForAgent(uid, (a) => !a.connected, 'the agent offline after stop', 3_000);

    const second = recordedClient({ endpoint: endpoint(), transport, headers: headers(), stateDir });
    await second.client.start();
    expect(second.client.instanceUid).toBe(uid);
    await server.waitForAgent(uid, (a) => a.connected, 'the same agent online again');
  });

  it('adopts and persists the new uid the server assigns to a duplicate', async () => {
    const stateDir = await tempStateDir();
    const original = recordedClient({ endpoint: endpoint(), transport, headers: headers(), stateDir, instanceId: 'original' });
    await original.client.start();
    const uid = original.client.instanceUid!;
    await server.waitForAgent(uid, (a) => a.connected, 'the original online');

    // A cloned machine: same uid file, another identity (wire-facts §6.4, duplicate detection).
    const cloneDir = await tempStateDir();
    await copyFile(join(stateDir, INSTANCE_UID_FILE), join(cloneDir, INSTANCE_UID_FILE));
    const clone = recordedClient({ endpoint: endpoint(), transport, headers: headers(), stateDir: cloneDir, instanceId: 'clone' });
    const changed = new Promise<string>((resolve) => clone.client.once('uidChanged', (next) => resolve(next)));
    await clone.client.start();
    expect(clone.client.instanceUid).toBe(uid);
    const assigned = await changed;

    expect(assigned).not.toBe(uid);
    expect(clone.client.instanceUid).toBe(assigned);
    await clone.until(async () => (await readFile(join(cloneDir, INSTANCE_UID_FILE), 'utf8')) === `${assigned}\n`, 'the new uid persisted');
    // Everything after the assignment goes out under the new uid, starting with the full state.
    const reply = clone.received.find((m) => m.agentIdentification?.newInstanceUid?.length === 16)!;
    expect(uidToString(reply.agentIdentification!.newInstanceUid!)).toBe(assigned);
    const after = await clone.until(() => clone.sent.find((m) => uidToString(m.instanceUid as Uint8Array) === assigned), 'a message under the new uid');
    expect(isFull(after)).toBe(true);
    const cloneView = await server.waitForAgent(assigned, (a) => a.connected && Object.keys(a.identifying).length > 0, 'the clone online under its new uid, described');
    expect(cloneView.identifying['service.instance.id']).toBe('clone');
    expect((await server.getAgent(uid))?.identifying['service.instance.id']).toBe('original');
  });
});

describe('OpampClient ReportFullState against the all-in-one server', () => {
  it('answers ReportFullState (requested on a sequence gap) with a full report, once', async () => {
    const stateDir = await tempStateDir();
    const uid = newInstanceUid();
    await new InstanceUidStore(stateDir).save(uid);
    const description = agentDescription({ instanceId: 'gap', serviceName: 'otelcol', labels: {} }, '0.0.0-spec');
    const headers = { Authorization: `Bearer ${server.token}` };
    // A previous run of the same agent that vanished without a goodbye after message 7.
    for (const seq of [6n, 7n]) {
      const body = encodeAgentToServer({ instanceUid: uid, sequenceNum: toLong(seq), capabilities: toMask(ALL_CAPABILITIES), agentDescription: description });
      const res = await fetch(server.httpUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-protobuf' }, body });
      expect(res.status).toBe(200);
    }

    const client = recordedClient({ endpoint: server.httpUrl, transport: 'http', headers, stateDir, description });
    await client.client.start();
    const asked = await client.until(() => {
      const index = client.received.findIndex(asksFullState);
      return index < 0 ? undefined : index + 1;
    }, 'ReportFullState');
    expect(asked).toBe(1);
    const answer = await client.until(() => client.sent[asked], 'the message after ReportFullState');
    expect(isFull(answer)).toBe(true);
    // Not a loop: the answer is acknowledged plainly and polling goes back to bare messages.
    await client.until(() => client.sent.length >= asked + 4, 'polls after the answer');
    expect(client.sent.slice(asked + 1).map(isFull)).toEqual(client.sent.slice(asked + 1).map(() => false));
    expect(client.received.slice(asked).some(asksFullState)).toBe(false);
  });
});
