/**
 * WebSocket push and restart recovery against the all-in-one process on
 * embedded adapters: a config reaches an idle WebSocket agent without the
 * agent sending anything (push, not poll), and after a server restart on the
 * same address the agent reconnects, is asked for its full state, and
 * converges to a config pushed after the restart.
 */
import { ServerToAgentFlags, hasCapability, type ServerToAgent } from '@shepherd/proto';
import { startAppProcess, startFakeAgent, type FakeAgent } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { appliedAndTargeted, waitForAgentView } from './support/agent-views.js';
import { AGENT_START_TIMEOUT_MS, APP_MAINS, READY_TIMEOUT_MS } from './support/apps.js';
import { severeLogs } from './support/log-checks.js';
import { oneAgentScenario } from './support/one-agent-scenario.js';
import { embeddedDeployment } from './support/deployment.js';
import { freePort } from './support/free-port.js';
import { restClient } from './support/rest-client.js';

const scenario = oneAgentScenario();

const asksFullState = (m: ServerToAgent): boolean => hasCapability(m.flags ?? 0, ServerToAgentFlags.ServerToAgentFlags_ReportFullState);

/**
 * Records, for every remote config the agent receives, how many messages the
 * agent had sent at that moment (the listener runs before the agent reacts).
 */
function recordArrivals(fake: FakeAgent): Map<string, number> {
  const arrivals = new Map<string, number>();
  fake.on('message', (m) => {
    const bytes = m.remoteConfig?.configHash;
    const hash = bytes ? Buffer.from(bytes).toString('hex') : '';
    if (hash !== '' && !arrivals.has(hash)) arrivals.set(hash, fake.sent.length);
  });
  return arrivals;
}

describe('WebSocket push and restart (all-in-one, embedded)', () => {
  it('pushes a config to an idle agent, and after a restart asks the reconnected agent for full state and converges', async () => {
    const deployment = (scenario.deployment = await embeddedDeployment());
    const port = await freePort();
    const env = { ...deployment.env, OPAMP_PORT: String(port) };
    const first = startAppProcess({ main: APP_MAINS.allInOne, name: 'all-in-one #1', env });
    await first.waitForLog('ready', READY_TIMEOUT_MS);
    const rest1 = restClient(first.url('api'), deployment.token);
    expect(first.url('opampWs')).toBe(`ws://127.0.0.1:${port}/v1/opamp`);

    const fake = (scenario.agent = await startFakeAgent({
      endpoint: first.url('opampWs'),
      transport: 'websocket',
      token: deployment.token,
      // Long enough that no heartbeat falls inside the test: any message it sends is a reaction.
      heartbeatMs: 60_000,
      // Reconnect like an agent allowed to compress its first report (spec ≥ v0.16.0), so the
      // server must notice the missing state itself (wire-facts §7.31).
      compressOnReconnect: true,
      reconnect: { minMs: 50, maxMs: 500 },
      description: { identifying: { 'service.name': 'otelcol' }, nonIdentifying: { env: 'test', region: 'us-west-2' } },
    }, AGENT_START_TIMEOUT_MS));
    await waitForAgentView(rest1, fake.instanceUid, (a) => a.connected && a.labels['env'] === 'test', 'the agent in the inventory');

    // Push, not poll (wire-facts §6.2, §7.27): the config arrives with no agent message in between.
    const arrivals = recordArrivals(fake);
    const sentBeforePost = fake.sent.length;
    const created1 = await rest1.postConfig({ target: 'env=test', config: { receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } } } });
    const sentAtArrival = await fake.waitFor(() => arrivals.get(created1.configHash), {
      timeoutMs: 15_000,
      description: `config ${created1.configHash} pushed`,
    });
    expect(sentAtArrival).toBe(sentBeforePost);
    await fake.waitFor((a) => a.appliedHashes.includes(created1.configHash), { timeoutMs: 10_000, description: 'first config applied' });
    await waitForAgentView(rest1, fake.instanceUid, appliedAndTargeted(created1.configHash), 'first config APPLIED in the REST view');

    // Graceful restart on the same address and data dir.
    const disconnected = fake.waitFor((a) => !a.connected, { timeoutMs: 15_000, description: 'the drain closing the socket' });
    first.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    await disconnected;
    const sentMark = fake.sent.length;
    const receivedMark = fake.received.length;

    const second = startAppProcess({ main: APP_MAINS.allInOne, name: 'all-in-one #2', env });
    await second.waitForLog('ready', READY_TIMEOUT_MS);
    const rest2 = restClient(second.url('api'), deployment.token);

    // The reconnected agent's first report is compressed; the new server has no state and asks for it.
    await fake.waitFor((a) => a.connected && a.received.slice(receivedMark).some(asksFullState), {
      timeoutMs: 20_000,
      description: 'ReportFullState after the reconnect',
    });
    const afterReconnect = fake.sent.slice(sentMark);
    expect(afterReconnect[0]?.agentDescription ?? null).toBeNull();
    await fake.waitFor((a) => a.sent.slice(sentMark).some((m) => m.agentDescription), { description: 'the full state sent again' });

    // Still recorded as APPLIED after the restart (PGlite under the same DATA_DIR).
    await waitForAgentView(rest2, fake.instanceUid, (a) => a.connected && appliedAndTargeted(created1.configHash)(a), 'the agent online again with its config');
    const created2 = await rest2.postConfig({
      target: 'env=test',
      priority: 5,
      config: { receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:14317' } } } } },
    });
    await fake.waitFor((a) => a.appliedHashes.includes(created2.configHash), { timeoutMs: 15_000, description: 'second config applied after the restart' });
    await waitForAgentView(rest2, fake.instanceUid, appliedAndTargeted(created2.configHash), 'second config APPLIED in the REST view');
    expect(fake.currentConfig['collector.yaml']?.body.toString()).toContain('0.0.0.0:14317');
    expect(fake.violations).toEqual([]);
    expect(severeLogs(first, second)).toEqual([]);
  });
});
