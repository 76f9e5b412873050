import { describe, expect, it } from 'vitest';
import { parseTcpCounters, tcpDelta } from './tcp-counters.js';

const SNMP = `Ip: Forwarding DefaultTTL InReceives
Ip: 2 64 39604146
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 114545 114506 15 922 3084 39604164 39579951 23150 302 751 0
Udp: InDatagrams NoPorts
Udp: 5 0
`;
const NETSTAT = `TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops
TcpExt: 0 0 2142 2142
IpExt: InNoRoutes
IpExt: 0
`;

describe('TCP counters', () => {
  it('reads accepted connections, resets, retransmits and listen overflows by column name', () => {
    expect(parseTcpCounters(SNMP, NETSTAT)).toEqual({ accepted: 114_506, resets: 922, retransmits: 23_150, listenOverflows: 2142 });
  });

  it('refuses tables without the counters', () => {
    expect(() => parseTcpCounters('Tcp: PassiveOpens\nTcp: x\n', NETSTAT)).toThrow(/PassiveOpens/);
    expect(() => parseTcpCounters(SNMP, 'IpExt: InNoRoutes\nIpExt: 0\n')).toThrow(/ListenOverflows/);
  });

  it('subtracts two readings', () => {
    const a = parseTcpCounters(SNMP, NETSTAT);
    const b = { accepted: a.accepted + 1536, resets: a.resets + 4, retransmits: a.retransmits, listenOverflows: a.listenOverflows + 599 };
    expect(tcpDelta(a, b)).toEqual({ accepted: 1536, resets: 4, retransmits: 0, listenOverflows: 599 });
  });
});
