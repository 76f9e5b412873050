/**
 * What the real server does not do on demand, against a scripted endpoint:
 * Retry-After on refused upgrades and POSTs, Unavailable with retry_info,
 * full-jitter backoff between failed attempts, commands, ReportFullState
 * over WebSocket, and replies addressed to another agent.
 */
import { CommandType, ServerErrorResponseType, ServerToAgentFlags, newInstanceUid, toBigInt, toLong, toMask, AgentCapabilities as AC } from '@shepherd/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isFull, recordedClient, removeStateDirs, stopClients, tempStateDir } from './opamp-client.test-helpers.js';
import { startScriptedOpampServer, type ScriptedOpampServer } from './scripted-opamp-server.test-helpers.js';

let server: ScriptedOpampServer;

beforeEach(async () => {
  server = await startScriptedOpampServer();
});

afterEach(async () => {
  await stopClients();
  await server.close();
  await removeStateDirs();
});

const endpointOf = (transport: 'websocket' | 'http'): string => (transport === 'http' ? server.httpUrl : server.wsUrl);
/** Slack for timers on a loaded machine. */
const EARLY_MS = 50;

describe.each(['websocket', 'http'] as const)('OpampClient retries over %s', (transport) => {
  it.each([503, 429] as const)('waits the Retry-After of a %s before trying again, not its own short backoff', async (status) => {
    server.refuse(1, status, '2');
    const c = recordedClient({ endpoint: endpointOf(transport), transport, stateDir: await tempStateDir(), reconnect: { initialMs: 20, maxMs: 40 } });
    await c.client.start();
    await c.until(() => server.received.length > 0, 'the first accepted message', 10_000);
    expect(server.attempts.slice(0, 2).map((a) => a.status)).toEqual([status, transport === 'http' ? 200 : 101]);
    expect(server.attempts[1]!.at - server.attempts[0]!.at).toBeGreaterThanOrEqual(2_000 - EARLY_MS);
    expect(c.failures[0]).toMatchObject({ status, retryAfterMs: 2_000 });
    // The first message that gets through carries everything.
    expect(isFull(server.received[0]!.message)).toBe(true);
  });

  it('backs off with full jitter (ceiling doubling up to the cap) while refused without Retry-After', async () => {
    server.refuse(4, 401);
    // random() just under 1: every delay is (almost) its ceiling, 200, 400, 800, 800.
    const c = recordedClient({ endpoint: endpointOf(transport), transport, stateDir: await tempStateDir(), reconnect: { initialMs: 200, maxMs: 800 }, random: () => 0.999 });
    await c.client.start();
    await c.until(() => server.received.length > 0, 'the first accepted message', 10_000);
    const gaps = server.attempts.slice(1, 5).map((a, i) => a.at - server.attempts[i]!.at);
    const expected = [200, 400, 800, 800].map((ms) => Math.floor(0.999 * ms));
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(expected[i]! - EARLY_MS);
      expect(gap).toBeLessThan(expected[i]! + 400);
    });
    expect(c.failures.map((f) => f.status)).toEqual([401, 401, 401, 401]);
  });

  it('honours Unavailable with retry_info: goodbye, wait, come back with the full state', async () => {
    const c = recordedClient({ endpoint: endpointOf(transport), transport, stateDir: await tempStateDir(), reconnect: { initialMs: 20, maxMs: 40 } });
    server.replyOnce((m) => ({
      instanceUid: m.instanceUid,
      errorResponse: {
        type: ServerErrorResponseType.ServerErrorResponseType_Unavailable,
        errorMessage: 'busy',
        retryInfo: { retryAfterNanoseconds: toLong(1_500_000_000n) },
      },
    }));
    await c.client.start();
    await c.until(() => server.received.length >= (transport === 'http' ? 2 : 3), 'the retry after Unavailable', 10_000);
    const [first, ...rest] = server.received;
    if (transport === 'websocket') {
      // The spec's order for a client-initiated close: agent_disconnect first.
      expect(rest[0]!.message.agentDisconnect).toBeTruthy();
      rest.shift();
    }
    expect(rest[0]!.at - first!.at).toBeGreaterThanOrEqual(1_500 - EARLY_MS);
    expect(isFull(rest[0]!.message)).toBe(true);
  });
});

describe('OpampClient messages from the server', () => {
  it('runs the restart command only when AcceptsRestartCommand is declared', async () => {
    let restarts = 0;
    const c = recordedClient({ endpoint: server.wsUrl, transport: 'websocket', stateDir: await tempStateDir(), onRestartCommand: () => (restarts += 1) });
    await c.client.start();
    await c.until(() => server.openSockets() === 1 && server.received.length > 0, 'connected');
    const uid = server.received[0]!.message.instanceUid;
    server.push({ instanceUid: uid, command: { type: CommandType.CommandType_Restart } });
    await c.until(() => restarts === 1, 'the restart callback');

    await c.client.stop();
    let refusedRestarts = 0;
    const limited = recordedClient({
      endpoint: server.wsUrl,
      transport: 'websocket',
      stateDir: await tempStateDir(),
      capabilities: toBigInt(toMask(AC.AgentCapabilities_ReportsStatus)),
      onRestartCommand: () => (refusedRestarts += 1),
    });
    await limited.client.start();
    await limited.until(() => server.openSockets() === 1 && limited.received.length > 0, 'connected');
    server.push({ instanceUid: limited.sent[0]!.instanceUid as Uint8Array, command: {} });
    await limited.until(() => limited.received.length === 2, 'the command received');
    expect(refusedRestarts).toBe(0);
  });

  it('sends the full state after ReportFullState on WebSocket, and ignores replies for another uid', async () => {
    let offers = 0;
    const c = recordedClient({ endpoint: server.wsUrl, transport: 'websocket', stateDir: await tempStateDir(), onRemoteConfig: () => (offers += 1) });
    await c.client.start();
    await c.until(() => server.received.length === 1, 'the first report');
    const uid = server.received[0]!.message.instanceUid;
    c.client.setHealth({ healthy: true, status: 'ok' });
    await c.until(() => server.received.length === 2, 'the health change');
    expect(isFull(server.received[1]!.message)).toBe(false);

    server.push({ instanceUid: uid, flags: toLong(BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState)) });
    await c.until(() => server.received.length === 3, 'the full report');
    expect(isFull(server.received[2]!.message)).toBe(true);
    expect(server.received[2]!.message.health?.status).toBe('ok');

    const seen = c.received.length;
    server.push({ instanceUid: newInstanceUid(), remoteConfig: { configHash: new Uint8Array([1]), config: { configMap: {} } } });
    await c.until(() => c.received.length === seen + 1, 'the foreign message');
    expect(offers).toBe(0);
    expect(server.received).toHaveLength(3);
  });
});
