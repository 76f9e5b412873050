import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeAgentToServer, decodeWsFrame, encodeServerToAgent, encodeWsFrame } from '@shepherd/proto';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLoadgenOptions } from './loadgen-options.js';
import { runLoadgen, type LoadgenRun } from './run-loadgen.js';

/** A gateway stand-in that answers every message and knows how many agents it holds now. */
interface Gateway {
  readonly url: string;
  held(): number;
  /** Like kill -9: drops every connection and stops listening. */
  kill(): void;
  readonly server: Server;
}

const servers: Server[] = [];
const runs: LoadgenRun[] = [];
afterEach(async () => {
  runs.splice(0).forEach((run) => run.stop());
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve).closeAllConnections())));
});

async function gateway(): Promise<Gateway> {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const { instanceUid } = decodeAgentToServer(decodeWsFrame(data));
      ws.send(encodeWsFrame(encodeServerToAgent({ instanceUid })), { binary: true });
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/opamp`,
    held: () => [...wss.clients].filter((c) => c.readyState === c.OPEN).length,
    kill() {
      server.close();
      wss.clients.forEach((c) => c.terminate());
    },
    server,
  };
}

async function until(what: string, test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function start(gateways: readonly Gateway[], extra: readonly string[]): LoadgenRun {
  const argv = [...gateways.flatMap((g) => ['--url', g.url]), '--agents', '60', '--ramp', '1000', '--duration-s', '30', '--source-addresses', '4', '--reconnect-min-ms', '10', '--reconnect-max-ms', '100', ...extra];
  const run = runLoadgen(parseLoadgenOptions(argv, {}), () => undefined);
  runs.push(run);
  return run;
}

describe('WebSocket agents on several gateways', () => {
  it('split their first connections in the --url-weights ratio', async () => {
    const gws = await Promise.all([gateway(), gateway(), gateway()]);
    const run = start(gws, ['--url-weights', '2,1,1']);
    await until('every agent connected', () => run.stats.connected === 60);
    expect(gws.map((g) => g.held())).toEqual([30, 15, 15]);
  });

  it('spread the agents of a killed gateway over all the others instead of the next one in the list', async () => {
    const gws = await Promise.all([gateway(), gateway(), gateway()]);
    const run = start(gws, ['--url-weights', '2,1,1']);
    await until('every agent connected', () => run.stats.connected === 60);
    gws[0]!.kill();
    await until('the 30 agents of the killed gateway back on the others', () => gws[1]!.held() + gws[2]!.held() === 60);
    // Each survivor takes about half of the 30 (binomial, standard deviation 2.7); none lands on the dead one.
    for (const survivor of [gws[1]!, gws[2]!]) {
      expect(survivor.held() - 15).toBeGreaterThanOrEqual(5);
      expect(survivor.held() - 15).toBeLessThanOrEqual(25);
    }
    expect(run.stats.connectErrors).toBe(0);
  });
});
