import { createInProcessBus, createTopology, type EventBus } from '@shepherd/bus';
import type { Claim } from '@shepherd/ownership';
import { decodeServerToAgent, decodeServerToAgentDelivery, decodeServerToAgentMulticast, encodeDeliveryReceipt, uidToString } from '@shepherd/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newAgent } from './agent-fixtures.test-helpers.js';
import type { ReconcileView } from './config-state-repository.js';
import type { ConfigVersion } from './config-versions.js';
import { createOfferSender, type OfferTo } from './offer-sender.js';

const HASH = 'ab'.repeat(32);
const VERSION: ConfigVersion = { tenantId: 'default', hash: HASH, name: null, files: [{ name: 'c.yaml', contentType: 'text/yaml', body: Buffer.from('a: 1') }], author: 't', createdAt: new Date(0) };
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const topology = createTopology({ prefix: 'offer-sender-test' });

function to(gatewayId: string, extra: Partial<ReconcileView> = {}): OfferTo {
  const { uid } = newAgent();
  const view: ReconcileView = {
    instanceUid: uid, tenantId: 'default', capabilities: 0n, connected: true, described: true, gatewayId, targetHash: HASH, targetStatus: null,
    reportedHash: null, reportedStatus: null, reportedError: null, offeredHash: null, offeredAt: null, fullStateRequestedAt: null, ...extra,
  };
  const owner: Claim = { uid, gatewayId, token: 1n };
  return { view, owner };
}

describe('OfferSender.offerMany', () => {
  let bus: EventBus;
  const multicasts: { gatewayId: string; uids: string[]; hasFiles: boolean }[] = [];
  beforeEach(() => {
    bus = createInProcessBus();
    multicasts.length = 0;
  });
  afterEach(() => bus.close());

  /** A gateway that answers multicasts, reporting `unreached` as not delivered. */
  const gateway = (gatewayId: string, unreached: ReadonlySet<string> = new Set()) =>
    bus.serve(topology.multicast(gatewayId), {}, async (msg) => {
      const m = decodeServerToAgentMulticast(msg.data);
      const uids = m.instanceUids.map(uidToString);
      multicasts.push({ gatewayId, uids, hasFiles: decodeServerToAgent(m.serverToAgent).remoteConfig?.config !== null });
      return encodeDeliveryReceipt({ undeliveredUids: m.instanceUids.filter((uid) => unreached.has(uidToString(uid))) });
    });
  const sender = (multicastTimeoutMs?: number) => createOfferSender({ bus, topology, logger: quiet, versions: { get: async () => VERSION }, multicastTimeoutMs });

  it('sends one multicast per gateway and variant, and offers only what each receipt confirms', async () => {
    // The third repeats an unconfirmed offer, with ReportFullState: another variant, another multicast.
    const a = [to('gw-a'), to('gw-a'), to('gw-a', { offeredHash: HASH, offeredAt: new Date(0) })];
    const b = [to('gw-b'), to('gw-b')];
    gateway('gw-a');
    gateway('gw-b', new Set([b[1]!.view.instanceUid]));
    const s = sender();
    const all = [a[0]!, b[0]!, a[1]!, b[1]!, a[2]!, { view: to('gw-a').view, owner: undefined }];
    const outcomes = await s.offerMany(all, Date.now(), await s.prepare(all.map((x) => x.view), Date.now()));
    expect(outcomes).toEqual(['offered', 'offered', 'offered', 'not-delivered', 'offered', 'no-owner']);
    expect(multicasts.map((m) => [m.gatewayId, m.uids.length]).sort()).toEqual([['gw-a', 1], ['gw-a', 2], ['gw-b', 2]]);
    expect(multicasts.every((m) => m.hasFiles)).toBe(true);
  });

  it('sends single deliveries to a gateway that serves no multicasts', async () => {
    const singles: string[] = [];
    bus.subscribe(topology.delivery('gw-old'), {}, (msg) => void singles.push(uidToString(decodeServerToAgentDelivery(msg.data).instanceUid)));
    const offers = [to('gw-old'), to('gw-old')];
    const s = sender();
    expect(await s.offerMany(offers, Date.now(), await s.prepare(offers.map((x) => x.view), Date.now()))).toEqual(['offered', 'offered']);
    await expect.poll(() => singles.sort()).toEqual(offers.map((x) => x.view.instanceUid).sort());
  });

  it('counts a multicast its gateway does not confirm in time as not sent', async () => {
    bus.serve(topology.multicast('gw-stuck'), {}, () => new Promise<Uint8Array>((resolve) => setTimeout(() => resolve(encodeDeliveryReceipt({})), 300)));
    const offers = [to('gw-stuck')];
    const s = sender(50);
    expect(await s.offerMany(offers, Date.now(), await s.prepare(offers.map((x) => x.view), Date.now()))).toEqual(['send-failed']);
  });
});
