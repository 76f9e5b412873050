import { type EventBus, NoRespondersError, type Topology } from '@shepherd/bus';
import { signConfig, type SignatureEntry, type SigningKey } from '@shepherd/config-signing';
import type { Claim } from '@shepherd/ownership';
import { decodeDeliveryReceipt, uidToString } from '@shepherd/proto';
import type { ReconcileView } from './config-state-repository.js';
import type { ConfigVersion, ConfigVersionCache } from './config-versions.js';
import { remoteConfigDelivery, remoteConfigMulticast } from './deliveries.js';
import { type ServiceLogger, errorFields } from './service-logger.js';

/**
 * How long a fan-out waits for a gateway's receipt of one multicast. A gateway answers once it
 * pushed the offer to its agents of the batch, so this bounds how long one slow gateway holds a
 * batch; the agents of a multicast that timed out are offered again on their next report.
 */
export const MULTICAST_TIMEOUT_MS = 15_000;

/** What sending one offer came to. */
export type OfferOutcome = 'offered' | 'no-owner' | 'no-target' | 'send-failed' | 'not-delivered';

/** The target versions of a batch, each with its signature for the batch's issue time (when signing). */
export type PreparedTargets = ReadonlyMap<string, { readonly version: ConfigVersion; readonly signature: SignatureEntry | undefined }>;

/** One agent to offer its target to, and the gateway that holds it (if any). */
export interface OfferTo {
  readonly view: ReconcileView;
  readonly owner: Claim | undefined;
}

/** Sends RemoteConfig offers (and other deliveries) to the gateways that hold the agents. */
export interface OfferSender {
  /**
   * Loads the target version of every view (through the cache) and signs each distinct hash
   * once for `at`: Ed25519 is deterministic, so every offer of the batch carries the same entry.
   */
  prepare(views: readonly ReconcileView[], at: number): Promise<PreparedTargets>;
  /** Sends one offer to its owner as a single delivery, without waiting (the next report heals a loss). */
  offerOne(to: OfferTo, at: number, targets: PreparedTargets): OfferOutcome;
  /**
   * Sends the offers of a batch as one multicast per gateway and variant of the offer, and waits
   * for each gateway's receipt: `offered` only for the agents a gateway pushed the offer to (or
   * holds it for), `not-delivered` for the others, `send-failed` when a gateway did not answer in
   * time. The batch thus goes at the pace its gateways push it. A gateway that serves no
   * multicasts (an older version) gets single deliveries instead. Outcomes in `to`'s order.
   */
  offerMany(to: readonly OfferTo[], at: number, targets: PreparedTargets): Promise<OfferOutcome[]>;
  /** Core-publishes `bytes` to the owner's delivery subject; false (logged) when the bus refused. */
  send(owner: Claim, uid: string, bytes: Uint8Array): boolean;
}

/** Dependencies of {@link createOfferSender}. */
export interface OfferSenderOptions {
  readonly bus: EventBus;
  readonly topology: Topology;
  readonly logger: ServiceLogger;
  readonly versions: ConfigVersionCache;
  /** Signs every offered config when set. */
  readonly signingKey?: SigningKey | undefined;
  /** How long to wait for a gateway's multicast receipt (default {@link MULTICAST_TIMEOUT_MS}). */
  readonly multicastTimeoutMs?: number;
}

/** One multicast of a batch: the same offer to some agents of one gateway. */
interface Group {
  readonly owner: Claim;
  readonly version: ConfigVersion;
  readonly signature: SignatureEntry | undefined;
  readonly includeConfig: boolean;
  readonly reportFullState: boolean;
  readonly indexes: number[];
}

