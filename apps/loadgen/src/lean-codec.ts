import { opamp, type IAgentToServer, type ServerToAgent } from '@shepherd/proto';

/*
 * The load generator's protobuf encoding, without the checks @shepherd/proto's codec adds for
 * untrusted input (a pass over wire types and UTF-8 before decoding, verify() before encoding).
 * The generator only talks to the server under test, and on a shared machine every cycle it
 * spends is taken from that server: a config fan-out to 100 000 simulated agents is 100 000 offers
 * with their config files to decode and as many APPLIED reports with the effective config to encode.
 */

/** Encodes an AgentToServer the generator built itself. */
export function encodeAgentMessage(message: IAgentToServer): Uint8Array {
  return opamp.AgentToServer.encode(message).finish();
}

/**
 * Decodes a ServerToAgent from the server under test.
 * @throws Error (protobufjs) when the bytes are not a protobuf message
 */
export function decodeServerMessage(bytes: Uint8Array): ServerToAgent {
  return opamp.ServerToAgent.decode(bytes);
}
