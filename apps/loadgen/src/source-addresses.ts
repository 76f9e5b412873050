/** First host byte used: 127.0.0.1 is left to the servers. */
const FIRST_HOST = 2;

/**
 * The loopback source address of agent `index` when spreading over `count`
 * addresses (127.0.0.2 … 127.0.0.<count+1>). Each (source address, server
 * address, server port) triple has its own ~28 000 ephemeral ports, so
 * spreading is what lets one machine open more than that many connections
 * to one gateway port.
 * @throws RangeError when `count` is not in 1..250 or `index` is negative.
 */
export function sourceAddressOf(index: number, count: number): string {
  if (!Number.isInteger(count) || count < 1 || count > 250) throw new RangeError(`source address count must be 1..250, got ${count}`);
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`agent index must be a non-negative integer, got ${index}`);
  return `127.0.0.${FIRST_HOST + (index % count)}`;
}
