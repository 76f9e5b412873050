import { DeliveryMailbox, respondToAgent, type AgentSession, type DecodedAgentMessage } from '@shepherd/opamp-core';
import { toBigInt, type AgentToServer, type IServerToAgent } from '@shepherd/proto';
import type { AgentEntry } from './agent-entry.js';
import type { GatewayPrincipal } from './authenticator.js';
import { BoundedPublisher } from './bounded-publisher.js';
import { connectionEvent, messageEnvelope } from './bus-events.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { ResolvedGatewayOptions } from './gateway-options.js';
import { HttpSessionCache, type HttpSessionEnd } from './http-session-cache.js';
import { newHolderId } from './holder-ids.js';
import { LivenessBatcher } from './liveness-batcher.js';
import { OwnershipKeeper } from './ownership-keeper.js';
import { isPlainHeartbeat } from './plain-heartbeat.js';
import { raceWaiter } from './race-waiter.js';

/** WebSocket close code for a connection whose agent moved to a newer connection or another gateway. */
export const CLOSE_REPLACED = 4000;

/** What the hub needs from a WebSocket connection. */
export interface AgentConnection {
  readonly id: string;
  /** Agents this connection carries, by uid (§7.45). */
  readonly agents: Map<string, AgentEntry>;
  /** Sends one ServerToAgent; false when it was dropped (too large, or the socket is backed up). */
  send(message: IServerToAgent, type: 'reply' | 'push' | 'error'): boolean;
  /** {@link send} for a ServerToAgent already encoded (without the WebSocket header). */
  sendEncoded(payload: Uint8Array, type: 'reply' | 'push' | 'error'): boolean;
  /** Closes with a Close frame (RFC 6455, §7.18). */
  close(code: number, reason: string): void;
  /** Cuts the connection without a closing handshake; its agents leave at once (`reason` in their disconnect events). */
  terminate(reason?: string): void;
  /** One liveness period: terminate if the previous ping got no pong, else ping. */
  heartbeat(): void;
}

/** Where a message arrived: on a WebSocket connection, or as an HTTP poll. */
export type Site = { readonly kind: 'websocket'; readonly connection: AgentConnection } | { readonly kind: 'http' };

/** Outcome of {@link AgentHub.handle}. */
export type HandleResult =
  | {
      readonly kind: 'reply';
      readonly reply: IServerToAgent;
      readonly entry?: AgentEntry;
      readonly error?: string;
      /** The reply is the agent's uid and the server capabilities only (see `encodePlainServerToAgent`). */
      readonly plain?: boolean;
    }
  | { readonly kind: 'overloaded' }
  | { readonly kind: 'full' };

/**
 * The gateway's agent state and the steps shared by both transports: answer
 * (via opamp-core), admit a new agent (claim ownership, announce it,
 * replace an older holder), publish each accepted message, and let agents
 * go (release, announce). Holds the WebSocket uid index, the HTTP session
 * cache and the HTTP delivery mailbox.
 */
export class AgentHub {
  /** uid → the WebSocket connection currently carrying it. */
  readonly wsOwners = new Map<string, AgentConnection>();
  /** Open WebSocket connections. */
  readonly connections = new Set<AgentConnection>();
  readonly http: HttpSessionCache;
  readonly mailbox: DeliveryMailbox;
  readonly keeper: OwnershipKeeper;
  readonly publisher: BoundedPublisher;
  /** Plain heartbeats waiting for their batch; absent when `livenessIntervalMs` is 0. */
  readonly liveness: LivenessBatcher | undefined;
  #emptyWaiters: Array<() => void> = [];

