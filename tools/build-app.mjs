#!/usr/bin/env node
// Bundles one app into dist/apps/<name>/main.js for deployment. Workspace libs
// (@shepherd/*) are source-only packages, so they are bundled in; third-party
// packages stay external and come from the root node_modules at run time, except
// those installed nested under a workspace, which are bundled in (see below).
import { build } from 'esbuild';
import { cpSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const appDir = process.argv[2];
if (!appDir) {
  console.error('usage: build-app.mjs <app dir>');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(resolve(appDir, 'package.json'), 'utf8'));
const name = pkg.nx?.name ?? pkg.name;

await build({
  entryPoints: [resolve(appDir, 'src/main.ts')],
  outfile: resolve(root, 'dist/apps', name, 'main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'external-third-party',
      setup(b) {
        const hoisted = resolve(root, 'node_modules') + '/';
        b.onResolve({ filter: /^[^./]/ }, async (args) => {
          if (args.path.startsWith('@shepherd/') || args.pluginData?.probing) return undefined;
          // The bundle imports externals from dist/apps/<name>/, which finds the hoisted copy
          // in the root node_modules. A package npm had to install nested under a workspace
          // (another version is hoisted, e.g. lru-cache 11 beside babel's lru-cache 5) would
          // then load the wrong version: bundle such a package in instead.
          const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: { probing: true } });
          if (found.errors.length > 0 || found.path.startsWith(hoisted) || !found.path.includes('/node_modules/')) {
            return { path: args.path, external: true };
          }
          return undefined;
        });
      },
    },
  ],
});
// @shepherd/store finds its SQL migrations at '../../migrations/' from its own
// module; bundled, that module is dist/apps/<name>/main.js, so they go to dist/migrations.
cpSync(resolve(root, 'libs/store/migrations'), resolve(root, 'dist/migrations'), { recursive: true });
console.log(`built dist/apps/${name}/main.js`);
