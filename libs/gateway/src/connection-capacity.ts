import { readFileSync } from 'node:fs';

/** File descriptors kept free for everything a gateway opens besides agent sockets (bus, ownership, logs, admin). */
export const RESERVED_FILE_DESCRIPTORS = 256;

/** What {@link connectionCapacity} decided. */
export interface ConnectionCapacity {
  /** The number of agent connections to admit. */
  readonly maxConnections: number;
  /** The process's soft open-file limit, when it could be read. */
  readonly openFileLimit?: number;
  /** True when the limit, not the configured value, bounds the connections. */
  readonly limitedByOpenFiles: boolean;
}

/**
 * The agent connections a gateway can really hold: the configured OPAMP_MAX_CONNECTIONS, but no
 * more than the open-file limit minus {@link RESERVED_FILE_DESCRIPTORS}. Past the limit the
 * kernel refuses `accept` (EMFILE) and the agents hang in the backlog instead of getting the
 * 503 with Retry-After that sends them to another gateway.
 * @param readLimit the soft RLIMIT_NOFILE, or `undefined` when unknown (default: /proc/self/limits)
 */
export function connectionCapacity(configured: number, readLimit: () => number | undefined = readOpenFileLimit): ConnectionCapacity {
  const limit = readLimit();
  if (limit === undefined) return { maxConnections: configured, limitedByOpenFiles: false };
  const usable = Math.max(1, limit - RESERVED_FILE_DESCRIPTORS);
  return usable < configured
    ? { maxConnections: usable, openFileLimit: limit, limitedByOpenFiles: true }
    : { maxConnections: configured, openFileLimit: limit, limitedByOpenFiles: false };
}

/** The soft open-file limit from `/proc/self/limits` (Linux); `undefined` elsewhere or when unlimited. */
export function readOpenFileLimit(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (match === null || match[1] === 'unlimited') return undefined;
  return Number(match[1]);
}
