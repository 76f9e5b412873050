import { toBigInt, toLong, type BitMask, type IServerToAgent } from '@shepherd/proto';
import { allowedForAgent, isEmptyOffer, type GatedPart } from './capability-gate.js';
import type { PendingDelivery } from './delivery-mailbox.js';

/** Result of {@link composeReply}. */
export interface ComposedReply {
  /** The reply to send: the base answer plus what could be merged. */
  readonly reply: IServerToAgent;
  /** Kinds merged into `reply`; remove them from the mailbox. */
  readonly used: readonly number[];
  /** Kinds with nothing left after capability gating; remove them too (and count them as dropped). */
  readonly dropped: readonly number[];
  /** Parts removed by capability gating, for metrics. */
  readonly stripped: readonly GatedPart[];
}

const MERGEABLE = ['remoteConfig', 'connectionSettings', 'packagesAvailable', 'agentIdentification', 'customCapabilities', 'customMessage'] as const;

const present = (v: unknown): boolean => v !== null && v !== undefined;

/**
 * Merges pending deliveries into the immediate answer of an HTTP poll
 * (wire-facts §7.28), after capability gating against the agent's current
 * capabilities (§7.33/§7.34). The reply keeps the base's instance_uid and
 * capabilities. Flags are ORed. A delivery that would overwrite a field the
 * reply already has stays pending (not in `used`). Messages that must travel
 * alone, error_response (§7.25) and command (§7.71), are sent only when the
 * base answer is a plain acknowledgement, and then alone; otherwise they
 * wait for the next poll. A base that is itself an error takes nothing.
 */
export function composeReply(base: IServerToAgent, pending: readonly PendingDelivery[], agentCapabilities: BitMask): ComposedReply {
  const used: number[] = [];
  const dropped: number[] = [];
  const stripped: GatedPart[] = [];
  if (present(base.errorResponse)) return { reply: base, used, dropped, stripped };
  const gated = pending.map((p) => ({ kind: p.kind, ...allowedForAgent(p.message, agentCapabilities) }));
  for (const g of gated) {
    stripped.push(...g.stripped);
    if (g.empty) dropped.push(g.kind);
  }
  const live = gated.filter((g) => !g.empty);
  const exclusive = live.find((g) => present(g.message.errorResponse) || present(g.message.command));
  if (exclusive !== undefined && isEmptyOffer(base)) {
    const alone: IServerToAgent = present(exclusive.message.errorResponse)
      ? { instanceUid: base.instanceUid, errorResponse: exclusive.message.errorResponse }
      : { instanceUid: base.instanceUid, capabilities: base.capabilities, command: exclusive.message.command };
    return { reply: alone, used: [exclusive.kind], dropped, stripped };
  }
  const reply: IServerToAgent = { ...base };
  for (const g of live) {
    if (present(g.message.errorResponse) || present(g.message.command)) continue;
    if (MERGEABLE.some((f) => present(g.message[f]) && present(reply[f]))) continue;
    for (const f of MERGEABLE) if (present(g.message[f])) (reply as Record<string, unknown>)[f] = g.message[f];
    const flags = toBigInt(g.message.flags ?? 0) | toBigInt(reply.flags ?? 0);
    if (flags !== 0n) reply.flags = toLong(flags);
    used.push(g.kind);
  }
  return { reply, used, dropped, stripped };
}

/**
 * Prepares a delivery for an immediate WebSocket push (§7.27): capability
 * gating (§7.34), then instance_uid set to the agent's uid (§7.20) and
 * capabilities set (§7.22; not on error_response, §7.25). Returns undefined
 * when gating leaves nothing to send.
 */
export function prepareDelivery(
  message: IServerToAgent,
  instanceUid: Uint8Array,
  agentCapabilities: BitMask,
  serverCapabilities: BitMask,
): { message: IServerToAgent; stripped: readonly GatedPart[] } | undefined {
  const gated = allowedForAgent(message, agentCapabilities);
  if (gated.empty) return undefined;
  const out: IServerToAgent = { ...gated.message, instanceUid };
  if (!present(out.errorResponse)) out.capabilities = toLong(toBigInt(serverCapabilities));
  return { message: out, stripped: gated.stripped };
}
