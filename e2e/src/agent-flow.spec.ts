/**
 * The seed document's section 9.3 flow for real, with Shepherd's own agent:
 * the all-in-one server, the agent process (apps/agent) and the fake
 * collector it supervises. A config pushed through REST lands in the
 * collector's config file and the collector reloads it (SIGHUP, same pid);
 * a config the collector rejects is reported FAILED with its reason and the
 * collector keeps running on the previous config; a restart command
 * (REST) restarts the collector; with the server stopped the collector
 * keeps running, and when the server returns the agent reconnects and
 * converges to a config pushed after the restart.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startAppProcess, stopAllAppProcesses, waitFor, type AppProcess } from '@shepherd/testing';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForAgentView } from './support/agent-views.js';
import { APP_MAINS, FAKE_COLLECTOR, READY_TIMEOUT_MS } from './support/apps.js';
import { embeddedDeployment, type Deployment } from './support/deployment.js';
import { freePort } from './support/free-port.js';
import { severeLogs } from './support/log-checks.js';
import { restClient } from './support/rest-client.js';

const cleanups: Array<() => Promise<void>> = [];
const agents: AppProcess[] = [];
/** collector.pid files of the agents' state dirs: the collector outlives an agent that was SIGKILLed. */
const collectorPidFiles: string[] = [];

afterEach(async () => {
  // SIGTERM first, so each agent stops its collector; stopAllAppProcesses would SIGKILL it.
  await Promise.allSettled(agents.splice(0).map((a) => a.stop(10_000)));
  await stopAllAppProcesses();
  for (const file of collectorPidFiles.splice(0)) await killLeftover(file);
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function killLeftover(pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  // Only a process that still runs the scenario's collector config: a pid may have been reused.
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes(dirname(dirname(pidFile)))) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone: the agent stopped it.
  }
}

/** What the fake collector's /health answers. */
interface CollectorHealthJson {
  readonly status: string;
  readonly configSha256: string;
  readonly generation: number;
  readonly reloads: number;
  readonly lastError: string;
  readonly pid: number;
}

async function collectorHealth(port: number): Promise<CollectorHealthJson> {
  const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
  return (await res.json()) as CollectorHealthJson;
}

