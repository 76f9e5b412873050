/**
 * Interop with the real @elastic/opamp-client-node 0.5.0 (plain HTTP,
 * polling) against the all-in-one process on embedded adapters: first report,
 * a config offered in a poll reply and APPLIED, heartbeats going on, a second
 * config replacing it, and no config ever offered twice.
 */
import { startAppProcess, startElasticAgent, stopAllAppProcesses, type ElasticAgent } from '@shepherd/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { appliedAndTargeted, waitForAgentView } from './support/agent-views.js';
import { AGENT_START_TIMEOUT_MS, APP_MAINS, READY_TIMEOUT_MS } from './support/apps.js';
import { severeLogs } from './support/log-checks.js';
import { embeddedDeployment, type Deployment } from './support/deployment.js';
import { restClient } from './support/rest-client.js';

let elastic: ElasticAgent | undefined;
let deployment: Deployment | undefined;

afterEach(async () => {
  await elastic?.stop();
  elastic = undefined;
  await stopAllAppProcesses();
  const finished = deployment;
  deployment = undefined;
  await finished?.cleanup();
});

/** How many poll replies offered each config hash. */
function offersPerHash(agent: ElasticAgent): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const exchange of agent.exchanges) {
    const hash = exchange.reply.remoteConfigHash;
    if (hash !== undefined) counts[hash] = (counts[hash] ?? 0) + 1;
  }
  return counts;
}

describe('Elastic OpAMP client (HTTP) against all-in-one', () => {
  it('reports, gets a config in a poll reply, records APPLIED, keeps heartbeating, takes a second config, and is offered each config exactly once', async () => {
    deployment = await embeddedDeployment();
    const server = startAppProcess({ main: APP_MAINS.allInOne, name: 'all-in-one', env: deployment.env });
    // Quirk 10 of the harness README: any failed request costs ≥ 30 s, so the server must be ready first.
    await server.waitForLog('ready', READY_TIMEOUT_MS);
    const rest = restClient(server.url('api'), deployment.token);

    const applied: string[] = [];
    elastic = await startElasticAgent({
      endpoint: server.url('opamp'),
      token: deployment.token,
      labels: { env: 'test', region: 'us-west-2' },
      heartbeatSeconds: 1,
      onRemoteConfig: (files) => {
        const body = files['collector.yaml']?.body.toString() ?? '';
        applied.push(body);
      },
      startTimeoutMs: AGENT_START_TIMEOUT_MS,
    });
    const agent = elastic;
    const uid = agent.instanceUid;

    // First report: full state (description), answered to the same uid (wire-facts §6.4, §7.20).
    expect(agent.exchanges[0]!.sentDescription).toBe(true);
    await waitForAgentView(rest, uid, (a) => a.labels['env'] === 'test' && a.connected, 'the Elastic agent in the inventory');

    const first = await rest.postConfig({ target: 'env=test', config: { receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } } } });
    expect(first.matchedAgents).toBe(1);
    // HTTP: the offer waits for the next poll (wire-facts §7.28).
    await agent.waitFor((a) => a.appliedHashes.includes(first.configHash), { timeoutMs: 15_000, description: `config ${first.configHash} applied` });
    await waitForAgentView(rest, uid, appliedAndTargeted(first.configHash), 'first config APPLIED in the REST view');
    expect(applied[0]).toContain('0.0.0.0:4317');

    // Heartbeats (polls) go on after the config is applied.
    const seen = agent.exchanges.length;
    await agent.waitFor((a) => a.exchanges.length >= seen + 3, { timeoutMs: 10_000, description: 'three more heartbeats' });

    const second = await rest.postConfig({
      target: 'env=test',
      priority: 10,
      config: { receivers: { otlp: { protocols: { http: { endpoint: '0.0.0.0:4318' } } } } },
    });
    expect(second.configHash).not.toBe(first.configHash);
    await agent.waitFor((a) => a.appliedHashes.includes(second.configHash), { timeoutMs: 15_000, description: `config ${second.configHash} applied` });
    await waitForAgentView(rest, uid, appliedAndTargeted(second.configHash), 'second config APPLIED in the REST view');
    expect(applied[1]).toContain('0.0.0.0:4318');

    // A few more polls after the last APPLIED: a re-offer would show up here (wire-facts §7.49).
    const settled = agent.exchanges.length;
    await agent.waitFor((a) => a.exchanges.length >= settled + 3, { timeoutMs: 10_000, description: 'three heartbeats after the second config' });

    expect(offersPerHash(agent)).toEqual({ [first.configHash]: 1, [second.configHash]: 1 });
    expect(agent.appliedHashes).toEqual([first.configHash, second.configHash]);
    expect(agent.failures).toEqual([]);
    expect(agent.exchanges.every((e) => e.reply.instanceUid === e.instanceUid)).toBe(true);
    expect(agent.logs).toEqual([]);
    expect(severeLogs(server)).toEqual([]);
  });
});
