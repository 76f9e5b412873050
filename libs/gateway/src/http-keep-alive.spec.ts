import { connect, type Socket } from 'node:net';
import { encodeAgentToServer, toLong } from '@shepherd/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, startTestGateway, type TestGateway } from './gateway.test-helpers.js';
import { AGENT_CAPS, newUid } from './ws-agent.test-helpers.js';

let tg: TestGateway | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  await tg?.close();
  tg = undefined;
});

interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
}

/**
 * One client connection that never closes by itself (unlike node's Agent, which follows the
 * server's Keep-Alive hint), so that a close is the server's doing.
 */
class RawConnection {
  readonly socket: Socket;
  readonly closed: Promise<number>;
  #buffer = Buffer.alloc(0);
  #waiting: ((a: Answer) => void) | undefined;

  constructor(url: string) {
    const { port } = new URL(url);
    this.socket = connect(Number(port), '127.0.0.1');
    sockets.push(this.socket);
    let lastAnswer = performance.now();
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve(performance.now() - lastAnswer)));
    this.socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      const answer = this.#take();
      if (answer === undefined) return;
      lastAnswer = performance.now();
      this.#waiting?.(answer);
    });
  }

  /** POSTs one plain heartbeat of a new agent and resolves with the answer's status and Connection header. */
  poll(path: string): Promise<Answer> {
    const data = encodeAgentToServer({ instanceUid: newUid(), sequenceNum: toLong(1n), capabilities: toLong(AGENT_CAPS) });
    const head = [`POST ${path} HTTP/1.1`, 'Host: gateway', 'Content-Type: application/x-protobuf', `Authorization: ${AUTH}`, `Content-Length: ${data.length}`];
    this.socket.write(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), data]));
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  #take(): Answer | undefined {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end === -1) return undefined;
    const lines = this.#buffer.subarray(0, end).toString('latin1').split('\r\n');
    const header = (name: string): string | undefined =>
      lines.find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
    const length = Number(header('content-length') ?? 0);
    if (this.#buffer.length < end + 4 + length) return undefined;
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    return { status: Number(lines[0]?.split(' ')[1]), connection: header('connection') };
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('plain-HTTP keep-alive', () => {
  it('serves the next poll on the same connection and closes it once idle for httpKeepAliveMs', async () => {
    tg = await startTestGateway({ httpKeepAliveMs: 400 });
    const path = new URL(tg.gateway.url).pathname;
    const conn = new RawConnection(tg.gateway.url);
    expect(await conn.poll(path)).toEqual({ status: 200, connection: 'keep-alive' });
    await delay(250);
    expect(await conn.poll(path)).toEqual({ status: 200, connection: 'keep-alive' });
    const idleMs = await conn.closed;
    expect(idleMs).toBeGreaterThan(300);
    expect(idleMs).toBeLessThan(3_000);
  });

  it('answers Connection: close while it holds more than maxConnections sockets, and keeps alive again below', async () => {
    tg = await startTestGateway({ maxConnections: 1 });
    const path = new URL(tg.gateway.url).pathname;
    const first = new RawConnection(tg.gateway.url);
    expect(await first.poll(path)).toEqual({ status: 200, connection: 'keep-alive' });
    // The first connection is idle but open: this one is the second of at most one.
    const second = new RawConnection(tg.gateway.url);
    expect(await second.poll(path)).toEqual({ status: 200, connection: 'close' });
    await second.closed;
    // The server's side of that socket closes when the client's FIN reaches it, a moment later.
    await delay(100);
    expect(await first.poll(path)).toEqual({ status: 200, connection: 'keep-alive' });
  });
});
