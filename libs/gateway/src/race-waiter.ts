/**
 * Waits until one of the callbacks pushed onto `waiters` is called, or
 * `timeoutMs` passes; on timeout its own callback is removed again, so the
 * list never grows with abandoned waits.
 */
export async function raceWaiter(waiters: Array<() => void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  await new Promise<void>((resolve) => {
    wake = resolve;
    waiters.push(resolve);
    timer = setTimeout(resolve, timeoutMs);
  });
  clearTimeout(timer);
  const index = wake === undefined ? -1 : waiters.indexOf(wake);
  if (index !== -1) waiters.splice(index, 1);
}
