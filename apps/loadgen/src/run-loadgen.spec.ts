import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeAgentToServer, decodeWsFrame, encodeServerToAgent, encodeWsFrame, type IServerToAgent } from '@shepherd/proto';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLoadgenOptions } from './loadgen-options.js';
import { runLoadgen, type Emit } from './run-loadgen.js';

const OFFER: IServerToAgent = { remoteConfig: { configHash: Uint8Array.from([0xab, 0xcd]), config: { configMap: { '': { body: Buffer.from('x: 1') } } } } };

/** A tiny OpAMP server: answers every message, offers OFFER in the reply to each agent's first message, counts what it got. */
function tinyServer(): { server: Server; seen: { full: number; messages: number; applied: number; sources: Set<string> } } {
  const seen = { full: 0, messages: 0, applied: 0, sources: new Set<string>() };
  const answer = (bytes: Uint8Array): Uint8Array => {
    const m = decodeAgentToServer(bytes);
    seen.messages += 1;
    if (m.agentDescription) seen.full += 1;
    if (m.remoteConfigStatus?.status === 1) seen.applied += 1;
    return encodeServerToAgent({ instanceUid: m.instanceUid, ...(m.agentDescription ? OFFER : {}) });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    seen.sources.add(req.socket.remoteAddress ?? '');
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(answer(Buffer.concat(chunks))));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    seen.sources.add(req.socket.remoteAddress ?? '');
    ws.on('message', (data: Buffer) => ws.send(encodeWsFrame(answer(decodeWsFrame(data))), { binary: true }));
  });
  return { server, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve).closeAllConnections())));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function collect(): { emit: Emit; lines: { msg: string; [k: string]: unknown }[] } {
  const lines: { msg: string; [k: string]: unknown }[] = [];
  return { emit: (r) => void lines.push(r), lines };
}

describe('runLoadgen', () => {
  it.each(['ws', 'http'])('%s: ramps every agent, heartbeats, applies the offered config and stops by itself at the deadline', async (scheme) => {
    const { server, seen } = tinyServer();
    const port = await listen(server);
    const { emit, lines } = collect();
    const options = parseLoadgenOptions(
      ['--url', `${scheme}://127.0.0.1:${port}/v1/opamp`, '--agents', '40', '--ramp', '200', '--heartbeat-ms', '300', '--duration-s', '2', '--progress-ms', '250', '--source-addresses', '4'],
      {},
    );
    const started = Date.now();
    const run = runLoadgen(options, emit);
    expect(await run.done).toBe('duration');
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(seen.full).toBe(40);
    expect(seen.applied).toBe(40);
    // 40 full + 40 APPLIED + heartbeats: about 40 × (2 s / 300 ms) of them.
    expect(seen.messages).toBeGreaterThan(80 + 40 * 3);
    expect(seen.sources).toEqual(new Set(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']));
    const summary = lines.find((l) => l.msg === 'loadgen summary')!;
    expect(summary).toMatchObject({ reason: 'duration' });
    const last = lines.filter((l) => l.msg === 'loadgen progress').at(-1)!;
    expect(last).toMatchObject({ started: 40, connected: 0, applied: { abcd: 40 } });
    const times = lines.filter((l) => l.msg === 'loadgen applied').flatMap((l) => l['times'] as number[]);
    expect(times).toHaveLength(40);
    expect(lines.some((l) => l.msg === 'loadgen ramped')).toBe(true);
  });

  it('http at a fixed rate: polls at that rate in total, whatever the agent count', async () => {
    const { server, seen } = tinyServer();
    const port = await listen(server);
    const options = parseLoadgenOptions(['--url', `http://127.0.0.1:${port}/v1/opamp`, '--agents', '10', '--ramp', '1000', '--http-rate', '200', '--duration-s', '2'], {});
    const run = runLoadgen(options, () => undefined);
    await run.done;
    // 200/s for 2 s, plus each agent's first poll and APPLIED report.
    expect(seen.messages).toBeGreaterThan(300);
    expect(seen.messages).toBeLessThan(500);
  });

  it('http: counts skips and errors of the warm-up burst in progress lines but not in the summary\'s measured window', async () => {
    // Slow and failing at first (the warm-up), then fast: every skip and error falls before the window.
    const slowUntil = Date.now() + 400;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (Date.now() < slowUntil) setTimeout(() => res.writeHead(503).end(), 300);
        else res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(encodeServerToAgent({}));
      });
    });
    const port = await listen(server);
    const { emit, lines } = collect();
    const options = parseLoadgenOptions(
      ['--url', `http://127.0.0.1:${port}/v1/opamp`, '--agents', '40', '--ramp', '1000', '--http-rate', '20', '--http-concurrency', '4', '--warmup-s', '1', '--duration-s', '3'],
      {},
    );
    await runLoadgen(options, emit).done;
    const last = lines.filter((l) => l.msg === 'loadgen progress').at(-1)!;
    expect(last['httpSkipped']).toBeGreaterThan(30);
    expect(last['httpErrors']).toBeGreaterThan(3);
    const summary = lines.find((l) => l.msg === 'loadgen summary')!;
    const measured = summary['measured'] as { sent: number; skipped: number; errors: number; seconds: number };
    expect(measured).toMatchObject({ skipped: 0, errors: 0 });
    expect(measured.seconds).toBeGreaterThan(1.9);
    expect(measured.seconds).toBeLessThan(2.5);
    // 20 polls/s for 2 s.
    expect(measured.sent).toBeGreaterThan(30);
    expect(measured.sent).toBeLessThan(50);
    expect(summary['measuredS']).toBe(measured.seconds);
  });

  it('stops early on request and closes every agent', async () => {
    const { server } = tinyServer();
    const port = await listen(server);
    const options = parseLoadgenOptions(['--url', `ws://127.0.0.1:${port}/v1/opamp`, '--agents', '20', '--ramp', '1000', '--duration-s', '60'], {});
    const run = runLoadgen(options, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    run.stop();
    expect(await run.done).toBe('requested');
    expect(run.stats.connected + run.stats.connecting).toBe(0);
  });
});
