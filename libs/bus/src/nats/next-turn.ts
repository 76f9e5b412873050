let turn: Promise<void> | undefined;

/**
 * Resolves in the check phase of the current event-loop turn, one promise shared by every caller
 * of the turn. The NATS client writes what is queued in one socket write per microtask
 * checkpoint; publishes and acks issued from separate I/O callbacks (one per agent socket or
 * database reply) would each cost a write system call. Issued after this promise, all of a turn's
 * run in one checkpoint and leave in one write. The delay is below a millisecond on an idle loop.
 */
export function nextTurn(): Promise<void> {
  turn ??= new Promise((resolve) =>
    setImmediate(() => {
      turn = undefined;
      resolve();
    }),
  );
  return turn;
}
