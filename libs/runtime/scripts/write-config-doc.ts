/**
 * Writes docs/configuration.md from the environment catalogue.
 * Run from anywhere: `npm run docs:config -w libs/runtime` (or `npx tsx libs/runtime/scripts/write-config-doc.ts`).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigurationDoc } from '../src/config/render-doc.js';

const target = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));
writeFileSync(target, renderConfigurationDoc());
process.stdout.write(`wrote ${target}\n`);
