import type { EventBus, Topology } from '@shepherd/bus';
import type { Claim, OwnershipStore } from '@shepherd/ownership';
import { AgentCapabilities, type AgentToServer, hasCapability } from '@shepherd/proto';
import type { SqlExecutor } from '@shepherd/store';
import type { AgentSnapshot } from './agent-record.js';
import { remoteConfigStatusRecord } from './agent-reports.js';
import {
  type OfferRecord,
  type ConnectRead,
  type ReconcileView,
  type StatusWrite,
  loadViews,
  loadViewsOnConnect,
  markFullStateRequested,
  recordOffers,
  recordRemoteConfigStatuses,
} from './config-state-repository.js';
import type { ConfigVersionCache } from './config-versions.js';
import type { SigningKey } from '@shepherd/config-signing';
import { reportFullStateDelivery } from './deliveries.js';
import { createOfferSender, type OfferOutcome } from './offer-sender.js';
import { type OfferDecision, decideOffer } from './offer-decision.js';
import { ReconcileMemo } from './reconcile-memo.js';
import type { ServiceLogger } from './service-logger.js';
import { NO_METRICS, type ServiceMetrics } from './service-metrics.js';
import { StatementBatch } from './statement-batch.js';

/** What reconciling one agent did. */
export type ReconcileOutcome = Exclude<OfferDecision, 'offer'> | OfferOutcome | 'full-state-requested';

/** Dependencies of {@link createReconciler}. */
export interface ReconcilerOptions {
  readonly store: SqlExecutor;
  readonly bus: EventBus;
  readonly ownership: OwnershipStore;
  readonly topology: Topology;
  readonly logger: ServiceLogger;
  readonly versions: ConfigVersionCache;
  readonly resendAfterMs: number;
  readonly now: () => number;
  readonly metrics?: ServiceMetrics;
  /** Signs every offered config when set. */
  readonly signingKey?: SigningKey | undefined;
  /** Answers reports that cannot change the decision without a store read; none (every report reads) when absent. */
  readonly memo?: ReconcileMemo;
}

/** A batch of agents read for a fan-out, not reconciled yet. */
export interface ReadBatch {
  readonly views: readonly ReconcileView[];
  /** Offers what each view needs; call once. */
  reconcile(): Promise<ReconcileOutcome[]>;
}

/** Compares agents with their target config and sends RemoteConfig offers to their gateways. */
export interface Reconciler {
  /**
   * After the inventory recorded `message`: records its RemoteConfigStatus per agent and hash
   * (§7.50), asks an undescribed agent for a full report (at most once per resend window,
   * §7.31), then offers the target config when {@link decideOffer} says so.
   */
  onMessage(agent: AgentSnapshot, message: AgentToServer): Promise<ReconcileOutcome>;
  /** After a plain heartbeat of a connected agent (from a liveness batch): offers what it lacks, like {@link onMessage}. */
  onLiveness(agent: AgentSnapshot): Promise<ReconcileOutcome>;
  /** After a CONNECTED event at `at`: forgets offers made before it, then reconciles the agent. */
  onConnected(agent: AgentSnapshot, at: Date): Promise<ReconcileOutcome>;
  /**
   * Reads a batch of agents with `load` and returns its views with the function that reconciles
   * them (one owner lookup and one offer-recording statement). Reading the next batch need not
   * wait for that: a fan-out overlaps the batches' round trips.
   */
  readBatch(load: () => Promise<readonly ReconcileView[]>): Promise<ReadBatch>;
  /**
   * A config change was committed and is about to be fanned out: views read before now may
   * name an outdated target. Call before the fan-out reads.
   */
  configChanged(): void;
}

