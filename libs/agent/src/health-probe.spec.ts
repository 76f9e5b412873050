import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeHealth } from './health-probe.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  if (server !== undefined) await new Promise((ok) => server!.close(ok));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('probeHealth', () => {
  it('reads status and the fake collector fields from a 2xx answer', async () => {
    const url = await serve((_q, r) => r.end(JSON.stringify({ status: 'ok', configSha256: 'ab', reloads: 2, lastError: 'x' })));
    expect(await probeHealth(url, 1_000)).toEqual({ healthy: true, status: 'ok', error: '', configSha256: 'ab', reloads: 2, lastError: 'x' });
  });

  it('is unhealthy on a non-2xx answer, naming the code, also with a non-JSON body', async () => {
    const url = await serve((_q, r) => r.writeHead(503).end('Server not available'));
    expect(await probeHealth(url, 1_000)).toEqual({ healthy: false, status: 'HTTP 503', error: `health endpoint ${url} answered 503 (HTTP 503)` });
  });

  it('is unhealthy when nothing listens or nothing answers in time', async () => {
    const closed = await serve(() => undefined);
    await new Promise((ok) => server!.close(ok));
    server = undefined;
    expect((await probeHealth(closed, 1_000)).error).toMatch(/ECONNREFUSED/);
    const url = await serve(() => undefined);
    expect(await probeHealth(url, 200)).toMatchObject({ healthy: false, status: 'unreachable', error: `health endpoint ${url}: no answer within 200 ms` });
  });
});
