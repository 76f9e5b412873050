import {
  AgentCapabilities as AC,
  AgentToServerFlags,
  ServerCapabilities as SC,
  ServerErrorResponseType,
  ServerToAgentFlags,
  encodePlainServerToAgent,
  encodeServerToAgent,
  hasCapability,
  toBigInt,
  uidToString,
} from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { agentMessage, description, onWire, uid } from './core.test-helpers.js';
import {
  GATEWAY_SERVER_CAPABILITIES,
  respondToAgent,
  type AgentExchange,
  type AgentSession,
  type RespondContext,
} from './index.js';

const ctx: RespondContext = { serverCapabilities: GATEWAY_SERVER_CAPABILITIES };
const REPORTS = BigInt(AC.AgentCapabilities_ReportsStatus);
const ACCEPTS_CONFIG = BigInt(AC.AgentCapabilities_AcceptsRemoteConfig);
const desc = description({ 'service.name': 'otelcol', 'service.instance.id': 'a' });

function accepted(x: AgentExchange): Extract<AgentExchange, { outcome: 'accepted' }> {
  if (x.outcome !== 'accepted') throw new Error(`expected accepted, got ${x.outcome}`);
  return x;
}

const asksFullState = (x: AgentExchange): boolean =>
  hasCapability(onWire(x.reply).flags, ServerToAgentFlags.ServerToAgentFlags_ReportFullState);

/** Runs a sequence of messages through one session, returning every exchange. */
function converse(messages: Parameters<typeof agentMessage>[0][], context: RespondContext = ctx): AgentExchange[] {
  let session: AgentSession | undefined;
  return messages.map((m) => {
    const x = respondToAgent(session, agentMessage(m), context);
    if (x.outcome === 'accepted') session = x.session;
    return x;
  });
}

/** A full report, the next heartbeat, then one that skips two sequence numbers. */
const withGap = (id: Uint8Array): AgentExchange[] =>
  converse([
    { instanceUid: id, seq: 1n, caps: REPORTS, agentDescription: desc },
    { instanceUid: id, seq: 2n, caps: REPORTS },
    { instanceUid: id, seq: 5n, caps: REPORTS },
  ]);

