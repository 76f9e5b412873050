/**
 * The deployable artefact: `npm run build` bundles each app into dist/apps/<name>/main.js
 * (tools/build-app.mjs) with third-party packages left to node_modules, except those npm had
 * to install nested under a workspace, which the bundle must carry itself (from dist/ the
 * hoisted copy, possibly another major version, is the one node would find). This builds the
 * all-in-one bundle from the current sources and runs it as a deployment does, without tsx:
 * it must start on embedded defaults, authenticate agents and take a config to APPLIED.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startAppProcess, startFakeAgent } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { appliedAndTargeted, waitForAgentView } from './support/agent-views.js';
import { AGENT_START_TIMEOUT_MS, READY_TIMEOUT_MS } from './support/apps.js';
import { embeddedDeployment } from './support/deployment.js';
import { severeLogs } from './support/log-checks.js';
import { oneAgentScenario } from './support/one-agent-scenario.js';
import { restClient, SEED_BODY } from './support/rest-client.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const BUNDLE = resolve(REPO_ROOT, 'dist/apps/all-in-one/main.js');

const scenario = oneAgentScenario();

describe('the built all-in-one bundle', () => {
  it('runs from dist/ with plain node, serves an HTTP agent and takes a config to APPLIED', async () => {
    const built = await promisify(execFile)(process.execPath, [resolve(REPO_ROOT, 'tools/build-app.mjs'), resolve(REPO_ROOT, 'apps/all-in-one')], { cwd: REPO_ROOT });
    expect(built.stdout).toContain('built dist/apps/all-in-one/main.js');
    const deployment = (scenario.deployment = await embeddedDeployment());
    const server = startAppProcess({ main: BUNDLE, name: 'all-in-one (bundle)', env: deployment.env });
    await server.waitForLog('ready', READY_TIMEOUT_MS);
    const rest = restClient(server.url('api'), deployment.token);

    // HTTP polling: every poll is authenticated, the second and later ones from the token cache.
    const fake = (scenario.agent = await startFakeAgent({
      endpoint: server.url('opamp'),
      transport: 'http',
      token: deployment.token,
      pollMs: 500,
      description: { identifying: { 'service.name': 'otelcol' }, nonIdentifying: { env: 'test', region: 'us-west-2' } },
    }, AGENT_START_TIMEOUT_MS));
    await waitForAgentView(rest, fake.instanceUid, (a) => a.connected, 'the HTTP agent online');
    const created = await rest.postConfig(SEED_BODY);
    await fake.waitFor((a) => a.appliedHashes.includes(created.configHash), { timeoutMs: 20_000, description: 'the seed config applied' });
    await waitForAgentView(rest, fake.instanceUid, appliedAndTargeted(created.configHash), 'remote config APPLIED in the REST view');
    expect(fake.violations).toEqual([]);
    expect(severeLogs(server)).toEqual([]);
  });
});
