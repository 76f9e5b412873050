import { AgentCapabilities as AC, decodeServerToAgent, encodeServerToAgent, toLong, toMask, type IServerToAgent } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import type { BitMask } from '@shepherd/proto';
import { GATEWAY_SERVER_CAPABILITIES, offerTemplate, prepareDelivery } from './index.js';

const UID = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const ACCEPTS = toMask(AC.AgentCapabilities_ReportsStatus, AC.AgentCapabilities_AcceptsRemoteConfig);
const file = (body: string) => ({ body: Buffer.from(body), contentType: 'text/yaml' });
const OFFER: IServerToAgent = {
  instanceUid: UID,
  remoteConfig: { configHash: Buffer.alloc(32, 7), config: { configMap: { 'collector.yaml': file('receivers: {}\n'), 'b.yaml': file('x') } } },
};

/** The template's bytes for one agent, as a single delivery uses them. */
function passThroughOffer(serverToAgent: Uint8Array, uid: Uint8Array, agentCapabilities: BitMask, serverCapabilities: BitMask): Uint8Array | undefined {
  return offerTemplate(serverToAgent)?.bytesFor(uid, agentCapabilities, serverCapabilities);
}

/** What the general path sends: decode, gate and stamp, encode. */
function generalPath(message: IServerToAgent): Buffer | undefined {
  const ready = prepareDelivery(decodeServerToAgent(encodeServerToAgent(message)), UID, ACCEPTS, GATEWAY_SERVER_CAPABILITIES);
  return ready === undefined ? undefined : Buffer.from(encodeServerToAgent(ready.message));
}

describe('passThroughOffer', () => {
  it('gives the bytes the general path encodes, for an offer with and without flags', () => {
    for (const message of [OFFER, { ...OFFER, flags: toLong(1n) }, { instanceUid: UID, remoteConfig: { configHash: Buffer.alloc(32, 1) } }]) {
      const fast = passThroughOffer(encodeServerToAgent(message), UID, ACCEPTS, GATEWAY_SERVER_CAPABILITIES);
      expect(fast).toBeDefined();
      expect(Buffer.from(fast!)).toEqual(generalPath(message));
      expect(decodeServerToAgent(fast!).capabilities.toString()).toBe(GATEWAY_SERVER_CAPABILITIES.toString());
    }
  });

  it('leaves everything gating could change to the general path', () => {
    const encoded = encodeServerToAgent(OFFER);
    // §7.46: no AcceptsRemoteConfig, no remote_config.
    expect(passThroughOffer(encoded, UID, toMask(AC.AgentCapabilities_ReportsStatus), GATEWAY_SERVER_CAPABILITIES)).toBeUndefined();
    const others: IServerToAgent[] = [
      { instanceUid: UID, flags: toLong(1n) },
      { ...OFFER, capabilities: toLong(1n) },
      { ...OFFER, command: { type: 0 } },
      { ...OFFER, errorResponse: { errorMessage: 'x' } },
      { ...OFFER, packagesAvailable: { allPackagesHash: Buffer.from('p') } },
      { ...OFFER, connectionSettings: { hash: Buffer.from('c') } },
      { ...OFFER, customMessage: { capability: 'c', type: 't' } },
      { ...OFFER, instanceUid: Buffer.alloc(16, 1) },
    ];
    for (const message of others) expect(passThroughOffer(encodeServerToAgent(message), UID, ACCEPTS, GATEWAY_SERVER_CAPABILITIES), JSON.stringify(Object.keys(message))).toBeUndefined();
  });

  it('takes only bytes in encoder order and well formed at the top level', () => {
    const encoded = Buffer.from(encodeServerToAgent(OFFER));
    expect(passThroughOffer(encoded.subarray(0, encoded.length - 3), UID, ACCEPTS, GATEWAY_SERVER_CAPABILITIES)).toBeUndefined();
    const uidField = encodeServerToAgent({ instanceUid: UID });
    // instance_uid twice, or after remote_config: not what an encoder writes.
    expect(passThroughOffer(Buffer.concat([encoded, uidField]), UID, ACCEPTS, GATEWAY_SERVER_CAPABILITIES)).toBeUndefined();
    expect(passThroughOffer(Buffer.concat([encodeServerToAgent({ remoteConfig: OFFER.remoteConfig }), uidField]), UID, ACCEPTS, GATEWAY_SERVER_CAPABILITIES)).toBeUndefined();
  });

  it('stamps an offer encoded without instance_uid for each agent, as a multicast carries it', () => {
    const shared = offerTemplate(encodeServerToAgent({ remoteConfig: OFFER.remoteConfig }))!;
    const other = Buffer.alloc(16, 0x5a);
    expect(Buffer.from(shared.bytesFor(UID, ACCEPTS, GATEWAY_SERVER_CAPABILITIES)!)).toEqual(generalPath(OFFER));
    expect(Buffer.from(decodeServerToAgent(shared.bytesFor(other, ACCEPTS, GATEWAY_SERVER_CAPABILITIES)!).instanceUid)).toEqual(other);
    expect(shared.bytesFor(other, toMask(AC.AgentCapabilities_ReportsStatus), GATEWAY_SERVER_CAPABILITIES)).toBeUndefined();
    // An offer that names its agent goes to that agent only.
    expect(offerTemplate(encodeServerToAgent(OFFER))!.bytesFor(other, ACCEPTS, GATEWAY_SERVER_CAPABILITIES)).toBeUndefined();
  });
});
