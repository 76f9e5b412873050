/**
 * The agent loop (OpAMP client wired to a CollectorPort) with a fake port:
 * against the all-in-one server for remote config, status, effective config
 * and health as the REST API shows them; against the scripted endpoint for
 * the restart command, which the server cannot send yet.
 */
import { CommandType, toBigInt, type IAgentToServer } from '@shepherd/proto';
import { stopAllAppProcesses } from '@shepherd/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentConfig, type AgentConfig } from './agent-config.js';
import { FakeCollectorPort } from './fake-collector-port.test-helpers.js';
import { removeStateDirs, tempStateDir } from './opamp-client.test-helpers.js';
import { startScriptedOpampServer } from './scripted-opamp-server.test-helpers.js';
import { ShepherdAgent } from './shepherd-agent.js';
import { startTestServer, type TestServer } from './shepherd-server.test-helpers.js';
import { waitFor } from '@shepherd/testing';

let server: TestServer;
const agents: ShepherdAgent[] = [];

beforeAll(async () => {
  server = await startTestServer();
}, 90_000);

afterEach(async () => {
  await Promise.allSettled(agents.splice(0).map((a) => a.stop()));
  await removeStateDirs();
});

afterAll(async () => {
  await server?.dispose();
  await stopAllAppProcesses();
});

async function agentConfig(endpoint: string, token: string, label: string, extra = ''): Promise<AgentConfig> {
  const stateDir = await tempStateDir();
  const yaml = `
opamp:
  server:
    endpoint: ${endpoint}
    headers: { Authorization: "Bearer \${TOKEN}" }
    poll_interval: 300ms
    reconnect: { initial_interval: 50ms, max_interval: 200ms }
  agent:
    instance_id: ${label}
    labels: { suite: ${label} }
  health: { report_interval: 1s }
  local_config_path: ${stateDir}/collector.yaml
  state_dir: ${stateDir}
  config_signing: { required: false }
${extra}`;
  return parseAgentConfig(yaml, { source: 'spec', baseDir: stateDir, env: { TOKEN: token } });
}

function startAgent(config: AgentConfig, collector: FakeCollectorPort): Promise<ShepherdAgent> {
  const agent = new ShepherdAgent({ config, collector, agentVersion: '0.0.0-spec' });
  agents.push(agent);
  return agent.start().then(() => agent);
}

const COLLECTOR_YAML = 'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n';

describe.each(['ws', 'http'] as const)('ShepherdAgent over %s against the all-in-one server', (scheme) => {
  const endpoint = (): string => (scheme === 'http' ? server.httpUrl : server.wsUrl);

  it('applies a pushed config through the port and reports APPLYING, APPLIED, the effective config and health', async () => {
    const label = `applied-${scheme}`;
    const collector = new FakeCollectorPort();
    // Long enough that APPLYING also goes out over HTTP, where only the latest state is sent per poll.
    collector.applyDelayMs = 400;
    const agent = await startAgent(await agentConfig(endpoint(), server.token, label), collector);
    const uid = agent.instanceUid!;
    const online = await server.waitForAgent(uid, (a) => a.connected && a.health !== null, 'the agent online with health');
    // The measured metrics reach the server as ComponentHealth attributes and come back as health.metrics.
    expect(online.health).toEqual({ healthy: true, status: 'running', lastError: '', metrics: { cpu_usage_percent: 1.5, memory_usage_bytes: 1024 } });
    expect(online.effectiveConfig?.files['collector.yaml']?.body).toBe('receivers: {}\n');

    const statuses: string[] = [];
    agent.client.on('sent', (m: IAgentToServer) => {
      if (m.remoteConfigStatus) statuses.push(String(m.remoteConfigStatus.status));
    });
    const hash = await server.postConfig(`suite=${label}`, COLLECTOR_YAML);
    const view = await server.waitForAgent(uid, (a) => a.remoteConfig.status === 'APPLIED' && a.remoteConfig.reportedHash === hash, 'APPLIED');
    expect(collector.applied).toHaveLength(1);
    expect(collector.applied[0]!.hash).toBe(hash);
    expect(collector.applied[0]!.files.map((f) => f.name).sort()).toEqual(['collector.yaml', 'shepherd.signature.json']);
    expect(view.effectiveConfig?.files['collector.yaml']?.body).toBe(COLLECTOR_YAML);
    // APPLYING (2) went out before APPLIED (1).
    expect(statuses).toEqual(['2', '1']);
  });

  it('reports FAILED with the reason when the collector rejects a config, and keeps the previous effective config', async () => {
    const label = `failed-${scheme}`;
    const collector = new FakeCollectorPort();
    collector.failures.push('collector rejected the config: unknown receiver "nope"');
    const agent = await startAgent(await agentConfig(endpoint(), server.token, label), collector);
    const uid = agent.instanceUid!;
    await server.waitForAgent(uid, (a) => a.connected, 'the agent online');

    const hash = await server.postConfig(`suite=${label}`, COLLECTOR_YAML);
    const view = await server.waitForAgent(uid, (a) => a.remoteConfig.status === 'FAILED', 'FAILED');
    expect(view.remoteConfig).toMatchObject({ reportedHash: hash, errorMessage: 'collector rejected the config: unknown receiver "nope"' });
    expect(view.effectiveConfig?.files['collector.yaml']?.body).toBe('receivers: {}\n');
    // Not retried in a loop: one attempt for this hash.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(collector.applied).toHaveLength(1);
  });
});

