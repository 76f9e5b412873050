import Long from 'long';
import { describe, expect, it } from 'vitest';
import {
  AgentCapabilities,
  AgentToServerFlags,
  CommandType,
  PackageStatusEnum,
  RemoteConfigStatuses,
  ServerCapabilities,
  ServerErrorResponseType,
  ServerToAgentFlags,
  hasCapability,
  toMask,
} from './capabilities.js';
import { Uint64RangeError } from './errors.js';

describe('capabilities', () => {
  it('re-exports the generated enums with the wire-facts §5 values', () => {
    expect(AgentCapabilities.AgentCapabilities_ReportsStatus).toBe(0x1);
    expect(AgentCapabilities.AgentCapabilities_ReportsHeartbeat).toBe(0x2000);
    expect(AgentCapabilities.AgentCapabilities_ReportsConnectionSettingsStatus).toBe(0x8000);
    expect(ServerCapabilities.ServerCapabilities_AcceptsConnectionSettingsRequest).toBe(0x40);
    expect(AgentToServerFlags.AgentToServerFlags_RequestInstanceUid).toBe(1);
    expect(ServerToAgentFlags.ServerToAgentFlags_ReportAvailableComponents).toBe(2);
    expect(RemoteConfigStatuses.RemoteConfigStatuses_APPLYING).toBe(2);
    expect(PackageStatusEnum.PackageStatusEnum_Installed).toBe(0);
    expect(CommandType.CommandType_Restart).toBe(0);
    expect(ServerErrorResponseType.ServerErrorResponseType_BadRequest).toBe(1);
  });

  it('tests bits on Long, bigint and number masks', () => {
    const bits = AgentCapabilities.AgentCapabilities_ReportsStatus | AgentCapabilities.AgentCapabilities_ReportsHealth;
    for (const mask of [Long.fromInt(bits, true), BigInt(bits), bits]) {
      expect(hasCapability(mask, AgentCapabilities.AgentCapabilities_ReportsHealth)).toBe(true);
      expect(hasCapability(mask, AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig)).toBe(false);
      expect(hasCapability(mask, bits)).toBe(true);
      expect(hasCapability(mask, bits | 0x2)).toBe(false);
    }
  });

  it('sees bit 63 and treats the zero bit as never set', () => {
    const mask = Long.fromString('8000000000000001', true, 16);
    expect(hasCapability(mask, 1n << 63n)).toBe(true);
    expect(hasCapability(Long.fromInt(1, true), 1n << 63n)).toBe(false);
    expect(hasCapability(Long.fromInt(-1), 1n << 63n)).toBe(true); // a signed Long carries the same bits
    expect(hasCapability(mask, AgentCapabilities.AgentCapabilities_Unspecified)).toBe(false);
  });

  it('builds an unsigned Long mask from bits', () => {
    const mask = toMask(ServerCapabilities.ServerCapabilities_AcceptsStatus, ServerCapabilities.ServerCapabilities_OffersRemoteConfig, 1n << 63n);
    expect(mask.unsigned).toBe(true);
    expect(mask.toString(16)).toBe('8000000000000003');
    expect(toMask().isZero()).toBe(true);
  });

  it('refuses masks that cannot be exact', () => {
    expect(() => hasCapability(2 ** 60, 1)).toThrow(Uint64RangeError);
    expect(() => toMask(1n << 64n)).toThrow(Uint64RangeError);
  });
});
