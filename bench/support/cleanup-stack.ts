/** Undo steps run last-in first-out, each bounded in time, every one attempted even when others fail. */
export class CleanupStack {
  readonly #steps: { name: string; run: () => Promise<unknown> }[] = [];
  #ran = false;

  /** Registers `run` (named for messages); it runs before every step added earlier. */
  add(name: string, run: () => Promise<unknown>): void {
    this.#steps.push({ name, run });
  }

  /**
   * Runs every step once (later calls do nothing), each given at most `stepTimeoutMs`.
   * Resolves with the failures as messages; never rejects.
   */
  async run(stepTimeoutMs = 15_000): Promise<string[]> {
    if (this.#ran) return [];
    this.#ran = true;
    const failures: string[] = [];
    for (const step of this.#steps.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${stepTimeoutMs} ms`)), stepTimeoutMs);
      });
      try {
        await Promise.race([step.run(), timeout]);
      } catch (err) {
        failures.push(`${step.name}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        clearTimeout(timer);
      }
    }
    return failures;
  }
}
