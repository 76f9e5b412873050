#!/usr/bin/env node
// Regenerates libs/proto/src/generated from libs/proto/proto.
//
// Usage (from anywhere): node libs/proto/scripts/gen-proto.mjs [--out <dir>]
// Default <dir> is libs/proto/src/generated. The drift spec passes a temp dir
// and compares the result with the committed files byte for byte, so this
// script must stay deterministic: it runs pbjs/pbts from the lib root with
// relative paths only and adds no timestamps.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postProcessDts, postProcessJs } from './post-process.mjs';

const libRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pbjsBin = require.resolve('protobufjs-cli/bin/pbjs');
const pbtsBin = require.resolve('protobufjs-cli/bin/pbts');

/** One output module per proto package; `root` keeps their protobufjs roots apart. */
const BUNDLES = [
  {
    name: 'opamp',
    root: 'shepherd_opamp',
    target: 'static-module',
    files: ['proto/opamp/v1/opamp.proto', 'proto/opamp/v1/anyvalue.proto'],
  },
  {
    name: 'bus',
    root: 'shepherd_bus',
    target: 'static-module',
    files: ['proto/shepherd/bus/v1/envelopes.proto'],
  },
  {
    // Reflection view of every type; the codec uses it to check wire types
    // and UTF-8 that the static decoders silently tolerate.
    name: 'descriptor',
    root: 'shepherd_descriptor',
    target: 'json-module',
    files: ['proto/opamp/v1/opamp.proto', 'proto/opamp/v1/anyvalue.proto', 'proto/shepherd/bus/v1/envelopes.proto'],
  },
];

function parseOutDir(argv) {
  const i = argv.indexOf('--out');
  if (i === -1) return join(libRoot, 'src', 'generated');
  const dir = argv[i + 1];
  if (!dir) throw new Error('--out needs a directory');
  return resolve(dir);
}

function run(bin, args) {
  // cwd = lib root so that only relative paths reach the generators.
  execFileSync(process.execPath, [bin, ...args], { cwd: libRoot, stdio: ['ignore', 'inherit', 'inherit'] });
}

function generate(bundle, outDir) {
  const js = join(outDir, `${bundle.name}.js`);
  const dts = join(outDir, `${bundle.name}.d.ts`);
  const common = ['-t', bundle.target, '-w', 'es6', '--es6', '-r', bundle.root, '-p', 'proto'];
  const staticOnly = bundle.target === 'static-module' ? ['--force-long', '--alt-comment'] : [];
  run(pbjsBin, [...common, ...staticOnly, '-o', js, ...bundle.files]);
  writeFileSync(js, postProcessJs(readFileSync(js, 'utf8'), bundle.files));
  run(pbtsBin, ['-o', dts, js]);
  writeFileSync(dts, postProcessDts(readFileSync(dts, 'utf8'), bundle.files));
}

const outDir = parseOutDir(process.argv.slice(2));
mkdirSync(outDir, { recursive: true });
for (const bundle of BUNDLES) generate(bundle, outDir);