describe('ShepherdAgent lifecycle', () => {
  it('reports the config it already runs as APPLIED from the start, so the server does not offer it again', async () => {
    const label = 'restarted';
    const first = new FakeCollectorPort();
    const config = await agentConfig(server.wsUrl, server.token, label);
    const agent = await startAgent(config, first);
    const hash = await server.postConfig(`suite=${label}`, COLLECTOR_YAML);
    await server.waitForAgent(agent.instanceUid!, (a) => a.remoteConfig.status === 'APPLIED', 'APPLIED');
    await agent.stop();
    expect(first.calls).toEqual(['start', 'apply', 'stop']);

    const again = new FakeCollectorPort({ files: first.effectiveConfig(), appliedHash: Buffer.from(hash, 'hex') });
    const restarted = await startAgent(config, again);
    expect(restarted.instanceUid).toBe(agent.instanceUid);
    await server.waitForAgent(agent.instanceUid!, (a) => a.connected && a.remoteConfig.status === 'APPLIED' && a.remoteConfig.reportedHash === hash, 'online, APPLIED');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(again.calls).toEqual(['start']);
  });

  it('reports health on change and on the interval', async () => {
    const collector = new FakeCollectorPort();
    const agent = await startAgent(await agentConfig(server.wsUrl, server.token, 'health'), collector);
    const healthSent: IAgentToServer[] = [];
    agent.client.on('sent', (m: IAgentToServer) => {
      if (m.health) healthSent.push(m);
    });
    await server.waitForAgent(agent.instanceUid!, (a) => a.connected, 'online');
    collector.setHealth({ healthy: false, status: 'degraded', lastError: 'exporter failing' });
    await server.waitForAgent(agent.instanceUid!, (a) => a.health?.status === 'degraded', 'the changed health');
    const degraded = healthSent.find((m) => m.health?.status === 'degraded')?.health;
    expect(degraded).toMatchObject({ healthy: false, lastError: 'exporter failing' });
    expect(degraded?.attributes).toEqual([
      { key: 'cpu_usage_percent', value: { doubleValue: 1.5 } },
      { key: 'memory_usage_bytes', value: { doubleValue: 1024 } },
    ]);
    // Unchanged health still goes out every report_interval (1 s here).
    const seen = healthSent.length;
    await waitFor(() => healthSent.length >= seen + 2, { timeoutMs: 5_000, description: 'two interval reports' });
    expect(healthSent.slice(seen).map((m) => m.health?.status)).toEqual(['degraded', 'degraded']);
  });

  it('restarts the collector on the Restart command, reports health around it, and stops in order', async () => {
    const scripted = await startScriptedOpampServer();
    try {
      const collector = new FakeCollectorPort();
      const agent = await startAgent(await agentConfig(scripted.wsUrl, 'unused', 'restart'), collector);
      await waitFor(() => scripted.received.length > 0, { description: 'the first report' });
      const uid = scripted.received[0]!.message.instanceUid;
      scripted.push({ instanceUid: uid, command: { type: CommandType.CommandType_Restart } });
      await waitFor(() => collector.calls.includes('restart'), { description: 'the restart' });
      await waitFor(() => scripted.received.some((r) => r.message.health?.status === 'restarting'), { description: 'health while restarting' });
      await waitFor(() => scripted.received.at(-1)?.message.health?.status === 'running', { description: 'health after the restart' });

      await agent.stop();
      expect(collector.calls).toEqual(['start', 'restart', 'stop']);
      const last = scripted.received.at(-1)!.message;
      expect(last.agentDisconnect).toBeTruthy();
      expect(toBigInt(last.sequenceNum)).toBe(BigInt(scripted.received.length - 1));
    } finally {
      await scripted.close();
    }
  });
});