/** Creates the sender; nothing it does throws (failures become outcomes and are logged). */
export function createOfferSender(options: OfferSenderOptions): OfferSender {
  const { bus, topology, logger, versions } = options;
  const timeoutMs = options.multicastTimeoutMs ?? MULTICAST_TIMEOUT_MS;
  const send = (owner: Claim, uid: string, bytes: Uint8Array): boolean => {
    try {
      bus.send(topology.delivery(owner.gatewayId), bytes);
      return true;
    } catch (err) {
      // Not retried here: the next report of the agent reconciles it again.
      logger.warn({ ...errorFields(err), instanceUid: uid, gatewayId: owner.gatewayId }, 'could not send a delivery to the owning gateway');
      return false;
    }
  };
  const key = (tenantId: string, hash: string): string => `${tenantId}\u0000${hash}`;
  const targetOf = (view: ReconcileView, targets: PreparedTargets) => {
    const target = targets.get(key(view.tenantId, view.targetHash as string));
    if (target === undefined) logger.error({ instanceUid: view.instanceUid, configHash: view.targetHash }, 'target config version is missing from the store');
    return target;
  };
  // Only the hash when the agent runs the config already (§7.49); ReportFullState on a repeat of an unconfirmed offer.
  const variant = (view: ReconcileView) => ({
    includeConfig: view.reportedHash !== view.targetHash,
    reportFullState: view.offeredHash === view.targetHash && view.offeredAt !== null,
  });

  const offerOne = ({ view, owner }: OfferTo, at: number, targets: PreparedTargets): OfferOutcome => {
    if (owner === undefined) return 'no-owner';
    const target = targetOf(view, targets);
    if (target === undefined) return 'no-target';
    const bytes = remoteConfigDelivery({ instanceUid: view.instanceUid, version: target.version, issuedAtMs: at, signature: target.signature, ...variant(view) });
    if (!send(owner, view.instanceUid, bytes)) return 'send-failed';
    logger.debug({ instanceUid: view.instanceUid, configHash: view.targetHash, gatewayId: owner.gatewayId }, 'offered remote config');
    return 'offered';
  };

  /** Sends one group's multicast and fills in its agents' outcomes from the gateway's receipt. */
  const multicast = async (group: Group, to: readonly OfferTo[], at: number, outcomes: OfferOutcome[]): Promise<void> => {
    const uids = group.indexes.map((i) => (to[i] as OfferTo).view.instanceUid);
    const { owner, version, signature, includeConfig, reportFullState } = group;
    const bytes = remoteConfigMulticast({ instanceUids: uids, version, issuedAtMs: at, signature, includeConfig, reportFullState });
    try {
      const receipt = decodeDeliveryReceipt(await bus.request(topology.multicast(owner.gatewayId), bytes, { timeoutMs }));
      const missed = new Set(receipt.undeliveredUids.map((uid) => uidToString(uid)));
      for (const i of group.indexes) outcomes[i] = missed.has((to[i] as OfferTo).view.instanceUid) ? 'not-delivered' : 'offered';
    } catch (err) {
      if (err instanceof NoRespondersError) {
        const only: PreparedTargets = new Map([[key(version.tenantId, version.hash), { version, signature }]]);
        for (const i of group.indexes) outcomes[i] = offerOne(to[i] as OfferTo, at, only);
        return;
      }
      logger.warn({ ...errorFields(err), gatewayId: owner.gatewayId, agents: uids.length }, 'a gateway did not confirm a multicast offer; its agents are offered again on their next report');
      for (const i of group.indexes) outcomes[i] = 'send-failed';
    }
  };

  return Object.freeze({
    send,
    offerOne,
    async prepare(views: readonly ReconcileView[], at: number): Promise<PreparedTargets> {
      const targets = new Map<string, { version: ConfigVersion; signature: SignatureEntry | undefined }>();
      const missing = new Set<string>();
      for (const view of views) {
        const hash = view.targetHash as string;
        if (targets.has(key(view.tenantId, hash)) || missing.has(key(view.tenantId, hash))) continue;
        const version = await versions.get(view.tenantId, hash);
        if (version === undefined) {
          missing.add(key(view.tenantId, hash));
          continue;
        }
        const signature = options.signingKey === undefined ? undefined : signConfig(options.signingKey, hash, { now: () => new Date(at) });
        targets.set(key(view.tenantId, hash), { version, signature });
      }
      return targets;
    },
    async offerMany(to: readonly OfferTo[], at: number, targets: PreparedTargets): Promise<OfferOutcome[]> {
      const outcomes: OfferOutcome[] = new Array<OfferOutcome>(to.length).fill('send-failed');
      const groups = new Map<string, Group>();
      to.forEach(({ view, owner }, i) => {
        if (owner === undefined) return void (outcomes[i] = 'no-owner');
        const target = targetOf(view, targets);
        if (target === undefined) return void (outcomes[i] = 'no-target');
        const { includeConfig, reportFullState } = variant(view);
        const groupKey = `${owner.gatewayId}\u0000${key(view.tenantId, target.version.hash)}\u0000${includeConfig}\u0000${reportFullState}`;
        const group = groups.get(groupKey);
        if (group === undefined) groups.set(groupKey, { owner, ...target, includeConfig, reportFullState, indexes: [i] });
        else group.indexes.push(i);
      });
      await Promise.all([...groups.values()].map((group) => multicast(group, to, at, outcomes)));
      return outcomes;
    },
  });
}
