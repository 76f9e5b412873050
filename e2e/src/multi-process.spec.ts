/**
 * The scaled-out deployment on real NATS, Redis and PostgreSQL: two gateway
 * processes, one config-service process and one admin-api process sharing one
 * bus prefix, Redis key prefix and schema. An agent behind a "load balancer"
 * (endpoint list B, A) gets a config through gateway B; B is killed with
 * SIGKILL; the agent fails over to A and converges to a config posted
 * afterwards, and no remote-config status is lost.
 */
import { randomBytes } from 'node:crypto';
import { startAppProcess, startFakeAgent, type AppProcess } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { appliedAndTargeted, waitForAgentView } from './support/agent-views.js';
import { AGENT_START_TIMEOUT_MS, APP_MAINS, READY_TIMEOUT_MS } from './support/apps.js';
import { severeLogs } from './support/log-checks.js';
import { oneAgentScenario } from './support/one-agent-scenario.js';
import { realEngineDeployment } from './support/deployment.js';
import { restClient } from './support/rest-client.js';

const scenario = oneAgentScenario();

async function ready(...apps: AppProcess[]): Promise<void> {
  await Promise.all(apps.map((app) => app.waitForLog('ready', READY_TIMEOUT_MS)));
}

describe('two gateways, config service and admin API as separate processes (real engines)', () => {
  it('delivers through the owning gateway, fails over to the other after kill -9, and keeps every remote-config status', async () => {
    const deployment = (scenario.deployment = await realEngineDeployment());
    const suffix = randomBytes(3).toString('hex');
    const gatewayIds = { a: `e2e-gw-a-${suffix}`, b: `e2e-gw-b-${suffix}` };
    // The consumer first, so the agents' first events find it (its stream is created either way).
    const configService = startAppProcess({ main: APP_MAINS.configService, name: 'config-service', env: deployment.env });
    const gatewayA = startAppProcess({ main: APP_MAINS.gateway, name: 'gateway A', env: { ...deployment.env, GATEWAY_ID: gatewayIds.a } });
    const gatewayB = startAppProcess({ main: APP_MAINS.gateway, name: 'gateway B', env: { ...deployment.env, GATEWAY_ID: gatewayIds.b } });
    const adminApi = startAppProcess({ main: APP_MAINS.adminApi, name: 'admin-api', env: deployment.env });
    await ready(configService, gatewayA, gatewayB, adminApi);
    const rest = restClient(adminApi.url('api'), deployment.token);

    // Fails over in list order, like an agent behind a load balancer: B first, then A.
    const fake = (scenario.agent = await startFakeAgent({
      endpoint: [gatewayB.url('opampWs'), gatewayA.url('opampWs')],
      transport: 'websocket',
      token: deployment.token,
      heartbeatMs: 2_000,
      reconnect: { minMs: 50, maxMs: 500 },
      description: { identifying: { 'service.name': 'otelcol' }, nonIdentifying: { env: 'test', region: 'us-west-2' } },
    }, AGENT_START_TIMEOUT_MS));
    expect(fake.endpoint).toBe(gatewayB.url('opampWs'));
    await waitForAgentView(rest, fake.instanceUid, (a) => a.connected && a.gatewayId === gatewayIds.b, 'the agent online through gateway B');

    const created1 = await rest.postConfig({ target: 'env=test,region=us-west-2', config: { receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } } } });
    expect(created1.matchedAgents).toBe(1);
    await fake.waitFor((a) => a.appliedHashes.includes(created1.configHash), { timeoutMs: 20_000, description: 'first config applied through gateway B' });
    await waitForAgentView(rest, fake.instanceUid, appliedAndTargeted(created1.configHash), 'first config APPLIED in the REST view');

    // kill -9: no drain, no agent_disconnect, B's ownership claim stays in Redis until its TTL.
    gatewayB.kill('SIGKILL');
    expect(await gatewayB.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await fake.waitFor((a) => a.connected && a.endpoint === gatewayA.url('opampWs'), { timeoutMs: 15_000, description: 'the agent reconnected to gateway A' });
    await waitForAgentView(rest, fake.instanceUid, (a) => a.connected && a.gatewayId === gatewayIds.a, 'the agent online through gateway A');

    const created2 = await rest.postConfig({
      target: 'env=test,region=us-west-2',
      priority: 1,
      config: { receivers: { otlp: { protocols: { http: { endpoint: '0.0.0.0:4318' } } } } },
    });
    await fake.waitFor((a) => a.appliedHashes.includes(created2.configHash), { timeoutMs: 20_000, description: 'second config applied through gateway A' });
    await waitForAgentView(rest, fake.instanceUid, appliedAndTargeted(created2.configHash), 'second config APPLIED in the REST view');
    expect(fake.appliedHashes).toEqual([created1.configHash, created2.configHash]);
    expect(fake.violations).toEqual([]);

    // Status per agent and hash (wire-facts §7.50): both reports survive the failover.
    const store = await deployment.openStore();
    try {
      const { rows } = await store.query<{ config_hash: string; status: string }>(
        'SELECT config_hash, status FROM agent_config_status WHERE instance_uid = $1 ORDER BY updated_at',
        [fake.instanceUid],
      );
      expect(rows.map((r) => [r.config_hash, r.status])).toEqual([
        [created1.configHash, 'APPLIED'],
        [created2.configHash, 'APPLIED'],
      ]);
    } finally {
      await store.close();
    }
    for (const app of [configService, gatewayA, adminApi]) expect(app.exit).toBeUndefined();
    expect(severeLogs(configService, gatewayA, gatewayB, adminApi)).toEqual([]);
  });
});