  constructor(
    readonly options: ResolvedGatewayOptions,
    readonly metrics: GatewayMetrics,
  ) {
    this.http = new HttpSessionCache(options.maxHttpSessions, options.httpIdleMs, (entry, why) => this.#httpEnded(entry, why));
    this.mailbox = new DeliveryMailbox({ maxAgents: options.mailboxMaxAgents, maxBytes: options.mailboxMaxBytes });
    this.publisher = new BoundedPublisher(options.bus, options.maxInFlightPublishes, options.maxInFlightPublishBytes, options.logger, metrics);
    this.liveness =
      options.livenessIntervalMs === 0
        ? undefined
        : new LivenessBatcher(
            options.gatewayId,
            (data, msgId) => {
              metrics.protocol.inc({ event: 'liveness_batch' });
              return this.publisher.publish(options.topology.subjects.agentLiveness, data, msgId);
            },
            { onDropped: (count) => metrics.drops.inc({ reason: 'liveness_backlog' }, count) },
          );
    this.keeper = new OwnershipKeeper(options.ownership, options.gatewayId, options.ownershipTtlMs, options.logger, metrics, (uid, holder) =>
      this.#claimLost(uid, holder),
    );
  }

  /**
   * Answers one decoded AgentToServer that arrived at `site` and does the
   * bookkeeping: never waits for the bus or the ownership store.
   */
  handle(site: Site, decoded: DecodedAgentMessage, payload: Uint8Array, principal: GatewayPrincipal): HandleResult {
    const { uid, message } = decoded;
    const existing = this.#lookup(site, uid);
    const plainHeartbeat = existing !== undefined && isPlainHeartbeat(message, existing.session);
    // At the publish bound only what must be published is refused: a known agent's plain
    // heartbeat is answered (batched, or its publish deferred). Refusing it too would leave a
    // sequence gap, hence a full report to publish, and the refusals would feed the overload.
    const deferPublish = this.publisher.saturated;
    if (deferPublish && !plainHeartbeat) {
      this.metrics.errors.inc({ code: 'overloaded' });
      return { kind: 'overloaded' };
    }
    const x = respondToAgent(existing?.session, message, {
      serverCapabilities: this.options.serverCapabilities,
      uidTaken: (u) => this.#otherHolder(site, u),
    });
    if (x.outcome === 'rejected') {
      this.metrics.errors.inc({ code: 'bad_request' });
      return { kind: 'reply', reply: x.reply, error: x.error.message };
    }
    if (x.outcome === 'reassigned') {
      this.metrics.protocol.inc({ event: `uid_reassigned_${x.reason}` });
      return { kind: 'reply', reply: x.reply };
    }
    const entry = existing ?? this.#admit(site, uid, message.instanceUid, x.session, principal);
    if (entry === undefined) return { kind: 'full' };
    entry.session = x.session;
    if (site.kind === 'http') this.http.touch(uid);
    // A claim that failed (store unreachable) is retried on the agent's next message.
    if (existing !== undefined && !x.disconnect && existing.claimFailed) this.#claim(existing);
    if (x.fullStateRequested) this.metrics.protocol.inc({ event: 'report_full_state' });
    // The services learn nothing from a plain heartbeat that a shared batch cannot tell them, and
    // an agent polling every second would otherwise cost a durable bus write per poll. Sequence
    // numbers are checked here, per session, not downstream.
    if (plainHeartbeat && !x.fullStateRequested && this.liveness !== undefined) {
      this.liveness.record(entry, toBigInt(message.sequenceNum), Date.now());
      this.metrics.heartbeatBatched.inc();
    } else if (deferPublish) {
      this.metrics.protocol.inc({ event: 'heartbeat_deferred' });
    } else {
      this.#publish(entry, message, payload);
    }
    if (x.disconnect) this.leave(entry, 'agent_disconnect');
    return { kind: 'reply', reply: x.reply, entry, plain: x.plain };
  }

  /** Publishes one accepted message as its own AgentMessageEnvelope, after the agent's claim settled. */
  #publish(entry: AgentEntry, message: AgentToServer, payload: Uint8Array): void {
    const { data, msgId } = messageEnvelope(this.options.gatewayId, entry, payload, toBigInt(message.sequenceNum));
    void this.publisher.publish(this.options.topology.subjects.agentMessage, data, msgId, entry.claimed);
  }

  /**
   * Forgets `entry` wherever it is (WebSocket or HTTP), releases its claim
   * (fenced, only if it still holds it) and announces the disconnect. Does
   * not touch the socket.
   */
  leave(entry: AgentEntry, reason: string): void {
    const conn = entry.connection;
    if (conn !== undefined) {
      if (conn.agents.get(entry.uid) === entry) conn.agents.delete(entry.uid);
      if (this.wsOwners.get(entry.uid) === conn) this.wsOwners.delete(entry.uid);
    } else if (this.http.delete(entry.uid, entry)) {
      this.#httpGone(entry);
    }
    void this.keeper.release(entry.uid, entry.holderId);
    this.#announce(entry, 'disconnected', reason);
  }

