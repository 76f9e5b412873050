import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startAdminServer, type AdminServer } from './admin-server.js';
import { AdminListenError, RuntimeOptionsError } from './errors.js';
import { createLogger } from './logger.js';
import { Counter, createMetricsRegistry } from './metrics.js';
import { Readiness, type ReadinessProbe } from './readiness.js';

const logger = createLogger({ name: 'admin-test', level: 'silent' });

describe('admin server', () => {
  const servers: AdminServer[] = [];
  let blocker: Server | undefined;

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    blocker = undefined;
  });

  async function start(readiness: ReadinessProbe = new Readiness(), registry?: ReturnType<typeof createMetricsRegistry>): Promise<AdminServer> {
    const server = await startAdminServer({ host: '127.0.0.1', port: 0, logger, readiness, ...(registry ? { registry } : {}) });
    servers.push(server);
    return server;
  }

  it('answers /healthz with 200 {"status":"ok"}', async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when every check passes and 503 naming the failing ones', async () => {
    const readiness = new Readiness();
    let busUp = true;
    readiness.addCheck('bus', () => {
      if (!busUp) throw new Error('bus disconnected');
    });
    readiness.addCheck('store', () => true);
    const server = await start(readiness);

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    busUp = false;
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', failing: [{ name: 'bus', reason: 'bus disconnected' }] });
  });

  it('answers /readyz with 503 for good once the process is marked not ready', async () => {
    const readiness = new Readiness();
    const server = await start(readiness);
    readiness.setNotReady('shutting down');
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', failing: [{ name: 'shutdown', reason: 'shutting down' }] });
    // Liveness is unaffected: the process is still running.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('serves Prometheus text from a fresh registry with default process metrics', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(server.registry.contentType);
    const text = await res.text();
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    const other = await start();
    expect(other.registry).not.toBe(server.registry);
  });

  it('serves the registry it is given, including app metrics', async () => {
    const registry = createMetricsRegistry({ defaultLabels: { service: 'gateway' } });
    new Counter({ name: 'opamp_messages_total', help: 'Messages', registers: [registry] }).inc(5);
    const server = await start(new Readiness(), registry);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('opamp_messages_total{service="gateway"} 5');
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    const server = await start();
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
    const post = await fetch(`${server.url}/healthz`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await fetch(`${server.url}/healthz?verbose=1`)).status).toBe(200);
  });

  it('answers 500 when the readiness probe itself fails', async () => {
    const server = await start({ check: () => Promise.reject(new Error('probe broke')) });
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error' });
  });

  it('closes promptly even with a request in flight, and close is idempotent', async () => {
    const readiness = new Readiness({ checkTimeoutMs: 10_000 });
    let entered!: () => void;
    const checkEntered = new Promise<void>((resolve) => (entered = resolve));
    readiness.addCheck('hangs', () => {
      entered();
      return new Promise<void>(() => undefined);
    });
    const server = await start(readiness);
    const inFlight = fetch(`${server.url}/readyz`);
    inFlight.catch(() => undefined);
    await checkEntered;
    const started = Date.now();
    await Promise.all([server.close(), server.close()]);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(inFlight).rejects.toThrow();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('rejects with AdminListenError when the port is taken', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const attempt = startAdminServer({ host: '127.0.0.1', port, logger, readiness: new Readiness() });
    await expect(attempt).rejects.toBeInstanceOf(AdminListenError);
    await expect(attempt).rejects.toMatchObject({ code: 'ADMIN_LISTEN_FAILED' });
  });

  it('rejects an invalid port before binding', async () => {
    await expect(startAdminServer({ host: '127.0.0.1', port: 70000, logger, readiness: new Readiness() })).rejects.toBeInstanceOf(
      RuntimeOptionsError,
    );
  });
});
