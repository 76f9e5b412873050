import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopbackAppEnv, startAppProcess, stopAllAppProcesses, uniqueName } from '@shepherd/testing';
import type { CleanupStack } from './cleanup-stack.js';
import { collectGarbage, GC_ON_SIGUSR2 } from './gc-signal.js';
import { countApplied, countConnected, pacedProbe, restGetter, type Pacing } from './rest-counts.js';
import { directoryCheck, verifyNothingLeft } from './run-leftovers.js';
import { buildAppBundles, MAINS } from './app-bundles.js';
import { READY_TIMEOUT_MS } from './scale-deployment.js';
import type { ScaleSystem, ScaleSystemOptions } from './scale-system.js';

/**
 * Store counts go through the REST API of the process under test, whose database (PGlite) runs
 * on the gateway's event loop: at most one count every 500 ms, and reads at most half the time
 * (19 500 agents are 20 pages of the agent list). The embedded store figures are that much
 * coarser: to about the duration of two reads.
 */
const REST_PACING: Pacing = { minIntervalMs: 500, maxDuty: 0.5 };
const ID = 'all-in-one';

/**
 * Starts one `apps/all-in-one` process (gateway, config service and REST API) on the embedded
 * adapters: PGlite under a temporary DATA_DIR, the in-process bus and in-memory ownership (no
 * NATS_URL, REDIS_URL or DATABASE_URL: the child gets only the environment given here). Its
 * store counts come from its REST API. `cleanup` stops it, removes the directory and verifies
 * that it is gone.
 */
export async function startEmbeddedSystem(options: ScaleSystemOptions, cleanup: CleanupStack): Promise<ScaleSystem> {
  await buildAppBundles();
  const name = uniqueName('scale');
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'shepherd-scale-embedded-'));
  cleanup.add(`verify that ${dataDir} is gone`, () => verifyNothingLeft([directoryCheck(dataDir)], (line) => void process.stderr.write(`cleanup: ${line}\n`)));
  cleanup.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  cleanup.add('stop the all-in-one process', () => stopAllAppProcesses());
  const profDir = options.cpuProfDir === undefined ? undefined : join(options.cpuProfDir, ID);
  if (profDir !== undefined) await mkdir(profDir, { recursive: true });
  const app = startAppProcess({
    main: MAINS.allInOne,
    name: ID,
    env: { ...loopbackAppEnv({ token, dataDir }), ...options.env },
    logLimit: 2_000,
    nodeArgs: [...GC_ON_SIGUSR2, ...(profDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir])],
  });
  await app.waitForLog('ready', READY_TIMEOUT_MS);
  const get = restGetter(app.url('api'), token);
  const selector = `bench=${name}`;
  const online = pacedProbe(() => countConnected(get, selector), REST_PACING);
  const applied = pacedProbe((hash: string) => countApplied(get, hash), REST_PACING);
  const gateway = { id: ID, app };
  return Object.freeze({
    engines: 'embedded',
    description: `one all-in-one process (gateway, config service, REST API) on PGlite, the in-process bus and in-memory ownership (${dataDir})`,
    name,
    token,
    gateways: [gateway],
    processes: [gateway],
    apiUrl: app.url('api'),
    configService: app,
    storeOnline: () => online(undefined),
    storeApplied: (hash: string) => applied(hash),
    settleMemory: () => collectGarbage([app]),
    async stopProfiled() {
      if (profDir === undefined) return [];
      await app.stop(30_000);
      return (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profDir, f)).sort();
    },
  } satisfies ScaleSystem);
}
