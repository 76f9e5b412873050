/** A minimal OpAMP WebSocket client for gateway specs, on `ws` and @shepherd/proto, with raw frame access. */
import {
  AgentCapabilities as AC,
  decodeServerToAgent,
  decodeWsFrame,
  encodeAgentToServer,
  encodeWsFrame,
  newInstanceUid,
  toLong,
  type IAgentToServer,
  type ServerToAgent,
} from '@shepherd/proto';
import { WebSocket, type ClientOptions } from 'ws';
import { AUTH } from './gateway.test-helpers.js';

/** How a socket ended. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** Capabilities a typical collector reports. */
export const AGENT_CAPS =
  BigInt(AC.AgentCapabilities_ReportsStatus) |
  BigInt(AC.AgentCapabilities_AcceptsRemoteConfig) |
  BigInt(AC.AgentCapabilities_ReportsEffectiveConfig) |
  BigInt(AC.AgentCapabilities_ReportsRemoteConfig);

/** An agent description with a given service.instance.id. */
export function describeAgent(instanceId: string): IAgentToServer['agentDescription'] {
  return {
    identifyingAttributes: [
      { key: 'service.name', value: { stringValue: 'otelcol' } },
      { key: 'service.instance.id', value: { stringValue: instanceId } },
    ],
  };
}

/** One OpAMP WebSocket with a queue of decoded ServerToAgent messages. */
export class WsTestAgent {
  readonly received: ServerToAgent[] = [];
  readonly closed: Promise<Closed>;
  #waiters: Array<() => void> = [];
  #seq = 0n;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.received.push(decodeServerToAgent(decodeWsFrame(new Uint8Array(data))));
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a socket (with the test token unless `authorization` is given; `null` sends none). */
  static connect(url: string, authorization: string | null = AUTH, options: ClientOptions = {}): Promise<WsTestAgent> {
    const headers: Record<string, string> = authorization === null ? {} : { Authorization: authorization };
    const socket = new WebSocket(url, { headers, perMessageDeflate: false, ...options });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new WsTestAgent(socket)));
      socket.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, headers: res.headers })),
      );
      socket.once('error', reject);
    });
  }

  /** Sends raw bytes as one binary message. */
  sendRaw(bytes: Uint8Array | string, binary = true): void {
    this.socket.send(bytes, { binary });
  }

  /** Sends one framed AgentToServer; sequence_num counts up from 1 unless given. */
  send(message: Omit<IAgentToServer, 'sequenceNum' | 'capabilities' | 'flags'> & { seq?: bigint; caps?: bigint; flags?: bigint }): void {
    const { seq, caps, flags, ...rest } = message;
    this.#seq = seq ?? this.#seq + 1n;
    const body: IAgentToServer = { ...rest, sequenceNum: toLong(this.#seq), capabilities: toLong(caps ?? AGENT_CAPS), ...(flags ? { flags: toLong(flags) } : {}) };
    this.sendRaw(encodeWsFrame(encodeAgentToServer(body)));
  }

  /** Waits for the n-th received message (1-based). */
  nth(n: number, timeoutMs = 5_000): Promise<ServerToAgent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for message #${n} (have ${this.received.length})`)), timeoutMs);
      const check = (): void => {
        const got = this.received[n - 1];
        if (got === undefined) return void this.#waiters.push(check);
        clearTimeout(timer);
        resolve(got);
      };
      check();
    });
  }

  /** Sends `message` and returns the next message received after it. */
  async exchange(message: Parameters<WsTestAgent['send']>[0]): Promise<ServerToAgent> {
    const n = this.received.length + 1;
    this.send(message);
    return this.nth(n);
  }

  close(): void {
    this.socket.close(1000);
  }
}

/** A fresh uid. */
export const newUid = (): Uint8Array => newInstanceUid();