  /** A WebSocket connection closed: every agent it carried leaves (§7.43). */
  connectionClosed(conn: AgentConnection, reason: string): void {
    if (!this.connections.delete(conn)) return;
    for (const entry of [...conn.agents.values()]) {
      if (this.wsOwners.get(entry.uid) === conn) this.wsOwners.delete(entry.uid);
      conn.agents.delete(entry.uid);
      void this.keeper.release(entry.uid, entry.holderId);
      this.#announce(entry, 'disconnected', reason);
    }
    this.metrics.connections.set({ transport: 'websocket' }, this.connections.size);
    if (this.connections.size === 0) for (const wake of this.#emptyWaiters.splice(0)) wake();
  }

  /** Resolves once no WebSocket connection is open, or after `timeoutMs`. */
  async whenNoConnections(timeoutMs: number): Promise<void> {
    if (this.connections.size === 0) return;
    await raceWaiter(this.#emptyWaiters, timeoutMs);
  }

  /** A new WebSocket connection was accepted. */
  connectionOpened(conn: AgentConnection): void {
    this.connections.add(conn);
    this.metrics.connections.set({ transport: 'websocket' }, this.connections.size);
  }

  #lookup(site: Site, uid: string): AgentEntry | undefined {
    return site.kind === 'websocket' ? site.connection.agents.get(uid) : this.http.peek(uid);
  }

  /** The live session holding `uid` somewhere other than `site`; for HTTP, the cached session itself. */
  #otherHolder(site: Site, uid: string): AgentSession | undefined {
    const conn = this.wsOwners.get(uid);
    if (conn !== undefined && (site.kind === 'http' || conn !== site.connection)) return conn.agents.get(uid)?.session;
    return this.http.peek(uid)?.session;
  }

  #admit(site: Site, uid: string, uidBytes: Uint8Array, session: AgentSession, principal: GatewayPrincipal): AgentEntry | undefined {
    if (site.kind === 'websocket' && site.connection.agents.size >= this.options.maxAgentsPerConnection) return undefined;
    const holderId = site.kind === 'websocket' ? site.connection.id : newHolderId('http');
    const connection = site.kind === 'websocket' ? site.connection : undefined;
    // A copy: the decoded uid is a view into the whole received message, which it would keep alive for the agent's lifetime.
    const entry: AgentEntry = {
      uid,
      uidBytes: Buffer.from(uidBytes),
      holderId,
      transport: site.kind,
      connection,
      principal,
      session,
      claimed: Promise.resolve(),
      claimFailed: false,
    };
    this.#replaceOlder(site, uid);
    if (site.kind === 'websocket') {
      site.connection.agents.set(uid, entry);
      this.wsOwners.set(uid, site.connection);
    } else {
      this.http.set(entry);
      this.metrics.connections.set({ transport: 'http' }, this.http.size);
    }
    this.#claim(entry);
    this.#announce(entry, 'connected', 'first message');
    return entry;
  }

  /** Claims `entry`'s agent; its publishes wait for the claim, and a failure marks it for a retry on its next message. */
  #claim(entry: AgentEntry): void {
    entry.claimFailed = false;
    entry.claimed = this.keeper.claim(entry.uid, entry.holderId).then((ok) => {
      if (!ok) entry.claimFailed = true;
    });
  }

  /** A second live connection of the same agent replaces the first (architecture: data flow 1). */
  #replaceOlder(site: Site, uid: string): void {
    const conn = this.wsOwners.get(uid);
    const older = conn?.agents.get(uid);
    if (conn !== undefined && older !== undefined && (site.kind === 'http' || conn !== site.connection)) {
      this.leave(older, 'replaced by a newer connection');
      this.metrics.protocol.inc({ event: 'connection_replaced' });
      if (conn.agents.size === 0) conn.close(CLOSE_REPLACED, 'replaced by a newer connection');
    }
    const cached = site.kind === 'websocket' ? this.http.peek(uid) : undefined;
    if (cached !== undefined) this.leave(cached, 'replaced by a websocket connection');
  }

  #claimLost(uid: string, holderId: string): void {
    const conn = this.wsOwners.get(uid);
    const wsEntry = conn?.agents.get(uid);
    if (conn !== undefined && wsEntry?.holderId === holderId) {
      this.leave(wsEntry, 'ownership lost');
      if (conn.agents.size === 0) conn.close(CLOSE_REPLACED, 'agent is owned by another gateway');
      return;
    }
    const httpEntry = this.http.peek(uid);
    if (httpEntry?.holderId === holderId) this.leave(httpEntry, 'ownership lost');
  }

  #httpEnded(entry: AgentEntry, why: HttpSessionEnd): void {
    this.#httpGone(entry);
    void this.keeper.release(entry.uid, entry.holderId);
    this.#announce(entry, 'disconnected', why);
  }

  #httpGone(entry: AgentEntry): void {
    const dropped = this.mailbox.drop(entry.uid);
    if (dropped > 0) this.metrics.drops.inc({ reason: 'agent_gone' }, dropped);
    this.metrics.connections.set({ transport: 'http' }, this.http.size);
  }

  #announce(entry: AgentEntry, kind: 'connected' | 'disconnected', reason: string): void {
    const { data, msgId } = connectionEvent(this.options.gatewayId, entry, kind, reason);
    void this.publisher.publish(this.options.topology.subjects.agentConnection, data, msgId, entry.claimed);
  }
}
