// Vitest global setup (`globalSetup: ['@shepherd/store/pglite-template']`): creating a PGlite
// cluster costs seconds, opening a copy of one does not. So one migrated cluster is made per run
// and every test file opens its own copy (see useTestDatabase).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../pglite/pglite-store.js';
import './provided-context.js';

/** Migrates a PGlite cluster in a temporary directory, provides it as `pgliteTemplate`, and removes it after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'shepherd-pglite-template-'));
  const template = join(root, 'template');
  const store = await openPglite({ dataDir: template });
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
  project.provide('pgliteTemplate', template);
  return () => rm(root, { recursive: true, force: true });
}
