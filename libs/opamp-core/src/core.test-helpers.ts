/** Builders shared by the opamp-core specs. */
import {
  AgentCapabilities as AC,
  decodeAgentToServer,
  decodeServerToAgent,
  encodeAgentToServer,
  encodeServerToAgent,
  newInstanceUid,
  toLong,
  type AgentToServer,
  type IAgentToServer,
  type IServerToAgent,
  type ServerToAgent,
  type opamp,
} from '@shepherd/proto';

/** A fresh 16-byte uid. */
export const uid = (): Uint8Array => newInstanceUid();

/** An agent description with the given identifying attributes (string values). */
export function description(identifying: Record<string, string>): opamp.AgentDescription.$Properties {
  return {
    identifyingAttributes: Object.entries(identifying).map(([key, v]) => ({ key, value: { stringValue: v } })),
    nonIdentifyingAttributes: [{ key: 'os.type', value: { stringValue: 'linux' } }],
  };
}

/** An AgentToServer as the gateway sees it: encoded and decoded again, so defaults come from the decoder. */
export function agentMessage(props: Omit<IAgentToServer, 'sequenceNum' | 'capabilities' | 'flags'> & { seq?: bigint; caps?: bigint; flags?: bigint }): AgentToServer {
  const { seq, caps, flags, ...rest } = props;
  return decodeAgentToServer(
    encodeAgentToServer({
      ...rest,
      ...(seq !== undefined ? { sequenceNum: toLong(seq) } : {}),
      ...(caps !== undefined ? { capabilities: toLong(caps) } : {}),
      ...(flags !== undefined ? { flags: toLong(flags) } : {}),
    }),
  );
}

/** Round-trips a reply through the codec, proving it encodes and showing what the agent reads. */
export function onWire(reply: IServerToAgent): ServerToAgent {
  return decodeServerToAgent(encodeServerToAgent(reply));
}

/** Every agent capability bit the gate looks at. */
export const ALL_AGENT_CAPS =
  BigInt(AC.AgentCapabilities_ReportsStatus) |
  BigInt(AC.AgentCapabilities_AcceptsRemoteConfig) |
  BigInt(AC.AgentCapabilities_AcceptsPackages) |
  BigInt(AC.AgentCapabilities_AcceptsRestartCommand) |
  BigInt(AC.AgentCapabilities_AcceptsOpAMPConnectionSettings) |
  BigInt(AC.AgentCapabilities_AcceptsOtherConnectionSettings) |
  BigInt(AC.AgentCapabilities_ReportsOwnMetrics) |
  BigInt(AC.AgentCapabilities_ReportsOwnTraces) |
  BigInt(AC.AgentCapabilities_ReportsOwnLogs);
