import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const BUILD_APP = resolve(REPO_ROOT, 'tools/build-app.mjs');

/** The apps the benchmarks start: their source folder and the name of their bundle under dist/apps. */
const APPS = Object.freeze({
  gateway: { dir: 'apps/gateway', bundle: 'gateway-app' },
  configService: { dir: 'apps/config-service', bundle: 'config-service-app' },
  adminApi: { dir: 'apps/admin-api', bundle: 'admin-api' },
  loadgen: { dir: 'apps/loadgen', bundle: 'loadgen' },
  allInOne: { dir: 'apps/all-in-one', bundle: 'all-in-one' },
});

/**
 * Entry points of the processes a benchmark starts: the bundles `npm run build` makes
 * (tools/build-app.mjs), which is what a deployment runs, not the sources under tsx: tsx keeps
 * function names with a `__name` call in every closure it creates, which cost the gateway about
 * a tenth of its CPU per HTTP poll. Built by {@link buildAppBundles}.
 */
export const MAINS: Readonly<Record<keyof typeof APPS, string>> = Object.freeze(
  Object.fromEntries(Object.entries(APPS).map(([key, app]) => [key, resolve(REPO_ROOT, 'dist/apps', app.bundle, 'main.js')])) as Record<keyof typeof APPS, string>,
);

let built: Promise<void> | undefined;

/**
 * Builds every bundle in {@link MAINS} from the current sources, once per process. One after the
 * other: each build also copies the store's migrations to dist/migrations.
 */
export function buildAppBundles(): Promise<void> {
  built ??= (async () => {
    for (const app of Object.values(APPS)) await promisify(execFile)(process.execPath, [BUILD_APP, resolve(REPO_ROOT, app.dir)], { cwd: REPO_ROOT });
  })();
  return built;
}
