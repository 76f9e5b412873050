import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public entry', () => {
  it('exports exactly the curated API', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'AgentCapabilities', 'AgentToServerFlags', 'CommandType', 'ConnectionEventKind', 'ConnectionSettingsStatuses',
        'DeliveryKind', 'InvalidInstanceUidError', 'PackageStatusEnum', 'PackageType', 'ProtoDecodeError',
        'ProtoEncodeError', 'RemoteConfigStatuses', 'ServerCapabilities', 'ServerErrorResponseType',
        'ServerToAgentFlags', 'Transport', 'Uint64RangeError', 'WsFrameHeaderError', 'bus',
        'decodeAgentConnectionEvent', 'decodeAgentLivenessBatch', 'decodeDeliveryReceipt', 'decodeServerToAgentMulticast', 'decodeAgentMessageEnvelope', 'decodeAgentToServer', 'decodeServerToAgent',
        'decodeServerToAgentDelivery', 'decodeWsFrame', 'encodeUint64Field', 'encodeAgentConnectionEvent', 'encodeAgentLivenessBatch', 'encodeDeliveryReceipt', 'encodeServerToAgentMulticast', 'encodeAgentMessageEnvelope',
        'encodeAgentToServer', 'encodePlainServerToAgent', 'encodeServerToAgent', 'encodeServerToAgentDelivery', 'encodeWsFrame', 'hasCapability',
        'isValidUid', 'newInstanceUid', 'scanTopLevelFields', 'opamp', 'toBigInt', 'toLong', 'toMask', 'uidFromString', 'uidToString',
      ].sort(),
    );
  });

  it('exposes the generated namespaces opamp.proto.v1 and shepherd.bus.v1', () => {
    expect(api.opamp.AgentToServer.getTypeUrl()).toBe('type.googleapis.com/opamp.proto.v1.AgentToServer');
    expect(api.bus.AgentMessageEnvelope.getTypeUrl()).toBe('type.googleapis.com/shepherd.bus.v1.AgentMessageEnvelope');
    const message: api.IAgentToServer = { instanceUid: api.newInstanceUid() };
    const decoded: api.AgentToServer = api.decodeAgentToServer(api.encodeAgentToServer(message));
    expect(api.isValidUid(decoded.instanceUid)).toBe(true);
  });
});
