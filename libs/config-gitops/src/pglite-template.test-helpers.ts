// Vitest global setup: creating a PGlite cluster costs seconds, opening a copy of one does not.
// So one migrated cluster is made per run and every test file opens its own copy.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from '@shepherd/store';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Data directory of a migrated PGlite cluster; copy it, never open it directly. */
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'shepherd-gitops-pglite-'));
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
