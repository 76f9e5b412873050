import {
  AgentCapabilities as AC,
  DeliveryKind,
  ServerErrorResponseType,
  ServerToAgentFlags,
  toBigInt,
  toLong,
  type IServerToAgent,
} from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { ALL_AGENT_CAPS, onWire, uid } from './core.test-helpers.js';
import { composeReply, GATEWAY_SERVER_CAPABILITIES, prepareDelivery, type PendingDelivery } from './index.js';

const id = uid();
const bytes = (t: string): Uint8Array => new TextEncoder().encode(t);
const base = (): IServerToAgent => ({ instanceUid: id, capabilities: toLong(GATEWAY_SERVER_CAPABILITIES) });
const pend = (kind: number, message: IServerToAgent): PendingDelivery => ({ kind, message, sizeBytes: 1, issuedAtUnixNano: 0n });
const rc = pend(DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG, { instanceUid: id, remoteConfig: { configHash: bytes('h') } });
const fullState = pend(DeliveryKind.DELIVERY_KIND_FLAGS, { instanceUid: id, flags: toLong(BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState)) });
const restart = pend(DeliveryKind.DELIVERY_KIND_COMMAND, { instanceUid: id, command: {} });

describe('composeReply', () => {
  it('merges pending deliveries into the poll answer, keeping uid and capabilities', () => {
    // wire-facts §7.28, §7.20, §7.22
    const out = composeReply(base(), [rc, fullState], ALL_AGENT_CAPS);
    const wire = onWire(out.reply);
    expect(Buffer.from(wire.remoteConfig!.configHash!)).toEqual(Buffer.from('h'));
    expect(toBigInt(wire.flags)).toBe(1n);
    expect(toBigInt(wire.capabilities)).toBe(GATEWAY_SERVER_CAPABILITIES);
    expect(Buffer.from(wire.instanceUid)).toEqual(Buffer.from(id));
    expect(out.used).toEqual([DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG, DeliveryKind.DELIVERY_KIND_FLAGS]);
  });

  it('drops what the agent cannot accept instead of sending it', () => {
    // wire-facts §7.34
    const out = composeReply(base(), [rc], BigInt(AC.AgentCapabilities_ReportsStatus));
    expect(onWire(out.reply).remoteConfig).toBeNull();
    expect(out.dropped).toEqual([DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG]);
    expect(out.stripped).toEqual(['remote_config']);
  });

  it('sends a command alone on a plain acknowledgement, and holds it when the answer carries flags', () => {
    // wire-facts §7.71
    const alone = composeReply(base(), [rc, restart], ALL_AGENT_CAPS);
    expect(Object.keys(alone.reply).sort()).toEqual(['capabilities', 'command', 'instanceUid']);
    expect(alone.used).toEqual([DeliveryKind.DELIVERY_KIND_COMMAND]);
    const busy = composeReply({ ...base(), flags: toLong(1n) }, [rc, restart], ALL_AGENT_CAPS);
    expect(busy.used).toEqual([DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG]);
    expect(busy.reply.command).toBeUndefined();
  });

  it('takes nothing into an error answer', () => {
    // wire-facts §7.25
    const err: IServerToAgent = { instanceUid: id, errorResponse: { type: ServerErrorResponseType.ServerErrorResponseType_BadRequest } };
    expect(composeReply(err, [rc], ALL_AGENT_CAPS)).toMatchObject({ reply: err, used: [] });
  });
});

describe('prepareDelivery', () => {
  it('gates, sets the agent uid and the server capabilities on a pushed message', () => {
    // wire-facts §7.20, §7.22, §7.27, §7.34
    const out = prepareDelivery({ instanceUid: uid(), remoteConfig: { configHash: bytes('h') } }, id, ALL_AGENT_CAPS, GATEWAY_SERVER_CAPABILITIES)!;
    expect(Buffer.from(out.message.instanceUid!)).toEqual(Buffer.from(id));
    expect(toBigInt(out.message.capabilities!)).toBe(GATEWAY_SERVER_CAPABILITIES);
    expect(prepareDelivery(rc.message, id, 1n, GATEWAY_SERVER_CAPABILITIES)).toBeUndefined();
  });
});
