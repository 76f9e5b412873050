/**
 * The seed document's end-to-end script (section 9.3) as a test: start the
 * server, connect an agent labelled env=test, region=us-west-2, push the seed
 * config over REST, and find `0.0.0.0:4317` in the agent's config.yaml. Run on
 * embedded adapters and on the real engines.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppProcess, startFakeAgent, stopAllAppProcesses, type FakeAgent } from '@shepherd/testing';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { appliedAndTargeted, waitForAgentView } from './support/agent-views.js';
import { AGENT_START_TIMEOUT_MS, APP_MAINS, READY_TIMEOUT_MS } from './support/apps.js';
import { severeLogs } from './support/log-checks.js';
import { embeddedDeployment, realEngineDeployment, type Deployment } from './support/deployment.js';
import { restClient, SEED_BODY, SEED_CONFIG } from './support/rest-client.js';

const agents: FakeAgent[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.allSettled(agents.splice(0).map((a) => a.stop()));
  await stopAllAppProcesses();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each([
  ['embedded', embeddedDeployment],
  ['real engines', realEngineDeployment],
] as const)('seed flow (section 9.3) on %s', (_kind, createDeployment: () => Promise<Deployment>) => {
  it('pushes the seed config to the env=test,region=us-west-2 agent, which writes it to config.yaml; an env=prod agent gets nothing', async () => {
    const deployment = await createDeployment();
    cleanups.push(() => deployment.cleanup());
    const agentDir = await mkdtemp(join(tmpdir(), 'shepherd-e2e-agent-'));
    cleanups.push(() => rm(agentDir, { recursive: true, force: true }));
    const configPath = join(agentDir, 'config.yaml');

    // 1. Start the server.
    const server = startAppProcess({ main: APP_MAINS.allInOne, name: `all-in-one (${deployment.kind})`, env: deployment.env });
    await server.waitForLog('ready', READY_TIMEOUT_MS);
    const rest = restClient(server.url('api'), deployment.token);

    // 2. Start the agents (WebSocket; the seed uses wss://…:4320/v1/opamp).
    const testAgent = await startFakeAgent({
      endpoint: server.url('opampWs'),
      transport: 'websocket',
      token: deployment.token,
      heartbeatMs: 5_000,
      description: {
        identifying: { 'service.name': 'otelcol-contrib', 'service.instance.id': 'seed-agent-test' },
        nonIdentifying: { env: 'test', region: 'us-west-2', 'host.name': 'opamp-agent' },
      },
      applyConfig: async (files) => {
        const file = files['collector.yaml'];
        if (file === undefined) throw new Error(`no collector.yaml in ${Object.keys(files).join(', ')}`);
        await writeFile(configPath, file.body);
      },
    }, AGENT_START_TIMEOUT_MS);
    agents.push(testAgent);
    const prodAgent = await startFakeAgent({
      endpoint: server.url('opampWs'),
      transport: 'websocket',
      token: deployment.token,
      heartbeatMs: 5_000,
      description: {
        identifying: { 'service.name': 'otelcol-contrib', 'service.instance.id': 'seed-agent-prod' },
        nonIdentifying: { env: 'prod', region: 'us-west-2' },
      },
    }, AGENT_START_TIMEOUT_MS);
    agents.push(prodAgent);

    // 3. Verify the connection: both agents are in the inventory with their labels.
    for (const agent of [testAgent, prodAgent]) {
      await waitForAgentView(rest, agent.instanceUid, (a) => a.connected && a.labels['region'] === 'us-west-2', `agent ${agent.instanceUid} in the inventory`);
    }

    // 4. Push the seed configuration.
    const created = await rest.postConfig(SEED_BODY);
    expect(created.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(created.matchedAgents).toBe(1);

    // 5. Verify it was applied: config.yaml holds the pushed receiver.
    await testAgent.waitFor((a) => a.appliedHashes.includes(created.configHash), {
      timeoutMs: 20_000,
      description: `config ${created.configHash} applied by the env=test agent`,
    });
    const written = await readFile(configPath, 'utf8');
    expect(written).toContain('0.0.0.0:4317');
    expect(parse(written)).toEqual(SEED_CONFIG);

    const view = await waitForAgentView(rest, testAgent.instanceUid, appliedAndTargeted(created.configHash), 'remote config APPLIED in the REST view');
    expect(view.remoteConfig.errorMessage ?? '').toBe('');

    // The prod agent matches no assignment: no target, no offer (wire-facts §7.46-48).
    const prodView = await rest.getAgent(prodAgent.instanceUid);
    expect(prodView?.remoteConfig.targetHash).toBeNull();
    expect(prodAgent.received.filter((m) => m.remoteConfig)).toEqual([]);
    expect(prodAgent.appliedHashes).toEqual([]);
    expect(await rest.listAgents({ env: 'test', region: 'us-west-2' })).toEqual([expect.objectContaining({ instanceUid: testAgent.instanceUid })]);
    expect([...testAgent.violations, ...prodAgent.violations]).toEqual([]);
    expect(severeLogs(server)).toEqual([]);
  });
});
