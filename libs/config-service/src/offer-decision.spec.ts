import { AgentCapabilities } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import type { ReconcileView } from './config-state-repository.js';
import { decideOffer } from './offer-decision.js';

const ACCEPTS = BigInt(AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig);
const REPORTS = BigInt(AgentCapabilities.AgentCapabilities_ReportsRemoteConfig);
const STATUS = BigInt(AgentCapabilities.AgentCapabilities_ReportsStatus);
const NOW = Date.parse('2030-01-01T00:00:00Z');
const WINDOW = 60_000;

function view(overrides: Partial<ReconcileView> = {}): ReconcileView {
  return {
    instanceUid: '0190f3c2-7b1e-7cc0-8a1b-2c3d4e5f6a7b',
    tenantId: 'default',
    capabilities: STATUS | ACCEPTS | REPORTS,
    connected: true,
    described: true,
    gatewayId: 'gw-1',
    targetHash: 'a'.repeat(64),
    targetStatus: null,
    reportedHash: null,
    reportedStatus: null,
    reportedError: null,
    offeredHash: null,
    offeredAt: null,
    fullStateRequestedAt: null,
    ...overrides,
  };
}

describe('decideOffer', () => {
  it('offers the target to a connected, described agent that accepts remote config and reports another hash', () => {
    expect(decideOffer(view({ reportedHash: 'b'.repeat(64) }), NOW, WINDOW)).toBe('offer');
    expect(decideOffer(view(), NOW, WINDOW)).toBe('offer');
  });

  it('never offers to an agent without AcceptsRemoteConfig (§7.46)', () => {
    expect(decideOffer(view({ capabilities: STATUS | REPORTS }), NOW, WINDOW)).toBe('not-accepting');
  });

  it('does not offer when the agent reports the target hash (§7.48-49)', () => {
    expect(decideOffer(view({ reportedHash: 'a'.repeat(64) }), NOW, WINDOW)).toBe('up-to-date');
  });

  it('does not offer to offline or undescribed agents, nor without a target', () => {
    expect(decideOffer(view({ connected: false }), NOW, WINDOW)).toBe('offline');
    expect(decideOffer(view({ described: false }), NOW, WINDOW)).toBe('undescribed');
    expect(decideOffer(view({ targetHash: null }), NOW, WINDOW)).toBe('no-target');
  });

  it('does not re-offer a hash the agent reported FAILED', () => {
    const failed = view({ targetStatus: 'FAILED', offeredHash: 'a'.repeat(64), offeredAt: new Date(NOW - 10 * WINDOW) });
    expect(decideOffer(failed, NOW, WINDOW)).toBe('failed-before');
  });

  it('waits the resend window before offering the same hash again, then offers', () => {
    const offered = (agoMs: number) => view({ offeredHash: 'a'.repeat(64), offeredAt: new Date(NOW - agoMs) });
    expect(decideOffer(offered(0), NOW, WINDOW)).toBe('recently-offered');
    expect(decideOffer(offered(WINDOW - 1), NOW, WINDOW)).toBe('recently-offered');
    expect(decideOffer(offered(WINDOW), NOW, WINDOW)).toBe('offer');
  });

  it('offers a new target at once even when another hash was offered just now', () => {
    expect(decideOffer(view({ offeredHash: 'c'.repeat(64), offeredAt: new Date(NOW) }), NOW, WINDOW)).toBe('offer');
  });

  it('offers an agent that can never confirm (no ReportsRemoteConfig) a hash only once per connection', () => {
    const silent = view({ capabilities: STATUS | ACCEPTS, offeredHash: 'a'.repeat(64), offeredAt: new Date(NOW - 10 * WINDOW) });
    expect(decideOffer(silent, NOW, WINDOW)).toBe('awaiting-reconnect');
    expect(decideOffer({ ...silent, offeredHash: null, offeredAt: null }, NOW, WINDOW)).toBe('offer');
  });
});
