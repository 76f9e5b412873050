import { createAuthenticator } from '@shepherd/auth';
import { generateSigningKey, publicKeyInfo, signingKeyFromPem } from '@shepherd/config-signing';
import { ShepherdError } from '@shepherd/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeConfigQueries } from './config-queries.test-helpers.js';
import { createRestApi } from './create-rest-api.js';
import { RestApiListenError, RestApiOptionsError } from './errors.js';
import { AUTH, FakeAuthenticator, FakeConfigAdmin, GOOD_TOKEN, capturedLogger, testApi } from './rest-api.test-helpers.js';

class StoreDownError extends ShepherdError {
  readonly code = 'STORE_UNAVAILABLE';
  readonly kind = 'unavailable' as const;
}

const apis: Array<ReturnType<typeof testApi>> = [];
function api(...args: Parameters<typeof testApi>) {
  const created = testApi(...args);
  apis.push(created);
  return created;
}
afterEach(async () => {
  for (const a of apis.splice(0)) await a.app.close();
});

const UID = '0190a000-0000-7000-8000-000000000001';

describe('authentication', () => {
  it.each([
    ['no Authorization header', {}, 'missing bearer token'],
    ['a wrong token', { authorization: 'Bearer nope' }, 'invalid bearer token'],
    ['another scheme', { authorization: `Basic ${GOOD_TOKEN}` }, 'invalid bearer token'],
  ])('answers 401 AUTH_UNAUTHENTICATED with WWW-Authenticate for %s', async (_what, headers, message) => {
    const { app, configAdmin } = api();
    for (const [method, url] of [
      ['GET', '/api/v1/agents'],
      ['GET', `/api/v1/agents/${UID}`],
      ['POST', '/api/v1/configs'],
      ['GET', '/api/v1/openapi.json'],
      ['GET', '/api/v1/no-such-route'],
    ] as const) {
      const res = await app.inject({ method, url, headers });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toEqual({ error: { code: 'AUTH_UNAUTHENTICATED', message } });
    }
    expect(configAdmin.listed.length + configAdmin.fetched.length + configAdmin.created.length).toBe(0);
  });

  it('hands the authenticator the raw Authorization header', async () => {
    const { app, authenticator } = api();
    await app.inject({ method: 'GET', url: '/api/v1/agents', headers: AUTH });
    expect(authenticator.headers).toEqual([AUTH.authorization]);
  });

  it('still requires a token when the path is percent-encoded', async () => {
    const { app, configAdmin } = api();
    const res = await app.inject({ method: 'GET', url: '/%61pi/v1/agents' });
    expect(res.statusCode).toBe(401);
    expect(configAdmin.listed).toHaveLength(0);
  });

  it('rejects an anonymous oversize body with 401 before reading it', async () => {
    const { app } = api([], 1024);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/configs',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ target: 'a=b', config: { x: 'y'.repeat(4096) } }),
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('error answers', () => {
  it('maps a ShepherdError of kind unavailable to 503 with its code and no internals', async () => {
    const { app, configAdmin } = api();
    configAdmin.failWith = new StoreDownError('database unreachable at db.internal:5432', { cause: new Error('ECONNREFUSED') });
    const res = await app.inject({ method: 'GET', url: '/api/v1/agents', headers: AUTH });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('STORE_UNAVAILABLE');
    expect(res.body).not.toContain('db.internal');
    expect(res.body).not.toContain('ECONNREFUSED');
  });

  it('passes a client error of the admin through with its status, code and message', async () => {
    class SelectorRefused extends ShepherdError {
      readonly code = 'INVALID_SELECTOR';
      readonly kind = 'invalid_argument' as const;
    }
    const { app, configAdmin } = api();
    configAdmin.failWith = new SelectorRefused('label key is reserved');
    const res = await app.inject({ method: 'POST', url: '/api/v1/configs', headers: AUTH, payload: { target: 'a=b', config: { x: 1 } } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'INVALID_SELECTOR', message: 'label key is reserved' } });
  });

  it('answers an unexpected error with 500 INTERNAL, no stack or message in the body, and logs it', async () => {
    const { app, configAdmin, log } = api();
    configAdmin.failWith = new TypeError('cannot read properties of undefined (secret detail)');
    const res = await app.inject({ method: 'GET', url: `/api/v1/agents/${UID}`, headers: AUTH });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(res.body).not.toContain('secret detail');
    expect(res.body).not.toMatch(/\bat .*\.ts/);
    const logged = log.lines.find((line) => line['msg'] === 'request failed');
    expect(JSON.stringify(logged)).toContain('secret detail');
  });

  it('answers a body over maxBodyBytes with 413 PAYLOAD_TOO_LARGE', async () => {
    const { app, configAdmin } = api([], 1024);
    for (const [type, payload] of [
      ['application/json', JSON.stringify({ target: 'a=b', config: { x: 'y'.repeat(2048) } })],
      ['application/yaml', `x: ${'y'.repeat(2048)}\n`],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/configs?target=a=b',
        headers: { ...AUTH, 'content-type': type },
        payload,
      });
      expect(res.statusCode, type).toBe(413);
      expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    }
    expect(configAdmin.created).toHaveLength(0);
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND as JSON', async () => {
    const { app } = api();
    for (const url of ['/api/v2/agents', '/elsewhere']) {
      const res = await app.inject({ method: 'GET', url, headers: AUTH });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
    }
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route with bearer security', async () => {
    const { app } = api();
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: AUTH });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/agents',
      '/api/v1/agents/{uid}',
      '/api/v1/agents/{uid}/config-diff',
      '/api/v1/agents/{uid}/pin',
      '/api/v1/agents/{uid}/resolution',
      '/api/v1/agents/{uid}/restart',
      '/api/v1/audit',
      '/api/v1/config',
      '/api/v1/config-history',
      '/api/v1/config-signing-key',
      '/api/v1/config-versions',
      '/api/v1/config-versions/{from}/diff/{to}',
      '/api/v1/config-versions/{hash}',
      '/api/v1/config-versions/{hash}/summary',
      '/api/v1/configs',
      '/api/v1/emergency-configs',
      '/api/v1/emergency-configs/{id}',
      '/api/v1/openapi.json',
      '/api/v1/rollbacks',
    ]);
    expect(doc.paths['/api/v1/configs'].post.requestBody.content).toHaveProperty('application/yaml');
    expect(doc.paths['/api/v1/configs'].post.requestBody.content['application/json'].schema.required).toEqual(['target', 'config']);
    expect(doc.paths['/api/v1/agents'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['label', 'labels', 'limit', 'after']);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists exactly the routes the server answers', async () => {
    const { app } = api();
    await app.ready();
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: AUTH })).json();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        const url = path.replace(/\{(\w+)\}/g, ':$1');
        expect(app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${method} ${path}`).toBe(true);
      }
    }
  });
});

describe('config-signing key', () => {
  it('serves the public key agents pin, behind the bearer token, and 404 when the server does not sign', async () => {
    const key = signingKeyFromPem(generateSigningKey().privateKeyPem);
    const { app } = api([], undefined, publicKeyInfo(key));
    expect((await app.inject({ method: 'GET', url: '/api/v1/config-signing-key' })).statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: '/api/v1/config-signing-key', headers: AUTH });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ keyId: key.keyId, alg: 'Ed25519', publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', kid: key.keyId } });
    expect(res.json().publicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(res.body).not.toContain('PRIVATE');

    const unsigned = api();
    const none = await unsigned.app.inject({ method: 'GET', url: '/api/v1/config-signing-key', headers: AUTH });
    expect(none.statusCode).toBe(404);
  });
});

describe('createRestApi options', () => {
  it('refuses missing dependencies and an out-of-range maxBodyBytes', () => {
    const { logger } = capturedLogger();
    const good = { configAdmin: new FakeConfigAdmin(), configQueries: new FakeConfigQueries(), authenticator: new FakeAuthenticator(), logger };
    expect(() => createRestApi({ ...good, configAdmin: undefined as never })).toThrow(RestApiOptionsError);
    expect(() => createRestApi({ ...good, configQueries: {} as never })).toThrow(/configQueries/);
    expect(() => createRestApi({ ...good, authenticator: {} as never })).toThrow(/authenticator/);
    for (const maxBodyBytes of [0, 1.5, 65 * 1024 * 1024]) {
      expect(() => createRestApi({ ...good, maxBodyBytes })).toThrow(/maxBodyBytes/);
    }
  });
});

describe('listen', () => {
  it('serves real HTTP on port 0 and stops on close', async () => {
    const { api: restApi, configAdmin } = api();
    const running = await restApi.listen({ host: '127.0.0.1', port: 0 });
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    const res = await fetch(`${running.url}/api/v1/configs`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'env=test,region=us-west-2', config: { receivers: { otlp: {} } } }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ assignmentId: 'asg-1' });
    expect({ ...configAdmin.created[0]!.selector.matchLabels }).toEqual({ env: 'test', region: 'us-west-2' });
    await running.close();
    await running.close();
    await expect(fetch(`${running.url}/api/v1/agents`, { headers: AUTH })).rejects.toThrow();
  });

  it('rejects with RestApiListenError when the port is taken', async () => {
    const first = api();
    const running = await first.api.listen({ host: '127.0.0.1', port: 0 });
    const second = api();
    await expect(second.api.listen({ host: '127.0.0.1', port: running.port })).rejects.toBeInstanceOf(RestApiListenError);
    await running.close();
  });
});

describe('with the @shepherd/auth authenticator', () => {
  it('accepts its development token and refuses others with its reason', async () => {
    const { logger } = capturedLogger();
    const devToken = 'dev-token-for-rest-api-tests';
    const { authenticator } = await createAuthenticator({ mode: 'development', tenantClaim: 'tenant', devToken, logger });
    const configAdmin = new FakeConfigAdmin();
    const { app } = createRestApi({ configAdmin, authenticator, logger });
    try {
      const ok = await app.inject({
        method: 'POST',
        url: '/api/v1/configs',
        headers: { authorization: `Bearer ${devToken}` },
        payload: { target: 'env=test', config: { receivers: {} } },
      });
      expect(ok.statusCode).toBe(201);
      expect(configAdmin.created[0]).toMatchObject({ tenantId: 'default', author: 'dev' });
      const missing = await app.inject({ method: 'GET', url: '/api/v1/agents' });
      expect(missing.statusCode).toBe(401);
      expect(missing.json().error.code).toBe('AUTH_UNAUTHENTICATED');
      const wrong = await app.inject({ method: 'GET', url: '/api/v1/agents', headers: { authorization: 'Bearer not-the-token' } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.headers['www-authenticate']).toBe('Bearer');
    } finally {
      await app.close();
    }
  });
});
