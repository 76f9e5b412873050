import { createMemoryOwnership, OwnershipUnavailableError, type Claim, type OwnershipStore } from '@shepherd/ownership';
import { uidToString } from '@shepherd/proto';
import { waitFor } from '@shepherd/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './gateway.test-helpers.js';
import { CLOSE_REPLACED } from './index.js';
import { WsTestAgent, describeAgent, newUid } from './ws-agent.test-helpers.js';

/** A memory store on a hand-driven clock that records every refresh batch. */
function recordingStore(): { store: OwnershipStore; clock: { now: number }; refreshes: Claim[][] } {
  const clock = { now: 0 };
  const inner = createMemoryOwnership({ now: () => clock.now });
  const refreshes: Claim[][] = [];
  const store: OwnershipStore = {
    claim: (uid, gw, ttl) => inner.claim(uid, gw, ttl),
    refresh: (claims, ttl) => {
      refreshes.push([...claims]);
      return inner.refresh(claims, ttl);
    },
    release: (claim) => inner.release(claim),
    owner: (uid) => inner.owner(uid),
    owners: (uids) => inner.owners(uids),
    close: () => inner.close(),
  };
  return { store, clock, refreshes };
}

let tg: TestGateway;
const agents: WsTestAgent[] = [];

async function agentOn(uid: Uint8Array): Promise<WsTestAgent> {
  const a = await WsTestAgent.connect(tg.gateway.wsUrl);
  agents.push(a);
  await a.exchange({ instanceUid: uid, agentDescription: describeAgent(uidToString(uid)) });
  return a;
}

const nextRefresh = (refreshes: Claim[][], after: number, size: number): Promise<Claim[]> =>
  waitFor(() => refreshes.slice(after).find((batch) => batch.length === size), { description: `a refresh of ${size} claims` });

afterEach(async () => {
  for (const a of agents.splice(0)) a.socket.terminate();
  await tg?.close();
});

describe('ownership', () => {
  it('claims an agent on its first message and refreshes every claim in one batch', async () => {
    // architecture data flow 1; ownership README (one round trip per refresh)
    const { store, clock, refreshes } = recordingStore();
    tg = await startTestGateway({ ownership: store, ownershipTtlMs: 300 });
    const uids = [newUid(), newUid(), newUid()];
    for (const uid of uids) await agentOn(uid);
    const claimed = await store.owner(uidToString(uids[0]!));
    expect(claimed?.gatewayId).toBe(tg.gateway.gatewayId);
    clock.now = 250;
    const batch = await nextRefresh(refreshes, refreshes.length, 3);
    expect(batch.map((c) => c.uid).sort()).toEqual(uids.map(uidToString).sort());
    clock.now = 500;
    expect((await store.owner(uidToString(uids[0]!)))?.token).toBe(claimed!.token);
  });

  it('drops a connection whose claim another gateway took, closing it with 4000', async () => {
    const { store, refreshes } = recordingStore();
    tg = await startTestGateway({ ownership: store, ownershipTtlMs: 300 });
    const uid = newUid();
    const a = await agentOn(uid);
    await store.claim(uidToString(uid), 'other-gateway', 30_000);
    expect(await a.closed).toEqual({ code: CLOSE_REPLACED, reason: 'agent is owned by another gateway' });
    expect(refreshes.length).toBeGreaterThan(0);
    expect((await store.owner(uidToString(uid)))?.gatewayId).toBe('other-gateway');
    await tg.events.connection((e) => e.reason === 'ownership lost', 'ownership lost event');
  });

  it('releases the claim when the socket closes, fenced so a newer claim survives', async () => {
    const { store } = recordingStore();
    tg = await startTestGateway({ ownership: store });
    const [mine, theirs] = [newUid(), newUid()];
    const a = await agentOn(mine);
    await agentOn(theirs);
    await store.claim(uidToString(theirs), 'other-gateway', 30_000);
    a.close();
    agents[1]!.close();
    await tg.events.connection((e) => uidToString(e.instanceUid) === uidToString(theirs) && e.reason.startsWith('socket closed'), 'close of theirs');
    await expect.poll(() => store.owner(uidToString(mine))).toBeUndefined();
    expect((await store.owner(uidToString(theirs)))?.gatewayId).toBe('other-gateway');
  });

  it('retries a failed claim on the agent\'s next message', async () => {
    const { store } = recordingStore();
    let failures = 1;
    const flaky: OwnershipStore = {
      ...store,
      claim: (uid, gw, ttl) => (failures-- > 0 ? Promise.reject(new OwnershipUnavailableError('redis down')) : store.claim(uid, gw, ttl)),
    };
    tg = await startTestGateway({ ownership: flaky });
    const uid = newUid();
    const a = await agentOn(uid);
    await expect.poll(() => tg.metric('shepherd_gateway_errors_total', { code: 'ownership_claim_failed' })).toBe(1);
    expect(await store.owner(uidToString(uid))).toBeUndefined();
    expect((await a.exchange({ instanceUid: uid })).errorResponse).toBeNull();
    await expect.poll(() => store.owner(uidToString(uid)).then((c) => c?.gatewayId)).toBe(tg.gateway.gatewayId);
  });
});
