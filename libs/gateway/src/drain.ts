import { errorReply } from '@shepherd/opamp-core';
import { ServerErrorResponseType } from '@shepherd/proto';
import type { AgentConnection, AgentHub } from './agent-hub.js';
import { jitteredRetryMs } from './retry-after.js';

/** WebSocket close code "going away" (RFC 6455), sent to drained agents. */
export const CLOSE_GOING_AWAY = 1001;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Tells one connection's agents to come back later (Unavailable + jittered retry_info, §7.37), then closes it with 1001. */
export function sendAway(hub: AgentHub, conn: AgentConnection): void {
  for (const entry of conn.agents.values()) {
    const retryMs = jitteredRetryMs(hub.options.retryAfterSeconds);
    const reply = errorReply(entry.uidBytes, ServerErrorResponseType.ServerErrorResponseType_Unavailable, 'gateway is shutting down; reconnect later', retryMs);
    conn.send(reply, 'error');
  }
  conn.close(CLOSE_GOING_AWAY, 'gateway shutting down');
}

/**
 * Sends every WebSocket connection away in batches (at least
 * `drainBatchSize` per step, more when needed so the last batch goes out
 * within 80% of `deadlineMs`), then waits for the sockets to close until
 * the deadline. Returns the connections still open at the deadline.
 */
export async function drainConnections(hub: AgentHub, deadlineMs: number, terminate: (conn: AgentConnection) => void): Promise<number> {
  const { drainBatchSize, drainBatchIntervalMs } = hub.options;
  const end = Date.now() + deadlineMs;
  const conns = [...hub.connections];
  const steps = Math.max(1, Math.floor((deadlineMs * 0.8) / drainBatchIntervalMs));
  const batch = Math.max(drainBatchSize, Math.ceil(conns.length / steps));
  for (let i = 0; i < conns.length; i += batch) {
    if (i > 0) await sleep(drainBatchIntervalMs);
    for (const conn of conns.slice(i, i + batch)) if (hub.connections.has(conn)) sendAway(hub, conn);
  }
  await hub.whenNoConnections(Math.max(0, end - Date.now()));
  const left = [...hub.connections];
  for (const conn of left) terminate(conn);
  return left.length;
}