/** Creates a reconciler; store and bus errors propagate to the caller (the consumer naks). */
export function createReconciler(options: ReconcilerOptions): Reconciler {
  const { store, ownership, logger, now } = options;
  const metrics = options.metrics ?? NO_METRICS;
  const deliver = createOfferSender(options);
  const memo = options.memo ?? new ReconcileMemo({ maxEntries: 1, maxAgeMs: 0, now });
  const statements = createReconcileStatements(store);

  async function viewOf(agent: AgentSnapshot): Promise<ReconcileView | undefined> {
    const remembered = memo.view(agent);
    metrics.viewRead(remembered === undefined ? 'store' : 'memo');
    if (remembered !== undefined) return remembered;
    return readView(agent, () => statements.view.run(agent.instanceUid));
  }

  /** Reads `agent`'s view in its own (serialized) handler, after its latest report was recorded. */
  async function readView(agent: AgentSnapshot, load: () => Promise<ReconcileView | undefined>): Promise<ReconcileView | undefined> {
    const ticket = memo.ticket();
    const view = await load();
    if (view !== undefined) memo.remember(view, ticket, agent.descriptionDigest);
    return view;
  }

  /** After any report of `agent`: offers its target when it lacks it (decided from the memo while valid). */
  async function reconcileReport(agent: AgentSnapshot): Promise<ReconcileOutcome> {
    if (!agent.connected) return count('offline');
    const accepts = hasCapability(agent.capabilities, AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig);
    // A heartbeat of an agent that takes no remote config and is fully described needs no read at all.
    if (!accepts && agent.described) return count('not-accepting');
    return reconcileView(await viewOf(agent));
  }

  async function reconcileView(view: ReconcileView | undefined): Promise<ReconcileOutcome> {
    if (view === undefined) return count('offline');
    if (view.connected && !view.described) return count(await requestFullState(view));
    const [outcome] = await reconcileViews(
      [view],
      async (uids) => {
        const owner = await ownership.owner(uids[0] as string);
        return new Map(owner === undefined ? [] : [[owner.uid, owner]]);
      },
      'single',
    );
    return outcome as ReconcileOutcome;
  }

  async function requestFullState(view: ReconcileView): Promise<ReconcileOutcome> {
    const last = view.fullStateRequestedAt?.getTime();
    if (last !== undefined && now() - last < options.resendAfterMs) return 'undescribed';
    const owner = await ownership.owner(view.instanceUid);
    if (owner === undefined) return 'no-owner';
    if (!deliver.send(owner, view.instanceUid, reportFullStateDelivery(view.instanceUid, view.tenantId, now()))) return 'send-failed';
    await markFullStateRequested(store, view.instanceUid, new Date(now()));
    logger.debug({ instanceUid: view.instanceUid, gatewayId: owner.gatewayId }, 'asked an undescribed agent for a full state report');
    return 'full-state-requested';
  }

  /**
   * Decides for each view, sends the offers (one delivery per agent, or for a fan-out batch one
   * multicast per gateway, confirmed by its receipt) and records the offers that were sent.
   */
  async function reconcileViews(
    views: readonly ReconcileView[],
    ownersOf: (uids: string[]) => Promise<Map<string, Claim>>,
    sending: 'single' | 'multicast',
  ): Promise<ReconcileOutcome[]> {
    const at = now();
    const decisions = views.map((view) => decideOffer(view, at, options.resendAfterMs));
    const offering = views.filter((_, i) => decisions[i] === 'offer');
    const owners = offering.length === 0 ? new Map<string, Claim>() : await ownersOf(offering.map((view) => view.instanceUid));
    const targets = await deliver.prepare(offering, at);
    const to = offering.map((view) => ({ view, owner: owners.get(view.instanceUid) }));
    const sent = sending === 'multicast' ? await deliver.offerMany(to, at, targets) : to.map((one) => deliver.offerOne(one, at, targets));
    const offers: OfferRecord[] = offering.flatMap((view, j) => (sent[j] === 'offered' ? [{ instanceUid: view.instanceUid, hash: view.targetHash as string }] : []));
    let next = 0;
    const outcomes: ReconcileOutcome[] = views.map((_, i) => (decisions[i] === 'offer' ? (sent[next++] as OfferOutcome) : (decisions[i] as Exclude<OfferDecision, 'offer'>)));
    await recordOffers(store, offers, new Date(at));
    memo.offersRecorded(offers, at);
    outcomes.forEach(count);
    return outcomes;
  }

  function count(outcome: ReconcileOutcome): ReconcileOutcome {
    metrics.reconciled(outcome);
    return outcome;
  }

  return Object.freeze({
    async onMessage(agent: AgentSnapshot, message: AgentToServer): Promise<ReconcileOutcome> {
      // A new description may carry new labels, hence a new target.
      if (message.agentDescription) memo.described(agent);
      if (message.remoteConfigStatus) {
        const status = remoteConfigStatusRecord(message.remoteConfigStatus);
        // Agents repeat their status in every full report (reconnects); an unchanged one writes nothing.
        if (!memo.hasStatus(agent.instanceUid, status)) {
          await statements.status.run({ instanceUid: agent.instanceUid, status, at: new Date(now()) });
          memo.statusRecorded(agent.instanceUid, status);
        }
      }
      return reconcileReport(agent);
    },

    onLiveness(agent: AgentSnapshot): Promise<ReconcileOutcome> {
      return reconcileReport(agent);
    },

    async onConnected(agent: AgentSnapshot, at: Date): Promise<ReconcileOutcome> {
      memo.forget(agent.instanceUid);
      metrics.viewRead('store');
      const view = await readView(agent, () => statements.viewOnConnect.run({ instanceUid: agent.instanceUid, connectedAt: at }));
      if (!agent.described) return count('undescribed');
      return reconcileView(view);
    },

    async readBatch(load: () => Promise<readonly ReconcileView[]>): Promise<ReadBatch> {
      const ticket = memo.ticket();
      const views = await load();
      for (const view of views) memo.remember(view, ticket);
      return { views, reconcile: () => reconcileViews(views, (uids) => ownership.owners(uids), 'multicast') };
    },

    configChanged(): void {
      memo.configChanged();
    },
  });
}

/** The per-agent statements of agent events, each shared by the events handled at once. */
function createReconcileStatements(store: SqlExecutor) {
  return Object.freeze({
    view: new StatementBatch<string, ReconcileView | undefined>(async (uids) => {
      const views = new Map((await loadViews(store, uids)).map((view) => [view.instanceUid, view]));
      return uids.map((uid) => views.get(uid));
    }, (uid) => uid),
    viewOnConnect: new StatementBatch<ConnectRead, ReconcileView | undefined>(async (reads) => {
      const views = await loadViewsOnConnect(store, reads);
      return reads.map((read) => views.get(read.instanceUid));
    }, (read) => read.instanceUid),
    status: new StatementBatch<StatusWrite, void>(async (writes) => {
      await recordRemoteConfigStatuses(store, writes);
      return writes.map(() => undefined);
    }, (write) => write.instanceUid),
  });
}
