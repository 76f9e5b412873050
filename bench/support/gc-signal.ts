import type { AppProcess } from '@shepherd/testing';

/**
 * Node options that expose `gc()` and run it on SIGUSR2 (a data: URL module, so no file to
 * ship): the bench can then read a process's memory without the garbage V8 has not collected
 * yet, which on a busy machine can be hundreds of MiB (measured: an all-in-one at 907 MiB idle
 * after start-up, 478 MiB after a collection) and makes RSS per agent swing from run to run.
 */
export const GC_ON_SIGUSR2: readonly string[] = ['--expose-gc', '--import', 'data:text/javascript,process.on("SIGUSR2",()=>globalThis.gc())'];

/** Asks each process (started with {@link GC_ON_SIGUSR2}) to collect, twice (the first collection's finalizers may free more), a second apart. */
export async function collectGarbage(apps: readonly AppProcess[]): Promise<void> {
  for (let i = 0; i < 2; i += 1) {
    for (const app of apps) app.kill('SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