describe('respondToAgent', () => {
  it('echoes instance_uid and sets capabilities on every reply, AcceptsStatus included', () => {
    // wire-facts §7.20, §7.21, §7.22, §7.23
    const id = uid();
    const [first, second] = converse([
      { instanceUid: id, seq: 1n, caps: REPORTS, agentDescription: desc },
      { instanceUid: id, seq: 2n, caps: REPORTS },
    ]);
    for (const x of [first!, second!]) {
      const wire = onWire(x.reply);
      expect(Buffer.from(wire.instanceUid)).toEqual(Buffer.from(id));
      expect(toBigInt(wire.capabilities)).toBe(GATEWAY_SERVER_CAPABILITIES);
      expect(hasCapability(wire.capabilities, SC.ServerCapabilities_AcceptsStatus)).toBe(true);
      expect(wire.errorResponse).toBeNull();
      expect(toBigInt(wire.flags)).toBe(0n);
    }
    expect(GATEWAY_SERVER_CAPABILITIES).toBe(0x7n);
  });

  it('marks a reply plain exactly when it is uid and capabilities alone, byte for byte the stamped encoding', () => {
    const id = uid();
    const xs = withGap(id).map(accepted);
    expect(xs.map((x) => x.plain)).toEqual([true, true, false]);
    for (const x of xs.filter((e) => e.plain)) {
      expect(Object.keys(x.reply).sort()).toEqual(['capabilities', 'instanceUid']);
      expect(Buffer.from(encodePlainServerToAgent(id, GATEWAY_SERVER_CAPABILITIES))).toEqual(Buffer.from(encodeServerToAgent(x.reply)));
    }
  });

  it('asks for ReportFullState when sequence_num is not previous + 1', () => {
    // wire-facts §7.29
    const id = uid();
    const xs = withGap(id);
    expect(xs.map(asksFullState)).toEqual([false, false, true]);
    expect(accepted(xs[2]!).fullStateRequested).toBe(true);
  });

  it('treats a repeated copy (same sequence_num) as a gap but still answers it', () => {
    // wire-facts §7.19, §7.29
    const id = uid();
    const xs = converse([
      { instanceUid: id, seq: 7n, caps: REPORTS, agentDescription: desc },
      { instanceUid: id, seq: 7n, caps: REPORTS, agentDescription: desc },
    ]);
    expect(xs.map((x) => x.outcome)).toEqual(['accepted', 'accepted']);
    expect(asksFullState(xs[1]!)).toBe(true);
  });

  it('asks for full state when it has no state and the message has no description, not when it has one', () => {
    // wire-facts §7.31
    expect(asksFullState(converse([{ instanceUid: uid(), seq: 40n, caps: REPORTS }])[0]!)).toBe(true);
    expect(asksFullState(converse([{ instanceUid: uid(), seq: 40n, caps: REPORTS, agentDescription: desc }])[0]!)).toBe(false);
  });

  it('never asks twice for the same gap, even when the answer is out of sequence again', () => {
    // wire-facts §7.32
    const id = uid();
    const xs = converse([
      { instanceUid: id, seq: 1n, caps: REPORTS, agentDescription: desc },
      { instanceUid: id, seq: 9n, caps: REPORTS },
      { instanceUid: id, seq: 20n, caps: REPORTS, agentDescription: desc },
      { instanceUid: id, seq: 21n, caps: REPORTS },
    ]);
    expect(xs.map(asksFullState)).toEqual([false, true, false, false]);
  });

  it('does not loop with an agent that never sends a description: at most every other reply asks', () => {
    // wire-facts §7.32
    const id = uid();
    const xs = converse(Array.from({ length: 6 }, (_, i) => ({ instanceUid: id, seq: BigInt(i + 1), caps: REPORTS })));
    expect(xs.map(asksFullState)).toEqual([true, false, true, false, true, false]);
  });

  it('assigns a new UUID v7 uid on RequestInstanceUid, keeping the old uid in the envelope', () => {
    // wire-facts §7.39, §7.40
    const temp = uid();
    const x = respondToAgent(
      undefined,
      agentMessage({ instanceUid: temp, seq: 1n, caps: REPORTS, flags: BigInt(AgentToServerFlags.AgentToServerFlags_RequestInstanceUid) }),
      ctx,
    );
    expect(x.outcome).toBe('reassigned');
    const wire = onWire(x.reply);
    expect(Buffer.from(wire.instanceUid)).toEqual(Buffer.from(temp));
    const fresh = wire.agentIdentification!.newInstanceUid!;
    expect(fresh).toHaveLength(16);
    expect(fresh[6]! >> 4).toBe(7);
    expect(fresh[8]! >> 6).toBe(0b10);
    expect(uidToString(fresh)).not.toBe(uidToString(temp));
    expect(toBigInt(wire.capabilities)).toBe(GATEWAY_SERVER_CAPABILITIES);
    expect(asksFullState(x)).toBe(true);
  });

  it('gives a new uid to a second agent whose identifying attributes differ from the live session', () => {
    // wire-facts §7.41
    const id = uid();
    const holder = accepted(converse([{ instanceUid: id, seq: 1n, caps: REPORTS, agentDescription: desc }])[0]!).session;
    const clone = description({ 'service.name': 'otelcol', 'service.instance.id': 'b' });
    const withHolder: RespondContext = { ...ctx, uidTaken: (u) => (u === holder.uid ? holder : undefined) };
    const dup = respondToAgent(undefined, agentMessage({ instanceUid: id, seq: 1n, caps: REPORTS, agentDescription: clone }), withHolder);
    expect(dup.outcome).toBe('reassigned');
    expect(dup.outcome === 'reassigned' && dup.reason).toBe('duplicate');
    expect(onWire(dup.reply).agentIdentification!.newInstanceUid).toHaveLength(16);

    const same = respondToAgent(undefined, agentMessage({ instanceUid: id, seq: 1n, caps: REPORTS, agentDescription: desc }), withHolder);
    expect(same.outcome).toBe('accepted');
    const silent = respondToAgent(undefined, agentMessage({ instanceUid: id, seq: 2n, caps: REPORTS }), withHolder);
    expect(silent.outcome).toBe('accepted');
  });

  it('answers a uid that is not 16 bytes with BadRequest and no fields 3..11', () => {
    // wire-facts §7.24, §7.25, §7.36
    const x = respondToAgent(undefined, agentMessage({ instanceUid: Uint8Array.from([1, 2, 3]), seq: 1n, caps: REPORTS }), ctx);
    expect(x.outcome).toBe('rejected');
    const wire = onWire(x.reply);
    expect(wire.errorResponse!.type).toBe(ServerErrorResponseType.ServerErrorResponseType_BadRequest);
    expect(wire.errorResponse!.errorMessage).toBe('instance_uid must be 16 bytes, got 3');
    expect(Buffer.from(wire.instanceUid)).toEqual(Buffer.from([1, 2, 3]));
    expect(toBigInt(wire.capabilities)).toBe(0n);
    expect(toBigInt(wire.flags)).toBe(0n);
    expect([wire.remoteConfig, wire.connectionSettings, wire.packagesAvailable, wire.agentIdentification, wire.command]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('accepts capability changes at any time and keeps them through bare polls', () => {
    // wire-facts §7.33, §6.3 (a poll may carry only instance_uid)
    const id = uid();
    const xs = converse([
      { instanceUid: id, seq: 1n, caps: REPORTS, agentDescription: desc },
      { instanceUid: id, seq: 2n, caps: REPORTS | ACCEPTS_CONFIG },
      { instanceUid: id, seq: 3n },
    ]);
    expect(xs.map((x) => accepted(x).session.capabilities)).toEqual([REPORTS, REPORTS | ACCEPTS_CONFIG, REPORTS | ACCEPTS_CONFIG]);
  });

  it('notes agent_disconnect and does not ask a departing agent for full state', () => {
    // wire-facts §7.42
    const x = accepted(converse([{ instanceUid: uid(), seq: 9n, caps: REPORTS, agentDisconnect: {} }])[0]!);
    expect(x.disconnect).toBe(true);
    expect(x.session.disconnected).toBe(true);
    expect(asksFullState(x)).toBe(false);
  });

  it('ignores unknown capability bits from newer agents', () => {
    // wire-facts §7.35
    const x = accepted(converse([{ instanceUid: uid(), seq: 1n, caps: REPORTS | (1n << 40n), agentDescription: desc }])[0]!);
    expect(x.session.capabilities).toBe(REPORTS | (1n << 40n));
  });

  it('refuses a session that belongs to another uid', () => {
    const session = accepted(converse([{ instanceUid: uid(), seq: 1n, caps: REPORTS, agentDescription: desc }])[0]!).session;
    expect(() => respondToAgent(session, agentMessage({ instanceUid: uid(), seq: 2n }), ctx)).toThrow(/session of/);
  });
});