/** A collector config the fake collector runs, with its health endpoint on `healthPort`. */
function collectorConfig(healthPort: number, receivers: Record<string, unknown>, exporters: Record<string, unknown> = { debug: {} }): Record<string, unknown> {
  return {
    receivers,
    exporters,
    extensions: { health_check: { endpoint: `127.0.0.1:${healthPort}` } },
    service: {
      extensions: ['health_check'],
      pipelines: { traces: { receivers: Object.keys(receivers), exporters: Object.keys(exporters) } },
    },
  };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

interface Scenario {
  readonly deployment: Deployment;
  readonly opampPort: number;
  readonly healthPort: number;
  readonly dir: string;
  readonly configPath: string;
}

async function scenario(): Promise<Scenario> {
  const deployment = await embeddedDeployment();
  cleanups.push(() => deployment.cleanup());
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-e2e-agent-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return { deployment, opampPort: await freePort(), healthPort: await freePort(), dir, configPath: join(dir, 'collector.yaml') };
}

function startServer(s: Scenario, name: string): AppProcess {
  // A short drain Retry-After: a WebSocket agent honours it (2-4 s) before it tries again.
  return startAppProcess({ main: APP_MAINS.allInOne, name, env: { ...s.deployment.env, OPAMP_PORT: String(s.opampPort), OPAMP_RETRY_AFTER_SECONDS: '2' } });
}

/** Writes the agent's files: its YAML, the pinned public key and the initial collector config. */
async function writeAgentFiles(s: Scenario, apiUrl: string, transport: 'ws' | 'http'): Promise<string> {
  const keyRes = await fetch(`${apiUrl}/api/v1/config-signing-key`, { headers: { authorization: `Bearer ${s.deployment.token}` } });
  expect(keyRes.status).toBe(200);
  await writeFile(join(s.dir, 'signing.pub'), ((await keyRes.json()) as { publicKeyPem: string }).publicKeyPem);
  await writeFile(join(s.dir, 'initial.yaml'), stringify(collectorConfig(s.healthPort, { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:0' } } } })));
  const agentYaml = {
    opamp: {
      server: {
        endpoint: `${transport}://127.0.0.1:${s.opampPort}/v1/opamp`,
        headers: { Authorization: 'Bearer ${OPAMP_TOKEN}' },
        poll_interval: '1s',
        reconnect: { initial_interval: '200ms', max_interval: '1s' },
      },
      agent: { instance_id: 'e2e-agent', labels: { env: 'agent-e2e', transport } },
      health: { report_interval: '2s', metrics: ['cpu_usage', 'memory_usage'] },
      local_config_path: 'collector.yaml',
      state_dir: 'state',
      config_signing: { public_key_files: ['signing.pub'] },
    },
    collector: { binary: process.execPath, args: [FAKE_COLLECTOR], initial_config: 'initial.yaml', reload: 'sighup', health_timeout: '5s' },
  };
  const file = join(s.dir, 'agent.yaml');
  await writeFile(file, stringify(agentYaml));
  return file;
}

describe.each(['ws', 'http'] as const)('agent flow (seed 9.3) with the Shepherd agent over %s', (transport) => {
  it('applies a pushed config with a reload, reports a rejected one FAILED on the previous config, restarts the collector on command, and rides out a server restart', async () => {
    const s = await scenario();
    const first = startServer(s, 'all-in-one #1');
    await first.waitForLog('ready', READY_TIMEOUT_MS);
    const rest1 = restClient(first.url('api'), s.deployment.token);
    const agentFile = await writeAgentFiles(s, first.url('api'), transport);

    const agent = startAppProcess({
      main: APP_MAINS.agent,
      name: 'shepherd-agent',
      env: { SHEPHERD_AGENT_CONFIG: agentFile, OPAMP_TOKEN: s.deployment.token, LOG_LEVEL: 'info' },
    });
    agents.push(agent);
    collectorPidFiles.push(join(s.dir, 'state', 'collector.pid'));
    const started = await agent.waitForLog('agent started', READY_TIMEOUT_MS);
    const uid = started['instanceUid'] as string;
    // Wait until the supervisor has seen the collector up: a config arriving earlier is taken in by a restart, not a reload.
    const online = await waitForAgentView(rest1, uid, (a) => a.connected && a.health?.status === 'running', 'the agent online, its collector running');
    expect(online.labels).toMatchObject({ env: 'agent-e2e', transport, 'service.instance.id': 'e2e-agent' });
    expect(online.capabilities).toEqual(['ReportsStatus', 'AcceptsRemoteConfig', 'ReportsEffectiveConfig', 'AcceptsRestartCommand', 'ReportsHealth', 'ReportsRemoteConfig']);
    // Seed 5.1 metrics travel as ComponentHealth attributes and are served as health.metrics.
    expect(online.health?.metrics['memory_usage_bytes']).toBeGreaterThan(0);
    expect(online.health?.metrics).toHaveProperty('cpu_usage_percent');
    const initial = await waitFor(() => collectorHealth(s.healthPort).catch(() => undefined), { timeoutMs: 10_000, description: 'the collector serving /health' });
    expect(initial).toMatchObject({ status: 'ok', generation: 1, reloads: 0 });

    // 1. A pushed config lands in the collector's file and the collector reloads it (same process).
    const good = collectorConfig(s.healthPort, { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } }, { debug: {}, nop: {} });
    const created = await rest1.postConfig({ target: `env=agent-e2e,transport=${transport}`, config: good });
    expect(created.matchedAgents).toBe(1);
    const applied = await waitForAgentView(rest1, uid, (a) => a.remoteConfig.status === 'APPLIED' && a.remoteConfig.reportedHash === created.configHash, 'the config APPLIED');
    const written = await readFile(s.configPath, 'utf8');
    expect(written).toContain('0.0.0.0:4317');
    const reloaded = await collectorHealth(s.healthPort);
    expect(reloaded).toMatchObject({ status: 'ok', configSha256: sha256(written), generation: 2, reloads: 1, pid: initial.pid });
    expect(applied.effectiveConfig?.files['collector.yaml']?.body).toBe(written);

    // 2. A config the collector rejects (a receiver type it does not have) is FAILED with the reason; the previous config stays.
    const rejected = collectorConfig(s.healthPort, { otlp: {}, nosuchreceiver: {} });
    const bad = await rest1.postConfig({ target: `env=agent-e2e,transport=${transport}`, config: rejected });
    const failed = await waitForAgentView(rest1, uid, (a) => a.remoteConfig.status === 'FAILED' && a.remoteConfig.reportedHash === bad.configHash, 'the rejected config FAILED', 30_000);
    expect(failed.remoteConfig.errorMessage).toMatch(/nosuchreceiver/);
    expect(await readFile(s.configPath, 'utf8')).toBe(written);
    const afterReject = await collectorHealth(s.healthPort);
    // Same process, same config (the rollback may have reloaded the restored file once more).
    expect(afterReject).toMatchObject({ status: 'ok', configSha256: sha256(written), lastError: '', pid: initial.pid });
    expect(failed.effectiveConfig?.files['collector.yaml']?.body).toBe(written);

    // 3. The Restart command (POST /api/v1/agents/{uid}/restart) restarts the collector: a new process on the same config.
    const restartRes = await fetch(`${first.url('api')}/api/v1/agents/${uid}/restart`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.deployment.token}` },
    });
    expect(restartRes.status).toBe(202);
    await agent.waitForLog('collector restarted', 20_000);
    const restarted = await waitFor(
      async () => {
        const health = await collectorHealth(s.healthPort).catch(() => undefined);
        return health !== undefined && health.pid !== initial.pid && health.status === 'ok' ? health : undefined;
      },
      { timeoutMs: 15_000, description: 'the collector running again in a new process' },
    );
    expect(restarted).toMatchObject({ configSha256: sha256(written), generation: 1 });
    await waitForAgentView(rest1, uid, (a) => a.health?.healthy === true && a.health.status === 'running', 'healthy again after the restart');

    // 4. Server gone: the collector keeps running untouched, the agent keeps trying.
    first.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    const marker = agent.logCount;
    await agent.waitForLog('OpAMP connection attempt failed', 20_000, marker);
    expect(await collectorHealth(s.healthPort)).toMatchObject({ status: 'ok', configSha256: sha256(written), pid: restarted.pid });
    expect(agent.exit).toBeUndefined();

    // 5. Server back on the same address and data: the agent reconnects and converges to a new config.
    const second = startServer(s, 'all-in-one #2');
    await second.waitForLog('ready', READY_TIMEOUT_MS);
    const rest2 = restClient(second.url('api'), s.deployment.token);
    await waitForAgentView(rest2, uid, (a) => a.connected && a.remoteConfig.reportedHash === bad.configHash, 'the agent back online', 30_000);
    const fixed = collectorConfig(s.healthPort, { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:14317' } } } });
    const after = await rest2.postConfig({ target: `env=agent-e2e,transport=${transport}`, config: fixed });
    await waitForAgentView(rest2, uid, (a) => a.remoteConfig.status === 'APPLIED' && a.remoteConfig.reportedHash === after.configHash, 'the new config APPLIED after the restart', 30_000);
    const final = await readFile(s.configPath, 'utf8');
    expect(final).toContain('0.0.0.0:14317');
    await waitFor(async () => (await collectorHealth(s.healthPort)).configSha256 === sha256(final), { timeoutMs: 10_000, description: 'the collector running the new config' });
    expect((await collectorHealth(s.healthPort)).pid).toBe(restarted.pid);

    // 6. SIGTERM: goodbye to the server, then the collector stops.
    agent.kill('SIGTERM');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    await waitForAgentView(rest2, uid, (a) => !a.connected, 'the agent offline after its goodbye', 5_000);
    await expect(collectorHealth(s.healthPort)).rejects.toThrow();
    expect(severeLogs(first, second, agent)).toEqual([]);
  }, 240_000);
});
