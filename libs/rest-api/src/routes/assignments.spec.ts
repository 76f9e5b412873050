import { NothingToRollBackError, parseSelector, type Resolution } from '@shepherd/config-service';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTH, PRINCIPAL, testApi } from '../rest-api.test-helpers.js';

const UID = '0190a000-0000-7000-8000-00000000000a';
const apis: Array<ReturnType<typeof testApi>> = [];
function api() {
  const created = testApi();
  apis.push(created);
  return created;
}
afterEach(async () => {
  for (const a of apis.splice(0)) await a.app.close();
});

function resolution(tenantId = PRINCIPAL.tenantId): Resolution {
  const candidate = {
    assignmentId: 'a-1',
    kind: 'assign' as const,
    selector: parseSelector('env=prod'),
    priority: 0,
    urgent: false,
    instanceUid: null,
    configHash: 'ab'.repeat(32),
    name: null,
    author: 'alice',
    createdAt: '2030-01-01T00:00:00.000Z',
    matches: true,
  };
  const miss = { ...candidate, assignmentId: 'a-2', selector: parseSelector('tier in (web)'), matches: false, failed: { term: 'tier in (web)', key: 'tier', actual: null } };
  return { tenantId, instanceUid: UID, labels: { env: 'prod' }, described: true, configHash: 'ab'.repeat(32), decidedBy: candidate, reason: 'highest-priority', explanation: 'x', candidates: [candidate, miss], truncated: false };
}

describe('GET /api/v1/agents/{uid}/resolution', () => {
  it("answers the admin's resolution of the caller's agent", async () => {
    const { app, configAdmin } = api();
    configAdmin.resolutions.set(UID, resolution());
    const res = await app.inject({ method: 'GET', url: `/api/v1/agents/${UID.toUpperCase()}/resolution`, headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(resolution())));
    expect(res.json().candidates[1].failed).toEqual({ term: 'tier in (web)', key: 'tier', actual: null });
  });

  it('answers 404 for an agent of another tenant or unknown, 400 for a malformed uid, 401 without a token', async () => {
    const { app, configAdmin } = api();
    configAdmin.resolutions.set(UID, resolution('tenant-b'));
    expect((await app.inject({ method: 'GET', url: `/api/v1/agents/${UID}/resolution`, headers: AUTH })).json().error.code).toBe('CONFIG_AGENT_NOT_FOUND');
    const bad = await app.inject({ method: 'GET', url: '/api/v1/agents/nope/resolution', headers: AUTH });
    expect([bad.statusCode, bad.json().error.details]).toEqual([400, { location: 'params', field: 'uid' }]);
    expect((await app.inject({ method: 'GET', url: `/api/v1/agents/${UID}/resolution` })).statusCode).toBe(401);
  });
});

describe('POST /api/v1/rollbacks', () => {
  it('rolls a selector back, parsing expressions, with the caller as author', async () => {
    const { app, configAdmin } = api();
    const res = await app.inject({ method: 'POST', url: '/api/v1/rollbacks', headers: AUTH, payload: { selector: 'env=prod,tier in (web,api)', reason: 'bad exporter' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ assignmentId: 'rb-1', kind: 'rollback', configHash: 'cd'.repeat(32), previousHash: 'ab'.repeat(32), matchedAgents: 1 });
    expect(configAdmin.rollbacks).toEqual([
      { target: { tenantId: PRINCIPAL.tenantId, selector: parseSelector({ matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'web'] }] }) }, author: PRINCIPAL.subject, reason: 'bad exporter' },
    ]);
  });

  it('pins one agent to its last good config', async () => {
    const { app, configAdmin } = api();
    const res = await app.inject({ method: 'POST', url: '/api/v1/rollbacks', headers: AUTH, payload: { instanceUid: UID.toUpperCase() } });
    expect([res.statusCode, res.json().kind]).toEqual([201, 'agent-pin']);
    expect(configAdmin.rollbacks).toEqual([{ target: { tenantId: PRINCIPAL.tenantId, instanceUid: UID }, author: PRINCIPAL.subject }]);
  });

  it.each([
    ['neither target', {}, 'INVALID_REQUEST'],
    ['both targets', { selector: 'env=prod', instanceUid: UID }, 'INVALID_REQUEST'],
    ['an unknown field', { selector: 'env=prod', force: true }, 'INVALID_REQUEST'],
    ['a malformed uid', { instanceUid: 'agent-7' }, 'INVALID_REQUEST'],
    ['a malformed selector', { selector: 'env in (a' }, 'CONFIG_INVALID_SELECTOR'],
  ])('answers 400 for %s and rolls nothing back', async (_, payload, code) => {
    const { app, configAdmin } = api();
    const res = await app.inject({ method: 'POST', url: '/api/v1/rollbacks', headers: AUTH, payload });
    expect([res.statusCode, res.json().error.code]).toEqual([400, code]);
    expect(configAdmin.rollbacks).toEqual([]);
  });

  it('answers 412 CONFIG_NOTHING_TO_ROLL_BACK when there is nothing to return to', async () => {
    const { app, configAdmin } = api();
    configAdmin.failWith = new NothingToRollBackError('selector env=prod had no config before ab');
    const res = await app.inject({ method: 'POST', url: '/api/v1/rollbacks', headers: AUTH, payload: { selector: 'env=prod' } });
    expect(res.statusCode).toBe(412);
    expect(res.json().error).toEqual({ code: 'CONFIG_NOTHING_TO_ROLL_BACK', message: 'selector env=prod had no config before ab' });
  });
});

describe('DELETE /api/v1/agents/{uid}/pin', () => {
  it('clears the pin, then answers 404 CONFIG_AGENT_PIN_NOT_FOUND', async () => {
    const { app, configAdmin } = api();
    configAdmin.pinned.add(UID);
    const res = await app.inject({ method: 'DELETE', url: `/api/v1/agents/${UID}/pin`, headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ assignmentId: 'pin-1', configHash: 'cd'.repeat(32), targetHash: 'ab'.repeat(32) });
    expect(configAdmin.pinsCleared).toEqual([[PRINCIPAL.tenantId, UID, PRINCIPAL.subject]]);
    const again = await app.inject({ method: 'DELETE', url: `/api/v1/agents/${UID}/pin`, headers: AUTH });
    expect([again.statusCode, again.json().error.code]).toEqual([404, 'CONFIG_AGENT_PIN_NOT_FOUND']);
  });
});
