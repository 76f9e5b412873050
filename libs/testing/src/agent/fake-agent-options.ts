import { AgentCapabilities as AC, isValidUid, newInstanceUid, toBigInt, uidFromString, type BitMask } from '@shepherd/proto';

/** One file of an agent's configuration, as received in a remote config. */
export interface FakeConfigFile {
  readonly contentType: string;
  /** Raw bytes; `body.toString()` gives the text. */
  readonly body: Buffer;
}

/** A configuration: file name → file (the AgentConfigMap). */
export type FakeConfigFiles = Readonly<Record<string, FakeConfigFile>>;

/** Who the agent says it is (AgentDescription, string attributes only). */
export interface FakeAgentDescription {
  readonly identifying: Readonly<Record<string, string>>;
  readonly nonIdentifying?: Readonly<Record<string, string>>;
}

/** Options of `new FakeAgent(...)`. */
export interface FakeAgentOptions {
  /**
   * Where to connect: one URL or several to fail over between (each
   * reconnect or failed HTTP exchange moves to the next one). ws(s):// and
   * http(s):// are both accepted and converted to suit `transport`.
   */
  readonly endpoint: string | readonly string[];
  readonly transport: 'websocket' | 'http';
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** 16 bytes or canonical UUID text; default a new UUID v7. */
  readonly instanceUid?: Uint8Array | string;
  /** Default `{ identifying: { 'service.name': 'fake-agent' } }`. */
  readonly description?: FakeAgentDescription;
  /**
   * AgentCapabilities mask; default ReportsStatus | AcceptsRemoteConfig |
   * ReportsRemoteConfig | ReportsEffectiveConfig | ReportsHealth | ReportsHeartbeat.
   */
  readonly capabilities?: BitMask;
  /** WebSocket heartbeat interval (needs ReportsHeartbeat); 0 disables. Default 30 000. */
  readonly heartbeatMs?: number;
  /** HTTP poll interval. Default 30 000. */
  readonly pollMs?: number;
  /**
   * Applies a remote config. Resolve (or return) to report APPLIED, throw or
   * reject to report FAILED with the error message. Default: accept it (the
   * agent keeps it in `currentConfig`).
   */
  readonly applyConfig?: (files: FakeConfigFiles, hashHex: string) => Promise<void> | void;
  /** Upper bound on honoured retry_after / Retry-After waits, so tests stay fast. Default 1000 ms. */
  readonly maxRetryAfterMs?: number;
  /** Reconnect backoff bounds (full jitter: each delay uniform below a ceiling doubling from minMs to maxMs); default 50 → 2000 ms. */
  readonly reconnect?: { readonly minMs?: number; readonly maxMs?: number };
  /**
   * After a WebSocket reconnect, send only changed parts instead of the full
   * state (allowed since spec v0.16.0). Default false (full state, as opamp-go does).
   */
  readonly compressOnReconnect?: boolean;
  /** HTTP: send the `OpAMP-Instance-UID` header. Default true (the Elastic client does not). */
  readonly sendInstanceUidHeader?: boolean;
  /** HTTP: gzip request bodies and accept gzip responses. Default false. */
  readonly gzip?: boolean;
  /** Bound of `received`, `sent` and `violations` (oldest dropped). Default 1000. */
  readonly historyLimit?: number;
}

/** Validated, frozen options. */
export interface FakeAgentSettings {
  readonly endpoints: readonly string[];
  readonly transport: 'websocket' | 'http';
  readonly token: string | undefined;
  readonly instanceUid: Uint8Array;
  readonly description: Required<FakeAgentDescription>;
  readonly capabilities: bigint;
  readonly heartbeatMs: number;
  readonly pollMs: number;
  readonly applyConfig: (files: FakeConfigFiles, hashHex: string) => Promise<void> | void;
  readonly maxRetryAfterMs: number;
  readonly reconnectMinMs: number;
  readonly reconnectMaxMs: number;
  readonly compressOnReconnect: boolean;
  readonly sendInstanceUidHeader: boolean;
  readonly gzip: boolean;
  readonly historyLimit: number;
}

/** The capabilities a FakeAgent declares unless told otherwise. */
export const DEFAULT_FAKE_AGENT_CAPABILITIES: bigint = toBigInt(
  AC.AgentCapabilities_ReportsStatus |
    AC.AgentCapabilities_AcceptsRemoteConfig |
    AC.AgentCapabilities_ReportsRemoteConfig |
    AC.AgentCapabilities_ReportsEffectiveConfig |
    AC.AgentCapabilities_ReportsHealth |
    AC.AgentCapabilities_ReportsHeartbeat,
);

function interval(value: number | undefined, fallback: number, name: string, min = 0): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) throw new TypeError(`FakeAgent: ${name} must be a number ≥ ${min}`);
  return v;
}

function endpointsOf(endpoint: string | readonly string[]): readonly string[] {
  const list = typeof endpoint === 'string' ? [endpoint] : [...endpoint];
  if (list.length === 0) throw new TypeError('FakeAgent: endpoint must name at least one URL');
  for (const url of list) {
    if (!/^(wss?|https?):\/\//.test(url)) throw new TypeError(`FakeAgent: ${url} is not a ws(s):// or http(s):// URL`);
  }
  return Object.freeze(list);
}

function uidOf(value: Uint8Array | string | undefined): Uint8Array {
  if (value === undefined) return newInstanceUid();
  if (typeof value === 'string') return uidFromString(value);
  if (!isValidUid(value)) throw new TypeError('FakeAgent: instanceUid must be 16 bytes');
  return Uint8Array.from(value);
}

/**
 * Checks and completes the options once.
 * @throws {TypeError} for an empty or non-URL endpoint, an unknown transport,
 *   a bad uid, or a negative interval.
 */
export function fakeAgentSettings(options: FakeAgentOptions): FakeAgentSettings {
  if (options.transport !== 'websocket' && options.transport !== 'http') {
    throw new TypeError(`FakeAgent: transport must be 'websocket' or 'http'`);
  }
  const minMs = interval(options.reconnect?.minMs, 50, 'reconnect.minMs', 1);
  return Object.freeze({
    endpoints: endpointsOf(options.endpoint),
    transport: options.transport,
    token: options.token,
    instanceUid: uidOf(options.instanceUid),
    description: Object.freeze({
      identifying: { ...(options.description?.identifying ?? { 'service.name': 'fake-agent' }) },
      nonIdentifying: { ...(options.description?.nonIdentifying ?? {}) },
    }),
    capabilities: BigInt.asUintN(64, toBigInt(options.capabilities ?? DEFAULT_FAKE_AGENT_CAPABILITIES)),
    heartbeatMs: interval(options.heartbeatMs, 30_000, 'heartbeatMs'),
    pollMs: interval(options.pollMs, 30_000, 'pollMs', 1),
    applyConfig: options.applyConfig ?? (() => undefined),
    maxRetryAfterMs: interval(options.maxRetryAfterMs, 1000, 'maxRetryAfterMs'),
    reconnectMinMs: minMs,
    reconnectMaxMs: Math.max(minMs, interval(options.reconnect?.maxMs, 2000, 'reconnect.maxMs', 1)),
    compressOnReconnect: options.compressOnReconnect ?? false,
    sendInstanceUidHeader: options.sendInstanceUidHeader ?? true,
    gzip: options.gzip ?? false,
    historyLimit: interval(options.historyLimit, 1000, 'historyLimit', 1),
  });
}
