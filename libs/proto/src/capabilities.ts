/**
 * Named bits of the OpAMP bit-mask fields and helpers to test and build
 * masks. The masks themselves are uint64 fields (wire-facts §5), so every
 * helper works on Long, bigint or (safe) number and never loses bit 63.
 */
import type Long from 'long';
import { opamp } from './messages.js';
import { Uint64RangeError } from './errors.js';
import { toBigInt, toLong } from './uint64.js';

/** Bits of `AgentToServer.capabilities`. */
export const AgentCapabilities = opamp.AgentCapabilities;
/** Bits of `AgentToServer.capabilities`. */
export type AgentCapabilities = opamp.AgentCapabilities;
/** Bits of `ServerToAgent.capabilities`. */
export const ServerCapabilities = opamp.ServerCapabilities;
/** Bits of `ServerToAgent.capabilities`. */
export type ServerCapabilities = opamp.ServerCapabilities;
/** Bits of `AgentToServer.flags`. */
export const AgentToServerFlags = opamp.AgentToServerFlags;
/** Bits of `AgentToServer.flags`. */
export type AgentToServerFlags = opamp.AgentToServerFlags;
/** Bits of `ServerToAgent.flags`. */
export const ServerToAgentFlags = opamp.ServerToAgentFlags;
/** Bits of `ServerToAgent.flags`. */
export type ServerToAgentFlags = opamp.ServerToAgentFlags;
/** States of `RemoteConfigStatus.status`. */
export const RemoteConfigStatuses = opamp.RemoteConfigStatuses;
/** States of `RemoteConfigStatus.status`. */
export type RemoteConfigStatuses = opamp.RemoteConfigStatuses;
/** States of `ConnectionSettingsStatus.status`. */
export const ConnectionSettingsStatuses = opamp.ConnectionSettingsStatuses;
/** States of `ConnectionSettingsStatus.status`. */
export type ConnectionSettingsStatuses = opamp.ConnectionSettingsStatuses;
/** States of `PackageStatus.status`; 0 means Installed. */
export const PackageStatusEnum = opamp.PackageStatusEnum;
/** States of `PackageStatus.status`; 0 means Installed. */
export type PackageStatusEnum = opamp.PackageStatusEnum;
/** Kinds of `PackageAvailable.type`; 0 means TopLevel. */
export const PackageType = opamp.PackageType;
/** Kinds of `PackageAvailable.type`; 0 means TopLevel. */
export type PackageType = opamp.PackageType;
/** Values of `ServerToAgentCommand.type`; 0 means Restart. */
export const CommandType = opamp.CommandType;
/** Values of `ServerToAgentCommand.type`; 0 means Restart. */
export type CommandType = opamp.CommandType;
/** Values of `ServerErrorResponse.type`; 0 means Unknown. */
export const ServerErrorResponseType = opamp.ServerErrorResponseType;
/** Values of `ServerErrorResponse.type`; 0 means Unknown. */
export type ServerErrorResponseType = opamp.ServerErrorResponseType;

/** Anything a 64-bit mask may arrive as. Numbers must be safe integers. */
export type BitMask = Long | bigint | number;

/** The 64 bits of a mask as an unsigned bigint; a negative value is read as int64. */
function bitsOf(value: BitMask): bigint {
  const v = toBigInt(value);
  if (v < -(1n << 63n) || v >= 1n << 64n) throw new Uint64RangeError(`${v} does not fit in 64 bits`);
  return BigInt.asUintN(64, v);
}

/**
 * True when every bit of `bit` is set in `mask`. A zero `bit` (the
 * `*_Unspecified` values) is never "had", so it returns false.
 * @throws {Uint64RangeError} when a number is unsafe or a value does not fit in 64 bits.
 */
export function hasCapability(mask: BitMask, bit: BitMask): boolean {
  const wanted = bitsOf(bit);
  if (wanted === 0n) return false;
  return (bitsOf(mask) & wanted) === wanted;
}

/**
 * ORs bits into one unsigned `Long`, ready for a `capabilities` or `flags`
 * field. With no argument it returns 0.
 * @throws {Uint64RangeError} when a number is unsafe or a value is outside 64 bits.
 */
export function toMask(...bits: BitMask[]): Long {
  let mask = 0n;
  for (const bit of bits) mask |= bitsOf(bit);
  return toLong(mask);
}
