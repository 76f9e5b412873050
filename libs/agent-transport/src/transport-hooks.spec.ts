/**
 * The transports' extension points, which let the test FakeAgent run on them:
 * an endpoint asked before every attempt, the encoded bytes of sent messages,
 * the Close frame, protocol errors, a tighter Retry-After cap, and the HTTP
 * options gzip and instanceUidHeader.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeAgentToServer, toBigInt, uidToString } from '@shepherd/proto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpTransport } from './http-transport.js';
import type { OpampTransport } from './opamp-transport.js';
import { ackFor, deadEndpoint, recordingHost, specSettings, startBareEndpoint, type BareEndpoint } from './transport.test-helpers.js';
import { WsTransport } from './ws-transport.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function endpoint(): Promise<BareEndpoint> {
  const e = await startBareEndpoint();
  cleanups.push(() => e.close());
  return e;
}

function started<T extends OpampTransport>(transport: T): T {
  cleanups.push(() => transport.stop());
  transport.start();
  return transport;
}

const until = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 5_000, interval: 10 });

describe('WsTransport extension points', () => {
  it('asks the endpoint before every attempt, hands over the sent bytes, and reports the Close frame', async () => {
    const e = await endpoint();
    e.socket = (ws) => ws.once('message', () => ws.close(4000, 'bye'));
    const endpoints = [await deadEndpoint('ws'), e.wsUrl];
    let index = 0;
    const host = recordingHost();
    host.onRetryScheduled = () => void (index = Math.min(index + 1, 1));
    started(new WsTransport(host, specSettings({ endpoint: () => endpoints[index]! })));
    // The endpoint closes every connection, so the transport goes on reconnecting: look at the first round.
    await until(() => expect(host.disconnects.length).toBeGreaterThanOrEqual(1));
    expect(host.failures[0]!.error.message).toMatch(/ECONNREFUSED/);
    expect(host.connected.length).toBeGreaterThanOrEqual(1);
    expect(host.disconnects[0]).toEqual({ reason: 'WebSocket closed (4000 bye)', close: { code: 4000, reason: 'bye' } });
    expect(toBigInt(host.sent[0]!.sequenceNum)).toBe(0n);
    expect(uidToString(host.sent[0]!.instanceUid)).toBe(uidToString(host.report.uid));
  });

  it('reports a text message as a protocol error and stays connected', async () => {
    const e = await endpoint();
    e.socket = (ws) => ws.once('message', () => ws.send('hello'));
    const host = recordingHost();
    started(new WsTransport(host, specSettings({ endpoint: e.wsUrl })));
    await until(() => expect(host.problems).toEqual(['server sent a text WebSocket message; OpAMP uses binary messages only']));
    expect(host.disconnects).toEqual([]);
  });

  it('caps the Retry-After of a refused upgrade at maxRetryAfterMs', async () => {
    const e = await endpoint();
    let refusals = 0;
    e.upgrade = (_req, socket) => {
      if (refusals > 0) return true;
      refusals += 1;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3600\r\nContent-Length: 0\r\n\r\n');
      return false;
    };
    const host = recordingHost();
    started(new WsTransport(host, specSettings({ endpoint: e.wsUrl, maxRetryAfterMs: 100 })));
    await until(() => expect(host.connected).toHaveLength(1));
    expect(host.failures[0]).toMatchObject({ status: 503, retryAfterMs: 100 });
    expect(host.retries[0]).toEqual({ delayMs: 100, reason: 'retry-after' });
  });
});

describe('HttpTransport extension points', () => {
  it('gzips requests and leaves out the instance uid header when told to', async () => {
    const e = await endpoint();
    const seen: Record<string, string | string[] | undefined>[] = [];
    e.http = (req, body, res) => {
      seen.push({ encoding: req.headers['content-encoding'], accept: req.headers['accept-encoding'], uid: req.headers['opamp-instance-uid'] });
      const reply = Buffer.from(ackFor(decodeAgentToServer(gunzipSync(body))));
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' }).end(gzipSync(reply));
    };
    const host = recordingHost();
    started(new HttpTransport(host, specSettings({ endpoint: e.httpUrl, gzip: true, instanceUidHeader: false })));
    await until(() => expect(host.connected).toHaveLength(1));
    expect(seen[0]).toEqual({ encoding: 'gzip', accept: 'gzip', uid: undefined });
    expect(host.problems).toEqual([]);
  });

  it('reports a wrong Content-Type, a gzip it did not accept and a 413 as protocol errors', async () => {
    const e = await endpoint();
    let answers = 0;
    e.http = (_req, body, res) => {
      answers += 1;
      if (answers === 1) return void res.writeHead(413).end();
      const gzip = answers === 2;
      const reply = Buffer.from(ackFor(decodeAgentToServer(body)));
      res.writeHead(200, { 'Content-Type': 'application/protobuf', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) }).end(gzip ? gzipSync(reply) : reply);
    };
    const host = recordingHost();
    started(new HttpTransport(host, specSettings({ endpoint: e.httpUrl })));
    await until(() => expect(host.problems.length).toBeGreaterThanOrEqual(4));
    expect(host.problems.slice(0, 4)).toEqual([
      expect.stringMatching(/^server answered 413 to a message of \d+ bytes: dropped, not retried$/),
      'reply Content-Type is application/protobuf, expected exactly application/x-protobuf',
      'server gzipped a reply the agent did not accept gzip for',
      'reply Content-Type is application/protobuf, expected exactly application/x-protobuf',
    ]);
    expect(host.connected).toHaveLength(1);
  });

  it('asks the endpoint before every POST and caps Retry-After at maxRetryAfterMs', async () => {
    const e = await endpoint();
    const busy = await endpoint();
    busy.http = (_req, _body, res) => void res.writeHead(503, { 'Retry-After': '3600' }).end();
    const endpoints = [busy.httpUrl, e.httpUrl];
    let index = 0;
    const host = recordingHost();
    host.onRetryScheduled = (delayMs, reason) => {
      host.retries.push({ delayMs, reason });
      index = 1;
    };
    started(new HttpTransport(host, specSettings({ endpoint: () => endpoints[index]!, maxRetryAfterMs: 100 })));
    await until(() => expect(host.connected).toHaveLength(1));
    expect(host.failures[0]).toMatchObject({ status: 503, retryAfterMs: 100 });
    expect(host.retries[0]).toEqual({ delayMs: 100, reason: 'retry-after' });
  });
});
