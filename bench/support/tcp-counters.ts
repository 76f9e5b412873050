import { readFile } from 'node:fs/promises';

/**
 * The machine's TCP counters that show connection churn (Linux `/proc/net/snmp` and
 * `/proc/net/netstat`; network-namespace wide, so they count every process on loopback).
 */
export interface TcpCounters {
  /** Connections accepted (`Tcp: PassiveOpens`). */
  readonly accepted: number;
  /** Connections reset while established (`Tcp: EstabResets`). */
  readonly resets: number;
  /** Segments sent again (`Tcp: RetransSegs`). */
  readonly retransmits: number;
  /** SYNs dropped because a listen queue was full (`TcpExt: ListenOverflows`). */
  readonly listenOverflows: number;
}

/** The value of `field` in the `prefix:` header/value line pair of a /proc/net table. */
function fieldOf(table: string, prefix: string, field: string): number {
  const lines = table.split('\n').filter((l) => l.startsWith(`${prefix}:`));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const at = names.indexOf(field);
  const value = at === -1 ? Number.NaN : Number(values[at]);
  if (!Number.isFinite(value)) throw new Error(`no ${prefix} ${field} in the table`);
  return value;
}

/** Parses the two tables' text. @throws {Error} a counter is missing */
export function parseTcpCounters(snmp: string, netstat: string): TcpCounters {
  return {
    accepted: fieldOf(snmp, 'Tcp', 'PassiveOpens'),
    resets: fieldOf(snmp, 'Tcp', 'EstabResets'),
    retransmits: fieldOf(snmp, 'Tcp', 'RetransSegs'),
    listenOverflows: fieldOf(netstat, 'TcpExt', 'ListenOverflows'),
  };
}

/** The counters now, or undefined where /proc/net cannot be read (not Linux). */
export async function readTcpCounters(): Promise<TcpCounters | undefined> {
  try {
    const [snmp, netstat] = await Promise.all([readFile('/proc/net/snmp', 'utf8'), readFile('/proc/net/netstat', 'utf8')]);
    return parseTcpCounters(snmp, netstat);
  } catch {
    return undefined;
  }
}

/** What happened between two readings. */
export function tcpDelta(before: TcpCounters, after: TcpCounters): TcpCounters {
  return {
    accepted: after.accepted - before.accepted,
    resets: after.resets - before.resets,
    retransmits: after.retransmits - before.retransmits,
    listenOverflows: after.listenOverflows - before.listenOverflows,
  };
}
