import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestTokenIssuer, type TestPublicJwk, type TestTokenIssuer } from '@shepherd/testing';
import { afterAll, beforeAll } from 'vitest';

/** A JWKS endpoint on port 0 whose keys and status a test can change, and which counts fetches. */
export interface JwksServer {
  url: string;
  keys: TestPublicJwk[];
  status: number;
  fetches: number;
  close(): Promise<void>;
}

/** Starts a {@link JwksServer} on 127.0.0.1 serving no keys; close it in afterEach. */
export async function startJwksServer(): Promise<JwksServer> {
  const state = { keys: [] as TestPublicJwk[], status: 200, fetches: 0 };
  const server: Server = createServer((_req, res) => {
    state.fetches += 1;
    res.writeHead(state.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Two token issuers with their own keys (kid `key-1` and `key-2`), e.g. before and after a rotation. */
export interface IssuerPair {
  readonly first: TestTokenIssuer;
  readonly second: TestTokenIssuer;
}

/** Registers beforeAll/afterAll that make and dispose an {@link IssuerPair}; read its fields inside tests. */
export function issuerPairForSpec(): IssuerPair {
  const pair = {} as { first: TestTokenIssuer; second: TestTokenIssuer };
  beforeAll(async () => {
    pair.first = await createTestTokenIssuer({ kid: 'key-1' });
    pair.second = await createTestTokenIssuer({ kid: 'key-2' });
  });
  afterAll(async () => {
    await pair.first.dispose();
    await pair.second.dispose();
  });
  return pair;
}
