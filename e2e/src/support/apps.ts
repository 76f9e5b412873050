import { resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** Entry points of the apps the scenarios run as processes (with `node --import tsx`). */
export const APP_MAINS = Object.freeze({
  allInOne: resolve(REPO_ROOT, 'apps/all-in-one/src/main.ts'),
  gateway: resolve(REPO_ROOT, 'apps/gateway/src/main.ts'),
  configService: resolve(REPO_ROOT, 'apps/config-service/src/main.ts'),
  adminApi: resolve(REPO_ROOT, 'apps/admin-api/src/main.ts'),
  agent: resolve(REPO_ROOT, 'apps/agent/src/main.ts'),
});

/** The fake OpenTelemetry Collector the agent scenarios supervise. */
export const FAKE_COLLECTOR = resolve(REPO_ROOT, 'tools/fake-collector/fake-collector.mjs');

/** How long a process may take from spawn to its `ready` line (tsx compiles the app first). */
export const READY_TIMEOUT_MS = 45_000;

/** How long an agent may wait for its first reply from a ready server on a loaded test machine. */
export const AGENT_START_TIMEOUT_MS = 15_000;
