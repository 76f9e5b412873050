import { AgentCapabilities, hasCapability } from '@shepherd/proto';
import type { ReconcileView } from './config-state-repository.js';

/** Why no RemoteConfig is offered, or `offer`. */
export type OfferDecision =
  | 'offer'
  | 'offline'
  | 'not-accepting'
  | 'undescribed'
  | 'no-target'
  | 'up-to-date'
  | 'failed-before'
  | 'recently-offered'
  | 'awaiting-reconnect';

/**
 * Decides whether `view`'s agent gets its target config now (wire-facts §6.8, §7.46-49):
 * - never to an offline agent, one without AcceptsRemoteConfig (§7.46), or one whose
 *   description (hence labels) is unknown;
 * - never when no assignment matches, or the agent already reports the target hash (§7.48-49);
 * - never again for a hash the agent reported FAILED: re-offering a rejected config would loop;
 * - not when the same hash was offered less than `resendAfterMs` ago (the offer is cleared
 *   when the agent reconnects, so a reconnect gets it again);
 * - an agent without ReportsRemoteConfig can never confirm, so it gets a hash once per
 *   connection instead of every `resendAfterMs`.
 */
export function decideOffer(view: ReconcileView, nowMs: number, resendAfterMs: number): OfferDecision {
  if (!view.connected) return 'offline';
  if (!hasCapability(view.capabilities, AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig)) return 'not-accepting';
  if (!view.described) return 'undescribed';
  if (view.targetHash === null) return 'no-target';
  if (view.reportedHash === view.targetHash) return 'up-to-date';
  if (view.targetStatus === 'FAILED') return 'failed-before';
  if (view.offeredHash === view.targetHash && view.offeredAt !== null) {
    if (!hasCapability(view.capabilities, AgentCapabilities.AgentCapabilities_ReportsRemoteConfig)) return 'awaiting-reconnect';
    if (nowMs - view.offeredAt.getTime() < resendAfterMs) return 'recently-offered';
  }
  return 'offer';
}
