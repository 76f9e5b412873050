import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, PRINCIPAL, agentView, testApi } from '../rest-api.test-helpers.js';

const uid = (n: number): string => `0190a000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

const AGENTS = [
  agentView(uid(1), { env: 'test', region: 'us-west-2' }),
  agentView(uid(2), { env: 'test', region: 'eu-west-1' }),
  agentView(uid(3), { env: 'prod', region: 'us-west-2' }),
  agentView(uid(4), { env: 'test', region: 'us-west-2' }, 'tenant-b'),
];

const apis: Array<ReturnType<typeof testApi>> = [];
function api(...args: Parameters<typeof testApi>) {
  const created = testApi(...args);
  apis.push(created);
  return created;
}
afterEach(async () => {
  for (const a of apis.splice(0)) await a.app.close();
});

describe('GET /api/v1/agents', () => {
  it("lists the caller's tenant with the default limit", async () => {
    const { app, configAdmin } = api(AGENTS);
    const res = await app.inject({ method: 'GET', url: '/api/v1/agents', headers: AUTH });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.agents.map((a: { instanceUid: string }) => a.instanceUid)).toEqual([uid(1), uid(2), uid(3)]);
    expect(body).not.toHaveProperty('next');
    expect(configAdmin.listed).toEqual([{ tenantId: PRINCIPAL.tenantId, limit: 100 }]);
  });

  it('passes repeated label= filters through as one label map', async () => {
    const { app, configAdmin } = api(AGENTS);
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/agents?label=env=test&label=region%3Dus-west-2',
      headers: AUTH,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().agents.map((a: { instanceUid: string }) => a.instanceUid)).toEqual([uid(1)]);
    expect({ ...configAdmin.listed[0]!.labels }).toEqual({ env: 'test', region: 'us-west-2' });
  });

  it('passes Kubernetes set-based terms through as a selector', async () => {
    const { app, configAdmin } = api(AGENTS);
    const res = await app.inject({ method: 'GET', url: `/api/v1/agents?labels=${encodeURIComponent('region notin (eu-west-1),!canary')}&label=env`, headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json().agents.map((a: { instanceUid: string }) => a.instanceUid)).toEqual([uid(1), uid(3)]);
    expect(configAdmin.listed[0]!.selector?.matchExpressions.map((e) => `${e.key} ${e.operator}`)).toEqual(['canary DoesNotExist', 'env Exists', 'region NotIn']);
  });

  it('accepts labels=k=v,k2=v2 and a single label=', async () => {
    const { app, configAdmin } = api(AGENTS);
    await app.inject({ method: 'GET', url: '/api/v1/agents?labels=env=test,region=eu-west-1', headers: AUTH });
    await app.inject({ method: 'GET', url: '/api/v1/agents?label=env=prod', headers: AUTH });
    expect(configAdmin.listed.map((q) => ({ ...q.labels }))).toEqual([{ env: 'test', region: 'eu-west-1' }, { env: 'prod' }]);
  });

  it('answers 400 CONFIG_INVALID_SELECTOR for a malformed or contradictory label filter', async () => {
    const { app, configAdmin } = api(AGENTS);
    for (const query of ['label=a%20b', 'label=env=a&label=env=b', 'labels=env=a,,x=y', 'labels=env%20in%20(a']) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/agents?${query}`, headers: AUTH });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('CONFIG_INVALID_SELECTOR');
    }
    expect(configAdmin.listed).toHaveLength(0);
  });

  it('pages with limit and the next cursor until the last page', async () => {
    const { app, configAdmin } = api(AGENTS);
    const first = await app.inject({ method: 'GET', url: '/api/v1/agents?limit=2', headers: AUTH });
    expect(first.statusCode).toBe(200);
    expect(first.json().agents).toHaveLength(2);
    const next = first.json().next as string;
    expect(next).toBe(uid(2));
    const second = await app.inject({ method: 'GET', url: `/api/v1/agents?limit=2&after=${next}`, headers: AUTH });
    expect(second.json().agents.map((a: { instanceUid: string }) => a.instanceUid)).toEqual([uid(3)]);
    expect(second.json()).not.toHaveProperty('next');
    expect(configAdmin.listed[1]).toEqual({ tenantId: PRINCIPAL.tenantId, limit: 2, after: uid(2) });
  });

  it.each(['0', '1001', 'ten'])('answers 400 INVALID_REQUEST naming limit for limit=%s', async (limit) => {
    const { app } = api(AGENTS);
    const res = await app.inject({ method: 'GET', url: `/api/v1/agents?limit=${limit}`, headers: AUTH });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'limit', location: 'querystring' } });
  });
});

describe('GET /api/v1/agents/:uid', () => {
  it('answers the AgentView of a known agent, the uid normalised to lower case', async () => {
    const { app, configAdmin } = api(AGENTS);
    const res = await app.inject({ method: 'GET', url: `/api/v1/agents/${uid(2).toUpperCase()}`, headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(AGENTS[1]);
    expect(configAdmin.fetched).toEqual([[PRINCIPAL.tenantId, uid(2)]]);
  });

  it("answers 404 CONFIG_AGENT_NOT_FOUND for an unknown uid and for another tenant's agent", async () => {
    const { app } = api(AGENTS);
    for (const unknown of [uid(99), uid(4)]) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/agents/${unknown}`, headers: AUTH });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('CONFIG_AGENT_NOT_FOUND');
    }
  });

  it.each(['not-a-uid', '0190a000000070008000000000000001', `{${uid(1)}}`, `${uid(1)}0`])(
    'answers 400 INVALID_REQUEST for the malformed uid %s without asking the admin',
    async (bad) => {
      const { app, configAdmin } = api(AGENTS);
      const res = await app.inject({ method: 'GET', url: `/api/v1/agents/${encodeURIComponent(bad)}`, headers: AUTH });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'uid' } });
      expect(configAdmin.fetched).toHaveLength(0);
    },
  );
});
