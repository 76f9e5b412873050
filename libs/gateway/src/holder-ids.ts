import { randomBytes } from 'node:crypto';

// A random per-process prefix keeps ids unique across gateway restarts, so bus
// de-duplication by msgId never mistakes a new connection's message for an old one.
const PROCESS_PREFIX = randomBytes(4).toString('hex');
let counter = 0;

/** A gateway-unique id for a WebSocket connection (`ws`) or an HTTP agent session (`http`). */
export function newHolderId(kind: 'ws' | 'http'): string {
  counter += 1;
  return `${kind}-${PROCESS_PREFIX}-${counter.toString(36)}`;
}

/** A gateway-unique id for a message this gateway publishes on its own behalf, e.g. a liveness batch (its bus msgId). */
export function newBatchId(kind: 'liveness'): string {
  counter += 1;
  return `${kind}-${PROCESS_PREFIX}-${counter.toString(36)}`;
}
