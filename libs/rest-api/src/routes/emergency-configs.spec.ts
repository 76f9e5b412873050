import { parseSelector } from '@shepherd/config-service';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AUTH, PRINCIPAL, testApi } from '../rest-api.test-helpers.js';

const apis: Array<ReturnType<typeof testApi>> = [];
function api() {
  const created = testApi();
  apis.push(created);
  return created;
}
afterEach(async () => {
  for (const a of apis.splice(0)) await a.app.close();
});

const CONFIG = { receivers: { otlp: { protocols: { grpc: {} } } } };

describe('/api/v1/emergency-configs', () => {
  it('sets, lists and clears an emergency config of the caller tenant', async () => {
    const { app, configAdmin } = api();
    const set = await app.inject({ method: 'POST', url: '/api/v1/emergency-configs', headers: AUTH, payload: { target: { match_labels: { env: 'prod' } }, config: CONFIG, description: 'CVE-2030-1' } });
    expect(set.statusCode).toBe(201);
    const { assignmentId } = set.json();
    expect(set.json()).toEqual({ assignmentId, configHash: 'ee'.repeat(32), matchedAgents: 2 });
    const input = configAdmin.emergencies[0]!;
    expect([input.tenantId, input.author, input.selector, input.description]).toEqual([PRINCIPAL.tenantId, PRINCIPAL.subject, parseSelector('env=prod'), 'CVE-2030-1']);
    expect(parse(input.files[0]!.body)).toEqual(CONFIG);

    const listed = await app.inject({ method: 'GET', url: '/api/v1/emergency-configs', headers: AUTH });
    expect(listed.json()).toEqual({
      emergencyConfigs: [{ assignmentId, selector: { matchLabels: { env: 'prod' }, matchExpressions: [] }, configHash: 'ee'.repeat(32), author: PRINCIPAL.subject, createdAt: '2030-01-01T00:00:00.000Z', description: 'CVE-2030-1' }],
    });

    const cleared = await app.inject({ method: 'DELETE', url: `/api/v1/emergency-configs/${assignmentId.toUpperCase()}`, headers: AUTH });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toEqual({ assignmentId, configHash: 'ee'.repeat(32), restoredHash: 'ab'.repeat(32) });
    expect(configAdmin.emergenciesCleared).toEqual([[PRINCIPAL.tenantId, assignmentId, PRINCIPAL.subject]]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/emergency-configs', headers: AUTH })).json()).toEqual({ emergencyConfigs: [] });
    const again = await app.inject({ method: 'DELETE', url: `/api/v1/emergency-configs/${assignmentId}`, headers: AUTH });
    expect([again.statusCode, again.json().error.code]).toEqual([404, 'CONFIG_ASSIGNMENT_NOT_FOUND']);
  });

  it.each([
    ['no config', { target: 'env=prod' }, 'INVALID_REQUEST'],
    ['no target', { config: CONFIG }, 'INVALID_REQUEST'],
    ['a malformed selector', { target: 'env in (', config: CONFIG }, 'CONFIG_INVALID_SELECTOR'],
    ['YAML that does not parse', { target: 'env=prod', config: 'a: [' }, 'CONFIG_INVALID_YAML'],
  ])('answers 400 for %s and sets nothing', async (_, payload, code) => {
    const { app, configAdmin } = api();
    const res = await app.inject({ method: 'POST', url: '/api/v1/emergency-configs', headers: AUTH, payload });
    expect([res.statusCode, res.json().error.code]).toEqual([400, code]);
    expect(configAdmin.emergencies).toEqual([]);
  });

  it('answers 400 for a malformed id and 401 without a token', async () => {
    const { app } = api();
    const bad = await app.inject({ method: 'DELETE', url: '/api/v1/emergency-configs/42', headers: AUTH });
    expect([bad.statusCode, bad.json().error.details]).toEqual([400, { location: 'params', field: 'id' }]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/emergency-configs' })).statusCode).toBe(401);
  });
});
