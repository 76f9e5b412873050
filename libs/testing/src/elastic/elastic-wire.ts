/**
 * Structural views of what @elastic/opamp-client-node 0.5.0 hands out: its
 * diagnostics-channel events and its @bufbuild/protobuf messages. The
 * package's own typings describe these as opaque `Message`s, so only the
 * fields this harness reads are declared, and copied into plain objects.
 */
import { uidToString } from '@shepherd/proto';
import type { FakeConfigFiles } from '../agent/fake-agent-options.js';

/** The client's AgentToServer (bufbuild shape; 64-bit fields are bigint). */
export interface ElasticA2S {
  readonly instanceUid: Uint8Array;
  readonly sequenceNum: bigint;
  readonly capabilities: bigint;
  readonly agentDescription?: unknown;
  readonly remoteConfigStatus?: { readonly lastRemoteConfigHash: Uint8Array; readonly status: number; readonly errorMessage: string };
}

/** The AgentConfigMap inside a remote config (bufbuild shape). */
export interface ElasticConfigMap {
  readonly configMap: Readonly<Record<string, { readonly body: Uint8Array; readonly contentType: string }>>;
}

/** The client's view of a ServerToAgent (bufbuild shape). */
export interface ElasticS2A {
  readonly instanceUid: Uint8Array;
  readonly capabilities: bigint;
  readonly flags: bigint;
  readonly remoteConfig?: { readonly configHash: Uint8Array; readonly config?: ElasticConfigMap };
  readonly errorResponse?: { readonly type: number; readonly errorMessage: string };
}

/** Payload of the `opamp-client.send.success` channel. */
export interface ElasticSendSuccess {
  readonly instanceUidStr: string;
  readonly a2s: ElasticA2S;
  readonly s2a: ElasticS2A;
}

/** Payload of the `opamp-client.send.fail` channel. */
export interface ElasticSendFail {
  readonly instanceUidStr: string;
  readonly a2s: ElasticA2S;
  readonly err: unknown;
  readonly retryAfterMs: number | null;
}

const STATUS_NAMES = ['UNSET', 'APPLIED', 'APPLYING', 'FAILED'] as const;
const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('hex');

/** One successful request/response of the Elastic client, as plain data. */
export interface ElasticExchange {
  readonly sequenceNum: bigint;
  /** instance_uid the request carried. */
  readonly instanceUid: string;
  /** The request carried agent_description (full state). */
  readonly sentDescription: boolean;
  readonly sentRemoteConfigStatus?: { readonly status: (typeof STATUS_NAMES)[number] | 'UNKNOWN'; readonly hash: string; readonly errorMessage: string };
  readonly reply: {
    readonly instanceUid: string;
    readonly capabilities: bigint;
    readonly flags: bigint;
    /** Hex config_hash when the reply offered a remote config. */
    readonly remoteConfigHash?: string;
  };
}

/** A failed request of the Elastic client (the client then waits ≥ 30 s). */
export interface ElasticFailure {
  readonly sequenceNum: bigint;
  readonly error: string;
  readonly retryAfterMs: number | null;
}

const uidText = (bytes: Uint8Array): string => (bytes.length === 16 ? uidToString(bytes) : hex(bytes));

/** Copies a send.success event into plain data. */
export function exchangeOf(event: ElasticSendSuccess): ElasticExchange {
  const { a2s, s2a } = event;
  const status = a2s.remoteConfigStatus;
  return Object.freeze({
    sequenceNum: a2s.sequenceNum,
    instanceUid: uidText(a2s.instanceUid),
    sentDescription: a2s.agentDescription !== undefined,
    ...(status === undefined
      ? {}
      : { sentRemoteConfigStatus: { status: STATUS_NAMES[status.status] ?? ('UNKNOWN' as const), hash: hex(status.lastRemoteConfigHash), errorMessage: status.errorMessage } }),
    reply: {
      instanceUid: uidText(s2a.instanceUid),
      capabilities: s2a.capabilities,
      flags: s2a.flags,
      ...(s2a.remoteConfig === undefined ? {} : { remoteConfigHash: hex(s2a.remoteConfig.configHash) }),
    },
  });
}

/** Copies a send.fail event into plain data. */
export function failureOf(event: ElasticSendFail): ElasticFailure {
  const error = event.err instanceof Error ? event.err.message : String(event.err);
  return Object.freeze({ sequenceNum: event.a2s.sequenceNum, error, retryAfterMs: event.retryAfterMs });
}

/** The files of a remote config, copied out of the client's message. */
export function filesOf(map: ElasticConfigMap | undefined): FakeConfigFiles {
  const files: Record<string, { contentType: string; body: Buffer }> = {};
  for (const [name, file] of Object.entries(map?.configMap ?? {})) {
    files[name] = Object.freeze({ contentType: file.contentType, body: Buffer.from(file.body) });
  }
  return Object.freeze(files);
}
