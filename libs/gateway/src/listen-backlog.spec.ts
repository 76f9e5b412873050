import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LISTEN_BACKLOG } from './gateway-options.js';
import { startTestGateway, type TestGateway } from './gateway.test-helpers.js';

/** The accept queue of the socket listening on `port`, as the kernel reports it (`ss`: Send-Q of a LISTEN socket). */
async function kernelBacklog(port: number): Promise<number> {
  const { stdout } = await promisify(execFile)('ss', ['-ltnH', `sport = :${port}`]);
  const [, , sendQ] = stdout.trim().split(/\s+/);
  return Number(sendQ);
}

describe('gateway listen backlog', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('queues as many connections as the kernel allows by default, not node’s 511', async () => {
    const somaxconn = Number((await readFile('/proc/sys/net/core/somaxconn', 'utf8')).trim());
    gw = await startTestGateway();
    expect(await kernelBacklog(gw.gateway.port)).toBe(Math.min(DEFAULT_LISTEN_BACKLOG, somaxconn));
  });

  it('listens with the configured backlog', async () => {
    gw = await startTestGateway({ listenBacklog: 100 });
    expect(await kernelBacklog(gw.gateway.port)).toBe(100);
  });
});
