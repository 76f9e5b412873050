import { AgentNotFoundError, ConfigVersionNotFoundError, InvalidConfigQueryError, InvalidSelectorError } from '@shepherd/config-service';
import { afterEach, describe, expect, it } from 'vitest';
import { createRestApi } from '../create-rest-api.js';
import { AUTH, FakeAuthenticator, FakeConfigAdmin, PRINCIPAL, capturedLogger, testApi } from '../rest-api.test-helpers.js';

const HASH = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);
const UID = '0190a000-0000-7000-8000-000000000001';
const T = PRINCIPAL.tenantId;

const apis: Array<ReturnType<typeof testApi>> = [];
function api() {
  const created = testApi();
  apis.push(created);
  return created;
}
afterEach(async () => {
  for (const a of apis.splice(0)) await a.app.close();
});

async function get(url: string, headers: Record<string, string> = AUTH) {
  const { app, configQueries } = api();
  const res = await app.inject({ method: 'GET', url, headers });
  return { res, calls: configQueries.calls, configQueries };
}

describe('config query routes', () => {
  it.each([
    ['/api/v1/config-versions', 'listVersions', [{ tenantId: T, limit: 100 }]],
    ['/api/v1/config-versions?limit=5&after=abc', 'listVersions', [{ tenantId: T, limit: 5, after: 'abc' }]],
    [`/api/v1/config-versions/${HASH.toUpperCase()}`, 'getVersion', [T, HASH.toUpperCase()]],
    [`/api/v1/config-versions/${HASH}/summary`, 'fleetSummary', [T, HASH]],
    [`/api/v1/config-versions/${HASH}/diff/${OTHER}`, 'diffVersions', [T, HASH, OTHER]],
    ['/api/v1/config-history?selector=env%3Dprod%2Ctier%20in%20(web)', 'history', [{ tenantId: T, limit: 100, selector: 'env=prod,tier in (web)' }]],
    [
      `/api/v1/config-history?selector=${encodeURIComponent('{"matchLabels":{"env":"prod"}}')}&limit=2`,
      'history',
      [{ tenantId: T, limit: 2, selector: { matchLabels: { env: 'prod' } } }],
    ],
    [`/api/v1/config-history?agent=${UID.toUpperCase()}&after=c1`, 'history', [{ tenantId: T, limit: 100, after: 'c1', instanceUid: UID }]],
    [`/api/v1/agents/${UID.toUpperCase()}/config-diff`, 'effectiveConfigDiff', [T, UID]],
    ['/api/v1/audit', 'queryAudit', [{ tenantId: T, limit: 100 }]],
    [
      `/api/v1/audit?actor=bob&action=config.rollback&subject=assignment%3Ax&hash=${HASH}&since=2030-01-01T00:00:00Z&until=2030-02-01T00:00:00Z&limit=10&after=n`,
      'queryAudit',
      [{ tenantId: T, actor: 'bob', action: 'config.rollback', subject: 'assignment:x', hash: HASH, since: '2030-01-01T00:00:00Z', until: '2030-02-01T00:00:00Z', limit: 10, after: 'n' }],
    ],
  ])('GET %s asks %s for the caller tenant and answers its result', async (url, method, args) => {
    const { res, calls, configQueries } = await get(url);
    expect(res.statusCode, res.body).toBe(200);
    expect(calls).toEqual([{ method, args }]);
    const expected = await (configQueries[method as 'history'] as (...a: unknown[]) => Promise<unknown>)(...args);
    expect(res.json()).toEqual(expected);
  });

  it.each([
    ['/api/v1/config-versions/abc', 'hash'],
    [`/api/v1/config-versions/${HASH}/diff/xyz`, 'to'],
    [`/api/v1/config-versions/${'g'.repeat(64)}/summary`, 'hash'],
    ['/api/v1/agents/not-a-uid/config-diff', 'uid'],
    ['/api/v1/config-versions?limit=1001', 'limit'],
    ['/api/v1/audit?limit=0', 'limit'],
    ['/api/v1/audit?hash=12', 'hash'],
    ['/api/v1/config-history?agent=nope', 'agent'],
    ['/api/v1/config-history', 'selector'],
    [`/api/v1/config-history?selector=env%3Dprod&agent=${UID}`, 'agent'],
    ['/api/v1/config-history?selector=%7Bnot%20json', 'selector'],
  ])('answers 400 INVALID_REQUEST naming the field for %s, without asking the service', async (url, field) => {
    const { res, calls } = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field } });
    expect(calls).toEqual([]);
  });

  it.each([
    [new ConfigVersionNotFoundError(HASH), 404, 'CONFIG_VERSION_NOT_FOUND'],
    [new AgentNotFoundError(UID), 404, 'CONFIG_AGENT_NOT_FOUND'],
    [new InvalidConfigQueryError('after must be the `next` cursor of a previous page'), 400, 'CONFIG_INVALID_QUERY'],
    [new InvalidSelectorError('selector pair "x" has no "="'), 400, 'CONFIG_INVALID_SELECTOR'],
  ])('maps %s from the service to its status and code', async (err, status, code) => {
    const { app, configQueries } = api();
    configQueries.failWith = err;
    for (const url of [`/api/v1/config-versions/${HASH}`, '/api/v1/config-history?selector=x', '/api/v1/audit']) {
      const res = await app.inject({ method: 'GET', url, headers: AUTH });
      expect(res.statusCode, url).toBe(status);
      expect(res.json().error).toMatchObject({ code, message: (err as Error).message });
    }
  });

  it('answers 404 ROUTE_NOT_FOUND on the read routes of a server built without a query port', async () => {
    const { app } = createRestApi({ configAdmin: new FakeConfigAdmin(), authenticator: new FakeAuthenticator(), logger: capturedLogger().logger });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/audit', headers: AUTH });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
    } finally {
      await app.close();
    }
  });

  it('refuses an anonymous caller before asking the service', async () => {
    const { res, calls } = await get('/api/v1/audit', {});
    expect(res.statusCode).toBe(401);
    expect(calls).toEqual([]);
  });

  it('documents every read route in the OpenAPI document', async () => {
    const { res } = await get('/api/v1/openapi.json');
    const paths = res.json().paths as Record<string, { get?: { operationId: string } }>;
    expect(Object.fromEntries(Object.entries(paths).filter(([, item]) => item.get !== undefined).map(([path, item]) => [path, item.get!.operationId]))).toMatchObject({
      '/api/v1/config-versions': 'listConfigVersions',
      '/api/v1/config-versions/{hash}': 'getConfigVersion',
      '/api/v1/config-versions/{hash}/summary': 'getConfigVersionSummary',
      '/api/v1/config-versions/{from}/diff/{to}': 'diffConfigVersions',
      '/api/v1/config-history': 'getConfigHistory',
      '/api/v1/agents/{uid}/config-diff': 'getAgentConfigDiff',
      '/api/v1/audit': 'queryAudit',
    });
  });
});
