import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AUTH, PRINCIPAL, agentView, testApi } from '../rest-api.test-helpers.js';

/** The body of the seed document's test script (§9.3), byte for byte. */
const SEED_BODY = `{
    "target": "env=test,region=us-west-2",
    "config": {
      "receivers": {
        "otlp": {
          "protocols": {
            "grpc": {"endpoint": "0.0.0.0:4317"}
          }
        }
      }
    }
  }`;
const SEED_CONFIG = { receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } } };

const apis: Array<ReturnType<typeof testApi>> = [];
function api(...args: Parameters<typeof testApi>) {
  const created = testApi(...args);
  apis.push(created);
  return created;
}
afterEach(async () => {
  for (const a of apis.splice(0)) await a.app.close();
});

const JSON_HEADERS = { ...AUTH, 'content-type': 'application/json' };

describe('POST /api/v1/configs', () => {
  it('accepts the seed document curl body and hands the admin the selector and a collector.yaml file', async () => {
    const { app, configAdmin } = api([
      agentView('0190a000-0000-7000-8000-000000000001', { env: 'test', region: 'us-west-2' }),
      agentView('0190a000-0000-7000-8000-000000000002', { env: 'prod', region: 'us-west-2' }),
    ]);
    const res = await app.inject({ method: 'POST', url: '/api/v1/configs', headers: JSON_HEADERS, payload: SEED_BODY });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ assignmentId: 'asg-1', configHash: 'ab'.repeat(32), matchedAgents: 1 });
    expect(configAdmin.created).toHaveLength(1);
    const input = configAdmin.created[0]!;
    expect(input.tenantId).toBe(PRINCIPAL.tenantId);
    expect(input.author).toBe(PRINCIPAL.subject);
    expect({ ...input.selector.matchLabels }).toEqual({ env: 'test', region: 'us-west-2' });
    expect(input.files).toHaveLength(1);
    const file = input.files[0]!;
    expect(file.name).toBe('collector.yaml');
    expect(file.contentType).toBe('text/yaml');
    expect(file.body).toContain('0.0.0.0:4317');
    expect(parse(file.body)).toEqual(SEED_CONFIG);
    expect(input).not.toHaveProperty('priority');
    expect(input).not.toHaveProperty('name');
  });

  it('accepts the same body on the singular path the seed script posts to', async () => {
    const { app, configAdmin } = api();
    const res = await app.inject({ method: 'POST', url: '/api/v1/config', headers: JSON_HEADERS, payload: SEED_BODY });
    expect(res.statusCode).toBe(201);
    expect(parse(configAdmin.created[0]!.files[0]!.body)).toEqual(SEED_CONFIG);
  });

  it('passes label, description and selector expressions, and answers the superseded previousHash', async () => {
    const { app, configAdmin } = api();
    const create = configAdmin.createConfig.bind(configAdmin);
    configAdmin.createConfig = async (input) => ({ ...(await create(input)), previousHash: 'cd'.repeat(32) });
    const target = { matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] };
    const res = await app.inject({ method: 'POST', url: '/api/v1/configs', headers: AUTH, payload: { target, config: SEED_CONFIG, label: 'v1.4.0', description: 'otlp in' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ assignmentId: 'asg-1', configHash: 'ab'.repeat(32), matchedAgents: 0, previousHash: 'cd'.repeat(32) });
    const input = configAdmin.created[0]!;
    expect([input.label, input.description, input.selector.matchExpressions]).toEqual(['v1.4.0', 'otlp in', [{ key: 'tier', operator: 'NotIn', values: ['db'] }]]);
    const yaml = await app.inject({
      method: 'POST',
      url: `/api/v1/configs?target=${encodeURIComponent('env in (prod),!canary')}&label=v2&description=yaml`,
      headers: { ...AUTH, 'content-type': 'application/yaml' },
      payload: 'receivers:\n  otlp: {}\n',
    });
    expect(yaml.statusCode).toBe(201);
    expect([configAdmin.created[1]!.label, configAdmin.created[1]!.description, configAdmin.created[1]!.selector.matchExpressions.length]).toEqual(['v2', 'yaml', 2]);
  });

  it('passes name and priority and accepts the match_labels and matchLabels object targets', async () => {
    const { app, configAdmin } = api();
    for (const target of [{ match_labels: { env: 'test' } }, { matchLabels: { env: 'test' } }]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/configs',
        headers: AUTH,
        payload: { target, config: SEED_CONFIG, name: 'otlp-in', priority: 7 },
      });
      expect(res.statusCode).toBe(201);
    }
    expect(configAdmin.created.map((c) => [{ ...c.selector.matchLabels }, c.name, c.priority])).toEqual([
      [{ env: 'test' }, 'otlp-in', 7],
      [{ env: 'test' }, 'otlp-in', 7],
    ]);
  });

  it('stores YAML text given in the JSON config field exactly as sent', async () => {
    const { app, configAdmin } = api();
    const text = '# keep me\nreceivers:\n  otlp: {}\n';
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/configs',
      headers: AUTH,
      payload: { target: 'env=test', config: text },
    });
    expect(res.statusCode).toBe(201);
    expect(configAdmin.created[0]!.files[0]!.body).toBe(text);
  });

  it.each(['application/yaml', 'text/yaml; charset=utf-8'])('accepts a %s body with ?target=, name and priority', async (type) => {
    const { app, configAdmin } = api();
    const text = 'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317 # grpc\n';
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/configs?target=env%3Dtest%2Cregion%3Dus-west-2&name=seed&priority=3',
      headers: { ...AUTH, 'content-type': type },
      payload: text,
    });
    expect(res.statusCode).toBe(201);
    const input = configAdmin.created[0]!;
    expect({ ...input.selector.matchLabels }).toEqual({ env: 'test', region: 'us-west-2' });
    expect(input.files).toEqual([{ name: 'collector.yaml', contentType: 'text/yaml', body: text }]);
    expect([input.name, input.priority]).toEqual(['seed', 3]);
  });

  it('answers a YAML syntax error with 400 CONFIG_INVALID_YAML and its line and column', async () => {
    const { app, configAdmin } = api();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/configs?target=env=test',
      headers: { ...AUTH, 'content-type': 'application/yaml' },
      payload: 'receivers:\n  otlp:\n    protocols: [grpc\nexporters: {}\n',
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('CONFIG_INVALID_YAML');
    expect(error.details).toMatchObject({ line: 4, column: 1 });
    expect(error.message).toContain('line 4, column 1');
    expect(configAdmin.created).toHaveLength(0);
  });

  it('reports the position of a YAML error inside the JSON config string too', async () => {
    const { app } = api();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/configs',
      headers: AUTH,
      payload: { target: 'env=test', config: 'a: 1\na: 2\n' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'CONFIG_INVALID_YAML', details: { line: 2, column: 1 } });
  });

  it('refuses YAML that is not a mapping', async () => {
    const { app } = api();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/configs?target=env=test',
      headers: { ...AUTH, 'content-type': 'text/yaml' },
      payload: '- just\n- a list\n',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('CONFIG_INVALID_YAML');
  });

  it.each([
    ['a term that is no requirement', 'env test'],
    ['an unclosed set', 'env in (a,b'],
    ['an empty item', 'env=test,,region=x'],
    ['an empty value', 'env='],
    ['a repeated key with another value', 'env=test,env=prod'],
    ['only spaces', '   '],
  ])('answers 400 CONFIG_INVALID_SELECTOR for a target with %s', async (_what, target) => {
    const { app, configAdmin } = api();
    const res = await app.inject({ method: 'POST', url: '/api/v1/configs', headers: AUTH, payload: { target, config: SEED_CONFIG } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('CONFIG_INVALID_SELECTOR');
    expect(configAdmin.created).toHaveLength(0);
  });

  it('answers 400 CONFIG_INVALID_SELECTOR for an object target with both or neither label maps, or a non-string value', async () => {
    const { app } = api();
    for (const target of [{}, { match_labels: { a: 'b' }, matchLabels: { a: 'b' } }, { match_labels: { env: { nested: true } } }]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/configs', headers: AUTH, payload: { target, config: SEED_CONFIG } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('CONFIG_INVALID_SELECTOR');
    }
  });

  it.each(['target', 'config'])('answers 400 INVALID_REQUEST naming the missing %s field', async (field) => {
    const { app } = api();
    const payload: Record<string, unknown> = { target: 'env=test', config: SEED_CONFIG };
    delete payload[field];
    const res = await app.inject({ method: 'POST', url: '/api/v1/configs', headers: AUTH, payload });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details).toEqual({ location: 'body', field });
    expect(error.message).toContain(`'${field}'`);
  });

  it('answers 400 naming an ill-typed or unknown field', async () => {
    const { app } = api();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ target: 'env=test', config: SEED_CONFIG, priority: 1.5 }, 'priority'],
      [{ target: 'env=test', config: [1, 2] }, 'config'],
      [{ target: 'env=test', config: SEED_CONFIG, priorty: 1 }, 'priorty'],
      [{ target: 'env=test', config: SEED_CONFIG, name: '' }, 'name'],
    ];
    for (const [payload, field] of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/configs', headers: AUTH, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field } });
    }
  });

  it('answers 400 when a YAML body comes without ?target=', async () => {
    const { app } = api();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/configs',
      headers: { ...AUTH, 'content-type': 'application/yaml' },
      payload: 'receivers: {}\n',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'target', location: 'querystring' } });
  });

  it('answers 400 for malformed JSON and for a missing body', async () => {
    const { app } = api();
    const bad = await app.inject({ method: 'POST', url: '/api/v1/configs', headers: JSON_HEADERS, payload: '{"target": ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_REQUEST');
    const none = await app.inject({ method: 'POST', url: '/api/v1/configs', headers: AUTH });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('INVALID_REQUEST');
  });

  it('answers 415 for a body that is neither JSON nor YAML', async () => {
    const { app } = api();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/configs?target=env=test',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      payload: 'receivers: {}',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});
