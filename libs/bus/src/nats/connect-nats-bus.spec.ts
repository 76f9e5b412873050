import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { testEngines, uniqueName } from '@shepherd/testing';
import { rejectionOf } from '../bus-contract.test-helpers.js';
import { BusUnavailableError, InvalidBusUrlError } from '../errors.js';
import { openBus } from '../open-bus.js';
import { connectNatsBus } from './connect-nats-bus.js';
import { NatsTestAdmin } from './nats-test-admin.test-helpers.js';

const admin = new NatsTestAdmin();
const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  sockets.splice(0).forEach((s) => s.destroy());
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});
afterAll(() => admin.close());

/** A TCP server on a free loopback port; `silent` ones accept but never speak NATS. */
async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

async function freePort(): Promise<number> {
  const { server, port } = await listen();
  servers.splice(servers.indexOf(server), 1);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connectNatsBus', () => {
  it('fails fast with BusUnavailableError naming the address when nothing listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await rejectionOf(connectNatsBus({ servers: `nats://127.0.0.1:${port}`, name: 'unreachable', connectTimeoutMs: 1_500 }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(BusUnavailableError);
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });

  it('gives up after connectTimeoutMs on a server that never answers', async () => {
    const { port } = await listen();
    const started = Date.now();
    const err = await rejectionOf(connectNatsBus({ servers: `127.0.0.1:${port}`, name: 'silent', connectTimeoutMs: 500 }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toBeInstanceOf(BusUnavailableError);
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });

  it.each(['nats://:notaport', 'http://127.0.0.1:4222', 'nats://127.0.0.1:4222/path', 'nats://127.0.0.1:99999', ' , '])(
    'rejects the malformed URL %j with InvalidBusUrlError',
    async (url) => {
      const err = await rejectionOf(connectNatsBus({ servers: url, name: 'bad' }));
      expect(err).toBeInstanceOf(InvalidBusUrlError);
      expect(err.message).toMatch(/NATS URL/);
    },
  );

  it('never puts credentials into error messages', async () => {
    const port = await freePort();
    const err = await rejectionOf(connectNatsBus({ servers: `nats://admin:s3cret@127.0.0.1:${port}`, name: 'creds', connectTimeoutMs: 1_000 }));
    expect(err).toBeInstanceOf(BusUnavailableError);
    expect(err.message).not.toContain('s3cret');
    expect(err.message).toContain(`127.0.0.1:${port}`);
  });
});

describe('openBus', () => {
  it('opens a NATS bus when a URL is set', async () => {
    const prefix = uniqueName('open');
    const bus = await openBus({ url: testEngines.natsUrl, name: 'open-bus-test' });
    try {
      await bus.ensureStream({ name: `${prefix}_s`, subjects: [`${prefix}.>`] });
      expect(await admin.streamNames(prefix)).toEqual([`${prefix}_s`]);
    } finally {
      await bus.close();
      await admin.deleteStreams(prefix);
    }
  });

  it('opens an in-process bus when no URL is set', async () => {
    const prefix = uniqueName('open');
    const bus = await openBus({ name: 'embedded', url: '' });
    try {
      await bus.ensureStream({ name: `${prefix}_s`, subjects: [`${prefix}.>`] });
      expect((await bus.publish(`${prefix}.x`, new Uint8Array([1]))).sequence).toBe(1);
      expect(await admin.streamNames(prefix)).toEqual([]);
    } finally {
      await bus.close();
    }
  });
});
